"""Access patterns of notifications (N1-N9 in docs/data-model.md).

Everything of a user's notifications lives in the user's partition (store/models/notification.py):
a list is one Query, the counts one GetItem, whatever the number of notifications. The counts
never drift from the items: every write that changes what is unread moves them in the same
transaction, and "read" is either the item's own flag or its id being at most the box's
`read_up_to` (so marking everything read is one write, not one per notification).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.store import counters, keys
from chalicelib.store.models import Claim, Counter, Notification, NotificationBox, NotificationMark, TableItem
from chalicelib.store.writes import connection, is_condition_failure

SEQUENCE = "notification"
# A transaction holds at most 100 items: the box and 99 notifications.
MARKS_PER_TRANSACTION = 99
RETRIES = 4
PAGE_CLAIM_LIFETIME = timedelta(days=1)


@dataclass(frozen=True)
class Box:
    """A user's counts, and the id up to which everything is read."""

    total: int
    unread: int
    read_up_to: int
    version: int


@dataclass(frozen=True)
class NewNotification:
    user_id: int
    kind: int
    subject: str  # with `kind`, what the notification is about: one per user
    payload: dict[str, Any]


def allocate_ids(count: int) -> list[int]:
    """N1: ids for a batch of notifications, in one UpdateItem (C1)."""
    return counters.next_ids(SEQUENCE, count)


def create(notification_id: int, new: NewNotification, now: datetime) -> Notification | None:
    """N2: store a notification unless its user already has one of its kind about its subject
    (None then): the item, its mark and the counts in one transaction. A notification whose id
    is already covered by "all read" is stored read, and the unread count left alone."""
    item = Notification(
        keys.user_pk(new.user_id),
        keys.notification_sk(notification_id),
        id=notification_id,
        user_id=new.user_id,
        type=new.kind,
        payload=new.payload,
        created_at=now,
        updated_at=now,
        gsi1pk=keys.unread_notifications_gsi1pk(new.user_id),
        gsi1sk=keys.notification_order_key(notification_id),
    )
    mark = NotificationMark(
        keys.user_pk(new.user_id), keys.notified_sk(new.kind, new.subject), notification_id=notification_id
    )
    box = _box_key(new.user_id)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(item, condition=Notification.pk.does_not_exist())
            transaction.save(mark, condition=NotificationMark.pk.does_not_exist())
            transaction.update(
                box,
                actions=_box_actions(NotificationBox.total.add(1), NotificationBox.unread.add(1)),
                condition=NotificationBox.read_up_to.does_not_exist() | (NotificationBox.read_up_to < notification_id),
            )
    except TransactWriteError as exc:
        reasons = exc.cancellation_reasons or []
        failed = [r is not None and r.code == "ConditionalCheckFailed" for r in reasons]
        if len(failed) > 1 and failed[1]:
            return None  # notified already (a redelivered message)
        if len(failed) > 2 and failed[2]:
            return _create_read(item, mark, notification_id)
        raise
    return item


def get_box(user_id: int, *, consistent: bool = False) -> Box:
    """N3: a user's counts (one GetItem; zeros for a user never notified)."""
    try:
        found = NotificationBox.get(keys.user_pk(user_id), keys.NOTIFICATION_BOX_SK, consistent_read=consistent)
    except NotificationBox.DoesNotExist:
        return Box(0, 0, 0, 0)
    return Box(int(found.total or 0), int(found.unread or 0), int(found.read_up_to or 0), int(found.version or 0))


def list_page(user_id: int, *, start: int, count: int, newest_first: bool) -> list[Notification]:
    """N4: notifications `start` to `start + count` by id (creation), one Query."""
    if count <= 0:
        return []
    wanted = start + count
    query = Notification.query(
        keys.user_pk(user_id),
        Notification.sk.startswith(keys.NOTIFICATION_SK_PREFIX),
        scan_index_forward=not newest_first,
        limit=wanted,
        page_size=min(wanted, 1000),
    )
    return _take(query, wanted)[start:]


def list_unread_page(
    user_id: int, read_up_to: int, *, start: int, count: int, newest_first: bool
) -> list[Notification]:
    """N5: unread notifications `start` to `start + count` (one Query of the unread list,
    above `read_up_to`: those below were read all at once and are unread no more)."""
    if count <= 0:
        return []
    wanted = start + count
    query = Notification.by_gsi1.query(
        keys.unread_notifications_gsi1pk(user_id),
        Notification.gsi1sk > keys.notification_order_key(read_up_to),
        scan_index_forward=not newest_first,
        limit=wanted,
        page_size=min(wanted, 1000),
    )
    return _take(query, wanted)[start:]


def list_newest(user_id: int, limit: int) -> list[Notification]:
    """N6: the `limit` newest notifications (one Query per MB), for what is sorted or filtered
    in memory (by read state, by type)."""
    return list_page(user_id, start=0, count=limit, newest_first=True)


def get_many(user_id: int, ids: Iterable[int]) -> tuple[list[Notification], Box]:
    """N7: some of a user's notifications by id, with the box (one BatchGetItem per 100 keys).
    Ids of other users' notifications are simply not in this user's partition."""
    wanted = sorted(set(ids))
    found: list[Notification] = []
    box = Box(0, 0, 0, 0)
    key_list = [(keys.user_pk(user_id), keys.NOTIFICATION_BOX_SK)]
    key_list += [(keys.user_pk(user_id), keys.notification_sk(i)) for i in wanted]
    for item in TableItem.batch_get(key_list, consistent_read=True):
        if isinstance(item, Notification):
            found.append(item)
        elif isinstance(item, NotificationBox):
            box = Box(int(item.total or 0), int(item.unread or 0), int(item.read_up_to or 0), int(item.version or 0))
    return sorted(found, key=lambda n: int(n.id)), box


def mark_read(user_id: int, ids: Sequence[int], now: datetime) -> int:
    """N8: mark these of the user's notifications read (others' ids and read ones are left
    alone); how many changed. Each changed notification leaves the unread list and the unread
    count in one transaction; a concurrent change makes it read again and retry."""
    for _attempt in range(RETRIES):
        items, box = get_many(user_id, ids)
        unread = [n for n in items if not n.is_read and int(n.id) > box.read_up_to]
        if not unread:
            return 0
        try:
            for chunk in _chunks(unread, MARKS_PER_TRANSACTION):
                _mark_chunk(user_id, chunk, box, now)
        except TransactWriteError as exc:
            if is_condition_failure(exc) or exc.cause_response_code == "TransactionCanceledException":
                continue
            raise
        return len(unread)
    raise RuntimeError("notifications kept changing while being marked read")


def mark_all_read(user_id: int) -> None:
    """N9: every notification of the user so far is read: `read_up_to` becomes the highest id
    ever given (no notification of the user can have a higher one yet), the unread count 0.
    Conditioned on the box's version read before the counter, so a notification stored in
    between (which the new count would forget) makes it read again."""
    for _attempt in range(RETRIES):
        box = get_box(user_id, consistent=True)
        if box.unread == 0:
            return
        highest = _highest_id()
        try:
            _box_key(user_id).update(
                actions=_box_actions(
                    NotificationBox.read_up_to.set(max(highest, box.read_up_to)), NotificationBox.unread.set(0)
                ),
                condition=NotificationBox.version == box.version,
            )
        except UpdateError as exc:
            if is_condition_failure(exc):
                continue
            raise
        return
    raise RuntimeError("notifications kept changing while being marked read")


def claim_page(fanout: str, page: int, message_id: str, now: datetime) -> bool:
    """N10: this message does page `page` of the fan-out `fanout`: True for the first message
    that asks and for that message delivered again; False for another message asking for a
    page already taken (a continuation sent twice, when the page before it was delivered
    twice), which would double every page after it. Expires after a day."""
    claim = Claim(
        keys.claim_pk(keys.NOTIFY_PAGE, f"{fanout}:{page}"),
        keys.CLAIM_SK,
        target=message_id,
        expires_at=now + PAGE_CLAIM_LIFETIME,
    )
    try:
        claim.save(condition=Claim.pk.does_not_exist() | (Claim.target == message_id))
    except PutError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def is_read(notification: Notification, read_up_to: int) -> bool:
    return bool(notification.is_read) or int(notification.id) <= read_up_to


def delete_all(user_id: int) -> int:
    """A deleted user's notifications, marks and box (one Query per MB, one BatchWriteItem per
    25 items); how many items went."""
    doomed = [
        item
        for item in TableItem.query(keys.user_pk(user_id), TableItem.sk.startswith("NOTIF"))
        if isinstance(item, Notification | NotificationMark | NotificationBox)
    ]
    with TableItem.batch_write() as batch:
        for item in doomed:
            batch.delete(item)
    return len(doomed)


def _create_read(item: Notification, mark: NotificationMark, notification_id: int) -> Notification | None:
    """The notification, already read (its id is under `read_up_to`)."""
    item.is_read = True
    item.gsi1pk = item.gsi1sk = None
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(item, condition=Notification.pk.does_not_exist())
            transaction.save(mark, condition=NotificationMark.pk.does_not_exist())
            transaction.update(
                _box_key(int(item.user_id)),
                actions=_box_actions(NotificationBox.total.add(1)),
                condition=NotificationBox.read_up_to >= notification_id,
            )
    except TransactWriteError as exc:
        reasons = exc.cancellation_reasons or []
        if len(reasons) > 1 and reasons[1] is not None and reasons[1].code == "ConditionalCheckFailed":
            return None
        raise
    return item


def _mark_chunk(user_id: int, chunk: Sequence[Notification], box: Box, now: datetime) -> None:
    with TransactWrite(connection=connection()) as transaction:
        for notification in chunk:
            transaction.update(
                notification,
                actions=[
                    Notification.is_read.set(True),
                    Notification.updated_at.set(now),
                    Notification.gsi1pk.remove(),
                    Notification.gsi1sk.remove(),
                ],
                condition=Notification.pk.exists() & (Notification.is_read == False),  # noqa: E712
            )
        transaction.update(
            _box_key(user_id),
            actions=_box_actions(NotificationBox.unread.add(-len(chunk))),
            condition=_read_up_to_is(box.read_up_to),
        )


def _read_up_to_is(value: int) -> Any:
    same = NotificationBox.read_up_to == value
    return (NotificationBox.read_up_to.does_not_exist() | same) if value == 0 else same


def _highest_id() -> int:
    try:
        counter = Counter.get(keys.counter_pk(SEQUENCE), keys.COUNTER_SK, consistent_read=True)
    except Counter.DoesNotExist:
        return 0
    return int(counter.value or 0)


def _box_actions(*actions: Any) -> list[Any]:
    """Every write of the box moves its version, and names its kind: the first one creates it
    (an UpdateItem), and a BatchGetItem of mixed items knows it by its kind."""
    return [*actions, NotificationBox.version.add(1), NotificationBox.kind.set(NotificationBox)]


def _box_key(user_id: int) -> NotificationBox:
    return NotificationBox(keys.user_pk(user_id), keys.NOTIFICATION_BOX_SK)


def _take(query: Iterable[Any], wanted: int) -> list[Notification]:
    found: list[Notification] = []
    for item in query:
        if isinstance(item, Notification):
            found.append(item)
        if len(found) >= wanted:
            break
    return found


def _chunks(items: Sequence[Notification], size: int) -> Iterable[Sequence[Notification]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
