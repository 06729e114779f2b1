"""The lifecycles of exports and imports, PeerTube's: an export is requested, made by a
work task (pending, processing, completed or errored), downloaded over a short-lived link
and expires after two days; an import is uploaded with the resumable protocol, then
restored by a work task.

Either the user or someone with the right (MANAGE_USER_EXPORTS / MANAGE_USER_IMPORTS, an
administrator) manages them; a user has one export at a time and one import at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.domain import resumable
from chalicelib.domain import videos as video_cases
from chalicelib.domain.archives import layout
from chalicelib.domain.archives.export_documents import build
from chalicelib.domain.archives.reader import Archive, ArchiveRefused, RangeFile
from chalicelib.domain.archives.restore import ResolveAccount, Restorer
from chalicelib.domain.archives.writer import ArchiveWriter
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.errors import BadRequestError, ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.observability import logger
from chalicelib.store import actors, keys, queues, upload_sessions, uploads_bucket, user_archives, users
from chalicelib.store.models import UploadSession, UserExport, UserImport

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, User

EXPORT_TASK = "user-export"
IMPORT_TASK = "user-import"

PENDING, PROCESSING, COMPLETED, ERRORED = 1, 2, 3, 4
ALREADY_EXPORTING = "User has already processing or completed exports"
STATE_LABELS = {PENDING: "Pending", PROCESSING: "Processing", COMPLETED: "Completed", ERRORED: "Errored"}

# Parts of the export's multipart upload: S3's minimum is 5 MiB.
EXPORT_PART_BYTES = 8 * 1024 * 1024

# The activity-pub/ documents of an account (activitypub/archive_documents.py), given by the
# work function: the domain does not speak ActivityPub itself.
ActivityPubDocuments = Callable[["User", "Actor"], dict[str, Any]]


def check_can_manage(caller: User, target: User, right: Right, what: str) -> None:
    if int(caller.id) != int(target.id) and not has_right(Role(int(caller.role)), right):
        raise ForbiddenError(f"Cannot manage {what} of another user")


# Exports -------------------------------------------------------------------------------------


def request_export(caller: User, target: User, body: dict[str, Any], now: datetime) -> UserExport:
    with_files = body.get("withVideoFiles")
    if not isinstance(with_files, bool):
        raise ValidationError({"withVideoFiles": "Should have withVideoFiles boolean"})
    check_can_manage(caller, target, Right.MANAGE_USER_EXPORTS, "exports")
    seen_last = user_archives.last_export_id(int(target.id))  # read before the list: see below
    if any(e.state != ERRORED for e in live_exports(target, now)):
        raise BadRequestError(ALREADY_EXPORTING)
    export_id = user_archives.new_export_id()
    export = UserExport(
        keys.user_pk(int(target.id)),
        keys.user_export_sk(export_id),
        id=export_id,
        user_id=int(target.id),
        state=PENDING,
        with_video_files=with_files,
        created_at=now,
    )
    # Only if no other request started an export since the slot was read: of two racing,
    # one wins and the other is told, as if it had come second.
    if not user_archives.create_export(export, seen_last):
        raise BadRequestError(ALREADY_EXPORTING)
    queues.send_work([{"task": EXPORT_TASK, "user": int(target.id), "export": export_id}])
    return export


def live_exports(target: User, now: datetime) -> list[UserExport]:
    """The user's exports that have not expired (DynamoDB's TTL deletes the rest late)."""
    return [e for e in user_archives.list_exports(int(target.id)) if e.expires_at is None or e.expires_at > now]


def list_exports(caller: User, target: User, now: datetime) -> list[UserExport]:
    check_can_manage(caller, target, Right.MANAGE_USER_EXPORTS, "exports")
    return live_exports(target, now)


def expires_on(export: UserExport) -> datetime:
    """PeerTube counts an export's two days from its request."""
    return export.created_at + timedelta(days=layout.EXPORT_EXPIRATION_DAYS)


def download_url(export: UserExport) -> str | None:
    if export.state != COMPLETED or not export.object_key:
        return None
    return user_archives.download_url(str(export.object_key), layout.DOWNLOAD_LINK_SECONDS)


def delete_export(caller: User, target: User, export_id: str) -> None:
    if not export_id.isdigit() or len(export_id) > 12:
        raise ValidationError({"id": "Should have a valid id"}, location="params")
    check_can_manage(caller, target, Right.MANAGE_USER_EXPORTS, "exports")
    export = user_archives.get_export(int(target.id), int(export_id))
    if export is None:
        raise NotFoundError("User export not found")
    if export.state in (PENDING, PROCESSING):
        raise ConflictError("Cannot delete this user export because its state is not compatible with a deletion")
    if export.object_key:
        user_archives.delete_object(str(export.object_key))
    user_archives.delete_export(export)


def run_export(task: dict[str, Any], settings: Settings, now: datetime, ap_documents: ActivityPubDocuments) -> None:
    """The work task: write the archive into S3, part by part; a failure leaves the export
    errored, as PeerTube's. A task that finds its export already processing comes after an
    attempt that crashed or ran out of time: it would again, so the export is errored and
    the user may ask for a new one (the multipart upload left is aborted by the bucket)."""
    export = user_archives.get_export(int(task["user"]), int(task["export"]))
    if export is None or export.state != PENDING:
        if export is not None and export.state == PROCESSING:
            user_archives.set_export_state(export, ERRORED, error="The export was interrupted.")
        return
    user = users.get_user(int(export.user_id), consistent=True)
    account = actors.get_actor(int(user.account_id)) if user is not None else None
    if user is None or account is None:
        user_archives.set_export_state(export, ERRORED, error="The user no longer exists.")
        return
    user_archives.set_export_state(export, PROCESSING)
    key = user_archives.export_key(int(user.id), int(export.id), now)
    stream = user_archives.MultipartWriter(key, EXPORT_PART_BYTES)
    try:
        contents = build(settings, user, account, bool(export.with_video_files))
        archive = ArchiveWriter(stream)  # type: ignore[arg-type]
        for name, document in {**contents.documents, **ap_documents(user, account)}.items():
            archive.add_document(name, document)
        for name, source_key in contents.files:
            archive.add_stream(name, user_archives.stream_object(settings.uploads_bucket, source_key))
        archive.close()
        stream.close()
    except Exception as exc:
        stream.abort()
        logger.exception("user export failed", extra={"export": int(export.id)})
        user_archives.set_export_state(export, ERRORED, error=str(exc)[:500])
        return
    user_archives.set_export_state(
        export,
        COMPLETED,
        object_key=key,
        size=stream.size,
        completed_at=now,
        expires_at=expires_on(export),
    )


# Imports -------------------------------------------------------------------------------------


def start_import_upload(
    caller: User, target: User, body: dict[str, Any], headers: dict[str, str], now: datetime
) -> tuple[UploadSession, bool]:
    """The resumable upload's init: (session, created). A repeated init resumes it."""
    filename = body.get("filename")
    size_header = headers.get("x-upload-content-length")
    invalid = {}
    if not isinstance(filename, str) or not 1 <= len(filename) <= 1000:
        invalid["filename"] = "Should have a valid filename"
    if not size_header or not size_header.isdigit():
        invalid["x-upload-content-length"] = "Should specify the file length"
    if invalid:
        raise ValidationError(invalid)
    if not str(filename).endswith(".zip"):
        raise BadRequestError("User import file must be a zip")
    check_can_manage(caller, target, Right.MANAGE_USER_IMPORTS, "imports")
    size = int(str(size_header))
    video_cases.check_quota(target, size, now)
    latest = user_archives.latest_import(int(target.id))
    if latest is not None and latest.state not in (COMPLETED, ERRORED):
        raise BadRequestError("An import is already being processed")
    last_modified = body.get("lastModified") if isinstance(body.get("lastModified"), int) else None
    identifier = "archive-" + resumable.upload_id(int(target.id), str(filename), size, last_modified)
    existing = upload_sessions.get_session(identifier)
    if existing is not None and int(existing.user_id) == int(target.id) and existing.user_import_id:
        return existing, False
    import_id = user_archives.new_import_id()
    key = user_archives.import_key(int(target.id), import_id)
    session = UploadSession(
        keys.upload_session_pk(identifier),
        keys.ENTITY_SK,
        upload_id=identifier,
        user_id=int(target.id),
        video_id=0,
        user_import_id=import_id,
        size=size,
        s3_upload_id=uploads_bucket.start_multipart(key, "application/zip"),
        parts=[],
        created_at=now,
        expires_at=now + resumable.SESSION_LIFETIME,
    )
    if not upload_sessions.create_session(session):
        raise ConflictError("This upload is being created by another request.")
    return session, True


def write_import_chunk(
    caller: User, target: User, identifier: str, content_range: str | None, chunk: bytes, now: datetime
) -> tuple[UploadSession, UserImport | None]:
    """Append a chunk; with the last, the import is created and its task queued."""
    session = _own_import_session(caller, target, identifier)
    import_id = int(session.user_import_id)
    key = user_archives.import_key(int(target.id), import_id)
    if not resumable.append_chunk(session, key, f"user-import-{import_id}", content_range, chunk):
        return session, None
    user_import = UserImport(
        keys.user_pk(int(target.id)),
        keys.user_import_sk(import_id),
        id=import_id,
        user_id=int(target.id),
        state=PENDING,
        object_key=key,
        created_at=now,
        expires_at=now + timedelta(days=30),
    )
    user_archives.create_import(user_import)
    upload_sessions.delete_session(session)
    queues.send_work([{"task": IMPORT_TASK, "user": int(target.id), "import": import_id}])
    return session, user_import


def cancel_import_upload(caller: User, target: User, identifier: str) -> None:
    session = upload_sessions.get_session(identifier) if identifier else None
    if session is None:
        return
    session = _own_import_session(caller, target, identifier)
    key = user_archives.import_key(int(target.id), int(session.user_import_id))
    uploads_bucket.abort_multipart(key, str(session.s3_upload_id))
    upload_sessions.delete_session(session)


def latest_import(caller: User, target: User) -> UserImport:
    check_can_manage(caller, target, Right.MANAGE_USER_IMPORTS, "imports")
    found = user_archives.latest_import(int(target.id))
    if found is None:
        raise NotFoundError("No import for this user")
    return found


def _own_import_session(caller: User, target: User, identifier: str) -> UploadSession:
    check_can_manage(caller, target, Right.MANAGE_USER_IMPORTS, "imports")
    session = upload_sessions.get_session(identifier) if identifier else None
    if session is None or not session.user_import_id:
        raise NotFoundError("Upload not found")
    if int(session.user_id) != int(target.id):
        raise ForbiddenError("Authenticated user is not allowed access")
    return session


def run_import(task: dict[str, Any], settings: Settings, now: datetime, resolve_account: ResolveAccount) -> None:
    """The work task: check the archive whole, then restore it. The archive is read in place
    in S3 (ranged reads), never copied to disk. A task delivered again after a crash does
    not restore a second time: the import is left errored, the user may import again."""
    user_import = user_archives.get_import(int(task["user"]), int(task["import"]))
    if user_import is None or user_import.state in (COMPLETED, ERRORED):
        return
    if user_import.state == PROCESSING:
        user_archives.set_import_state(user_import, ERRORED, error="The import was interrupted.", finished_at=now)
        return
    user = users.get_user(int(user_import.user_id), consistent=True)
    account = actors.get_actor(int(user.account_id)) if user is not None else None
    if user is None or account is None:
        user_archives.set_import_state(user_import, ERRORED, error="The user no longer exists.", finished_at=now)
        return
    user_archives.set_import_state(user_import, PROCESSING)
    key = str(user_import.object_key)
    try:
        source = RangeFile(
            user_archives.object_size(key), lambda first, last: user_archives.read_range(key, first, last)
        )
        archive = Archive(source, settings.user_import_max_bytes)  # type: ignore[arg-type]
        summary = Restorer(archive, settings, user, account, now, resolve_account).run()
    except ArchiveRefused as refused:
        logger.info("user import refused", extra={"import": int(user_import.id), "reason": str(refused)})
        user_archives.set_import_state(user_import, ERRORED, error=str(refused)[:500], finished_at=now)
    except Exception as exc:
        logger.exception("user import failed", extra={"import": int(user_import.id)})
        user_archives.set_import_state(user_import, ERRORED, error=str(exc)[:500], finished_at=now)
    else:
        user_archives.set_import_state(user_import, COMPLETED, summary=summary.stats, finished_at=now)
    user_archives.delete_object(key)
