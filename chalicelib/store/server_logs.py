"""The stack's log lines between two moments: FilterLogEvents over its CloudWatch log groups
(every function's, CIRRUS_LOG_GROUPS), or under `make run` the stack's log file
(CIRRUS_LOG_FILE, JSON lines, rotated into .1, .2, ...).

CloudWatch reads forward in time, a page of up to 10,000 events per call and group: a read
stops at `max_characters` or `seconds`, whichever comes first, so that an answer fits in a
Lambda response and API Gateway's 29 s.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings

# Rotated files the local stack keeps beside the current one (local/stack.py).
LOCAL_BACKUPS = 3


@dataclass(frozen=True)
class LogLine:
    at: datetime
    text: str
    source: str  # the function (its log group's last part), or "local"


def read_lines(start: datetime, end: datetime, max_characters: int, seconds: float) -> list[LogLine]:
    settings = get_settings()
    if settings.log_file:
        return _read_files(Path(settings.log_file), start, end, max_characters)
    return _read_groups(settings.log_groups, start, end, max_characters, time.monotonic() + seconds)


def _read_groups(
    groups: tuple[str, ...], start: datetime, end: datetime, max_characters: int, deadline: float
) -> list[LogLine]:
    client: Any = aws.logs()
    lines: list[LogLine] = []
    size = 0
    for group in groups:
        source = group.rsplit("/", 1)[-1]
        arguments: dict[str, Any] = {
            "logGroupName": group,
            "startTime": _milliseconds(start),
            "endTime": _milliseconds(end),
        }
        while size < max_characters and time.monotonic() < deadline:
            try:
                page = client.filter_log_events(**arguments)
            except client.exceptions.ResourceNotFoundException:
                break  # a function that never logged has no group yet
            for event in page.get("events", []):
                text = str(event.get("message", "")).rstrip("\n")
                lines.append(LogLine(datetime.fromtimestamp(int(event["timestamp"]) / 1000, UTC), text, source))
                size += len(text)
            if not page.get("nextToken"):
                break
            arguments["nextToken"] = page["nextToken"]
    return lines


def _read_files(path: Path, start: datetime, end: datetime, max_characters: int) -> list[LogLine]:
    files = [path.with_name(f"{path.name}.{n}") for n in range(LOCAL_BACKUPS, 0, -1)] + [path]
    lines: list[LogLine] = []
    for file in files:
        if not file.exists():
            continue
        with file.open(encoding="utf-8", errors="replace") as handle:
            for text in handle:
                moment = _stamp(text)
                if moment is not None and start <= moment <= end:
                    lines.append(LogLine(moment, text.rstrip("\n"), "local"))
    # The newest first when a window holds more than the answer can.
    kept: list[LogLine] = []
    size = 0
    for line in reversed(lines):
        size += len(line.text)
        if size > max_characters:
            break
        kept.append(line)
    return kept[::-1]


def _stamp(text: str) -> datetime | None:
    """A JSON line's time, as Powertools writes it (2026-12-07 04:33:01,473+0000)."""
    try:
        record = json.loads(text)
        return datetime.strptime(str(record["timestamp"]), "%Y-%m-%d %H:%M:%S,%f%z")
    except (ValueError, KeyError, TypeError):
        return None


def _milliseconds(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
