"""Files of the media bucket, served by CloudFront under /static/ and /lazy-static/ (the
uploads bucket, sources and work files, is store/uploads_bucket.py's)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.media import layout

# Image names are unique (a new upload gets a new name), so they may be cached forever.
IMMUTABLE = "public, max-age=31536000, immutable"
# A live's playlists and segment hashes change with every segment (docs/live.md, "On AWS").
LIVE_PLAYLIST = "public, max-age=1"
# A video's master playlist and segment hashes while renditions are still being added to them
# (progressive publication, docs/transcoding.md): players and peers reloading them see the new
# ones within seconds, whatever CloudFront's or a browser's default.
GROWING_PLAYLIST = "public, max-age=2"


def put_file(key: str, data: bytes, content_type: str, cache_control: str | None = IMMUTABLE) -> None:
    """`cache_control` None sends no Cache-Control: the bucket's and CloudFront's defaults apply."""
    cache: dict[str, Any] = {"CacheControl": cache_control} if cache_control else {}
    aws.s3().put_object(Bucket=get_settings().media_bucket, Key=key, Body=data, ContentType=content_type, **cache)


def upload_file(path: Path, key: str, content_type: str, cache_control: str = IMMUTABLE) -> None:
    """A file from disk, in a managed (multipart when large) upload: a packaged rendition."""
    extra = {"ContentType": content_type, "CacheControl": cache_control}
    aws.s3().upload_file(str(path), get_settings().media_bucket, key, ExtraArgs=extra)


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


def delete_files(keys: Iterable[str]) -> None:
    objects: list[Any] = [{"Key": key} for key in keys]
    for start in range(0, len(objects), 1000):
        aws.s3().delete_objects(Bucket=get_settings().media_bucket, Delete={"Objects": objects[start : start + 1000]})


def delete_prefix(bucket: str, prefix: str, keep: str | None = None) -> None:
    """Delete every object under `prefix` (a video's files; never on a hot path), but those
    whose name after the prefix starts with `keep`."""
    s3 = aws.s3()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        found = [str(item["Key"]) for item in page.get("Contents", [])]
        objects: list[Any] = [{"Key": key} for key in found if keep is None or not key[len(prefix) :].startswith(keep)]
        if objects:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})


def keys_under(prefix: str) -> list[str]:
    """The media bucket's keys under `prefix` (one video's HLS files: a few, never thousands)."""
    s3 = aws.s3()
    found: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=get_settings().media_bucket, Prefix=prefix):
        found.extend(str(item["Key"]) for item in page.get("Contents", []))
    return found


def move_file(source: str, target: str) -> None:
    """Copy then delete, keeping type and cache headers. A managed copy, since a rendition of a
    long video may pass the 5 GB a single CopyObject takes. Redoing it after a crash between
    the two steps copies again and deletes: nothing is lost."""
    bucket = get_settings().media_bucket
    s3 = aws.s3()
    s3.copy({"Bucket": bucket, "Key": source}, bucket, target)
    s3.delete_object(Bucket=bucket, Key=source)


def read_file(key: str) -> bytes | None:
    """A small object of the media bucket (a playlist), or None if there is none."""
    s3 = aws.s3()
    try:
        obj = s3.get_object(Bucket=get_settings().media_bucket, Key=key)
    except s3.exceptions.NoSuchKey:
        return None
    return bytes(obj["Body"].read())


def presigned_url(key: str, seconds: int, download_name: str | None = None) -> str:
    """A URL that reads one object of the media bucket for `seconds` (ranges included); with
    `download_name`, S3 answers it as an attachment of that name."""
    params: dict[str, Any] = {"Bucket": get_settings().media_bucket, "Key": key}
    if download_name is not None:
        params["ResponseContentDisposition"] = attachment(download_name)
    return str(aws.s3().generate_presigned_url("get_object", Params=params, ExpiresIn=seconds))


def attachment(filename: str) -> str:
    """A Content-Disposition that saves the file as `filename` (RFC 6266: an ASCII fallback
    and the UTF-8 name)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def exists(key: str) -> bool:
    s3 = aws.s3()
    try:
        s3.head_object(Bucket=get_settings().media_bucket, Key=key)
    except s3.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "403"):
            return False
        raise
    return True


def copy_from_uploads(source_key: str, key: str, content_type: str) -> None:
    """An object of the uploads bucket (a source) copied into the media bucket: S3 copies it
    (in parts past 5 GB), the bytes never reach the function."""
    settings = get_settings()
    aws.s3().copy(
        {"Bucket": settings.uploads_bucket, "Key": source_key},
        settings.media_bucket,
        key,
        ExtraArgs={"ContentType": content_type, "CacheControl": IMMUTABLE, "MetadataDirective": "REPLACE"},
    )


def read_chunks(key: str, chunk_bytes: int = 8 * 1024 * 1024) -> Iterator[bytes]:
    """An object of the media bucket, streamed in order (a file whose pieces are hashed)."""
    body = aws.s3().get_object(Bucket=get_settings().media_bucket, Key=key)["Body"]
    try:
        yield from body.iter_chunks(chunk_bytes)
    finally:
        body.close()


# Torrents: small documents under torrents/, which the API serves (layout.TORRENTS_KEYS).


def put_torrent(name: str, content: bytes) -> None:
    aws.s3().put_object(
        Bucket=get_settings().media_bucket,
        Key=layout.torrent_key(name),
        Body=content,
        ContentType="application/x-bittorrent",
    )


def read_torrent(name: str) -> bytes | None:
    return read_file(layout.torrent_key(name))


def delete_generated(video_uuid: str) -> None:
    """A video's generated downloads (rebuilt on request)."""
    delete_prefix(get_settings().media_bucket, layout.generated_prefix(video_uuid))


def delete_video_files(video_uuid: str, images_name: str | None = None) -> None:
    """Everything a video ever had in the buckets: source, work files, HLS (a live's too) and
    web videos (public or private), torrents, captions, images and storyboard (under the video's UUID, and under
    their random name if they have one), generated downloads and file metadata."""
    settings = get_settings()
    delete_prefix(settings.media_bucket, layout.hls_prefix(video_uuid))
    delete_prefix(settings.media_bucket, layout.hls_prefix(video_uuid, private=True))
    delete_prefix(settings.media_bucket, layout.web_videos_prefix(video_uuid))
    delete_prefix(settings.media_bucket, layout.web_videos_prefix(video_uuid, private=True))
    delete_prefix(settings.media_bucket, layout.torrents_prefix(video_uuid))
    delete_prefix(settings.media_bucket, layout.captions_prefix(video_uuid))
    delete_prefix(settings.media_bucket, layout.generated_prefix(video_uuid))
    delete_prefix(settings.media_bucket, layout.file_metadata_prefix(video_uuid))
    for private in (False, True):
        delete_prefix(settings.media_bucket, layout.live_directory(video_uuid, private) + "/")
    names = {video_uuid, images_name or video_uuid}
    image_keys = (layout.thumbnail_key, layout.preview_key, layout.storyboard_key)
    delete_files([key_of(name) for name in sorted(names) for key_of in image_keys])
    delete_prefix(settings.uploads_bucket, layout.work_prefix(video_uuid))
    delete_prefix(settings.uploads_bucket, layout.source_key(video_uuid, ""))
