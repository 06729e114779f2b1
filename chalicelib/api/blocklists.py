"""Blocklists: the instance's (/api/v1/server/blocklist/...), the caller's own
(/api/v1/users/me/blocklist/...), and the block status of accounts and hosts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import optional_session, require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination, query_param
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import account_json, iso
from chalicelib.api.video_filters import QueryParams
from chalicelib.config import get_settings
from chalicelib.domain import blocklists, muting
from chalicelib.domain.handles import is_handle, is_host
from chalicelib.domain.oauth import utcnow
from chalicelib.domain.roles import Right
from chalicelib.errors import ValidationError

if TYPE_CHECKING:
    from chalice.app import Response

    from chalicelib.config import Settings
    from chalicelib.domain.blocklists import AccountBlockRow, ServerBlockRow
    from chalicelib.store.models import User

blocklists_api = ApiBlueprint(__name__)
SORTS = ("createdAt",)
SERVER_ACCOUNTS = "/api/v1/server/blocklist/accounts"
SERVER_SERVERS = "/api/v1/server/blocklist/servers"


# The instance's blocklist (rights MANAGE_ACCOUNTS_BLOCKLIST and MANAGE_SERVERS_BLOCKLIST)


@blocklists_api.route(SERVER_ACCOUNTS, methods=["GET"])
def list_instance_account_blocks() -> dict[str, Any]:
    _moderator(Right.MANAGE_ACCOUNTS_BLOCKLIST, SERVER_ACCOUNTS)
    return _account_page(muting.instance_owner_id())


@blocklists_api.route(SERVER_ACCOUNTS, methods=["POST"])
def block_account_for_instance() -> Response:
    user = _moderator(Right.MANAGE_ACCOUNTS_BLOCKLIST, SERVER_ACCOUNTS)
    body = json_object(blocklists_api.current_request)
    blocklists.block_account(muting.instance_owner_id(), user, body, get_settings(), utcnow())
    return no_content()


@blocklists_api.route(SERVER_ACCOUNTS + "/{account_name}", methods=["DELETE"])
def unblock_account_for_instance(account_name: str) -> Response:
    _moderator(Right.MANAGE_ACCOUNTS_BLOCKLIST, SERVER_ACCOUNTS)
    blocklists.unblock_account(muting.instance_owner_id(), account_name, get_settings())
    return no_content()


@blocklists_api.route(SERVER_SERVERS, methods=["GET"])
def list_instance_server_blocks() -> dict[str, Any]:
    _moderator(Right.MANAGE_SERVERS_BLOCKLIST, SERVER_SERVERS)
    return _server_page(muting.instance_owner_id())


@blocklists_api.route(SERVER_SERVERS, methods=["POST"])
def block_server_for_instance() -> Response:
    _moderator(Right.MANAGE_SERVERS_BLOCKLIST, SERVER_SERVERS)
    body = json_object(blocklists_api.current_request)
    blocklists.block_server(muting.instance_owner_id(), body, get_settings(), utcnow())
    return no_content()


@blocklists_api.route(SERVER_SERVERS + "/{host}", methods=["DELETE"])
def unblock_server_for_instance(host: str) -> Response:
    _moderator(Right.MANAGE_SERVERS_BLOCKLIST, SERVER_SERVERS)
    blocklists.unblock_server(muting.instance_owner_id(), host)
    return no_content()


# The caller's own blocklist (any logged-in user)


@blocklists_api.route("/api/v1/users/me/blocklist/accounts", methods=["GET"])
def list_my_account_blocks() -> dict[str, Any]:
    return _account_page(int(_me().account_id))


@blocklists_api.route("/api/v1/users/me/blocklist/accounts", methods=["POST"])
def block_account_for_me() -> Response:
    user = _me()
    body = json_object(blocklists_api.current_request)
    blocklists.block_account(int(user.account_id), user, body, get_settings(), utcnow())
    return no_content()


@blocklists_api.route("/api/v1/users/me/blocklist/accounts/{account_name}", methods=["DELETE"])
def unblock_account_for_me(account_name: str) -> Response:
    blocklists.unblock_account(int(_me().account_id), account_name, get_settings())
    return no_content()


@blocklists_api.route("/api/v1/users/me/blocklist/servers", methods=["GET"])
def list_my_server_blocks() -> dict[str, Any]:
    return _server_page(int(_me().account_id))


@blocklists_api.route("/api/v1/users/me/blocklist/servers", methods=["POST"])
def block_server_for_me() -> Response:
    user = _me()
    body = json_object(blocklists_api.current_request)
    blocklists.block_server(int(user.account_id), body, get_settings(), utcnow())
    return no_content()


@blocklists_api.route("/api/v1/users/me/blocklist/servers/{host}", methods=["DELETE"])
def unblock_server_for_me(host: str) -> Response:
    blocklists.unblock_server(int(_me().account_id), host)
    return no_content()


# Status (anyone; the caller's own blocks when logged in)


@blocklists_api.route("/api/v1/blocklist/status", methods=["GET"])
def blocklist_status() -> dict[str, Any]:
    request = blocklists_api.current_request
    current = optional_session(request)
    params = QueryParams(request)
    hosts = params.values("hosts") or []
    handles = params.values("accounts") or []
    invalid = {}
    if len(set(hosts)) != len(hosts) or not all(is_host(host) for host in hosts):
        invalid["hosts"] = "Should have a valid hosts array"
    if not all(is_handle(handle) for handle in handles):
        invalid["accounts"] = "Should have a valid accounts array"
    if invalid:
        raise ValidationError(invalid, location="query")
    viewer = current.user if current else None
    return blocklists.status(viewer, handles, hosts, get_settings())


def _me() -> User:
    return session(blocklists_api.current_request).user


def _moderator(right: Right, path: str) -> User:
    current = session(blocklists_api.current_request)
    require_right(current, right, path)
    return current.user


def _account_page(owner_id: int) -> dict[str, Any]:
    request = blocklists_api.current_request
    page = pagination(request, SORTS, "-createdAt")
    rows = blocklists.account_blocks(owner_id, query_param(request, "search"), newest_first=page.sort.startswith("-"))
    settings = get_settings()
    shown = rows[page.start : page.start + page.count]
    return {"total": len(rows), "data": [_account_block_json(row, settings) for row in shown]}


def _server_page(owner_id: int) -> dict[str, Any]:
    request = blocklists_api.current_request
    page = pagination(request, SORTS, "-createdAt")
    rows = blocklists.server_blocks(owner_id, query_param(request, "search"), newest_first=page.sort.startswith("-"))
    settings = get_settings()
    shown = rows[page.start : page.start + page.count]
    return {"total": len(rows), "data": [_server_block_json(row, settings) for row in shown]}


def _account_block_json(row: AccountBlockRow, settings: Settings) -> dict[str, Any]:
    return {
        "byAccount": account_json(row.owner, settings),
        "blockedAccount": account_json(row.target, settings),
        "createdAt": iso(row.block.created_at),
    }


def _server_block_json(row: ServerBlockRow, settings: Settings) -> dict[str, Any]:
    return {
        "byAccount": account_json(row.owner, settings),
        "blockedServer": {"host": row.block.host},
        "createdAt": iso(row.block.created_at),
    }
