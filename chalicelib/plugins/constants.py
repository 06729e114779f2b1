"""PeerTube's video constant managers (`videoCategoryManager`, `videoLicenceManager`,
`videoLanguageManager`, `videoPrivacyManager`): a plugin adds or deletes categories,
licences and languages, and deletes privacies. The changes hold for the process, applied
over PeerTube's tables by `altered` (domain/reference_data.py), so they show in
GET /api/v1/videos/categories|licences|languages|privacies and in the checks of uploads and
updates.

As in PeerTube (video-constant-manager-factory.ts), adding a key that exists and deleting
one that does not are refused (False, and a warning); plugins apply in name order.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from chalicelib.observability import logger

# The tables domain/reference_data.py serves, read here too for the managers' own view.
_DATA = Path(__file__).resolve().parents[1] / "domain" / "data"
FILES = {
    "category": "video_categories",
    "licence": "video_licences",
    "language": "video_languages",
    "privacy": "video_privacies",
}
NUMERIC = frozenset({"category", "licence", "privacy"})
MAX_LABEL = 200


@dataclass
class Changes:
    """What one plugin did to one table, in order."""

    added: dict[str, str] = field(default_factory=dict)
    deleted: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.deleted)


@functools.cache
def base(kind: str) -> dict[str, str]:
    with open(_DATA / f"{FILES[kind]}.json", encoding="utf-8") as handle:
        loaded: dict[str, str] = json.load(handle)
    return loaded


def apply(table: dict[str, str], changes: Changes) -> dict[str, str]:
    result = dict(table)
    for key in changes.deleted:
        result.pop(key, None)
    for key, label in changes.added.items():
        result.setdefault(key, label)
    return result


class ConstantManager:
    """One plugin's manager of one table (`api.video_category_manager`, ...)."""

    def __init__(self, plugin: str, kind: str, changes: Changes, others: object) -> None:
        self._plugin = plugin
        self._kind = kind
        self._changes = changes
        self._others = others  # () -> the table with every other plugin's changes

    def get_constants(self) -> dict[str, str]:
        current = self._others() if callable(self._others) else base(self._kind)
        return apply(current, self._changes)

    def get_constant_value(self, key: int | str) -> str | None:
        return self.get_constants().get(str(key))

    def add_constant(self, key: int | str, label: str) -> bool:
        if self._kind == "privacy":
            raise TypeError("PeerTube's videoPrivacyManager has no addConstant: privacies can only be deleted")
        name = _key(self._kind, key)
        if not isinstance(label, str) or not 0 < len(label) <= MAX_LABEL:
            raise ValueError(f"{self._kind} {name}: a label is a string of 1 to {MAX_LABEL} characters")
        if name in self.get_constants():
            logger.warning("plugin cannot add an existing constant", extra=self._extra(name))
            return False
        self._changes.added[name] = label
        return True

    def delete_constant(self, key: int | str) -> bool:
        name = _key(self._kind, key)
        current = self.get_constants()
        if name not in current:
            logger.warning("plugin cannot delete a missing constant", extra=self._extra(name))
            return False
        if self._changes.added.pop(name, None) is None:
            self._changes.deleted[name] = current[name]
        return True

    def reset_constants(self) -> None:
        self._changes.added.clear()
        self._changes.deleted.clear()

    def _extra(self, key: str) -> dict[str, str]:
        return {"plugin": self._plugin, "constant": self._kind, "key": key}


def _key(kind: str, key: object) -> str:
    """PeerTube's keys: integers for categories, licences and privacies, codes for languages."""
    if kind in NUMERIC:
        if isinstance(key, bool) or not isinstance(key, int | str) or not str(key).isdigit():
            raise ValueError(f"a {kind} key is a positive integer")
        return str(int(key))
    if not isinstance(key, str) or not 0 < len(key) <= 10:
        raise ValueError("a language key is a code of 1 to 10 characters")
    return key
