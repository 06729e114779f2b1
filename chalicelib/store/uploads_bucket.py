"""The uploads bucket: each video's source as it arrives (in one piece, or as an S3
multipart upload sent by the client straight to S3 or chunk by chunk through the API), and
the transcoder's work files under `work/<uuid>/` (chunks, audio, per-rendition hashes, a
resumable upload's pending bytes).

Nothing here is public: the transcoder reads sources and work files over presigned URLs
(ffmpeg seeks with range requests), and clients write parts over presigned URLs. The media
bucket, which CloudFront serves, is store/media.py's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.media import layout
from chalicelib.observability import logger
from chalicelib.store.media import delete_prefix


@dataclass(frozen=True)
class UploadedPart:
    """A part S3 holds of a multipart upload."""

    number: int
    etag: str
    size: int


class PartsRefused(Exception):
    """S3 would not complete a multipart upload with these parts; the message is S3's."""


# Sources ------------------------------------------------------------------------------------


def put_source(key: str, data: bytes, content_type: str) -> None:
    """A whole source in one request (PeerTube's legacy upload)."""
    aws.s3().put_object(Bucket=_bucket(), Key=key, Body=data, ContentType=content_type)


def source_url(key: str, seconds: int) -> str:
    """A URL that reads the source for `seconds` (range requests included)."""
    return _read_url(key, seconds)


def source_download_url(key: str, seconds: int, filename: str) -> str:
    """The source as an attachment named `filename` (the kept original's download)."""
    from chalicelib.store.media import attachment

    params = {"Bucket": _bucket(), "Key": key, "ResponseContentDisposition": attachment(filename)}
    return str(aws.s3().generate_presigned_url("get_object", Params=params, ExpiresIn=seconds))


def source_size(key: str) -> int:
    return int(aws.s3().head_object(Bucket=_bucket(), Key=key)["ContentLength"])


def source_exists(key: str) -> bool:
    """Whether the source is in the bucket (its upload completed)."""
    s3 = aws.s3()
    try:
        s3.head_object(Bucket=_bucket(), Key=key)
    except s3.exceptions.ClientError as error:
        # Without s3:ListBucket (the sweeper has none), S3 answers 403 for a missing key.
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "403"):
            return False
        raise
    return True


def delete_source(key: str) -> None:
    aws.s3().delete_object(Bucket=_bucket(), Key=key)


def promote_work_file(video_uuid: str, name: str, key: str) -> None:
    """A work file becomes the video's source (a server-side copy, multipart past 5 GB):
    its arrival at `key` starts transcoding, as an upload's does."""
    source: Any = {"Bucket": _bucket(), "Key": layout.work_key(video_uuid, name)}
    aws.s3().copy(source, _bucket(), key)


# Multipart uploads of sources -----------------------------------------------------------------


def start_multipart(key: str, content_type: str) -> str:
    """Start a multipart upload of the source; its UploadId."""
    return str(aws.s3().create_multipart_upload(Bucket=_bucket(), Key=key, ContentType=content_type)["UploadId"])


def part_url(key: str, upload_id: str, number: int, seconds: int) -> str:
    """A URL the client PUTs part `number` to, for `seconds`."""
    params = {"Bucket": _bucket(), "Key": key, "UploadId": upload_id, "PartNumber": number}
    return str(aws.s3().generate_presigned_url("upload_part", Params=params, ExpiresIn=seconds))


def upload_part(key: str, upload_id: str, number: int, data: bytes) -> str:
    """Write part `number` through the API (resumable uploads); its ETag."""
    answer = aws.s3().upload_part(Bucket=_bucket(), Key=key, UploadId=upload_id, PartNumber=number, Body=data)
    return str(answer["ETag"])


def list_parts(key: str, upload_id: str) -> list[UploadedPart]:
    """The parts S3 holds, every page of ListParts (1,000 parts a page)."""
    parts: list[UploadedPart] = []
    pages = aws.s3().get_paginator("list_parts").paginate(Bucket=_bucket(), Key=key, UploadId=upload_id)
    for page in pages:
        parts += [UploadedPart(p["PartNumber"], p["ETag"], int(p["Size"])) for p in page.get("Parts", [])]
    return parts


def complete_multipart(key: str, upload_id: str, parts: Iterable[tuple[int, str]]) -> None:
    """Join the (number, ETag) parts into the source; PartsRefused if S3 will not."""
    s3 = aws.s3()
    listed: list[Any] = [{"PartNumber": number, "ETag": etag} for number, etag in parts]
    try:
        s3.complete_multipart_upload(Bucket=_bucket(), Key=key, UploadId=upload_id, MultipartUpload={"Parts": listed})
    except s3.exceptions.ClientError as error:
        raise PartsRefused(error.response.get("Error", {}).get("Message", "invalid parts")) from None


def abort_multipart(key: str, upload_id: str) -> None:
    aws.s3().abort_multipart_upload(Bucket=_bucket(), Key=key, UploadId=upload_id)


# Work files -----------------------------------------------------------------------------------


def work_url(video_uuid: str, name: str, seconds: int) -> str:
    """A URL that reads one of the video's work files for `seconds`."""
    return _read_url(layout.work_key(video_uuid, name), seconds)


def upload_work_file(video_uuid: str, name: str, path: Path) -> None:
    """A work file from disk (a managed upload: a chunk may be large)."""
    aws.s3().upload_file(str(path), _bucket(), layout.work_key(video_uuid, name))


def put_work_file(video_uuid: str, name: str, data: bytes) -> None:
    aws.s3().put_object(Bucket=_bucket(), Key=layout.work_key(video_uuid, name), Body=data)


def read_work_file(video_uuid: str, name: str) -> bytes:
    return bytes(aws.s3().get_object(Bucket=_bucket(), Key=layout.work_key(video_uuid, name))["Body"].read())


def work_upload_url(video_uuid: str, name: str, seconds: int) -> str:
    """A URL a remote runner PUTs one work file to, for `seconds` (no API body limit)."""
    params = {"Bucket": _bucket(), "Key": layout.work_key(video_uuid, name)}
    return str(aws.s3().generate_presigned_url("put_object", Params=params, ExpiresIn=seconds))


def work_file_size(video_uuid: str, name: str) -> int | None:
    """The size of a work file, or None when there is none."""
    s3 = aws.s3()
    try:
        answer = s3.head_object(Bucket=_bucket(), Key=layout.work_key(video_uuid, name))
    except s3.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "403"):
            return None
        raise
    return int(answer["ContentLength"])


def work_file_start(video_uuid: str, name: str, length: int) -> bytes:
    """The first `length` bytes of a work file (a range request)."""
    return work_file_range(video_uuid, name, 0, length)


def work_file_range(video_uuid: str, name: str, start: int, length: int) -> bytes:
    """`length` bytes of a work file from `start` (one range request; fewer at its end)."""
    key = layout.work_key(video_uuid, name)
    answer = aws.s3().get_object(Bucket=_bucket(), Key=key, Range=f"bytes={start}-{start + length - 1}")
    return bytes(answer["Body"].read())


def copy_work_file(video_uuid: str, source: str, target: str) -> None:
    """One work file copied to another name, inside S3 (up to 5 GB in one request)."""
    bucket = _bucket()
    aws.s3().copy_object(
        Bucket=bucket,
        Key=layout.work_key(video_uuid, target),
        CopySource={"Bucket": bucket, "Key": layout.work_key(video_uuid, source)},
    )


# S3 copies at most 5 GB per part, and parts but the last must be 5 MB or more. Parts are
# copied at once, so that a copy of gigabytes fits in a request's time (API Gateway: 29 s).
COPY_PART_BYTES = 256 * 1024**2
COPY_PARTS_AT_ONCE = 8


def copy_work_file_range(video_uuid: str, source: str, target: str, start: int, length: int) -> None:
    """`length` bytes of one work file from `start`, as another work file, inside S3: a
    multipart copy with source ranges (a plain copy cannot take part of an object), its
    parts copied in parallel."""
    from concurrent.futures import ThreadPoolExecutor

    s3, bucket = aws.s3(), _bucket()
    key = layout.work_key(video_uuid, target)
    copied: Any = {"Bucket": bucket, "Key": layout.work_key(video_uuid, source)}
    upload_id = str(s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"])

    def copy_part(number: int, offset: int) -> dict[str, Any]:
        last = min(offset + COPY_PART_BYTES, start + length) - 1
        answer = s3.upload_part_copy(
            Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number,
            CopySource=copied, CopySourceRange=f"bytes={offset}-{last}",
        )  # fmt: skip
        return {"PartNumber": number, "ETag": answer["CopyPartResult"]["ETag"]}

    offsets = list(enumerate(range(start, start + length, COPY_PART_BYTES), start=1))
    try:
        with ThreadPoolExecutor(max_workers=min(COPY_PARTS_AT_ONCE, len(offsets))) as pool:
            parts: list[Any] = list(pool.map(lambda part: copy_part(*part), offsets))
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    except Exception:
        try:
            s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
        except Exception as error:  # the bucket's lifecycle rule aborts what is left
            logger.warning("multipart copy not aborted", extra={"key": key, "reason": str(error)})
        raise


def work_upload_form(video_uuid: str, name: str, max_bytes: int, seconds: int) -> dict[str, Any]:
    """A presigned POST (`url` and form `fields`) that writes one work file of at most
    `max_bytes` (S3 refuses a larger one: the policy's content-length-range), for `seconds`."""
    form = aws.s3().generate_presigned_post(
        _bucket(),
        layout.work_key(video_uuid, name),
        Conditions=[["content-length-range", 1, max_bytes]],
        ExpiresIn=seconds,
    )
    return {"url": str(form["url"]), "fields": dict(form["fields"])}


def delete_work_file(video_uuid: str, name: str) -> None:
    aws.s3().delete_object(Bucket=_bucket(), Key=layout.work_key(video_uuid, name))


def delete_work_prefix(video_uuid: str, folder: str) -> None:
    """The work files of one folder of the video's work area (`folder` ends with a slash)."""
    delete_prefix(_bucket(), layout.work_key(video_uuid, folder))


def delete_work(video_uuid: str, keep: str | None = None) -> None:
    """Every work file of the video (after publication; a lifecycle rule catches the rest),
    but those whose name starts with `keep`."""
    delete_prefix(_bucket(), layout.work_prefix(video_uuid), keep)


def _read_url(key: str, seconds: int) -> str:
    params = {"Bucket": _bucket(), "Key": key}
    return str(aws.s3().generate_presigned_url("get_object", Params=params, ExpiresIn=seconds))


def _bucket() -> str:
    return get_settings().uploads_bucket


class MultipartWriter:
    """Parts of one S3 multipart upload in the uploads bucket, sent as they fill (a video
    import's download, media/url_source.py)."""

    def __init__(self, key: str, content_type: str) -> None:
        self.key = key
        self.upload_id = start_multipart(key, content_type)
        self.parts: list[tuple[int, str]] = []

    def write(self, data: bytes) -> None:
        number = len(self.parts) + 1
        self.parts.append((number, upload_part(self.key, self.upload_id, number, data)))

    def complete(self) -> None:
        complete_multipart(self.key, self.upload_id, self.parts)

    def abort(self) -> None:
        abort_multipart(self.key, self.upload_id)
