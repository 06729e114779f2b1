"""Reading and marking one's own notifications (PeerTube's my-notifications).

The common lists are one Query whatever the number of notifications: all of them, or the
unread ones, by creation (newest first by default). Sorting by read state, listing the read
ones only, and filtering by type are done in memory over the newest notifications
(READ_WINDOW, the same bound as the other lists that DynamoDB cannot page by offset: L10);
their totals stay exact except with `typeOneOf`, counted in that window.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain.notifications.shapes import notification_json
from chalicelib.errors import ValidationError
from chalicelib.store import notifications

if TYPE_CHECKING:
    from chalicelib.store.models import Notification, User

SORTS = ("createdAt", "read")
DEFAULT_SORT = "-createdAt"
READ_WINDOW = 2000
# Ids per "mark as read" request (PeerTube sets no bound; its client sends a page's worth).
MAX_IDS = 100


@dataclass(frozen=True)
class Page:
    total: int
    data: list[dict[str, Any]]


def list_mine(
    user: User,
    *,
    start: int,
    count: int,
    sort: str,
    unread: bool | None,
    types: Collection[int] | None,
) -> Page:
    user_id = int(user.id)
    box = notifications.get_box(user_id)
    by_creation = sort.removeprefix("-") == "createdAt"
    newest_first = sort == "-createdAt"
    if by_creation and types is None and unread is not False:
        if unread:
            found = notifications.list_unread_page(
                user_id, box.read_up_to, start=start, count=count, newest_first=newest_first
            )
            return Page(box.unread, _json(found, box.read_up_to))
        found = notifications.list_page(user_id, start=start, count=count, newest_first=newest_first)
        return Page(box.total, _json(found, box.read_up_to))
    window = notifications.list_newest(user_id, READ_WINDOW) if box.total else []
    kept = [
        n
        for n in window
        if (unread is None or notifications.is_read(n, box.read_up_to) != unread)
        and (types is None or int(n.type) in types)
    ]
    kept.sort(key=lambda n: _order(n, sort, box.read_up_to))
    if types is not None:
        total = len(kept)
    elif unread is None:
        total = box.total
    else:
        total = box.unread if unread else box.total - box.unread
    return Page(total, _json(kept[start : start + count], box.read_up_to))


def read_ids(body: dict[str, Any]) -> list[int]:
    """`ids`: a non-empty array of notification ids (PeerTube's isNotEmptyIntArray)."""
    ids = body.get("ids")
    if (
        not isinstance(ids, list)
        or not ids
        or len(ids) > MAX_IDS
        or not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids)
    ):
        raise ValidationError({"ids": "Should have a valid array of notification ids"})
    return [int(i) for i in ids]


def mark_read(user: User, ids: Sequence[int], now: datetime) -> int:
    """Those of `ids` that are the user's own become read; others' ids change nothing (as in
    PeerTube, whose update is scoped to the user)."""
    return notifications.mark_read(int(user.id), ids, now)


def mark_all_read(user: User) -> None:
    notifications.mark_all_read(int(user.id))


def unread_count(user: User) -> int:
    return notifications.get_box(int(user.id)).unread


def _order(notification: Notification, sort: str, read_up_to: int) -> tuple[int, int]:
    """PeerTube's getSort: the column, then the id ascending."""
    nid = int(notification.id)
    if sort.removeprefix("-") == "read":
        read = int(notifications.is_read(notification, read_up_to))
        return (-read if sort.startswith("-") else read, nid)
    return (-nid, nid) if sort.startswith("-") else (nid, nid)


def _json(found: Sequence[Notification], read_up_to: int) -> list[dict[str, Any]]:
    return [notification_json(n, notifications.is_read(n, read_up_to)) for n in found]
