"""Watched words and automatic tags: an account's lists (`/api/v1/watched-words/accounts/
{accountName}/lists`), the instance's (`/server/lists`, MANAGE_INSTANCE_WATCHED_WORDS), the
tags each may use, and an account's policy of holding tagged comments for review."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination
from chalicelib.api.shapes import iso
from chalicelib.config import get_settings
from chalicelib.domain import automatic_tags, blocklists, watched_words
from chalicelib.domain.oauth import utcnow
from chalicelib.domain.roles import Right
from chalicelib.store import actors

if TYPE_CHECKING:
    from chalicelib.api.request import Pagination
    from chalicelib.store.models import User, WatchedWordsList

watched_words_api = ApiBlueprint(__name__)
ACCOUNT_LISTS = "/api/v1/watched-words/accounts/{account_name}/lists"
SERVER_LISTS = "/api/v1/watched-words/server/lists"


@watched_words_api.route(ACCOUNT_LISTS, methods=["GET"])
def list_account_lists(account_name: str) -> dict[str, Any]:
    # PeerTube's order: authentication, then the page's parameters, then the account.
    request = watched_words_api.current_request
    user = session(request).user
    page = pagination(request, watched_words.SORTS, watched_words.DEFAULT_SORT)
    return _page(_managed_account(account_name, user), page)


@watched_words_api.route(SERVER_LISTS, methods=["GET"])
def list_server_lists() -> dict[str, Any]:
    request = watched_words_api.current_request
    current = session(request)
    page = pagination(request, watched_words.SORTS, watched_words.DEFAULT_SORT)
    require_right(current, Right.MANAGE_INSTANCE_WATCHED_WORDS, SERVER_LISTS)
    return _page(actors.server_actor_id(), page)


@watched_words_api.route(ACCOUNT_LISTS, methods=["POST"])
def add_account_list(account_name: str) -> dict[str, Any]:
    return _created(_managed_account(account_name))


@watched_words_api.route(SERVER_LISTS, methods=["POST"])
def add_server_list() -> dict[str, Any]:
    _staff(Right.MANAGE_INSTANCE_WATCHED_WORDS, SERVER_LISTS)
    return _created(actors.server_actor_id())


@watched_words_api.route(ACCOUNT_LISTS + "/{list_id}", methods=["PUT"])
def update_account_list(account_name: str, list_id: str) -> Response:
    return _updated(_managed_account(account_name), list_id)


@watched_words_api.route(SERVER_LISTS + "/{list_id}", methods=["PUT"])
def update_server_list(list_id: str) -> Response:
    _staff(Right.MANAGE_INSTANCE_WATCHED_WORDS, SERVER_LISTS)
    return _updated(actors.server_actor_id(), list_id)


@watched_words_api.route(ACCOUNT_LISTS + "/{list_id}", methods=["DELETE"])
def delete_account_list(account_name: str, list_id: str) -> Response:
    watched_words.delete(_managed_account(account_name), list_id)
    return _no_content()


@watched_words_api.route(SERVER_LISTS + "/{list_id}", methods=["DELETE"])
def delete_server_list(list_id: str) -> Response:
    _staff(Right.MANAGE_INSTANCE_WATCHED_WORDS, SERVER_LISTS)
    watched_words.delete(actors.server_actor_id(), list_id)
    return _no_content()


# Automatic tags


@watched_words_api.route("/api/v1/automatic-tags/policies/accounts/{account_name}/comments", methods=["GET"])
def get_comment_policy(account_name: str) -> dict[str, Any]:
    return automatic_tags.review_policy(_managed_account(account_name))


@watched_words_api.route("/api/v1/automatic-tags/policies/accounts/{account_name}/comments", methods=["PUT"])
def set_comment_policy(account_name: str) -> Response:
    account_id = _managed_account(account_name)
    automatic_tags.set_review_policy(account_id, json_object(watched_words_api.current_request))
    return _no_content()


@watched_words_api.route("/api/v1/automatic-tags/accounts/{account_name}/available", methods=["GET"])
def account_tags_available(account_name: str) -> dict[str, Any]:
    return automatic_tags.available(_managed_account(account_name))


@watched_words_api.route("/api/v1/automatic-tags/server/available", methods=["GET"])
def server_tags_available() -> dict[str, Any]:
    _staff(Right.MANAGE_INSTANCE_AUTO_TAGS, "/api/v1/automatic-tags/server/available")
    return automatic_tags.available(actors.server_actor_id())


# Helpers


def list_json(item: WatchedWordsList) -> dict[str, Any]:
    """PeerTube's WatchedWordsList."""
    return {
        "id": int(item.id),
        "listName": str(item.list_name),
        "words": list(item.words or []),
        "updatedAt": iso(item.updated_at),
        "createdAt": iso(item.created_at),
    }


def _managed_account(handle: str, user: User | None = None) -> int:
    """The local account the caller may manage (its own, or any with MANAGE_USERS)."""
    user = user or session(watched_words_api.current_request).user
    found = blocklists.find_account(get_settings(), handle)
    return int(watched_words.check_manages_account(user, found).id)


def _staff(right: Right, path: str) -> None:
    require_right(session(watched_words_api.current_request), right, path)


def _page(account_id: int, page: Pagination) -> dict[str, Any]:
    total, lists = watched_words.page(account_id, start=page.start, count=page.count, sort=page.sort)
    return {"total": total, "data": [list_json(item) for item in lists]}


def _created(account_id: int) -> dict[str, Any]:
    item = watched_words.create(account_id, json_object(watched_words_api.current_request), utcnow())
    return {"watchedWordsList": {"id": int(item.id)}}


def _updated(account_id: int, list_id: str) -> Response:
    watched_words.update(account_id, list_id, json_object(watched_words_api.current_request), utcnow())
    return _no_content()


def _no_content() -> Response:
    # PeerTube's sendStatus(204): no body, no Content-Type.
    return Response(body="", status_code=204)
