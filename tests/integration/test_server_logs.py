"""PeerTube's `/api/v1/server/logs` and `/audit-logs` (moto's CloudWatch Logs, and the local
stack's log file): who may read them, PeerTube's query, and the entries' shape."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chalicelib import aws as aws_clients
from chalicelib.config import get_settings
from chalicelib.observability import audit, logger
from local.stack import write_log_file
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.members import Member

LOGS = "/api/v1/server/logs"
AUDIT = "/api/v1/server/audit-logs"
API_GROUP = "/aws/lambda/cirrus-test-api"
TRANSCODER_GROUP = "/aws/lambda/cirrus-test-transcoder"
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def root(api: ApiClient) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def _line(level: str, message: Any, **extra: Any) -> str:
    return json.dumps({"level": level, "location": "x:1", "message": message, "service": "cirrus", **extra}) + "\n"


@pytest.fixture
def groups(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Two functions' log groups with Powertools lines, Lambda's own, and an audit entry."""
    monkeypatch.setenv("CIRRUS_LOG_GROUPS", f"{API_GROUP}, {TRANSCODER_GROUP},/aws/lambda/cirrus-test-never")
    get_settings.cache_clear()
    client = aws_clients.logs()
    at = int((NOW - timedelta(minutes=10)).timestamp() * 1000)
    events = {
        API_GROUP: [
            "START RequestId: 1 Version: $LATEST\n",
            _line("DEBUG", "routing"),
            _line("INFO", "a request"),
            # Powertools writes a dict message as an object (observability.audit).
            _line("INFO", {"user": "root", "domain": "jobs", "action": "update"}, audit=True),
            "[ERROR] RuntimeError: boom\n",
            "END RequestId: 1\n",
        ],
        TRANSCODER_GROUP: [_line("WARNING", "slow step", tags=["transcoding"]), _line("ERROR", "step failed")],
    }
    # The transcoder's lines fall between the API's: entries come in time order, whatever the group.
    offsets = {API_GROUP: 0, TRANSCODER_GROUP: 2500}
    for group, lines in events.items():
        client.create_log_group(logGroupName=group)
        client.create_log_stream(logGroupName=group, logStreamName="s")
        client.put_log_events(
            logGroupName=group,
            logStreamName="s",
            logEvents=[{"timestamp": at + offsets[group] + i * 1000, "message": t} for i, t in enumerate(lines)],
        )
    # Outside the window asked below.
    client.put_log_events(
        logGroupName=API_GROUP,
        logStreamName="s",
        logEvents=[{"timestamp": at - 3_600_000, "message": _line("ERROR", "long ago")}],
    )
    yield
    get_settings.cache_clear()


def _since(minutes: int) -> str:
    return (NOW - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_only_administrators_read_the_logs(api: ApiClient, root: str, people: dict[str, Member]) -> None:
    for path in (LOGS, AUDIT):
        assert api.get(f"{path}?startDate={_since(5)}").status == 401
        for member in (people["alice"], people["mod"]):
            refused = api.get_as(f"{path}?startDate={_since(5)}", member.token)
            assert refused.status == 403
            assert "right (No. 3)" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "startDate"),
        ("?startDate=yesterday", "startDate"),
        # A fixed start: the parameters must be the same in every xdist worker that collects them.
        ("?startDate=2026-01-01T00:00:00.000Z&endDate=soon", "endDate"),
        ("?startDate=2026-01-01T00:00:00.000Z&level=audit", "level"),
        ("?startDate=2026-01-01T00:00:00.000Z&level=verbose", "level"),
    ],
)
def test_bad_queries_are_400(api: ApiClient, root: str, query: str, field: str) -> None:
    answer = api.get_as(f"{LOGS}{query}", root)
    assert answer.status == 400, answer.body
    assert field in answer.json()["invalid-params"]
    if field == "startDate":
        assert api.get_as(f"{AUDIT}{query}", root).status == 400


def test_cloudwatch_lines_become_peertube_entries(api: ApiClient, root: str, groups: None) -> None:
    answer = api.get_as(f"{LOGS}?startDate={_since(30)}", root)
    assert answer.status == 200, answer.body
    entries = answer.json()
    assert [(e["level"], e["message"]) for e in entries] == [
        ("info", "a request"),
        ("warn", "slow step"),
        ("error", "step failed"),
        ("error", "[ERROR] RuntimeError: boom"),
    ]
    stamps = [e["timestamp"] for e in entries]
    assert stamps == sorted(stamps) and stamps[0].endswith("Z")
    assert entries[0]["tags"] == ["cirrus-test-api"] and entries[0]["service"] == "cirrus"
    assert entries[1]["tags"] == ["transcoding", "cirrus-test-transcoder"]

    debug = api.get_as(f"{LOGS}?startDate={_since(30)}&level=debug", root).json()
    assert debug[0]["message"] == "routing"
    errors = api.get_as(f"{LOGS}?startDate={_since(30)}&level=error", root).json()
    assert [e["message"] for e in errors] == ["step failed", "[ERROR] RuntimeError: boom"]
    tagged = api.get_as(f"{LOGS}?startDate={_since(30)}&tagsOneOf=cirrus-test-transcoder&tagsOneOf=none", root)
    assert [e["message"] for e in tagged.json()] == ["slow step", "step failed"]
    earlier = api.get_as(f"{LOGS}?startDate={_since(120)}&endDate={_since(30)}&level=error", root).json()
    assert [e["message"] for e in earlier] == ["long ago"]


def test_audit_logs_are_the_audit_entries_only(api: ApiClient, root: str, groups: None) -> None:
    entries = api.get_as(f"{AUDIT}?startDate={_since(30)}", root).json()
    assert len(entries) == 1
    assert entries[0]["level"] == "audit"
    assert json.loads(entries[0]["message"]) == {"user": "root", "domain": "jobs", "action": "update"}


@pytest.fixture
def log_file(aws: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "logs" / "cirrus.log"
    monkeypatch.setenv("CIRRUS_LOG_FILE", str(path))
    get_settings.cache_clear()
    write_log_file(path)
    yield path
    target = logging.getLogger(logger.name)
    for handler in [h for h in target.handlers if getattr(h, "baseFilename", None) == str(path)]:
        target.removeHandler(handler)
        handler.close()
    get_settings.cache_clear()


def test_the_local_stack_reads_its_log_file(api: ApiClient, root: str, log_file: Path) -> None:
    logger.warning("disk nearly full", extra={"tags": ["storage"]})
    audit("root", "config", "update", instanceName="Cirrus")
    assert api.post_json("/api/v1/jobs/pause", {}, token=root).status == 204  # audited as well

    entries = api.get_as(f"{LOGS}?startDate={_since(1)}&level=warn", root).json()
    assert [(e["message"], e["tags"]) for e in entries if e["message"] == "disk nearly full"] == [
        ("disk nearly full", ["storage", "local"])
    ]
    audited = [json.loads(e["message"]) for e in api.get_as(f"{AUDIT}?startDate={_since(1)}", root).json()]
    assert audited[0] == {"user": "root", "domain": "config", "action": "update", "instanceName": "Cirrus"}
    assert audited[-1] == {"user": "root", "domain": "jobs", "action": "update", "paused": True}
    assert api.get_as(f"{LOGS}?startDate={_since(1)}&endDate={_since(0)[:-5]}Z", root).status == 200
