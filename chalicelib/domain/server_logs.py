"""PeerTube's server logs and audit logs (`/api/v1/server/logs`, `/audit-logs`) from the
stack's log lines.

PeerTube answers the JSON entries of its log files, oldest first, each `{level, message,
timestamp, ...}`, at or above a level (debug < info < warn < error), optionally only those
with one of some tags, and at most 10 MB of them (the newest). Cirrus's lines are
Powertools' JSON (levels INFO, WARNING, ...) and Lambda's own plain lines; an entry's tags
are its own `tags` and the function that wrote it, so `tagsOneOf=transcoder` shows one
function's. Audit entries are the lines `observability.audit` writes (`audit: true`), shown
as PeerTube's: level `audit`, the message the entry's JSON.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from chalicelib.store import server_logs

LEVELS = {"debug": 0, "info": 1, "warn": 2, "error": 3}
# Powertools' (Python's) level names to PeerTube's.
_LEVEL_NAMES = {"DEBUG": "debug", "INFO": "info", "WARNING": "warn", "ERROR": "error", "CRITICAL": "error"}
# Lambda's response carries at most 6 MB: the answer keeps under it (PeerTube: 10 MB).
MAX_OUTPUT_CHARACTERS = 4_000_000
# What is read to find them, and for how long (API Gateway gives up after 29 s).
MAX_READ_CHARACTERS = 4 * MAX_OUTPUT_CHARACTERS
READ_SECONDS = 20.0
# Lambda's own lines around each invocation, which say nothing of Cirrus.
_PLATFORM_PREFIXES = ("START RequestId:", "END RequestId:", "REPORT RequestId:", "INIT_START", "INIT_REPORT")


def server_logs_between(start: datetime, end: datetime, level: str, tags_one_of: list[str]) -> list[dict[str, Any]]:
    """`level` one of LEVELS; `tags_one_of` empty for any."""
    floor = LEVELS[level]
    wanted = set(tags_one_of)
    entries = []
    for line in _lines(start, end):
        entry = _entry(line)
        if entry is None or entry.get("audit") is True:
            continue
        if LEVELS.get(str(entry["level"]), 1) < floor:
            continue
        if wanted and not wanted.intersection(entry["tags"]):
            continue
        entries.append(entry)
    return _newest(entries)


def audit_logs_between(start: datetime, end: datetime) -> list[dict[str, Any]]:
    entries = []
    for line in _lines(start, end):
        entry = _entry(line)
        if entry is not None and entry.get("audit") is True:
            entries.append({"level": "audit", "message": entry["message"], "timestamp": entry["timestamp"]})
    return _newest(entries)


def _lines(start: datetime, end: datetime) -> list[server_logs.LogLine]:
    lines = server_logs.read_lines(start, end, MAX_READ_CHARACTERS, READ_SECONDS)
    return sorted(lines, key=lambda line: line.at)


def _entry(line: server_logs.LogLine) -> dict[str, Any] | None:
    try:
        record = json.loads(line.text)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        text = line.text.strip()
        if not text or text.startswith(_PLATFORM_PREFIXES):
            return None
        # Lambda's runtime writes an unhandled exception as `[ERROR] Type: message`.
        record = {"level": "ERROR" if "[ERROR]" in text else "INFO", "message": text}
    entry = {key: value for key, value in record.items() if key not in ("level", "message", "timestamp", "tags")}
    tags = record.get("tags")
    entry.update(
        {
            "level": _LEVEL_NAMES.get(str(record.get("level", "INFO")).upper(), "info"),
            "message": _text(record.get("message", "")),
            "timestamp": _iso(line.at),
            "tags": [*(str(tag) for tag in tags), line.source] if isinstance(tags, list) else [line.source],
        }
    )
    return entry


def _text(message: Any) -> str:
    # Powertools writes a message that is JSON (an audit entry's) as the object itself.
    return message if isinstance(message, str) else json.dumps(message, default=str)


def _newest(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest entries that fit in MAX_OUTPUT_CHARACTERS, oldest first (as PeerTube)."""
    kept: list[dict[str, Any]] = []
    size = 0
    for entry in reversed(entries):
        size += len(json.dumps(entry, default=str))
        if size > MAX_OUTPUT_CHARACTERS:
            break
        kept.append(entry)
    return kept[::-1]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
