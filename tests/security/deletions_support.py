"""Helpers of the M12 tests: accounts with many videos whose media are in the buckets, and
counters of the AWS calls a request makes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.media import layout
from chalicelib.store.models import TableItem, Video
from tests.video_seed import add_video


def seed_videos(account_id: int, channel_id: int, count: int, prefix: str = "video") -> list[Video]:
    """Published public videos, each with HLS files, thumbnail and preview in the media
    bucket and its source in the uploads bucket, as the transcoder leaves them."""
    settings = get_settings()
    s3 = aws.s3()
    made = []
    for index in range(count):
        video = add_video(account_id, channel_id, f"{prefix} {index}", minutes=index, has_images=True)
        for name in ("master.m3u8", "0.m3u8", "0-fragmented.mp4"):
            s3.put_object(Bucket=settings.media_bucket, Key=layout.hls_key(video.uuid, name), Body=b"media")
        s3.put_object(Bucket=settings.media_bucket, Key=layout.thumbnail_key(video.uuid), Body=b"jpeg")
        s3.put_object(Bucket=settings.media_bucket, Key=layout.preview_key(video.uuid), Body=b"jpeg")
        s3.put_object(Bucket=settings.uploads_bucket, Key=layout.source_key(video.uuid, "clip.mp4"), Body=b"src")
        made.append(video)
    return made


def objects_of(video: Video) -> list[str]:
    """What the buckets still hold of a video."""
    settings = get_settings()
    s3 = aws.s3()
    found = []
    for bucket, prefix in (
        (settings.media_bucket, layout.hls_prefix(video.uuid)),
        (settings.media_bucket, layout.thumbnail_key(video.uuid)),
        (settings.media_bucket, layout.preview_key(video.uuid)),
        (settings.uploads_bucket, layout.source_key(video.uuid, "")),
        (settings.uploads_bucket, layout.work_prefix(video.uuid)),
    ):
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
        found += [item["Key"] for item in listed.get("Contents", [])]
    return found


def public_media(video: Video) -> list[str]:
    """What viewers could fetch of it (HLS, thumbnail, preview)."""
    return [key for key in objects_of(video) if not key.startswith((layout.SOURCE_PREFIX, layout.WORK_PREFIX))]


@contextmanager
def aws_calls() -> Iterator[Counter[str]]:
    """Every DynamoDB and S3 operation made inside the block, by service and name."""
    calls: Counter[str] = Counter()
    clients: list[Any] = [TableItem._get_connection().connection.client, aws.s3()]

    def record(model: Any, **_: Any) -> None:
        calls[f"{model.service_model.service_name}:{model.name}"] += 1

    for client in clients:
        client.meta.events.register("before-call", record)
    try:
        yield calls
    finally:
        for client in clients:
            client.meta.events.unregister("before-call", record)


def total(calls: Counter[str], service: str) -> int:
    return sum(n for name, n in calls.items() if name.startswith(f"{service}:"))
