"""Paged OrderedCollections as PeerTube serves them: the root gives the total and the first
page; `?page=N` gives ten items with `next`/`prev` links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.common import with_context

PAGE_SIZE = 10
MAX_PAGE = 100_000  # deeper pages are refused rather than read


@dataclass(frozen=True)
class Slice:
    items: Sequence[Any]
    total: int


# (start, count) -> the items in that range and the collection's total
Reader = Callable[[int, int], Slice]


def page_number(raw: str | None) -> int | None:
    """The requested page, None for the collection root; ValueError for a bad number."""
    if raw is None or raw == "":
        return None
    number = int(raw)
    if number < 1 or number > MAX_PAGE:
        raise ValueError("page out of range")
    return number


def collection(base_url: str, page: int | None, read: Reader) -> dict[str, Any]:
    if page is None:
        total = read(0, 0).total
        root: dict[str, Any] = {"id": base_url, "type": "OrderedCollection", "totalItems": total}
        if total:
            root["first"] = f"{base_url}?page=1"
        return with_context(context_for("Collection"), root)
    start = (page - 1) * PAGE_SIZE
    found = read(start, PAGE_SIZE)
    body: dict[str, Any] = {"id": f"{base_url}?page={page}", "type": "OrderedCollectionPage"}
    if page > 1:
        body["prev"] = f"{base_url}?page={page - 1}"
    if found.total > page * PAGE_SIZE:
        body["next"] = f"{base_url}?page={page + 1}"
    body.update({"partOf": base_url, "orderedItems": list(found.items), "totalItems": found.total})
    return with_context(context_for("Collection"), body)
