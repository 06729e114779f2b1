"""Access patterns of video passwords (VP1-VP3 in docs/data-model.md): they live in their
video's partition under PASSWORD#<id>, so one Query reads them all and the video's deletion
(videos.delete_leftovers) takes them with it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from chalicelib.store import counters, keys
from chalicelib.store.models import TableItem, VideoPassword

SEQUENCE = "video_password"


def new_passwords(video_id: int, passwords: Sequence[str], now: datetime) -> list[VideoPassword]:
    """Items for these passwords, with fresh ids (one counter write), not yet stored."""
    return [
        VideoPassword(
            keys.video_pk(video_id),
            keys.video_password_sk(password_id),
            id=password_id,
            video_id=video_id,
            password=password,
            created_at=now,
            updated_at=now,
        )
        for password_id, password in zip(counters.next_ids(SEQUENCE, len(passwords)), passwords, strict=True)
    ]


def list_passwords(video_id: int) -> list[VideoPassword]:
    """VP1: a video's passwords, oldest first (one Query, strongly consistent: a password
    just set must open the video at once)."""
    items = VideoPassword.query(
        keys.video_pk(video_id),
        VideoPassword.sk.startswith(keys.VIDEO_PASSWORD_SK_PREFIX),
        consistent_read=True,
    )
    return [item for item in items if isinstance(item, VideoPassword)]


def replace(video_id: int, passwords: Sequence[str], now: datetime) -> list[VideoPassword]:
    """VP2: the new set first, then the old ones go (so that the video is never left without
    a password, which would lock everyone but its owner out only for a moment anyway)."""
    old = list_passwords(video_id)
    created = new_passwords(video_id, passwords, now)
    with TableItem.batch_write() as batch:
        for item in created:
            batch.save(item)
    with TableItem.batch_write() as batch:
        for item in old:
            batch.delete(item)
    return created


def delete_all(video_id: int) -> None:
    """VP2 with nothing left: the video is no longer password-protected."""
    with TableItem.batch_write() as batch:
        for item in list_passwords(video_id):
            batch.delete(item)


def add(video_id: int, password: str, now: datetime) -> VideoPassword:
    """VP3: one more password."""
    (item,) = new_passwords(video_id, [password], now)
    item.save()
    return item


def delete(item: VideoPassword) -> None:
    """VP3: one password fewer."""
    item.delete()
