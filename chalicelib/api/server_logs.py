"""PeerTube's `GET /api/v1/server/logs` and `/api/v1/server/audit-logs`, for administrators
(MANAGE_LOGS), with PeerTube's query: startDate (required), endDate, level, tagsOneOf."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.domain import server_logs
from chalicelib.domain.roles import Right
from chalicelib.errors import ValidationError

if TYPE_CHECKING:
    from chalice.app import Request

server_logs_api = ApiBlueprint(__name__)


@server_logs_api.route("/api/v1/server/logs", methods=["GET"])
def get_logs() -> Any:
    request = _admin("/server/logs")
    query = request.query_params
    start, end = _window(request)
    level = dict(query or {}).get("level", "info")
    if level not in server_logs.LEVELS:
        raise ValidationError({"level": "Should have a valid level"}, location="query")
    tags = [tag for key in ("tagsOneOf", "tagsOneOf[]") if query and key in query for tag in query.getlist(key)]
    return server_logs.server_logs_between(start, end, level, tags)


@server_logs_api.route("/api/v1/server/audit-logs", methods=["GET"])
def get_audit_logs() -> Any:
    request = _admin("/server/audit-logs")
    start, end = _window(request)
    return server_logs.audit_logs_between(start, end)


def _admin(path: str) -> Request:
    request = server_logs_api.current_request
    require_right(session(request), Right.MANAGE_LOGS, path)
    return request


def _window(request: Request) -> tuple[datetime, datetime]:
    query: dict[str, str] = dict(request.query_params or {})
    start = _date(query.get("startDate"))
    if start is None:
        raise ValidationError({"startDate": "Should have a start date that conforms to ISO 8601"}, location="query")
    end = _date(query.get("endDate")) if "endDate" in query else datetime.now(UTC)
    if end is None:
        raise ValidationError({"endDate": "Should have an end date that conforms to ISO 8601"}, location="query")
    return start, end


def _date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
