"""Storyboards through the API (moto): PeerTube's shape and privacy, the file renamed with the
video's images when it becomes private, deleted with the video, and federated as the Video
object's `preview`."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import aws as aws_clients
from chalicelib.config import get_settings
from chalicelib.domain import storyboards
from chalicelib.domain.videos import remove_video
from chalicelib.media import layout
from chalicelib.store import media, videos
from chalicelib.store.models import Video
from tests.api_client import ApiClient
from tests.members import Member
from tests.openapi import assert_conforms
from tests.video_seed import add_video

FACTS = {"total_width": 1920, "total_height": 216, "sprite_width": 192, "sprite_height": 108, "sprite_duration": 1}
JPEG = b"\xff\xd8\xff\xe0 a storyboard \xff\xd9"


def _object(key: str) -> bytes | None:
    try:
        found = aws_clients.s3().get_object(Bucket=get_settings().media_bucket, Key=key)
    except aws_clients.s3().exceptions.NoSuchKey:
        return None
    return bytes(found["Body"].read())


def _with_storyboard(owner: Member, **fields: Any) -> Video:
    video = add_video(owner.account_id, owner.channel_id, "Storyboarded", has_images=True, **fields)
    media.put_file(layout.storyboard_key(video.images_name), JPEG, "image/jpeg", cache_control=None)
    assert videos.set_storyboard(video, FACTS, video.images_name)
    return videos.get_video(int(video.id)) or video


def test_the_storyboard_is_listed_as_peertube_lists_it(api: ApiClient, people: dict[str, Member]) -> None:
    video = _with_storyboard(people["alice"])
    answer = api.get(f"/api/v1/videos/{video.uuid}/storyboards")
    assert answer.status == 200
    (entry,) = answer.json()["storyboards"]
    assert entry == {
        "storyboardPath": f"/lazy-static/storyboards/{video.uuid}.jpg",
        "fileUrl": f"{get_settings().instance_url}/lazy-static/storyboards/{video.uuid}.jpg",  # PeerTube 7.1+
        "totalHeight": 216,
        "totalWidth": 1920,
        "spriteHeight": 108,
        "spriteWidth": 192,
        "spriteDuration": 1,
    }
    assert_conforms("Storyboard", entry)
    assert _object(entry["storyboardPath"].lstrip("/")) == JPEG, "served where the path says (CloudFront)"
    by_id = api.get(f"/api/v1/videos/{video.id}/storyboards").json()
    assert by_id == answer.json()

    bare = add_video(people["alice"].account_id, people["alice"].channel_id, "No storyboard yet")
    assert api.get(f"/api/v1/videos/{bare.uuid}/storyboards").json() == {"storyboards": []}
    assert api.get("/api/v1/videos/00000000-0000-4000-8000-000000000000/storyboards").status == 404
    assert api.get("/api/v1/videos/not-a-video!/storyboards").status == 400


def test_a_private_videos_storyboard_is_for_those_who_may_see_it(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    video = _with_storyboard(alice, privacy=3, image_name="a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5")
    path = f"/api/v1/videos/{video.uuid}/storyboards"
    assert api.get(path).status == 401
    assert api.get_as(path, bob.token).status == 403
    (entry,) = api.get_as(path, alice.token).json()["storyboards"]
    assert entry["storyboardPath"] == "/lazy-static/storyboards/a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5.jpg"


def test_the_storyboard_is_renamed_when_the_video_becomes_private(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = _with_storyboard(alice)
    public_key = layout.storyboard_key(video.uuid)
    assert api.put_json(f"/api/v1/videos/{video.uuid}", {"privacy": 3}, alice.token).status == 204

    (entry,) = api.get_as(f"/api/v1/videos/{video.uuid}/storyboards", alice.token).json()["storyboards"]
    assert video.uuid not in entry["storyboardPath"], "a name only those who may see the video learn"
    assert _object(entry["storyboardPath"].lstrip("/")) == JPEG
    assert _object(public_key) is None, "not left under the name anyone who knows the UUID can guess"

    remove_video(videos.get_video(int(video.id)) or video)
    assert _object(entry["storyboardPath"].lstrip("/")) is None, "deleted with the video"


def test_storing_follows_a_rename_made_while_drawing(people: dict[str, Member]) -> None:
    """The video became private (its images renamed) between the transcoder's read and its
    write: the sheet ends under the new name, and nothing is left under the old one."""
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "Renamed meanwhile", has_images=True)
    stale = videos.get_video(int(video.id))
    assert stale is not None
    videos.set_media_names(stale, [], "f" * 32)
    grid = storyboards.plan(stale, storyboards.Source("unused", 1280, 720))
    assert grid is not None
    assert storyboards.store(stale, JPEG, grid, 1920, 108)
    current = videos.get_video(int(video.id))
    assert current is not None and current.storyboard is not None
    assert _object(layout.storyboard_key("f" * 32)) == JPEG
    assert _object(layout.storyboard_key(video.uuid)) is None


def test_the_activitypub_video_carries_its_storyboard(api: ApiClient, people: dict[str, Member]) -> None:
    video = _with_storyboard(people["alice"])
    document = api.get(f"/videos/watch/{video.uuid}", headers={"Accept": "application/activity+json"}).json()
    assert document["preview"] == [
        {
            "type": "Image",
            "rel": ["storyboard"],
            "url": [
                {
                    "mediaType": "image/jpeg",
                    "href": f"{get_settings().instance_url}/lazy-static/storyboards/{video.uuid}.jpg",
                    "width": 1920,
                    "height": 216,
                    "tileWidth": 192,
                    "tileHeight": 108,
                    "tileDuration": "PT1S",
                }
            ],
        }
    ]
    bare = add_video(people["alice"].account_id, people["alice"].channel_id, "No storyboard")
    plain = api.get(f"/videos/watch/{bare.uuid}", headers={"Accept": "application/activity+json"}).json()
    assert "preview" not in plain


def test_reading_storyboards_costs_one_read(api: ApiClient, people: dict[str, Member], dynamodb_calls: Any) -> None:
    video = _with_storyboard(people["alice"])
    dynamodb_calls.clear()
    assert api.get(f"/api/v1/videos/{video.uuid}/storyboards").status == 200
    assert "Scan" not in dynamodb_calls and sum(dynamodb_calls.values()) <= 3


def test_the_backfill_asks_for_the_storyboards_missing(people: dict[str, Member]) -> None:
    from functions.transcoder import backfill

    alice = people["alice"]
    missing = add_video(alice.account_id, alice.channel_id, "Published before storyboards")
    made = _with_storyboard(alice)
    refused = add_video(alice.account_id, alice.channel_id, "Uploaded with them off", make_storyboard=False)
    short = add_video(alice.account_id, alice.channel_id, "Two seconds", duration=2)
    remote = add_video(alice.account_id, alice.channel_id, "From elsewhere", is_local=False)
    failed = add_video(alice.account_id, alice.channel_id, "Never published", stage="failed", state=7)

    found = {video.uuid for video in backfill.lacking()}
    assert missing.uuid in found
    assert not found & {made.uuid, refused.uuid, short.uuid, remote.uuid, failed.uuid}

    sqs = aws_clients.sqs()
    url = sqs.get_queue_url(QueueName=get_settings().queues.transcode)["QueueUrl"]
    assert backfill.main([]) == 0
    bodies = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [json.loads(m["Body"]) for m in messages]
    assert {"video": missing.uuid, "kind": "storyboard", "resolution": None, "chunk": None} in bodies
    assert {b["video"] for b in bodies} == found and {b["kind"] for b in bodies} == {"storyboard"}


def test_a_name_stored_as_the_uuid_is_the_uuid(people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "Named after itself", has_images=True)
    video.update(actions=[Video.image_name.set(video.uuid)])
    grid = storyboards.plan(video, storyboards.Source("unused", 1280, 720))
    assert grid is not None and storyboards.store(video, JPEG, grid, 1920, 108)
    assert _object(layout.storyboard_key(video.uuid)) == JPEG
