"""Users: registration, the caller's own user, and administration (MANAGE_USERS)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination, source_ip
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import quota_usage, user_json
from chalicelib.config import get_settings
from chalicelib.domain import custom_config, oauth, rate_limits, signup
from chalicelib.domain import users as user_cases
from chalicelib.domain.roles import Right
from chalicelib.errors import ValidationError
from chalicelib.store import counters, users

if TYPE_CHECKING:
    from chalice.app import Response

users_api = ApiBlueprint(__name__)

USER_SORTS = ("createdAt", "id")


@users_api.route("/api/v1/users/register", methods=["POST"])
def register() -> Response:
    request = users_api.current_request
    now = time.time()
    ip = source_ip(request)
    rate_limits.check_successes(rate_limits.SIGNUP, ip, now)
    signup.register(custom_config.in_force(get_settings()), json_object(request), oauth.utcnow())
    rate_limits.count_success(rate_limits.SIGNUP, ip, now)
    return no_content()


@users_api.route("/api/v1/users/me", methods=["GET"])
def get_me() -> dict[str, Any]:
    me = session(users_api.current_request).user
    view = user_cases.load_view(me)
    return user_json(view.user, view.account, view.channels, get_settings(), me=True, with_quota_used=True)


@users_api.route("/api/v1/users/me", methods=["PUT"])
def put_me() -> Response:
    request = users_api.current_request
    caller = session(request)
    view = user_cases.load_view(caller.user)
    verify_new_email = custom_config.in_force(get_settings()).signup.requires_email_verification
    user_cases.update_me(
        caller.user, view.account, json_object(request), oauth.utcnow(), caller.token, verify_new_email=verify_new_email
    )
    return no_content()


@users_api.route("/api/v1/users/me", methods=["DELETE"])
def delete_me() -> Response:
    user_cases.delete_me(session(users_api.current_request).user)
    return no_content()


@users_api.route("/api/v1/users/me/video-quota-used", methods=["GET"])
def get_my_quota_used() -> dict[str, int]:
    me = session(users_api.current_request).user
    return quota_usage(me)


@users_api.route("/api/v1/users", methods=["GET"])
def list_users() -> dict[str, Any]:
    request = users_api.current_request
    require_right(session(request), Right.MANAGE_USERS, "/")
    page = pagination(request, USER_SORTS, "-createdAt")
    params: dict[str, str] = dict(request.query_params or {})
    search, blocked = params.get("search") or None, _optional_boolean(params, "blocked")
    newest_first = page.sort.startswith("-")
    if search is None and blocked is None:
        shown = users.list_users(page.start, page.count, newest_first=newest_first)
        total = counters.read_stats_counts().users
    else:
        found = users.search_users(search, blocked, newest_first=newest_first)
        shown, total = found[page.start : page.start + page.count], len(found)
    settings = get_settings()
    data = []
    for user in shown:
        view = user_cases.load_view(user)
        data.append(user_json(user, view.account, [], settings, with_quota_used=True))
    return {"total": total, "data": data}


def _optional_boolean(params: Mapping[str, str], name: str) -> bool | None:
    value = params.get(name)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise ValidationError({name: "Should be a boolean"}, location="query")
    return value == "true"


@users_api.route("/api/v1/users", methods=["POST"])
def create_user() -> dict[str, Any]:
    request = users_api.current_request
    caller = session(request)
    require_right(caller, Right.MANAGE_USERS, "/")
    created = user_cases.admin_create(
        custom_config.in_force(get_settings()), caller.user, json_object(request), oauth.utcnow()
    )
    return {"user": {"id": int(created.user.id), "account": {"id": int(created.account.id)}}}


@users_api.route("/api/v1/users/{user_id}", methods=["GET"])
def get_user(user_id: str) -> dict[str, Any]:
    request = users_api.current_request
    require_right(session(request), Right.MANAGE_USERS, f"/{user_id}")
    view = user_cases.load_view(user_cases.get_user_or_404(user_id))
    return user_json(
        view.user, view.account, view.channels, get_settings(), with_quota_used=True, with_notification_settings=False
    )


@users_api.route("/api/v1/users/{user_id}", methods=["PUT"])
def put_user(user_id: str) -> Response:
    request = users_api.current_request
    caller = session(request)
    require_right(caller, Right.MANAGE_USERS, f"/{user_id}")
    body = json_object(request)
    user_cases.admin_update(caller.user, user_cases.get_user_or_404(user_id), body)
    return no_content()


@users_api.route("/api/v1/users/{user_id}", methods=["DELETE"])
def delete_user(user_id: str) -> Response:
    caller = session(users_api.current_request)
    require_right(caller, Right.MANAGE_USERS, f"/{user_id}")
    user_cases.admin_delete(caller.user, user_cases.get_user_or_404(user_id))
    return no_content()


@users_api.route("/api/v1/users/{user_id}/block", methods=["POST"])
def block_user(user_id: str) -> Response:
    return _set_blocked(user_id, blocked=True)


@users_api.route("/api/v1/users/{user_id}/unblock", methods=["POST"])
def unblock_user(user_id: str) -> Response:
    return _set_blocked(user_id, blocked=False)


def _set_blocked(user_id: str, *, blocked: bool) -> Response:
    request = users_api.current_request
    caller = session(request)
    require_right(caller, Right.MANAGE_USERS, f"/{user_id}/{'block' if blocked else 'unblock'}")
    user_cases.set_blocked(caller.user, user_cases.get_user_or_404(user_id), blocked, json_object(request))
    return no_content()
