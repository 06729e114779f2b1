"""Access patterns of Web Push (WP1-WP6 in docs/data-model.md): a user's push subscriptions
(keyed by a hash of their endpoint, so the same browser subscribing again replaces its own),
counted on the user item in the same transaction; the marks that push a notification to a
subscription once; and the instance's VAPID key pair."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.store import keys
from chalicelib.store.models import PushSent, PushSubscription, User, VapidKeys
from chalicelib.store.models.base import TableItem
from chalicelib.store.writes import connection, is_condition_failure

# Long past SQS's redeliveries of the message that pushed it (the work queue keeps messages 4 days).
PUSHED_MARK_LIFETIME = timedelta(days=7)


def endpoint_key(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode("utf-8")).hexdigest()[:40]


def list_subscriptions(user_id: int) -> list[PushSubscription]:
    """WP1: a user's subscriptions (one Query; a user has a few browsers)."""
    query = PushSubscription.query(
        keys.user_pk(user_id), PushSubscription.sk.startswith(keys.PUSH_SUBSCRIPTION_SK_PREFIX)
    )
    return [item for item in query if isinstance(item, PushSubscription)]


def save_subscription(user_id: int, endpoint: str, p256dh: str, auth: str, now: datetime) -> bool:
    """WP2: store (or replace, keys renewed) a subscription; a new one counts on the user item.
    True if it was new."""
    item = PushSubscription(
        keys.user_pk(user_id),
        keys.push_subscription_sk(endpoint_key(endpoint)),
        endpoint=endpoint,
        p256dh=p256dh,
        auth=auth,
        created_at=now,
    )
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(item, condition=PushSubscription.pk.does_not_exist())
            transaction.update(
                User(keys.user_pk(user_id), keys.ENTITY_SK),
                actions=[User.push_subscriptions.add(1)],
                condition=User.pk.exists(),
            )
    except TransactWriteError as exc:
        if not is_condition_failure(exc):
            raise
        item.save(condition=PushSubscription.pk.exists())  # the same browser again: new keys
        return False
    return True


def delete_subscription(user_id: int, endpoint: str) -> bool:
    """WP3: forget a subscription and uncount it; False if there was none."""
    item = PushSubscription(keys.user_pk(user_id), keys.push_subscription_sk(endpoint_key(endpoint)))
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.delete(item, condition=PushSubscription.pk.exists())
            transaction.update(
                User(keys.user_pk(user_id), keys.ENTITY_SK),
                actions=[User.push_subscriptions.add(-1)],
                condition=User.pk.exists(),
            )
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def claim_push(user_id: int, notification_id: int, endpoint: str, now: datetime) -> bool:
    """WP4: mark this notification as pushed to this subscription; False if it was."""
    mark = PushSent(
        keys.user_pk(user_id),
        keys.pushed_sk(notification_id, endpoint_key(endpoint)),
        expires_at=now + PUSHED_MARK_LIFETIME,
    )
    try:
        mark.save(condition=PushSent.pk.does_not_exist())
    except PutError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def release_push(user_id: int, notification_id: int, endpoint: str) -> None:
    """WP5: forget the mark of a push that failed for now, so the retry sends it."""
    PushSent(keys.user_pk(user_id), keys.pushed_sk(notification_id, endpoint_key(endpoint))).delete()


def get_vapid_keys() -> VapidKeys | None:
    """WP6: the instance's VAPID key pair (one GetItem)."""
    try:
        return VapidKeys.get(keys.VAPID_PK, keys.ENTITY_SK)
    except VapidKeys.DoesNotExist:
        return None


def create_vapid_keys(public_key: str, sealed_private_key: str, now: datetime) -> VapidKeys:
    """WP6: store the key pair unless one exists (two first requests may race); the one kept."""
    item = VapidKeys(
        keys.VAPID_PK, keys.ENTITY_SK, public_key=public_key, private_key=sealed_private_key, created_at=now
    )
    try:
        item.save(condition=VapidKeys.pk.does_not_exist())
    except PutError as exc:
        if not is_condition_failure(exc):
            raise
        kept = VapidKeys.get(keys.VAPID_PK, keys.ENTITY_SK, consistent_read=True)
        return kept
    return item


def delete_all(user_id: int) -> int:
    """A deleted user's subscriptions and marks (one Query per MB, one BatchWriteItem per 25)."""
    doomed = [
        item
        for item in TableItem.query(keys.user_pk(user_id), TableItem.sk.startswith("PUSH"))
        if isinstance(item, PushSubscription | PushSent)
    ]
    with TableItem.batch_write() as batch:
        for item in doomed:
            batch.delete(item)
    return len(doomed)
