"""Videos as the transcoder leaves them, written straight to the store: list, search and
rating tests need many videos in known states, and transcoding each would take minutes.
The upload path itself is driven end to end in tests/e2e and tests/integration/test_transcoding*."""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.store import counters, keys, videos
from chalicelib.store.models import Video, VideoFile

if TYPE_CHECKING:
    from tests.api_client import ApiClient
    from tests.members import Member

BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def add_video(account_id: int, channel_id: int, name: str, *, minutes: int = 0, **fields: Any) -> Video:
    """A published public video (override any attribute), published `minutes` after BASE_TIME."""
    video_id = counters.next_id("video")
    video_uuid = str(uuid_module.uuid4())
    when = BASE_TIME + timedelta(minutes=minutes)
    values: dict[str, Any] = {
        "id": video_id,
        "uuid": video_uuid,
        "name": name,
        "channel_id": channel_id,
        "account_id": account_id,
        "url": f"{get_settings().instance_url}/videos/watch/{video_uuid}",
        "privacy": 1,
        "state": 1,
        "stage": "done",
        "wait_transcoding": True,
        "duration": 60,
        "aspect_ratio": 1.7778,
        "created_at": when,
        "updated_at": when,
        "published_at": when,
        **fields,
    }
    video = Video(f"VIDEO#{video_id}", "ENTITY", **values)
    videos.create_video(video)
    return video


# A progressive plan's ladder (docs/transcoding.md, "Progressive publication"): the lowest first.
GROWING_LADDER = (
    {"resolution": 144, "width": 256, "height": 144, "fps": 25, "max_bitrate": 200_000},
    {"resolution": 240, "width": 426, "height": 240, "fps": 25, "max_bitrate": 400_000},
)


def published_still_encoding(api: ApiClient, owner: Member, declared: int, **form: Any) -> Video:
    """A direct upload of `owner` (its `declared` size reserved on their quota) as the
    transcoder leaves it at its first rendition: published (state 1) with its 144p HLS file,
    still encoding its 240p one. `videos.publish(video, ..., from_="encoding")` is its last."""
    body = {"name": "Growing", "channelId": owner.channel_id, "filename": "a.mp4", "size": declared}
    started = api.post_json("/api/v1/videos/upload-s3", {**body, "mimeType": "video/mp4", **form}, owner.token)
    assert started.status == 200, started.body
    video = videos.get_video(int(started.json()["video"]["id"]))
    assert video is not None
    source = {"duration": 4, "width": 426, "height": 240}
    plan = {"source": source, "renditions": list(GROWING_LADDER), "chunks": [[0, 4]], "progressive": True}
    assert videos.start_encoding(video, plan, 4, "growing")
    videos.save_file(
        VideoFile(
            keys.video_pk(int(video.id)), keys.video_file_sk(144), video_id=int(video.id), resolution=144,
            width=256, height=144, fps=25, size=100, duration=4, bandwidth=200_000,
            codecs="avc1.64000c,mp4a.40.2", playlist_name="growing-144.m3u8",
            media_name="growing-144-fragmented.mp4",
        )
    )  # fmt: skip
    assert videos.publish_first(video, datetime.now(UTC), [])
    return video
