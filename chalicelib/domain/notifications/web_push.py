"""Web Push: notifications sent to the browsers a user allowed (a Cirrus extension; PeerTube
has none). docs/notifications.md, "Web Push".

A browser's PushSubscription is kept in its user's partition. Each notification stored for a
user who has any (the web bit, deliver.py) queues one work message; the work function encrypts
it for each browser (push_crypto.py) and POSTs it to the browser's push service, signed with the
instance's VAPID key: once per notification and subscription (a mark, claimed before the send
and released if the send may be tried again). A push service that answers 404 or 410 has
forgotten the subscription: it is deleted.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.errors import ValidationError
from chalicelib.observability import count, logger
from chalicelib.store import queues, sealed_keys, web_push

if TYPE_CHECKING:
    from chalicelib.store.models import User

TASK = "web-push"
MAX_SUBSCRIPTIONS = 10
MAX_ENDPOINT_LENGTH = 1000
# How long the push service keeps a message for a browser that is offline (seconds).
TIME_TO_LIVE = 2 * 24 * 3600
GONE = frozenset({404, 410})
# What a sender answers instead of a status when no answer came (tried again later), or when
# the endpoint may never be requested (the address policy refused it: forgotten).
UNREACHABLE = 0
REFUSED = -1
VAPID_SECRET = "vapid"

# POST `body` with `headers` to a push endpoint: the status, UNREACHABLE or REFUSED. The work
# function gives the federation transport (its address policy applies: endpoints are anyone's).
Send = Callable[[str, bytes, Mapping[str, str]], int]


class PushNotSent(Exception):
    """Some pushes may succeed later: the work message is tried again (the rest are marked)."""


# --- Subscriptions (the API) ---------------------------------------------------------------


def subscribe(user: User, body: dict[str, Any], now: datetime) -> None:
    """Keep the browser's PushSubscription (`{endpoint, keys: {p256dh, auth}}`, as the browser's
    toJSON gives it). The endpoint's address policy is the API's to check first."""
    from chalicelib.domain.notifications.push_crypto import BadKey, check_browser_keys

    endpoint = body.get("endpoint")
    raw_keys = body.get("keys")
    browser_keys: dict[str, Any] = raw_keys if isinstance(raw_keys, dict) else {}
    p256dh, auth = browser_keys.get("p256dh"), browser_keys.get("auth")
    if not isinstance(p256dh, str) or not isinstance(auth, str) or len(p256dh) > 200 or len(auth) > 100:
        raise ValidationError({"keys": "keys.p256dh and keys.auth are expected"})
    try:
        check_browser_keys(p256dh, auth)
    except BadKey as exc:
        raise ValidationError({"keys": str(exc)}) from None
    assert isinstance(endpoint, str)
    existing = {s.endpoint for s in web_push.list_subscriptions(int(user.id))}
    if endpoint not in existing and len(existing) >= MAX_SUBSCRIPTIONS:
        raise ValidationError({"endpoint": f"At most {MAX_SUBSCRIPTIONS} browsers may take push notifications"})
    public_key(now)  # the browser subscribed with it; made here if nobody asked for it yet
    web_push.save_subscription(int(user.id), endpoint, p256dh, auth, now)


def unsubscribe(user: User, endpoint: str) -> bool:
    return web_push.delete_subscription(int(user.id), endpoint)


def public_key(now: datetime) -> str:
    """The instance's VAPID public key (made and stored the first time it is asked for)."""
    stored = web_push.get_vapid_keys()
    if stored is None:
        from chalicelib.domain.notifications.push_crypto import generate_vapid_keys

        pair = generate_vapid_keys()
        sealed = sealed_keys.seal_instance_secret(pair.private_pem, VAPID_SECRET)
        stored = web_push.create_vapid_keys(pair.public_key, sealed, now)
    return str(stored.public_key)


# --- Sending (the work queue) --------------------------------------------------------------


def wants_push(user: User) -> bool:
    return int(user.push_subscriptions or 0) > 0


def queue_pushes(pushes: list[tuple[int, int, dict[str, Any]]]) -> None:
    """One work message per (user, notification id, notification JSON)."""
    if pushes:
        queues.send_work([{"task": TASK, "user": u, "notification": n, "message": message(j)} for u, n, j in pushes])


def run(task: dict[str, Any], now: datetime, send: Send) -> None:
    """Push one notification to each of its user's browsers, once each."""
    user_id, notification_id = int(task["user"]), int(task["notification"])
    subscriptions = web_push.list_subscriptions(user_id)
    if not subscriptions:
        return
    keys = web_push.get_vapid_keys()
    if keys is None:
        logger.error("no VAPID key: pushes dropped", extra={"user": user_id})
        return
    private_pem = _private_pem(str(keys.private_key))
    plaintext = json.dumps(task.get("message") or {}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    subject = get_settings().instance_url
    failed = sent = 0
    for subscription in subscriptions:
        endpoint = str(subscription.endpoint)
        if not web_push.claim_push(user_id, notification_id, endpoint, now):
            continue
        outcome = _send_one(subscription.p256dh, subscription.auth, endpoint, plaintext, private_pem, subject, send)
        if outcome in GONE or outcome == REFUSED:
            web_push.delete_subscription(user_id, endpoint)
            logger.info("push subscription gone", extra={"user": user_id, "status": outcome})
        elif outcome in (UNREACHABLE, 429) or outcome >= 500:
            web_push.release_push(user_id, notification_id, endpoint)
            failed += 1
        elif 200 <= outcome < 300:
            sent += 1
        else:
            logger.warning("push refused", extra={"user": user_id, "status": outcome})
    if sent:
        count("WebPushesSent", sent)
    if failed:
        raise PushNotSent(f"{failed} pushes of notification {notification_id} to try again")


def _send_one(
    p256dh: Any, auth: Any, endpoint: str, plaintext: bytes, private_pem: str, subject: str, send: Send
) -> int:
    from chalicelib.domain.notifications.push_crypto import encrypt, vapid_authorization

    headers = {
        "Content-Type": "application/octet-stream",
        "Content-Encoding": "aes128gcm",
        "TTL": str(TIME_TO_LIVE),
        "Urgency": "normal",
        "Authorization": vapid_authorization(endpoint, private_pem, subject, time.time()),
    }
    return send(endpoint, encrypt(plaintext, str(p256dh), str(auth)), headers)


@functools.cache
def _private_pem(sealed: str) -> str:
    return sealed_keys.unseal_instance_secret(sealed, VAPID_SECRET)


# --- What the browser shows ----------------------------------------------------------------


def message(notification: dict[str, Any]) -> dict[str, Any]:
    """What the service worker shows (web/public/push-worker.js): a title, a line, where a
    click goes, and the notification's id and type."""
    settings = get_settings()
    return {
        "title": settings.instance_name,
        "body": _line(notification)[:300],
        "url": "/my-account/notifications",
        "tag": f"notification-{notification.get('id')}",
        "notification": {"id": notification.get("id"), "type": notification.get("type")},
    }


def _line(item: dict[str, Any]) -> str:  # noqa: PLR0911 - one line per kind
    kind = item.get("type")
    video, comment = _at(item, "video", "name"), _at(item, "comment", "video", "name")
    commenter = _at(item, "comment", "account", "displayName")
    if kind == 1:
        return f"New video from {_at(item, 'video', 'channel', 'displayName')}: {video}"
    if kind == 21:
        return f"{_at(item, 'video', 'channel', 'displayName')} is live: {video}"
    if kind == 2:
        return f"{commenter} commented on your video {comment}"
    if kind == 11:
        return f"{commenter} mentioned you on {comment}"
    if kind == 6:
        return f"Your video {video} is published"
    if kind == 10:
        follow = item.get("actorFollow") or {}
        return f"{_at(follow, 'follower', 'displayName')} follows {_at(follow, 'following', 'displayName')}"
    if kind == 13:
        return f"{_at(item, 'actorFollow', 'follower', 'host')} follows this instance"
    if kind == 9:
        return f"{_at(item, 'account', 'displayName')} signed up"
    if kind == 20:
        return f"{_at(item, 'registration', 'username')} asks to sign up"
    if kind in (3, 15, 16):
        return "A report needs your attention"
    return "You have a new notification"


def _at(document: Any, *path: str) -> str:
    for name in path:
        document = document.get(name) if isinstance(document, dict) else None
    return str(document) if document is not None else "?"
