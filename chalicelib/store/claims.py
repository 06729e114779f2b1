"""Reading claims: what a unique value (a login, an email, a URL, a token hash) points at.

A claim (`<NAMESPACE>#<value>` / `CLAIM`, models/claim.py) is written with the item it names
and read with one GetItem; finding the item by the value is then one more GetItem of its
target. Writing and deleting claims stays with each access pattern, inside its transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from chalicelib.store import keys
from chalicelib.store.models import Claim

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")


def target(namespace: str, value: str) -> str | None:
    """The target of the claim on `value` (one GetItem); None when nothing claims it."""
    try:
        return str(Claim.get(keys.claim_pk(namespace, value), keys.CLAIM_SK).target)
    except Claim.DoesNotExist:
        return None


def resolve(namespace: str, value: str, load: Callable[[str], T | None]) -> T | None:
    """The item the claim on `value` points at, read by `load` from the claim's target: two
    GetItems, one when nothing claims the value."""
    found = target(namespace, value)
    return None if found is None else load(found)
