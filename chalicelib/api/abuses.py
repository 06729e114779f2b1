"""Abuse reports: report (POST /abuses), moderate (GET, PUT, DELETE /abuses, right
MANAGE_ABUSES), a user's own reports (GET /users/me/abuses) and the messages of a report."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from chalicelib.api.abuse_shapes import abuse_json, message_json
from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination
from chalicelib.api.responses import no_content
from chalicelib.config import get_settings
from chalicelib.domain import abuse_lists, rate_limits
from chalicelib.domain import abuses as abuse_cases
from chalicelib.domain.oauth import utcnow
from chalicelib.domain.roles import Right
from chalicelib.store import abuses, catalog

if TYPE_CHECKING:
    from chalice.app import Response

    from chalicelib.domain.abuse_lists import AbusePage
    from chalicelib.domain.oauth import Session

abuses_api = ApiBlueprint(__name__)
SORTS = ("id", "createdAt", "state")


@abuses_api.route("/api/v1/abuses", methods=["GET"])
def list_abuses() -> dict[str, Any]:
    request = abuses_api.current_request
    current = _moderator("/")
    page = pagination(request, SORTS, "-createdAt")
    query = abuse_lists.read_query(dict(request.query_params or {}), for_moderators=True)
    found = abuse_lists.for_moderators(current.user, query, page.start, page.count, page.sort)
    return _page_json(found, for_moderators=True)


@abuses_api.route("/api/v1/abuses", methods=["POST"])
def report_abuse() -> dict[str, Any]:
    request = abuses_api.current_request
    user = session(request).user
    rate_limits.count_user_action(rate_limits.ABUSE_REPORT, user, time.time())
    abuse_id = abuse_cases.report(user, json_object(request), utcnow())
    return {"abuse": {"id": abuse_id}}


@abuses_api.route("/api/v1/abuses/{abuse_id}", methods=["PUT"])
def update_abuse(abuse_id: str) -> Response:
    _moderator(f"/{abuse_id}")
    abuse_cases.moderate(abuse_id, json_object(abuses_api.current_request), utcnow())
    return no_content()


@abuses_api.route("/api/v1/abuses/{abuse_id}", methods=["DELETE"])
def delete_abuse(abuse_id: str) -> Response:
    _moderator(f"/{abuse_id}")
    abuse_cases.remove(abuse_id)
    return no_content()


@abuses_api.route("/api/v1/users/me/abuses", methods=["GET"])
def list_my_abuses() -> dict[str, Any]:
    request = abuses_api.current_request
    user = session(request).user
    page = pagination(request, SORTS, "-createdAt")
    query = abuse_lists.read_query(dict(request.query_params or {}), for_moderators=False)
    return _page_json(abuse_lists.for_reporter(user, query, page.start, page.count, page.sort), for_moderators=False)


@abuses_api.route("/api/v1/abuses/{abuse_id}/messages", methods=["GET"])
def list_abuse_messages(abuse_id: str) -> dict[str, Any]:
    user = session(abuses_api.current_request).user
    abuse = abuse_cases.readable_for_messages(abuse_id, user)
    messages = abuses.list_messages(int(abuse.id))
    people = catalog.current().actors
    settings = get_settings()
    data = [
        message_json(m, people.get(int(m.account_id)) if m.account_id is not None else None, settings) for m in messages
    ]
    return {"total": len(data), "data": data}


@abuses_api.route("/api/v1/abuses/{abuse_id}/messages", methods=["POST"])
def add_abuse_message(abuse_id: str) -> dict[str, Any]:
    request = abuses_api.current_request
    user = session(request).user
    abuse = abuse_cases.readable_for_messages(abuse_id, user)
    message_id = abuse_cases.add_message(abuse, user, json_object(request), utcnow())
    return {"abuseMessage": {"id": message_id}}


@abuses_api.route("/api/v1/abuses/{abuse_id}/messages/{message_id}", methods=["DELETE"])
def delete_abuse_message(abuse_id: str, message_id: str) -> Response:
    user = session(abuses_api.current_request).user
    abuse = abuse_cases.readable_for_messages(abuse_id, user)
    abuse_cases.delete_message(abuse, user, message_id)
    return no_content()


def _moderator(path: str) -> Session:
    current = session(abuses_api.current_request)
    require_right(current, Right.MANAGE_ABUSES, path)
    return current


def _page_json(found: AbusePage, *, for_moderators: bool) -> dict[str, Any]:
    settings = get_settings()
    return {
        "total": found.total,
        "data": [abuse_json(view, settings, for_moderators=for_moderators) for view in found.views],
    }
