"""Access patterns of account archives (UA1-UA6 in docs/data-model.md): a user's exports
and imports, in the user's partition, and the archives themselves under `exports/` and
`imports/` of the uploads bucket (a lifecycle rule expires both after two days)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.store import counters, keys
from chalicelib.store.models import UserExport, UserExportSlot, UserImport
from chalicelib.store.writes import connection, is_condition_failure

EXPORTS_PREFIX = "exports/"
IMPORTS_PREFIX = "imports/"


def new_export_id() -> int:
    return counters.next_id("user-export")


def new_import_id() -> int:
    return counters.next_id("user-import")


def last_export_id(user_id: int) -> int | None:
    """UA0: the id of the user's latest export request (its slot), or None before the first."""
    try:
        slot = UserExportSlot.get(keys.user_pk(user_id), keys.USER_EXPORT_SLOT_SK, consistent_read=True)
    except UserExportSlot.DoesNotExist:
        return None
    return int(slot.last_export_id)


def create_export(export: UserExport, seen_last: int | None) -> bool:
    """UA1: the export, and the user's slot moved to it, if the slot still names `seen_last`
    (one transaction); False if another request took the slot meanwhile."""
    slot = UserExportSlot(keys.user_pk(int(export.user_id)), keys.USER_EXPORT_SLOT_SK, last_export_id=int(export.id))
    condition = UserExportSlot.pk.does_not_exist() if seen_last is None else UserExportSlot.last_export_id == seen_last
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(slot, condition=condition)
            transaction.save(export, condition=UserExport.pk.does_not_exist())
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def list_exports(user_id: int) -> list[UserExport]:
    """UA2: the user's exports, oldest first (one Query; a user has a handful at most)."""
    return list(
        UserExport.query(
            keys.user_pk(user_id),
            UserExport.sk.startswith(keys.USER_EXPORT_SK_PREFIX),
            consistent_read=True,
        )
    )


def get_export(user_id: int, export_id: int) -> UserExport | None:
    """UA3."""
    try:
        return UserExport.get(keys.user_pk(user_id), keys.user_export_sk(export_id), consistent_read=True)
    except UserExport.DoesNotExist:
        return None


def set_export_state(export: UserExport, state: int, **fields: Any) -> None:
    """UA4: a new state (and the object, size, error...), if the export still exists."""
    actions: list[Any] = [UserExport.state.set(state)]
    actions += [getattr(UserExport, name).set(value) for name, value in fields.items()]
    try:
        export.update(actions=actions, condition=UserExport.pk.exists())
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise


def delete_export(export: UserExport) -> None:
    export.delete()


def create_import(user_import: UserImport) -> None:
    """UA5."""
    user_import.save(condition=UserImport.pk.does_not_exist())


def latest_import(user_id: int) -> UserImport | None:
    """UA6: the user's newest import (one Query, newest first, one item)."""
    found = UserImport.query(
        keys.user_pk(user_id),
        UserImport.sk.startswith(keys.USER_IMPORT_SK_PREFIX),
        scan_index_forward=False,
        limit=1,
        consistent_read=True,
    )
    return next(iter(found), None)


def get_import(user_id: int, import_id: int) -> UserImport | None:
    try:
        return UserImport.get(keys.user_pk(user_id), keys.user_import_sk(import_id), consistent_read=True)
    except UserImport.DoesNotExist:
        return None


def set_import_state(user_import: UserImport, state: int, **fields: Any) -> None:
    actions: list[Any] = [UserImport.state.set(state)]
    actions += [getattr(UserImport, name).set(value) for name, value in fields.items()]
    user_import.update(actions=actions)


def delete_import(user_import: UserImport) -> None:
    user_import.delete()


# The archives in S3 ----------------------------------------------------------------------------


def export_key(user_id: int, export_id: int, now: datetime) -> str:
    stamp = now.strftime("%Y-%m-%dT%H_%M_%S")
    return f"{EXPORTS_PREFIX}{user_id}/user-export-{export_id}-{stamp}.zip"


def import_key(user_id: int, import_id: int) -> str:
    return f"{IMPORTS_PREFIX}{user_id}/user-import-{import_id}.zip"


def download_url(key: str, seconds: int) -> str:
    """A presigned GET of an archive, for `seconds`, saved under its own name."""
    filename = key.rsplit("/", 1)[-1]
    params = {
        "Bucket": _bucket(),
        "Key": key,
        "ResponseContentDisposition": f'attachment; filename="{filename}"',
        "ResponseContentType": "application/zip",
    }
    return str(aws.s3().generate_presigned_url("get_object", Params=params, ExpiresIn=seconds))


def delete_object(key: str) -> None:
    aws.s3().delete_object(Bucket=_bucket(), Key=key)


def object_size(key: str) -> int:
    return int(aws.s3().head_object(Bucket=_bucket(), Key=key)["ContentLength"])


def read_range(key: str, first: int, last: int) -> bytes:
    """Bytes first..last (inclusive) of an archive: the reader seeks over ranged GETs."""
    answer = aws.s3().get_object(Bucket=_bucket(), Key=key, Range=f"bytes={first}-{last}")
    return bytes(answer["Body"].read())


class MultipartWriter:
    """A binary file, written once from start to end, that lands in S3 as a multipart upload:
    parts of `part_bytes` go out as they fill, so an archive of any size holds one part in
    memory. `close()` completes the upload, `abort()` drops it."""

    def __init__(self, key: str, part_bytes: int, content_type: str = "application/zip") -> None:
        self.key = key
        self._part_bytes = part_bytes
        self._buffer = bytearray()
        self._parts: list[Any] = []
        self._written = 0
        self._upload_id = str(
            aws.s3().create_multipart_upload(Bucket=_bucket(), Key=key, ContentType=content_type)["UploadId"]
        )
        self.closed = False

    # The file protocol zipfile needs of an unseekable stream.
    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._buffer += data
        self._written += len(data)
        while len(self._buffer) >= self._part_bytes:
            self._send(bytes(self._buffer[: self._part_bytes]))
            del self._buffer[: self._part_bytes]
        return len(data)

    def tell(self) -> int:
        return self._written

    def flush(self) -> None:
        return None

    def seekable(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    @property
    def size(self) -> int:
        return self._written

    def close(self) -> None:
        if self.closed:
            return
        if self._buffer or not self._parts:
            self._send(bytes(self._buffer))
            self._buffer.clear()
        aws.s3().complete_multipart_upload(
            Bucket=_bucket(), Key=self.key, UploadId=self._upload_id, MultipartUpload={"Parts": self._parts}
        )
        self.closed = True

    def abort(self) -> None:
        if not self.closed:
            aws.s3().abort_multipart_upload(Bucket=_bucket(), Key=self.key, UploadId=self._upload_id)
            self.closed = True

    def _send(self, data: bytes) -> None:
        number = len(self._parts) + 1
        answer = aws.s3().upload_part(
            Bucket=_bucket(), Key=self.key, UploadId=self._upload_id, PartNumber=number, Body=data
        )
        self._parts.append({"PartNumber": number, "ETag": answer["ETag"]})


def stream_object(bucket: str, key: str, chunk_bytes: int = 1024 * 1024) -> Iterator[bytes]:
    """An object's bytes, a chunk at a time (a video's source into an archive)."""
    body: IO[bytes] = aws.s3().get_object(Bucket=bucket, Key=key)["Body"]
    while chunk := body.read(chunk_bytes):
        yield chunk


def _bucket() -> str:
    return get_settings().uploads_bucket
