"""Video blocks (PeerTube's video blacklist): who may block, what a block hides and from whom,
the moderators' list, the owner's notifications, and the Delete and Create an unfederated
block sends."""

from __future__ import annotations

from typing import Any

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain_federation
from tests.video_seed import add_video


def _block(api: ApiClient, token: str | None, video: Any, **body: Any) -> Any:
    return api.post_json(f"/api/v1/videos/{video.uuid}/blacklist", body, token)


def _ids(api: ApiClient, path: str, token: str | None = None) -> list[str]:
    answer = api.get_as(path, token) if token else api.get(path)
    assert answer.status == 200, answer.body
    return [v["uuid"] for v in answer.json()["data"]]


def test_a_blocked_video_is_hidden_from_all_but_its_owner_and_the_moderators(
    api: ApiClient, people: dict[str, Member]
) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "Forbidden cats")
    other = add_video(alice.account_id, alice.channel_id, "Allowed cats", minutes=1)

    assert _block(api, bob.token, video, reason="spam").status == 403  # users may not
    assert _block(api, None, video).status == 401
    assert _block(api, mod.token, video, reason="x" * 301).status == 400
    assert _block(api, mod.token, video, reason="Not about cats").status == 204
    assert _block(api, mod.token, video).status == 409  # once

    # Gone from lists, search and the channel's page, for everyone, moderators included...
    for token in (None, bob.token, mod.token):
        assert _ids(api, "/api/v1/videos", token) == [other.uuid]
        assert _ids(api, "/api/v1/search/videos?search=cats", token) == [other.uuid]
        assert _ids(api, f"/api/v1/video-channels/{alice.channel_name}/videos", token) == [other.uuid]
    # ...but with `include` flag 2 for those who may see all videos, and in the owner's own list.
    assert set(_ids(api, "/api/v1/videos?include=2", mod.token)) == {video.uuid, other.uuid}
    assert api.get_as("/api/v1/videos?include=2", bob.token).status == 401
    mine = api.get_as("/api/v1/users/me/videos", alice.token).json()["data"]
    assert {v["uuid"]: (v["blacklisted"], v["blacklistedReason"]) for v in mine} == {
        video.uuid: (True, "Not about cats"),
        other.uuid: (False, None),
    }
    # The video itself: its owner and moderators only.
    assert api.get(f"/api/v1/videos/{video.uuid}").status == 401
    assert api.get_as(f"/api/v1/videos/{video.uuid}", bob.token).status == 403
    for token in (alice.token, mod.token):
        details = api.get_as(f"/api/v1/videos/{video.uuid}", token).json()
        assert (details["blacklisted"], details["blacklistedReason"]) == (True, "Not about cats")

    # The moderators' list, its filters and the reason changed.
    listed = api.get_as("/api/v1/videos/blacklist", mod.token).json()
    assert listed["total"] == 1
    (block,) = listed["data"]
    assert (block["videoId"], block["reason"], block["type"], block["unfederated"]) == (
        video.id,
        "Not about cats",
        1,
        False,
    )
    assert block["video"]["uuid"] == video.uuid and block["video"]["blacklisted"] is True
    assert api.get_as("/api/v1/videos/blacklist?type=2", mod.token).json()["total"] == 0
    assert api.get_as("/api/v1/videos/blacklist?search=nothing", mod.token).json()["total"] == 0
    assert api.get_as("/api/v1/videos/blacklist?search=FORBIDDEN", mod.token).json()["total"] == 1
    assert api.get_as("/api/v1/videos/blacklist?type=3", mod.token).status == 400
    assert api.get_as("/api/v1/videos/blacklist", bob.token).status == 403
    changed = api.put_json(f"/api/v1/videos/{video.uuid}/blacklist", {"reason": "Spam"}, mod.token)
    assert changed.status == 204
    assert api.get_as("/api/v1/videos/blacklist", mod.token).json()["data"][0]["reason"] == "Spam"

    # Lifted: back everywhere; a second lift finds nothing.
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/blacklist", bob.token).status == 403
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/blacklist", mod.token).status == 204
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/blacklist", mod.token).status == 404
    assert set(_ids(api, "/api/v1/videos")) == {video.uuid, other.uuid}
    assert api.get(f"/api/v1/videos/{video.uuid}").json()["blacklisted"] is False


def test_the_owner_is_told_of_a_block_and_of_its_end(api: ApiClient, people: dict[str, Member]) -> None:
    alice, mod = people["alice"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "Told")
    assert _block(api, mod.token, video, reason="Spam").status == 204
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/blacklist", mod.token).status == 204
    drain_federation()
    drain_federation()  # redelivered work changes nothing
    listed = api.get_as("/api/v1/users/me/notifications?sort=createdAt", alice.token).json()["data"]
    assert [n["type"] for n in listed] == [4, 5]
    assert listed[0]["videoBlacklist"]["video"]["uuid"] == video.uuid
    assert listed[1]["video"]["uuid"] == video.uuid


def test_an_unfederated_block_deletes_the_video_on_other_servers_and_its_end_creates_it(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    alice, mod = people["alice"], people["mod"]
    peer.follow_our_instance(api)
    video = add_video(alice.account_id, alice.channel_id, "Withdrawn")
    assert _block(api, mod.token, video, unfederate=True).status == 204
    drain_federation()
    sent = [a for a in peer.inbox_activities() if a["type"] in ("Delete", "Create", "Update")]
    assert [(a["type"], a["object"] if a["type"] == "Delete" else "") for a in sent] == [("Delete", video.url)]
    document = api.get(f"/videos/watch/{video.uuid}", headers={"Accept": "application/activity+json"})
    assert document.status == 404  # nor fetched

    peer.received.clear()
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/blacklist", mod.token).status == 204
    drain_federation()
    # The instance's followers hear of a new video through the instance actor's Announce.
    announced = [a for a in peer.inbox_activities() if a["type"] == "Announce"]
    assert announced and {a["object"] for a in announced} == {video.url}


def test_a_remote_video_is_blocked_but_never_unfederated(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    import uuid

    root = api.login("root", ROOT_PASSWORD)["access_token"]
    remote_uuid = str(uuid.uuid4())
    peer.publish(api, peer.video(remote_uuid, "Elsewhere"))
    answer = api.post_json(f"/api/v1/videos/{remote_uuid}/blacklist", {"unfederate": True}, root)
    assert answer.status == 409
    assert api.post_json(f"/api/v1/videos/{remote_uuid}/blacklist", {}, root).status == 204
    assert api.get(f"/api/v1/videos/{remote_uuid}").status == 401


def test_the_auto_blacklist_holds_back_untrusted_uploads_until_a_moderator_lifts_it(
    api: ApiClient, people: dict[str, Member]
) -> None:
    from tests.integration.test_notifications import _subscribers, kinds

    alice, mod = people["alice"], people["mod"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    config = api.get_as("/api/v1/config/custom", root).json()
    config["autoBlacklist"]["videos"]["ofUsers"]["enabled"] = True
    assert api.put_json("/api/v1/config/custom", config, root).status == 200
    (fan,) = _subscribers(api, root, alice.channel_name, 1)
    drain_federation()

    held = _upload(api, alice)
    trusted = _upload(api, mod)  # moderators are not held back
    listed = api.get_as("/api/v1/videos/blacklist?type=2", mod.token).json()
    assert [b["video"]["uuid"] for b in listed["data"]] == [held]
    assert listed["data"][0]["unfederated"] is True
    assert listed["data"][0]["reason"] == "Auto-blacklisted. Moderator review required."
    drain_federation()
    moderators = [n for n in api.get_as("/api/v1/users/me/notifications", mod.token).json()["data"] if n["type"] == 12]
    assert [n["videoBlacklist"]["video"]["uuid"] for n in moderators] == [held]
    assert trusted != held

    _publish(held)
    drain_federation()
    assert 1 not in kinds(api, fan)  # nothing to subscribers while held back
    assert api.delete_as(f"/api/v1/videos/{held}/blacklist", mod.token).status == 204
    drain_federation()
    drain_federation()
    assert kinds(api, fan).count(1) == 1  # told now, once


def _upload(api: ApiClient, member: Member) -> str:
    """A legacy upload of a tiny file: the video exists (waiting for transcoding)."""
    answer = api.request(
        "POST",
        "/api/v1/videos/upload",
        body=_multipart({"channelId": str(member.channel_id), "name": "Held back?", "privacy": "1"}, b"\x00" * 64),
        headers={
            "Authorization": f"Bearer {member.token}",
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        },
    )
    assert answer.status == 200, answer.body
    return str(answer.json()["video"]["uuid"])


BOUNDARY = "cirrus-test-boundary"


def _multipart(fields: dict[str, str], data: bytes) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="videofile"; filename="a.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _publish(video_uuid: str) -> None:
    """As the transcoder does when done: the video published, its event emitted."""
    from chalicelib.domain import events
    from chalicelib.store import videos

    video = videos.find_video_by_uuid(video_uuid)
    assert video is not None
    assert videos.update_metadata(video, {"state": 1, "stage": "done"}, 0)
    events.emit(events.VideoPublished(video))
