"""The instance's follows: /api/v1/server/following and /api/v1/server/followers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import follows as remote_follows
from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination, query_param
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import actor_json, iso
from chalicelib.config import get_settings
from chalicelib.domain import instance_follows
from chalicelib.domain.oauth import utcnow
from chalicelib.domain.roles import Right
from chalicelib.errors import ValidationError

if TYPE_CHECKING:
    from chalice.app import Response

    from chalicelib.domain.instance_follows import FollowRow

server_follows_api = ApiBlueprint(__name__)
STATES = ("pending", "accepted", "rejected")
ACTOR_TYPES = ("Person", "Application", "Group", "Service", "Organization")
BASE_SCORE = 1000  # PeerTube's starting reachability score; Cirrus tracks reachability per host


@server_follows_api.route("/api/v1/server/following", methods=["GET"])
def list_following() -> dict[str, Any]:
    rows = instance_follows.following_rows(instance_follows.server_actor())
    return _page(rows, ("createdAt", "redundancyAllowed"), lambda row: row.following)


@server_follows_api.route("/api/v1/server/followers", methods=["GET"])
def list_followers() -> dict[str, Any]:
    rows = instance_follows.follower_rows(instance_follows.server_actor())
    return _page(rows, ("createdAt", "state", "score"), lambda row: row.follower)


@server_follows_api.route("/api/v1/server/following", methods=["POST"])
def follow() -> Response:
    request = server_follows_api.current_request
    require_right(session(request), Right.MANAGE_SERVER_FOLLOW, "/api/v1/server/following")
    body = json_object(request)
    hosts, handles = _strings(body.get("hosts"), "hosts"), _strings(body.get("handles"), "handles")
    remote_follows.follow_targets(hosts, handles, get_settings(), utcnow())
    return no_content()


@server_follows_api.route("/api/v1/server/following/{target}", methods=["DELETE"])
def unfollow(target: str) -> Response:
    request = server_follows_api.current_request
    require_right(session(request), Right.MANAGE_SERVER_FOLLOW, "/api/v1/server/following")
    remote_follows.unfollow(target)
    return no_content()


@server_follows_api.route("/api/v1/server/followers/{handle}/accept", methods=["POST"])
def accept_follower(handle: str) -> Response:
    _manager()
    remote_follows.accept_follower(handle, get_settings(), utcnow())
    return no_content()


@server_follows_api.route("/api/v1/server/followers/{handle}/reject", methods=["POST"])
def reject_follower(handle: str) -> Response:
    _manager()
    remote_follows.reject_follower(handle, get_settings(), utcnow())
    return no_content()


@server_follows_api.route("/api/v1/server/followers/{handle}", methods=["DELETE"])
def remove_follower(handle: str) -> Response:
    _manager()
    remote_follows.remove_follower(handle, get_settings(), utcnow())
    return no_content()


def _manager() -> None:
    request = server_follows_api.current_request
    require_right(session(request), Right.MANAGE_SERVER_FOLLOW, "/api/v1/server/followers")


def _strings(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in values):
        raise ValidationError(
            {field: "Should have an array of unique hosts" if field == "hosts" else "Should have an array of handles"}
        )
    return list(values)


def _page(rows: list[FollowRow], sortable: tuple[str, ...], other: Any) -> dict[str, Any]:
    request = server_follows_api.current_request
    page = pagination(request, sortable, "-createdAt")
    state, actor_type, search = (query_param(request, name) for name in ("state", "actorType", "search"))
    if state is not None and state not in STATES:
        raise ValidationError({"state": "Invalid value"}, location="query")
    if actor_type is not None and actor_type not in ACTOR_TYPES:
        raise ValidationError({"actorType": "Invalid value"}, location="query")
    selected = [
        row
        for row in rows
        if (state is None or row.follow.state == state)
        and (actor_type is None or other(row).actor_type == actor_type)
        and (not search or search.lower() in f"{other(row).preferred_username}@{other(row).host or ''}".lower())
    ]
    key = page.sort.removeprefix("-")
    selected.sort(key=lambda row: str(row.follow.state) if key == "state" else row.follow.created_at)
    if page.sort.startswith("-"):
        selected.reverse()
    settings = get_settings()
    return {
        "total": len(selected),
        "data": [_follow_json(row, settings) for row in selected[page.start : page.start + page.count]],
    }


def _follow_json(row: FollowRow, settings: Any) -> dict[str, Any]:
    following = actor_json(row.following, settings)
    following["hostRedundancyAllowed"] = bool(row.follow.redundancy_allowed)
    return {
        "id": int(row.follow.follow_id or 0),
        "follower": actor_json(row.follower, settings),
        "following": following,
        "score": BASE_SCORE,
        "state": row.follow.state,
        "createdAt": iso(row.follow.created_at),
        "updatedAt": iso(row.follow.updated_at),
    }
