"""Access patterns of resumable upload sessions (S1-S3 in docs/data-model.md)."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.store import keys
from chalicelib.store.models import UploadSession
from chalicelib.store.writes import is_condition_failure


def get_session(upload_id: str) -> UploadSession | None:
    """S1."""
    try:
        return UploadSession.get(keys.upload_session_pk(upload_id), keys.ENTITY_SK)
    except UploadSession.DoesNotExist:
        return None


def create_session(session: UploadSession) -> bool:
    """S2: False when a session with this id exists already (a repeated init)."""
    try:
        session.save(condition=UploadSession.pk.does_not_exist())
    except PutError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def advance(session: UploadSession, received: int, pending: int, parts: list[dict[str, Any]]) -> bool:
    """S3: record a chunk, only if no other chunk was recorded meanwhile (False then)."""
    try:
        session.update(
            actions=[
                UploadSession.received.set(received),
                UploadSession.pending.set(pending),
                UploadSession.parts.set(parts),
            ],
            condition=UploadSession.received == int(session.received),
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def delete_session(session: UploadSession) -> None:
    session.delete()
