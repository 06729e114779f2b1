"""The caller's subscriptions: follow and unfollow channels, list them and their videos."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import follows as remote_follows
from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import channel_json
from chalicelib.api.video_filters import QueryParams, skip_count, video_filter
from chalicelib.api.video_shapes import video_page_json
from chalicelib.config import get_settings
from chalicelib.domain import browse
from chalicelib.domain import subscriptions as subscription_cases
from chalicelib.domain.oauth import utcnow
from chalicelib.domain.text_match import fold
from chalicelib.domain.video_lists import VIDEO_SORTS, Scope
from chalicelib.errors import ValidationError
from chalicelib.store import catalog

if TYPE_CHECKING:
    from chalice.app import Response

subscriptions_api = ApiBlueprint(__name__)


@subscriptions_api.route("/api/v1/users/me/subscriptions", methods=["POST"])
def subscribe() -> Response:
    request = subscriptions_api.current_request
    user = session(request).user
    handle = subscription_cases.read_handle(json_object(request).get("uri"))
    subscription_cases.subscribe(user, handle, get_settings(), utcnow())
    return no_content()


@subscriptions_api.route("/api/v1/users/me/subscriptions", methods=["GET"])
def list_subscriptions() -> dict[str, Any]:
    request = subscriptions_api.current_request
    user = session(request).user
    settings = get_settings()
    page = pagination(request, ("id", "createdAt", "channelUpdatedAt"), "-createdAt")
    params = QueryParams(request)
    search = params.one("search")
    if search == "":
        raise ValidationError({"search": "Invalid value"}, location="query")
    found = subscription_cases.subscribed_channels(user)
    if search:
        needle = fold(search)
        found = [(f, c) for f, c in found if needle in fold(c.preferred_username) or needle in fold(c.display_name)]
    column = page.sort.lstrip("-")
    found.sort(
        key=lambda pair: pair[1].updated_at if column == "channelUpdatedAt" else pair[0].created_at,
        reverse=page.sort.startswith("-"),
    )
    shown = found[page.start : page.start + page.count]
    actors = catalog.current().actors
    data = [channel_json(c, settings, owner=actors.get(int(c.account_id or 0))) for _, c in shown]
    return {"total": len(found), "data": data}


@subscriptions_api.route("/api/v1/users/me/subscriptions/exist", methods=["GET"])
def subscriptions_exist() -> dict[str, bool]:
    request = subscriptions_api.current_request
    user = session(request).user
    handles = QueryParams(request).values("uris") or []
    if not all(subscription_cases.is_handle(handle) for handle in handles):
        raise ValidationError({"uris": "Should have a valid array of URIs"}, location="query")
    return subscription_cases.existing(user, handles, get_settings())


@subscriptions_api.route("/api/v1/users/me/subscriptions/videos", methods=["GET"])
def subscription_videos() -> dict[str, Any]:
    request = subscriptions_api.current_request
    user = session(request).user
    settings = get_settings()
    page = pagination(request, VIDEO_SORTS, "-publishedAt")
    params = QueryParams(request)
    filters = video_filter(params, user)
    channel_ids = frozenset(int(channel.id) for _, channel in subscription_cases.subscribed_channels(user))
    scope = Scope(channel_ids=channel_ids, viewer_logged_in=True)
    found = browse.list_videos(scope, filters, page.sort, page.start, page.count, settings.instance_host)
    return video_page_json(found, settings, with_total=not skip_count(params), with_state=filters.include_not_published)


@subscriptions_api.route("/api/v1/users/me/subscriptions/{handle}", methods=["GET"])
def get_subscription(handle: str) -> dict[str, Any]:
    user = session(subscriptions_api.current_request).user
    settings = get_settings()
    channel, _ = subscription_cases.subscription(
        user, subscription_cases.read_handle(handle, location="params"), settings
    )
    owner = catalog.current().actors.get(int(channel.account_id or 0))
    return channel_json(channel, settings, owner=owner)


@subscriptions_api.route("/api/v1/users/me/subscriptions/{handle}", methods=["DELETE"])
def delete_subscription(handle: str) -> Response:
    user = session(subscriptions_api.current_request).user
    handle = subscription_cases.read_handle(handle, location="params")
    subscription_cases.unsubscribe(user, handle, get_settings(), tell_remote=remote_follows.unfollow_channel)
    return no_content()
