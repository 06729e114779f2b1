"""Access patterns of inbox receipts (I1-I2 in docs/data-model.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import PutError

from chalicelib.store import keys
from chalicelib.store.models import InboxReceipt

RECEIPT_LIFETIME = timedelta(days=7)


def seen(activity_id: str) -> bool:
    """I1: whether this activity was processed already (one GetItem)."""
    try:
        InboxReceipt.get(keys.inbox_receipt_pk(activity_id), keys.ENTITY_SK)
    except InboxReceipt.DoesNotExist:
        return False
    return True


def record(activity_id: str, now: datetime) -> bool:
    """I2: note the activity as processed; False if another worker noted it first."""
    receipt = InboxReceipt(
        keys.inbox_receipt_pk(activity_id),
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
