"""Local actors as ActivityPub documents, with their followers, following and outbox.

The gateway (CloudFront on AWS) sends these paths here only when the client asks for
ActivityPub JSON; browsers get the web client's page for the same URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.activitypub.documents.actors import actor_document
from chalicelib.activitypub.documents.collections import Slice, collection, page_number
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import query_param
from chalicelib.config import get_settings
from chalicelib.errors import BadRequestError, NotFoundError
from chalicelib.store import actors, follows

if TYPE_CHECKING:
    from chalicelib.store.models import Actor

activitypub_actors_api = ApiBlueprint(__name__)
ACTIVITY_CONTENT_TYPE = "application/activity+json; charset=utf-8"
ACCOUNT_TYPES = ("Person", "Application")


def activity_response(document: dict[str, Any]) -> Response:
    return Response(body=document, status_code=200, headers={"Content-Type": ACTIVITY_CONTENT_TYPE})


@activitypub_actors_api.route("/accounts/{name}", methods=["GET"])
def get_account_actor(name: str) -> Response:
    return activity_response(_document(local_account(name)))


@activitypub_actors_api.route("/a/{name}", methods=["GET"])
def get_account_actor_short(name: str) -> Response:
    """PeerTube's short alias of an account's URL."""
    return activity_response(_document(local_account(name)))


@activitypub_actors_api.route("/video-channels/{name}", methods=["GET"])
def get_channel_actor(name: str) -> Response:
    return activity_response(_document(local_channel(name)))


@activitypub_actors_api.route("/c/{name}", methods=["GET"])
def get_channel_actor_short(name: str) -> Response:
    """PeerTube's short alias of a channel's URL."""
    return activity_response(_document(local_channel(name)))


@activitypub_actors_api.route("/accounts/{name}/followers", methods=["GET"])
def get_account_followers(name: str) -> Response:
    return _followers(local_account(name))


@activitypub_actors_api.route("/video-channels/{name}/followers", methods=["GET"])
def get_channel_followers(name: str) -> Response:
    return _followers(local_channel(name))


@activitypub_actors_api.route("/accounts/{name}/following", methods=["GET"])
def get_account_following(name: str) -> Response:
    return _following(local_account(name))


@activitypub_actors_api.route("/video-channels/{name}/following", methods=["GET"])
def get_channel_following(name: str) -> Response:
    return _following(local_channel(name))


def _document(actor: Actor) -> dict[str, Any]:
    settings = get_settings()
    owner = actors.get_actor(int(actor.account_id)) if actor.actor_type == "Group" and actor.account_id else None
    return actor_document(actor, settings.instance_url, owner=owner)


def _followers(actor: Actor) -> Response:
    def read(start: int, count: int) -> Slice:
        page = follows.accepted_page(target_id=int(actor.id), start=start, count=count) if count else []
        return Slice(_urls([int(f.follower_id) for f in page]), int(actor.followers_count or 0))

    return activity_response(collection(str(actor.followers_url or f"{actor.url}/followers"), requested_page(), read))


def _following(actor: Actor) -> Response:
    def read(start: int, count: int) -> Slice:
        page = follows.accepted_page(follower_id=int(actor.id), start=start, count=count) if count else []
        return Slice(_urls([int(f.target_id) for f in page]), int(actor.following_count or 0))

    return activity_response(collection(str(actor.following_url or f"{actor.url}/following"), requested_page(), read))


def _urls(actor_ids: list[int]) -> list[str]:
    found = actors.get_actors(set(actor_ids)) if actor_ids else {}
    return [str(found[i].url) for i in actor_ids if i in found]


def requested_page() -> int | None:
    raw = query_param(activitypub_actors_api.current_request, "page")
    try:
        return page_number(raw)
    except ValueError:
        raise BadRequestError("Invalid page") from None


def local_account(name: str) -> Actor:
    actor = actors.find_local_actor(name)
    if actor is None or actor.actor_type not in ACCOUNT_TYPES:
        raise NotFoundError("Account not found")
    return actor


def local_channel(name: str) -> Actor:
    actor = actors.find_local_actor(name)
    if actor is None or actor.actor_type != "Group":
        raise NotFoundError("Video channel not found")
    return actor
