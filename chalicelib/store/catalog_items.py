"""Reading the `catalog` index's items into models, fast and small.

A function instance's first request reads every video and actor of the index (the whole
catalogue). PynamoDB's own reading (`Model.from_raw_data`) sets every attribute through its
descriptors, fills the defaults twice and decodes each number with `json.loads`: about
0.3 ms a video, half a minute at 100,000 videos, past API Gateway's 29 s. Here each model
class gets a plan once (which attribute each wire name fills, and how to decode it), and an
item becomes a model in one pass over its own attributes, with the same result
(tests/unit/test_catalog_items.py compares the two on every kind the index holds).

Small strings that repeat across items (stages, languages, hosts, tags, channel names) are
interned: a hundred thousand videos then share one copy of each instead of holding their
own (docs/catalogue.md has the figures).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.constants import NULL

from chalicelib.store.models import TableItem
from chalicelib.store.models.base import CATALOG_INDEX_NAME

# Strings this short repeat across items (enumerations, tags, hosts, languages); longer
# ones (names, descriptions, URLs) are mostly unique, and interning them would only cost.
INTERN_UP_TO = 40

Decode = Callable[[Any], Any]


def _number(value: str) -> Any:
    # What json.loads gives (PynamoDB's decoding), for the integers nearly all numbers are.
    if value.isascii() and value.isdigit() and (len(value) == 1 or value[0] != "0"):
        return int(value)
    return NumberAttribute().deserialize(value)  # type: ignore[no-untyped-call]


def _text(value: str) -> str:
    return sys.intern(value) if len(value) <= INTERN_UP_TO else value


def _text_set(value: list[str]) -> set[str]:
    return {_text(member) for member in value}


class _Plan:
    """How to read one model class's items."""

    def __init__(self, cls: type[TableItem]) -> None:
        self.cls = cls
        self.constants: dict[str, Any] = {}  # defaults, and the class for the discriminator
        self.factories: list[tuple[str, Callable[[], Any]]] = []  # defaults made anew (lists)
        self.fields: dict[str, tuple[str, str, Decode]] = {}
        if cls._discriminator:  # type: ignore[attr-defined]
            self.constants[cls._discriminator] = cls  # type: ignore[attr-defined]
        for name, attribute in cls.get_attributes().items():
            if callable(attribute.default):
                self.factories.append((name, attribute.default))
            elif attribute.default is not None:
                self.constants[name] = attribute.default
            self.fields[attribute.attr_name] = (name, attribute.attr_type, _decoder(attribute))

    def read(self, raw: dict[str, dict[str, Any]]) -> TableItem:
        values = dict(self.constants)
        for name, make in self.factories:
            values[name] = make()
        fields = self.fields
        for wire_name, wire in raw.items():
            field = fields.get(wire_name)
            if field is None or not wire or NULL in wire:
                continue
            name, wire_type, decode = field
            values[name] = decode(wire[wire_type])
        item = self.cls.__new__(self.cls)
        item.attribute_values = values
        return item


def _decoder(attribute: Any) -> Decode:
    kind = type(attribute)
    if kind is UnicodeAttribute:
        return _text
    if kind is NumberAttribute:
        return _number
    if kind is UnicodeSetAttribute:
        return _text_set
    return attribute.deserialize  # type: ignore[no-any-return]


_plans: dict[str, _Plan] = {}


def read(raw: dict[str, dict[str, Any]]) -> TableItem | None:
    """The model of one index item (as `TableItem.from_raw_data` would make it), or None for
    a kind that no model has."""
    kind = raw.get("kind", {}).get("S")
    plan = _plans.get(kind) if kind is not None else None
    if plan is None:
        cls = _model_of(kind)
        if cls is None:
            return None
        plan = _plans[str(kind)] = _Plan(cls)
    return plan.read(raw)


def _model_of(kind: str | None) -> type[TableItem] | None:
    if kind is None:
        return None
    try:
        found = TableItem.get_attributes()["kind"].deserialize(kind)
    except ValueError:
        return None
    return found if isinstance(found, type) and issubclass(found, TableItem) else None


def query(partition: str, changed_after: str | None = None) -> Iterator[TableItem]:
    """Every item of the index's `partition` in index order, or those stamped after
    `changed_after`: one Query per page of 1 MB."""
    connection = TableItem._get_connection()
    condition = TableItem.catalog_sk > changed_after if changed_after is not None else None
    start: dict[str, Any] | None = None
    while True:
        page = connection.query(
            partition, range_key_condition=condition, index_name=CATALOG_INDEX_NAME, exclusive_start_key=start
        )
        for raw in page.get("Items", ()):
            item = read(raw)
            if item is not None:
                yield item
        start = page.get("LastEvaluatedKey")
        if not start:
            return
