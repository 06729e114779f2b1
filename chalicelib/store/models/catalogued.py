"""Items that the in-memory catalogue follows (videos and actors).

Every write of such an item, direct or inside a transaction, stamps it with the instant it
changed (`catalog_sk`), which puts it at the head of the `catalog` index. Readers then fetch
only what changed since they last looked. Stamping here, where PynamoDB builds each request,
means no write path can forget it.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.store.models.base import TableItem

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action

CATALOG_PARTITION = "CATALOG"


class _Clock:
    def __init__(self) -> None:
        self._last = ""
        self._lock = threading.Lock()
        self.stamps = 0  # how many this process gave out: readers here notice their own writes

    def stamp(self) -> str:
        with self._lock:
            self.stamps += 1
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
            if stamp <= self._last:
                # Same microsecond (or the clock stepped back): a suffix sorts after the last one.
                stamp = self._last + "1"
            self._last = stamp
            return stamp


_clock = _Clock()


def local_changes() -> int:
    """A number that grows with every catalogued write made by this process."""
    return _clock.stamps


def change_stamp() -> str:
    """The current instant in UTC, ISO 8601 with microseconds (no zone suffix, so that a
    digit appended to a stamp still sorts after it); strictly increasing in a process."""
    return _clock.stamp()


class Catalogued(TableItem):
    """Base of catalogued models; the overrides below only add the stamp."""

    def _stamp(self) -> None:
        self.catalog_pk = CATALOG_PARTITION
        self.catalog_sk = change_stamp()

    def _stamp_actions(self, actions: list[Action]) -> list[Action]:
        self._stamp()
        return [
            *actions,
            TableItem.catalog_pk.set(CATALOG_PARTITION),
            TableItem.catalog_sk.set(str(self.catalog_sk)),
        ]

    def save(self, condition: Any = None, *, add_version_condition: bool = True) -> dict[str, Any]:
        self._stamp()
        return super().save(condition, add_version_condition=add_version_condition)

    def update(self, actions: list[Action], condition: Any = None, *, add_version_condition: bool = True) -> Any:
        return super().update(self._stamp_actions(actions), condition, add_version_condition=add_version_condition)

    def get_save_kwargs_from_instance(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._stamp()
        return super().get_save_kwargs_from_instance(*args, **kwargs)

    def get_update_kwargs_from_instance(self, actions: list[Action], *args: Any, **kwargs: Any) -> dict[str, Any]:
        return super().get_update_kwargs_from_instance(self._stamp_actions(actions), *args, **kwargs)
