"""My notifications (PeerTube's my-notifications controller): list, mark read, mark all read,
and the notification settings. Everything is the caller's own: the user comes from the token,
and no path names another user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import check_read_window, json_object, pagination
from chalicelib.api.responses import no_content
from chalicelib.api.video_filters import QueryParams
from chalicelib.domain import oauth
from chalicelib.domain.notifications import listing, settings
from chalicelib.domain.notifications.types import NotificationType

if TYPE_CHECKING:
    from chalice.app import Response

notifications_api = ApiBlueprint(__name__)

TYPES = frozenset(int(kind) for kind in NotificationType)


@notifications_api.route("/api/v1/users/me/notifications", methods=["GET"])
def list_my_notifications() -> dict[str, Any]:
    request = notifications_api.current_request
    me = session(request).user
    # PeerTube's order: pagination, then sort, then the list's own filters.
    page = pagination(request, listing.SORTS, listing.DEFAULT_SORT)
    params = QueryParams(request)
    unread = params.boolean("unread")
    types = params.integers("typeOneOf", TYPES)
    params.raise_if_invalid()
    check_read_window(page)
    found = listing.list_mine(me, start=page.start, count=page.count, sort=page.sort, unread=unread, types=types)
    return {"total": found.total, "data": found.data}


@notifications_api.route("/api/v1/users/me/notifications/read", methods=["POST"])
def read_my_notifications() -> Response:
    request = notifications_api.current_request
    me = session(request).user
    listing.mark_read(me, listing.read_ids(json_object(request)), oauth.utcnow())
    return no_content()


@notifications_api.route("/api/v1/users/me/notifications/read-all", methods=["POST"])
def read_all_my_notifications() -> Response:
    listing.mark_all_read(session(notifications_api.current_request).user)
    return no_content()


@notifications_api.route("/api/v1/users/me/notification-settings", methods=["PUT"])
def update_my_notification_settings() -> Response:
    request = notifications_api.current_request
    settings.update(session(request).user, json_object(request))
    return no_content()
