"""Files of the media bucket, served by CloudFront under /static/ and /lazy-static/."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings

# Image names are unique (a new upload gets a new name), so they may be cached forever.
IMMUTABLE = "public, max-age=31536000, immutable"


def put_file(key: str, data: bytes, content_type: str, cache_control: str = IMMUTABLE) -> None:
    aws.s3().put_object(
        Bucket=get_settings().media_bucket, Key=key, Body=data, ContentType=content_type, CacheControl=cache_control
    )


def copy_file(source: str, target: str, content_type: str) -> bool:
    """Copy an object of the media bucket under a new (immutable) name; False if the
    source does not exist."""
    bucket = get_settings().media_bucket
    s3 = aws.s3()
    try:
        s3.copy_object(
            Bucket=bucket,
            Key=target,
            CopySource={"Bucket": bucket, "Key": source},
            CacheControl=IMMUTABLE,
            MetadataDirective="REPLACE",
            ContentType=content_type,
        )
    except s3.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return False
        raise
    return True


def upload_exists(key: str) -> bool:
    """Whether an object is in the uploads bucket (a source whose upload completed)."""
    s3 = aws.s3()
    try:
        s3.head_object(Bucket=get_settings().uploads_bucket, Key=key)
    except s3.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return False
        raise
    return True


def delete_files(keys: Iterable[str]) -> None:
    objects: list[Any] = [{"Key": key} for key in keys]
    for start in range(0, len(objects), 1000):
        aws.s3().delete_objects(Bucket=get_settings().media_bucket, Delete={"Objects": objects[start : start + 1000]})


def delete_prefix(bucket: str, prefix: str) -> None:
    """Delete every object under `prefix` (a video's files; never on a hot path)."""
    s3 = aws.s3()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        objects: list[Any] = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if objects:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})


def delete_video_files(video_uuid: str, images_name: str | None = None) -> None:
    """Everything a video ever had in the buckets: source, work files, HLS, images (named
    after its UUID, or `images_name`: a remote video's copies have a random name)."""
    from chalicelib.media import layout

    settings = get_settings()
    delete_prefix(settings.media_bucket, layout.hls_prefix(video_uuid))
    names = {video_uuid, images_name or video_uuid}
    delete_files([key for name in sorted(names) for key in (layout.thumbnail_key(name), layout.preview_key(name))])
    delete_prefix(settings.uploads_bucket, layout.work_prefix(video_uuid))
    delete_prefix(settings.uploads_bucket, layout.source_key(video_uuid, ""))
