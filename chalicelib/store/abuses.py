"""Access patterns of abuse reports and their messages (AB1-AB7 in docs/data-model.md).

The instance counters behind /server/stats (`abuses`, `abuses_processed`,
`abuse_response_ms`) move in the transactions that create, moderate and delete reports,
so they never drift from the items.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.store import keys
from chalicelib.store.counters import add_stats
from chalicelib.store.models import Abuse, AbuseMessage, Claim, TableItem
from chalicelib.store.writes import connection, is_condition_failure

if TYPE_CHECKING:
    from collections.abc import Sequence

ATTEMPTS = 3


def new_abuse(abuse_id: int, now: datetime, **attributes: Any) -> Abuse:
    """An abuse item with its keys and list entries (the reporter's list when it has one)."""
    reporter = attributes.get("reporter_account_id")
    sort_key = keys.created_sort_key(now.isoformat(), abuse_id)
    return Abuse(
        keys.abuse_pk(abuse_id),
        keys.ENTITY_SK,
        id=abuse_id,
        created_at=now,
        updated_at=now,
        gsi1pk=keys.abuses_gsi1pk(),
        gsi1sk=sort_key,
        gsi2pk=keys.reporter_abuses_gsi2pk(int(reporter)) if reporter is not None else None,
        gsi2sk=sort_key if reporter is not None else None,
        **attributes,
    )


def create(abuses: Sequence[Abuse], *, flag_id: str | None = None) -> bool:
    """AB1: put new abuses (and count them) in one transaction. With `flag_id` (a received
    Flag's id) a claim makes it happen once: False when that Flag was already stored."""
    try:
        with TransactWrite(connection=connection()) as transaction:
            if flag_id is not None:
                claim = Claim(_flag_claim_pk(flag_id), keys.CLAIM_SK, target=str(abuses[0].id))
                transaction.save(claim, condition=Claim.pk.does_not_exist())
            for abuse in abuses:
                transaction.save(abuse, condition=TableItem.pk.does_not_exist())
            add_stats(transaction, {"abuses": len(abuses)})
    except TransactWriteError as exc:
        if flag_id is not None and is_condition_failure(exc):
            return False
        raise
    return True


def get(abuse_id: int) -> Abuse | None:
    """AB2: one GetItem."""
    try:
        return Abuse.get(keys.abuse_pk(abuse_id), keys.ENTITY_SK, consistent_read=True)
    except Abuse.DoesNotExist:
        return None


def list_all() -> list[Abuse]:
    """AB3: every abuse, oldest first (one Query per MB: the moderation list filters, counts
    and sorts them in memory, as PeerTube's SQL does)."""
    return [item for item in Abuse.by_gsi1.query(keys.abuses_gsi1pk()) if isinstance(item, Abuse)]


def list_reported_by(account_id: int) -> list[Abuse]:
    """AB4: one account's reports, oldest first (one Query per MB)."""
    items = Abuse.by_gsi2.query(keys.reporter_abuses_gsi2pk(account_id))
    return [item for item in items if isinstance(item, Abuse)]


def moderate(abuse: Abuse, changes: dict[str, Any], now: datetime) -> bool:
    """AB5: set `state` and/or `moderation_comment`; a state change is the first moderation
    if none came before (counted once). False when the abuse is gone."""
    actions = [getattr(Abuse, name).set(value) for name, value in changes.items()]
    actions.append(Abuse.updated_at.set(now))
    return _update(abuse, actions, now, processes="state" in changes)


def add_message(abuse: Abuse, message: AbuseMessage, now: datetime) -> bool:
    """AB6: a message and the abuse's message count in one transaction; a moderator's message
    is a moderation. False when the abuse is gone."""
    return _update(abuse, [Abuse.messages_count.add(1)], now, processes=bool(message.by_moderator), put=message)


def list_messages(abuse_id: int) -> list[AbuseMessage]:
    """AB7: an abuse's messages, oldest first: one Query of its partition."""
    items = AbuseMessage.query(
        keys.abuse_pk(abuse_id), AbuseMessage.sk.startswith(keys.ABUSE_MESSAGE_SK_PREFIX), consistent_read=True
    )
    return [item for item in items if isinstance(item, AbuseMessage)]


def get_message(abuse_id: int, message_id: int) -> AbuseMessage | None:
    """AB7: one GetItem."""
    try:
        return AbuseMessage.get(keys.abuse_pk(abuse_id), keys.abuse_message_sk(message_id), consistent_read=True)
    except AbuseMessage.DoesNotExist:
        return None


def delete_message(abuse: Abuse, message: AbuseMessage) -> bool:
    """The message and its count, together; False when it was already gone."""
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.delete(message, condition=AbuseMessage.pk.exists())
            transaction.update(abuse, actions=[Abuse.messages_count.add(-1)], condition=Abuse.pk.exists())
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def delete(abuse: Abuse) -> bool:
    """The abuse (uncounted from the statistics), then its messages. False if already gone."""
    deltas = {"abuses": -1}
    if abuse.processed_at is not None:
        deltas["abuses_processed"] = -1
        deltas["abuse_response_ms"] = -_response_ms(abuse, abuse.processed_at)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.delete(abuse, condition=Abuse.pk.exists())
            add_stats(transaction, deltas)
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    messages = list_messages(int(abuse.id))
    if messages:
        with AbuseMessage.batch_write() as batch:
            for message in messages:
                batch.delete(message)
    return True


def _update(abuse: Abuse, actions: list[Any], now: datetime, *, processes: bool, put: TableItem | None = None) -> bool:
    """One transaction: `actions` on the abuse (and `put` saved); when `processes` and the abuse
    was never moderated, also its `processed_at` and the counters, conditioned on it still
    being unmoderated (a concurrent moderation makes us retry without that part)."""
    for _ in range(ATTEMPTS):
        first = processes and abuse.processed_at is None
        extra = [Abuse.processed_at.set(now)] if first else []
        condition = Abuse.pk.exists()
        if first:
            condition &= Abuse.processed_at.does_not_exist()
        try:
            with TransactWrite(connection=connection()) as transaction:
                if put is not None:
                    transaction.save(put, condition=TableItem.pk.does_not_exist())
                transaction.update(abuse, actions=[*actions, *extra], condition=condition)
                if first:
                    add_stats(transaction, {"abuses_processed": 1, "abuse_response_ms": _response_ms(abuse, now)})
        except TransactWriteError as exc:
            if not is_condition_failure(exc):
                raise
            fresh = get(int(abuse.id))
            if fresh is None:
                return False
            abuse = fresh
            continue
        return True
    return False


def _response_ms(abuse: Abuse, processed_at: datetime) -> int:
    return max(0, int((processed_at - abuse.created_at).total_seconds() * 1000))


def _flag_claim_pk(flag_id: str) -> str:
    # Activity ids are URLs of any case and up to 2000 characters: a digest keeps the key exact.
    return keys.claim_pk(keys.FLAG_ACTIVITY, hashlib.sha256(flag_id.encode("utf-8")).hexdigest())
