"""Giving a notification to the users it concerns: stored for those whose settings want it on
the web (PeerTube stores nothing for the others), once each, then pushed live to their open
`/user-notifications` sockets as `new-notification`, and queued for Web Push to the browsers of
those who allowed it (web_push.py).

Those whose settings want it by email (the second bit) get it by email too, once each
(domain/mail/flows.py): a failed email fails the message, which is delivered again; what it
already did is not done twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain.notifications import settings, web_push
from chalicelib.domain.notifications.shapes import notification_json
from chalicelib.observability import count, logger
from chalicelib.store import notifications, realtime
from chalicelib.store.notifications import NewNotification

if TYPE_CHECKING:
    from chalicelib.domain.notifications.types import NotificationType
    from chalicelib.store.models import Notification, User

EVENT = "new-notification"


def deliver(
    recipients: Sequence[User], kind: NotificationType, subject: str, payload: dict[str, Any], now: datetime
) -> list[Notification]:
    """Notify each recipient (once per user, however often this runs); the notifications made."""
    wanted = {int(user.id): user for user in recipients if user.deleting_at is None and settings.wants_web(user, kind)}
    by_email = [user for user in recipients if user.deleting_at is None and settings.wants_email(user, kind)]
    made = _store_and_push(wanted, kind, subject, payload, now)
    if by_email:
        from chalicelib.domain.mail.flows import send_notification_emails

        send_notification_emails(by_email, kind, subject, payload, now)
    return made


def _store_and_push(
    wanted: dict[int, User], kind: NotificationType, subject: str, payload: dict[str, Any], now: datetime
) -> list[Notification]:
    if not wanted:
        return []
    made: list[Notification] = []
    pushes: list[tuple[int, int, dict[str, Any]]] = []
    ids = notifications.allocate_ids(len(wanted))
    for notification_id, user_id in zip(ids, sorted(wanted), strict=True):
        created = notifications.create(notification_id, NewNotification(user_id, int(kind), subject, payload), now)
        if created is None:
            continue  # notified already: this message was delivered before
        made.append(created)
        if not created.is_read:
            _push(user_id, created)
            if web_push.wants_push(wanted[user_id]):
                pushes.append((user_id, int(created.id), notification_json(created, read=False)))
    if made:
        count("NotificationsCreated", len(made))
    _queue_web_pushes(pushes)
    return made


def _queue_web_pushes(pushes: list[tuple[int, int, dict[str, Any]]]) -> None:
    """To the browsers of those who allowed it (web_push.py), by the work queue. A failure to
    queue loses those pushes only: the notifications are stored, and a retry of this message
    would not make them again."""
    try:
        web_push.queue_pushes(pushes)
    except Exception:
        logger.exception("web pushes not queued", extra={"count": len(pushes)})


def _push(user_id: int, notification: Notification) -> None:
    """Live, to the user's open sockets; a push that fails loses nothing (the list has it).
    Without a WebSocket API nobody can be connected: no Query of the user's room then."""
    if realtime.pusher() is None:
        return
    try:
        realtime.publish_to_user(user_id, EVENT, notification_json(notification, read=False))
    except Exception:
        logger.exception("notification push failed", extra={"user": user_id, "notification": int(notification.id)})
