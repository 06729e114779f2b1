"""Transactional creation of items together with their uniqueness claims and counters.

DynamoDB has no unique indexes, so a unique value is an item of its own (a Claim) put with
`attribute_not_exists(pk)` in the same transaction as the item it belongs to. Either the
whole aggregate is written, or nothing is, and a collision names the claim that lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.errors import ConflictError
from chalicelib.store import keys
from chalicelib.store.counters import add_stats
from chalicelib.store.models import Claim, TableItem

if TYPE_CHECKING:
    from pynamodb.connection import Connection
    from pynamodb.expressions.update import Action


@dataclass(frozen=True)
class NewClaim:
    """A unique value to take, and the message the client sees if it is already taken."""

    namespace: str
    value: str
    target: str
    taken_detail: str

    def to_item(self) -> Claim:
        return Claim(keys.claim_pk(self.namespace, self.value), keys.CLAIM_SK, target=self.target)


def create_items(
    items: Sequence[TableItem],
    claims: Sequence[NewClaim] = (),
    stats: Mapping[str, int] | None = None,
) -> None:
    """Put new items and claims atomically; raise ConflictError if any already exists."""
    operations: list[TableItem | NewClaim] = [*claims, *items]
    try:
        with TransactWrite(connection=connection()) as transaction:
            for claim in claims:
                transaction.save(claim.to_item(), condition=Claim.pk.does_not_exist())
            for item in items:
                transaction.save(item, condition=TableItem.pk.does_not_exist())
            add_stats(transaction, stats or {})
    except TransactWriteError as exc:
        raise _conflict_from(exc, operations) from exc


def connection() -> Connection:
    """The models' shared low-level connection (transactions take one explicitly)."""
    return TableItem._get_connection().connection


def _conflict_from(exc: TransactWriteError, operations: Sequence[TableItem | NewClaim]) -> Exception:
    reasons = exc.cancellation_reasons or []
    for operation, reason in zip(operations, reasons, strict=False):
        if reason is not None and reason.code == "ConditionalCheckFailed":
            if isinstance(operation, NewClaim):
                return ConflictError(operation.taken_detail)
            return ConflictError("This object already exists.")
    return exc


def is_condition_failure(exc: Exception) -> bool:
    """Whether a PynamoDB write, or a transaction, failed on a condition (not on anything
    else: a transaction cancelled by a conflict with another one is not)."""
    code = getattr(exc, "cause_response_code", None)
    if code == "TransactionCanceledException":
        reasons = getattr(exc, "cancellation_reasons", None) or []
        return any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons)
    return code == "ConditionalCheckFailedException"


def set_actions(item: TableItem, names: Iterable[str]) -> list[Action]:
    """UpdateItem actions writing the named attributes of `item` as they are now (None
    removes one): a write of only what changed, which leaves concurrent changes to the
    other attributes in place (a whole-item PutItem from a copy read earlier would undo them)."""
    attributes = type(item).get_attributes()
    actions: list[Action] = []
    for name in names:
        value = getattr(item, name)
        attribute = attributes[name]
        actions.append(attribute.remove() if value is None else attribute.set(value))
    return actions
