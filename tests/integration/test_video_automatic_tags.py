"""Videos' automatic tags (PeerTube's buildVideoAutomaticTags): the instance's watched-word
lists and the core tag over a video's name and description, made by a work task when a video
is uploaded, changed or stored from another server, and read by the staff's lists through
`autoTagOneOf` and `include` flag 64."""

from __future__ import annotations

from typing import Any

from chalicelib.store import videos
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.queue_runner import drain
from tests.security.private_media_support import published_video

SERVER_LISTS = "/api/v1/watched-words/server/lists"
WITH_TAGS = 64


def _listed(api: ApiClient, token: str | None, query: str) -> Any:
    return api.get_as(f"/api/v1/videos?{query}", token)


def _tags_by_uuid(answer: Any) -> dict[str, list[str]]:
    assert answer.status == 200, answer.body
    return {video["uuid"]: video.get("automaticTags") for video in answer.json()["data"]}


def test_the_staff_find_videos_by_the_instances_tags(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    made = api.post_json(SERVER_LISTS, {"listName": "gambling", "words": ["casino"]}, root)
    assert made.status == 200, made.body
    video = published_video(alice)
    quiet = published_video(alice)

    changed = api.put_json(
        f"/api/v1/videos/{video.uuid}",
        {"name": "Casino night", "description": "Tickets on https://tickets.example.net/casino"},
        alice.token,
    )
    assert changed.status == 204, changed.body
    assert api.put_json(f"/api/v1/videos/{quiet.uuid}", {"name": "Quiet walk"}, alice.token).status == 204
    drain("work")

    tagged = _tags_by_uuid(_listed(api, root, f"autoTagOneOf=gambling&include={WITH_TAGS}"))
    assert tagged == {video.uuid: ["gambling", "external-link"]}
    linked = _tags_by_uuid(_listed(api, root, "autoTagOneOf=external-link&autoTagOneOf=nothing"))
    assert set(linked) == {video.uuid}
    everything = _tags_by_uuid(_listed(api, root, f"include={WITH_TAGS}"))
    assert everything[quiet.uuid] == [] and everything[video.uuid] == ["gambling", "external-link"]
    assert all(tags is None for tags in _tags_by_uuid(_listed(api, root, "count=50")).values())

    for token in (None, alice.token):
        refused = _listed(api, token, "autoTagOneOf=gambling")
        assert refused.status == 401, refused.body
        assert "auto tags filter" in refused.json()["detail"]

    # A new name drops the tag; the list follows.
    assert (
        api.put_json(f"/api/v1/videos/{video.uuid}", {"name": "Card night", "description": ""}, alice.token).status
        == 204
    )
    drain("work")
    assert _tags_by_uuid(_listed(api, root, "autoTagOneOf=gambling")) == {}
    assert _tags_by_uuid(_listed(api, root, f"include={WITH_TAGS}"))[video.uuid] == []


def test_uploaded_published_and_remote_videos_are_tagged_by_a_work_task(
    api: ApiClient, people: dict[str, Member]
) -> None:
    from chalicelib.domain import events

    alice = people["alice"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    assert api.post_json(SERVER_LISTS, {"listName": "gambling", "words": ["casino"]}, root).status == 200
    made = {}
    for kind in ("uploaded", "published", "remote"):
        video = published_video(alice)
        video.update(actions=[type(video).name.set(f"A {kind} casino")])
        made[kind] = video.uuid
    found = {v.uuid: v for v in (videos.find_video_by_uuid(uuid) for uuid in made.values()) if v is not None}
    events.emit(events.VideoUploaded(found[made["uploaded"]]))
    events.emit(events.VideoPublished(found[made["published"]]))
    events.emit(events.RemoteVideoStored(found[made["remote"]], was_public=False))
    assert _tags_by_uuid(_listed(api, root, "autoTagOneOf=gambling")) == {}  # not yet: the work task tags
    drain("work")
    tagged = _tags_by_uuid(_listed(api, root, f"autoTagOneOf=gambling&include={WITH_TAGS}"))
    assert tagged == {uuid: ["gambling"] for uuid in made.values()}
