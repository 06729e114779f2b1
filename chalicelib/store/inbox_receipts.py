"""Access patterns of inbox receipts (I1-I2 in docs/data-model.md).

A receipt is keyed by the activity's id and the actor vouching for it, so no server can mark
an id as seen for another; it outlives by far the time a forwarded activity's LD signature is
accepted (signatures.ld.MAX_AGE), so a captured one cannot be replayed once its receipt expires.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import PutError

from chalicelib.store import keys
from chalicelib.store.models import InboxReceipt

RECEIPT_LIFETIME = timedelta(days=7)


def seen(actor_url: str, activity_id: str) -> bool:
    """I1: whether this activity of this actor was processed already (one GetItem)."""
    try:
        InboxReceipt.get(keys.inbox_receipt_pk(actor_url, activity_id), keys.ENTITY_SK)
    except InboxReceipt.DoesNotExist:
        return False
    return True


def record(actor_url: str, activity_id: str, now: datetime) -> bool:
    """I2: note the activity as processed; False if another worker noted it first."""
    receipt = InboxReceipt(
        keys.inbox_receipt_pk(actor_url, activity_id),
        keys.ENTITY_SK,
        activity_id=activity_id,
        expires_at=now + RECEIPT_LIFETIME,
    )
    try:
        receipt.save(condition=InboxReceipt.pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
