"""Video ownership changes through the API, over moto (domain/ownership.py): an offer, the
list of offers, PeerTube's refusals, the quota check on accept, the video moving between
accounts with its quota, the Update federated from the former owner, and a refusal."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.store import keys, videos
from chalicelib.store.models import User, Video
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain, drain_federation
from tests.security.private_media_support import MEDIA_BYTES, published_video
from tests.video_seed import published_still_encoding

SIZE = len(MEDIA_BYTES)  # the published video's one (largest) file


def _user_id(api: ApiClient, member: Member) -> int:
    return int(api.get_as("/api/v1/users/me", member.token).json()["id"])


def _owned_video(api: ApiClient, owner: Member) -> Video:
    """A published video of `owner`, counted on their quota as publication counts it."""
    video = published_video(owner)
    user_id = _user_id(api, owner)
    stored = videos.get_video(int(video.id))
    assert stored is not None
    stored.user_id = user_id
    stored.save()
    User(keys.user_pk(user_id), keys.ENTITY_SK).update(actions=[User.video_quota_used.add(SIZE)])
    return stored


def _quota_used(api: ApiClient, member: Member) -> int:
    return int(api.get_as("/api/v1/users/me/video-quota-used", member.token).json()["videoQuotaUsed"])


def _offers(api: ApiClient, member: Member) -> dict[str, Any]:
    answer = api.get_as("/api/v1/videos/ownership", member.token)
    assert answer.status == 200, answer.body
    return dict(answer.json())


def _offer(api: ApiClient, video: Video, giver: Member, to: Member, username: str) -> int:
    give = f"/api/v1/videos/{video.uuid}/give-ownership"
    assert api.post_json(give, {"username": username}, giver.token).status == 204
    return int(next(o for o in _offers(api, to)["data"] if o["video"]["uuid"] == video.uuid)["id"])


def test_an_offer_is_listed_for_its_next_owner_and_refused_as_peertube_refuses(
    api: ApiClient, people: dict[str, Member]
) -> None:
    alice, bob = people["alice"], people["bob"]
    video = _owned_video(api, alice)
    give = f"/api/v1/videos/{video.uuid}/give-ownership"

    assert api.post_json(give, {"username": "alice"}, bob.token).status == 403  # not his
    unknown = api.post_json(give, {"username": "nobody"}, alice.token)
    instance = api.get("/api/v1/config").json()["instance"]["name"]
    assert unknown.status == 400 and unknown.json()["detail"] == f"nobody does not exist on {instance}"
    assert api.post_json(give, {}, alice.token).status == 400
    assert api.post_json("/api/v1/videos/99999999/give-ownership", {"username": "bob"}, alice.token).status == 404
    assert api.post_json(give, {"username": "bob"}, alice.token).status == 204
    assert api.post_json(give, {"username": "bob"}, alice.token).status == 204  # the same offer

    offers = _offers(api, bob)
    assert offers["total"] == 1
    offer = offers["data"][0]
    assert offer["status"] == "WAITING"
    assert (offer["initiatorAccount"]["name"], offer["nextOwnerAccount"]["name"]) == ("alice", "bob")
    assert offer["video"]["uuid"] == video.uuid and offer["createdAt"]
    assert [o["id"] for o in _offers(api, alice)["data"]] == [offer["id"]]  # what she offered (8.2)
    accept = f"/api/v1/videos/ownership/{offer['id']}/accept"

    assert api.post_json(accept, {"channelId": alice.channel_id}, alice.token).status == 403  # not hers to end
    not_his = api.post_json(accept, {"channelId": alice.channel_id}, bob.token)
    assert not_his.status == 403 and not_his.json()["detail"] == "This user has not owner rights on this channel"
    assert api.post_json(accept, {"channelId": 99999999}, bob.token).status == 404
    assert api.post_json(accept, {"channelId": "x"}, bob.token).status == 400
    assert api.post_json("/api/v1/videos/ownership/abc/accept", {"channelId": 1}, bob.token).status == 400
    assert api.post_json("/api/v1/videos/ownership/99999999/accept", {"channelId": 1}, bob.token).status == 404
    assert (videos.get_video(int(video.id)) or video).account_id == alice.account_id


def test_a_video_changes_hands_with_its_quota_and_the_fediverse_hears_it(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    alice, bob = people["alice"], people["bob"]
    peer.follow_our_instance(api)
    video = _owned_video(api, alice)
    accept = f"/api/v1/videos/ownership/{_offer(api, video, alice, bob, 'bob')}/accept"

    # Over bob's quota: PeerTube's 413, and nothing moves.
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    bob_id = _user_id(api, bob)
    assert api.put_json(f"/api/v1/users/{bob_id}", {"videoQuota": SIZE}, root).status == 204
    over = api.post_json(accept, {"channelId": bob.channel_id}, bob.token)
    assert over.status == 413 and over.json()["code"] == "quota_reached", over.body
    assert (videos.get_video(int(video.id)) or video).account_id == alice.account_id
    assert (_quota_used(api, alice), _quota_used(api, bob)) == (SIZE, 0)

    assert api.put_json(f"/api/v1/users/{bob_id}", {"videoQuota": 10 * SIZE}, root).status == 204
    peer.received.clear()
    accepted = api.post_json(accept, {"channelId": bob.channel_id}, bob.token)
    assert accepted.status == 204, accepted.body
    shown = api.get(f"/api/v1/videos/{video.uuid}").json()
    assert (shown["account"]["name"], shown["channel"]["id"]) == ("bob", bob.channel_id)
    stored = videos.get_video(int(video.id))
    assert stored is not None and int(stored.user_id or 0) == bob_id
    assert (_quota_used(api, alice), _quota_used(api, bob)) == (0, SIZE)
    assert _offers(api, bob)["data"][0]["status"] == "ACCEPTED"
    ended = api.post_json(accept, {"channelId": bob.channel_id}, bob.token)
    assert ended.status == 400 and ended.json()["detail"] == "Ownership already accepted or refused"  # PeerTube 8
    mine = api.get_as("/api/v1/accounts/bob/videos", bob.token).json()
    assert [v["uuid"] for v in mine["data"]] == [video.uuid]

    drain_federation()
    received = peer.inbox_activities()
    updates = [a for a in received if a["type"] == "Update"]
    assert len(updates) == 1
    # As PeerTube's changeVideoChannelShare: alice's channel takes its Announce back, bob's
    # announces the video.
    video_url = updates[0]["object"]["id"]
    undos = [a for a in received if a["type"] == "Undo"]
    assert [(u["actor"].rsplit("/", 1)[-1], u["object"]["type"], u["object"]["object"]) for u in undos] == [
        (alice.channel_name, "Announce", video_url)
    ]
    assert undos[0]["object"]["actor"] == undos[0]["actor"] and undos[0]["id"] == f"{undos[0]['object']['id']}/undo"
    announces = [a for a in received if a["type"] == "Announce"]
    assert [(a["actor"].rsplit("/", 1)[-1], a["object"]) for a in announces] == [(bob.channel_name, video_url)]
    assert announces[0]["id"] != undos[0]["object"]["id"]
    update = updates[0]
    assert update["actor"].endswith("/accounts/alice")  # the owner remote instances know
    attributed = {item["id"].rsplit("/", 1)[-1] for item in update["object"]["attributedTo"]}
    assert attributed == {"bob", bob.channel_name}


def test_only_an_administrator_gives_anothers_video_and_a_refused_offer_stays_refused(
    api: ApiClient, people: dict[str, Member]
) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    other = _owned_video(api, alice)
    give_other = f"/api/v1/videos/{other.uuid}/give-ownership"
    assert api.post_json(give_other, {"username": "bob"}, mod.token).status == 403
    assert api.post_json(give_other, {"username": "bob"}, root).status == 204
    waiting = next(o for o in _offers(api, bob)["data"] if o["status"] == "WAITING")
    assert waiting["initiatorAccount"]["name"] == "root"
    refuse = f"/api/v1/videos/ownership/{waiting['id']}/refuse"
    assert api.post_json(refuse, {}, alice.token).status == 403
    assert api.post_json(refuse, {}, bob.token).status == 204
    assert api.post_json(refuse, {}, bob.token).status == 400
    ended = f"/api/v1/videos/ownership/{waiting['id']}/accept"
    assert api.post_json(ended, {"channelId": bob.channel_id}, bob.token).status == 400
    assert (videos.get_video(int(other.id)) or other).account_id == alice.account_id
    assert [o["status"] for o in _offers(api, bob)["data"]] == ["REFUSED"]


def _notifications(api: ApiClient, member: Member) -> list[dict[str, Any]]:
    drain("work")
    return list(api.get_as("/api/v1/users/me/notifications", member.token).json()["data"])


def test_peertube_8_2_states_and_notifications_follow_an_offer_and_its_answers(
    api: ApiClient, people: dict[str, Member]
) -> None:
    alice, bob = people["alice"], people["bob"]
    given, kept = _owned_video(api, alice), _owned_video(api, alice)
    change_id = _offer(api, given, alice, bob, "bob")
    offer = _offers(api, bob)["data"][0]
    assert (offer["state"], offer["status"], offer["videoChannel"]) == ({"id": 1, "label": "Pending"}, "WAITING", None)

    # The offer: VIDEO_OWNERSHIP_CHANGED_REQUEST to bob, nothing to alice.
    told = _notifications(api, bob)
    assert [n["type"] for n in told] == [26]
    about = told[0]["changeOwnership"]
    assert (about["id"], about["state"]) == (change_id, {"id": 1, "label": "Pending"})
    assert (about["initiatorAccount"]["name"], about["nextOwnerAccount"]["name"]) == ("alice", "bob")
    assert about["video"]["uuid"] == given.uuid
    assert _notifications(api, alice) == []

    # Accepted: VIDEO_OWNERSHIP_CHANGED_ACCEPTED to the former channel's owner, not to bob.
    accept = f"/api/v1/videos/ownership/{change_id}/accept"
    assert api.post_json(accept, {"channelId": bob.channel_id}, bob.token).status == 204
    told = _notifications(api, alice)
    assert [(n["type"], n["changeOwnership"]["state"]["id"]) for n in told] == [(27, 3)]
    assert [o["state"]["label"] for o in _offers(api, bob)["data"]] == ["Accepted"]
    assert [n["type"] for n in _notifications(api, bob)] == [26]

    # Refused: VIDEO_OWNERSHIP_CHANGED_REJECTED to alice, told once however often it is asked.
    refused_id = _offer(api, kept, alice, bob, "bob")
    refuse = f"/api/v1/videos/ownership/{refused_id}/refuse"
    assert api.post_json(refuse, {}, bob.token).status == 204
    assert api.post_json(refuse, {}, bob.token).status == 400
    told = _notifications(api, alice)
    newest = told[0]
    assert (newest["type"], newest["changeOwnership"]["state"]) == (28, {"id": 2, "label": "Rejected"})
    assert sorted(n["type"] for n in told) == [27, 28]
    assert {o["id"]: o["state"]["id"] for o in _offers(api, alice)["data"]} == {change_id: 3, refused_id: 2}


def _quota_figures(member_user_id: int) -> tuple[int, int, int]:
    """(used, reserved, entries in the daily window) of a user, as stored."""
    from chalicelib.store import users

    user = users.get_user(member_user_id, consistent=True)
    assert user is not None
    daily = user.daily_uploads.as_dict() if user.daily_uploads is not None else {}  # type: ignore[no-untyped-call]
    return int(user.video_quota_used or 0), int(user.video_quota_reserved or 0), len(daily)


def test_a_video_published_but_still_encoding_is_accepted_with_its_reservation(
    api: ApiClient, people: dict[str, Member]
) -> None:
    """PeerTube lets a video change hands whatever its transcoding (its accept validator checks
    only a live's state and the quota): the upload's reservation moves with the video, and the
    last rendition's publication settles it on the new owner."""
    from datetime import UTC, datetime

    alice, bob = people["alice"], people["bob"]
    alice_id, bob_id = _user_id(api, alice), _user_id(api, bob)
    video = published_still_encoding(api, alice, 600)
    assert _quota_figures(alice_id) == (0, 600, 1)
    stale = videos.get_video(int(video.id))  # what a transcoder read before the change
    accept = f"/api/v1/videos/ownership/{_offer(api, video, alice, bob, 'bob')}/accept"

    # Over bob's quota with the reservation: PeerTube's 413, and nothing moves.
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    assert api.put_json(f"/api/v1/users/{bob_id}", {"videoQuota": 600}, root).status == 204
    over = api.post_json(accept, {"channelId": bob.channel_id}, bob.token)
    assert over.status == 413 and over.json()["code"] == "quota_reached", over.body
    assert api.put_json(f"/api/v1/users/{bob_id}", {"videoQuota": 6000}, root).status == 204

    accepted = api.post_json(accept, {"channelId": bob.channel_id}, bob.token)
    assert accepted.status == 204, accepted.body
    shown = api.get_as(f"/api/v1/videos/{video.uuid}", bob.token).json()
    assert (shown["account"]["name"], shown["channel"]["id"]) == ("bob", bob.channel_id)
    assert _offers(api, bob)["data"][0]["status"] == "ACCEPTED"
    assert _quota_figures(alice_id) == (0, 0, 0)
    assert _quota_figures(bob_id) == (0, 600, 1)
    assert _quota_used(api, bob) == 600  # what a client sees: used and reserved

    # A transcoder that read the video before the change cannot settle it on alice...
    assert stale is not None
    assert not videos.publish(stale, datetime.now(UTC), 900, 700, from_="encoding")
    assert _quota_figures(alice_id) == (0, 0, 0)
    # ...its next run reads it again and settles it on bob.
    current = videos.get_video(int(video.id))
    assert current is not None
    assert videos.publish(current, datetime.now(UTC), 900, 700, from_="encoding")
    assert _quota_figures(alice_id) == (0, 0, 0)
    assert _quota_figures(bob_id) == (700, 0, 1)


def test_a_change_accepted_while_the_last_rendition_is_published_settles_on_the_new_owner(
    api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The transcoder read the video (alice's), then bob accepted it, then the transcoder
    settles the reservation: its publication, conditioned on the owner it read, reads the
    video again and settles it on bob."""
    from chalicelib.domain import transcoding
    from chalicelib.store import uploads_bucket
    from chalicelib.store.models import VideoFile

    alice, bob = people["alice"], people["bob"]
    alice_id, bob_id = _user_id(api, alice), _user_id(api, bob)
    video = published_still_encoding(api, alice, 600)
    # Its 240p packaged too, and every step counted: the next publication is its last.
    videos.save_file(
        VideoFile(
            keys.video_pk(int(video.id)), keys.video_file_sk(240), video_id=int(video.id), resolution=240,
            width=426, height=240, fps=25, size=300, duration=4, bandwidth=400_000,
            codecs="avc1.64001e,mp4a.40.2", playlist_name="growing-240.m3u8", media_name="growing-240-fragmented.mp4",
        )
    )  # fmt: skip
    for resolution in (144, 240):
        uploads_bucket.put_work_file(video.uuid, transcoding.rendition_hashes_name(resolution), b"{}")
    stored = videos.get_video(int(video.id))
    assert stored is not None
    stored.update(actions=[Video.steps_done.set(int(stored.steps_total))])
    accept = f"/api/v1/videos/ownership/{_offer(api, video, alice, bob, 'bob')}/accept"

    answers: list[int] = []
    swarms = transcoding._swarms

    def accepted_meanwhile(*args: Any) -> Any:  # after the transcoder read the video
        if not answers:
            answers.append(api.post_json(accept, {"channelId": bob.channel_id}, bob.token).status)
        return swarms(*args)

    monkeypatch.setattr(transcoding, "_swarms", accepted_meanwhile)
    transcoding.publish(stored)

    assert answers == [204]
    done = videos.get_video(int(video.id))
    assert done is not None and (done.stage, int(done.user_id or 0)) == ("done", bob_id)
    assert _quota_figures(alice_id) == (0, 0, 0)
    assert _quota_figures(bob_id) == (300, 0, 1)


def _daily_used(api: ApiClient, member: Member) -> tuple[int, int]:
    """(videoQuotaUsed, videoQuotaUsedDaily) as the member's client reads them."""
    body = api.get_as("/api/v1/users/me/video-quota-used", member.token).json()
    return int(body["videoQuotaUsed"]), int(body["videoQuotaUsedDaily"])


def test_a_finished_video_uploaded_today_moves_to_the_new_owners_daily_quota(
    api: ApiClient, people: dict[str, Member]
) -> None:
    """PeerTube's daily quota sums the videos a user's account owns created in the last 24
    hours: a video that changes hands leaves its former owner's daily figure and joins the new
    owner's, as its used quota does."""
    from datetime import UTC, datetime

    alice, bob = people["alice"], people["bob"]
    video = published_still_encoding(api, alice, 600)
    current = videos.get_video(int(video.id))
    assert current is not None
    assert videos.publish(current, datetime.now(UTC), 100, 100, from_="encoding")  # its largest file: 100
    assert (_daily_used(api, alice), _daily_used(api, bob)) == ((100, 100), (0, 0))

    accept = f"/api/v1/videos/ownership/{_offer(api, video, alice, bob, 'bob')}/accept"
    assert api.post_json(accept, {"channelId": bob.channel_id}, bob.token).status == 204
    assert (_daily_used(api, alice), _daily_used(api, bob)) == ((0, 0), (100, 100))


@pytest.fixture
def lives_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lives enabled (PeerTube's default is off); listed before `api`, which reads the settings."""
    monkeypatch.setenv("CIRRUS_LIVE_ENABLED", "true")
    monkeypatch.setenv("CIRRUS_LIVE_RTMP_URL", "rtmp://live.example.org:1935/live")


def test_only_a_live_waiting_for_its_stream_is_accepted_and_without_a_quota_check(
    lives_on: None, api: ApiClient, people: dict[str, Member]
) -> None:
    """PeerTube's checkCanAccept: a live that is not WAITING_FOR_LIVE is refused (400), a
    waiting one is accepted without looking at the quota (a live holds none)."""
    from datetime import UTC, datetime

    from chalicelib.store import lives

    alice, bob = people["alice"], people["bob"]
    created = []
    for name in ("waiting", "on", "ended"):
        body = {"channelId": alice.channel_id, "name": f"Live {name}", "privacy": 1}
        answer = api.post_json("/api/v1/videos/live", body, alice.token)
        assert answer.status == 200, answer.body
        stored = videos.get_video(int(answer.json()["video"]["id"]))
        assert stored is not None
        created.append(stored)
    waiting, on, ended = created
    now = datetime.now(UTC)
    assert lives.go_live(on, now)
    assert lives.end_live(ended, now)
    offers = {video.id: _offer(api, video, alice, bob, "bob") for video in created}  # any live may be offered

    root = api.login("root", ROOT_PASSWORD)["access_token"]
    assert api.put_json(f"/api/v1/users/{_user_id(api, bob)}", {"videoQuota": 0}, root).status == 204
    for refused in (on, ended):
        answer = api.post_json(
            f"/api/v1/videos/ownership/{offers[refused.id]}/accept", {"channelId": bob.channel_id}, bob.token
        )
        assert answer.status == 400, answer.body
        assert answer.json()["detail"] == "You can accept an ownership change of a published live."
        assert (videos.get_video(int(refused.id)) or refused).account_id == alice.account_id
    accepted = api.post_json(
        f"/api/v1/videos/ownership/{offers[waiting.id]}/accept", {"channelId": bob.channel_id}, bob.token
    )
    assert accepted.status == 204, accepted.body
    assert (videos.get_video(int(waiting.id)) or waiting).account_id == bob.account_id


def test_a_moderator_ends_a_change_offered_to_another_and_the_video_goes_to_the_channels_account(
    api: ApiClient, people: dict[str, Member]
) -> None:
    """PeerTube 8: whoever has MANAGE_USERS may accept or refuse a change offered to someone
    else (checkCanManageAccount), into a channel they may manage as its owner (MANAGE_ANY_VIDEO_CHANNEL);
    the video moves to that channel, so to its account, with its quota."""
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    refused, accepted = _owned_video(api, alice), _owned_video(api, alice)
    refused_id, accepted_id = _offer(api, refused, alice, bob, "bob"), _offer(api, accepted, alice, bob, "bob")

    assert api.post_json(f"/api/v1/videos/ownership/{refused_id}/refuse", {}, alice.token).status == 403
    assert api.post_json(f"/api/v1/videos/ownership/{refused_id}/refuse", {}, mod.token).status == 204
    answer = api.post_json(f"/api/v1/videos/ownership/{accepted_id}/accept", {"channelId": bob.channel_id}, mod.token)
    assert answer.status == 204, answer.body
    shown = api.get(f"/api/v1/videos/{accepted.uuid}").json()
    assert (shown["account"]["name"], shown["channel"]["id"]) == ("bob", bob.channel_id)
    stored = videos.get_video(int(accepted.id))
    assert stored is not None and int(stored.user_id or 0) == _user_id(api, bob)
    assert (_quota_used(api, alice), _quota_used(api, bob), _quota_used(api, mod)) == (SIZE, SIZE, 0)
    assert {o["id"]: o["status"] for o in _offers(api, bob)["data"]} == {refused_id: "REFUSED", accepted_id: "ACCEPTED"}


def test_the_list_is_oldest_first_unless_asked_otherwise(api: ApiClient, people: dict[str, Member]) -> None:
    """PeerTube lists ownership changes by `req.query.sort || 'createdAt'`: oldest first."""
    alice, bob = people["alice"], people["bob"]
    first = _offer(api, _owned_video(api, alice), alice, bob, "bob")
    second = _offer(api, _owned_video(api, alice), alice, bob, "bob")
    assert [o["id"] for o in _offers(api, bob)["data"]] == [first, second]
    newest = api.get_as("/api/v1/videos/ownership?sort=-createdAt", bob.token).json()
    assert [o["id"] for o in newest["data"]] == [second, first]
