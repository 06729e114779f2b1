"""Web Push subscriptions of the caller's browsers (a Cirrus extension; PeerTube has none):
docs/notifications.md, "Web Push"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.errors import RemoteFetchError
from chalicelib.activitypub.net.addresses import checked_target
from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object
from chalicelib.api.responses import no_content
from chalicelib.domain.notifications import web_push
from chalicelib.domain.oauth import utcnow
from chalicelib.errors import NotFoundError, ValidationError
from chalicelib.store import web_push as web_push_store

if TYPE_CHECKING:
    from chalice.app import Response

push_subscriptions_api = ApiBlueprint(__name__)
ROUTE = "/api/v1/users/me/push-subscriptions"


@push_subscriptions_api.route(f"{ROUTE}/vapid-key", methods=["GET"])
def vapid_key() -> dict[str, Any]:
    """The key the browser's pushManager.subscribe takes as applicationServerKey."""
    session(push_subscriptions_api.current_request)
    return {"publicKey": web_push.public_key(utcnow())}


@push_subscriptions_api.route(ROUTE, methods=["GET"])
def list_subscriptions() -> dict[str, Any]:
    user = session(push_subscriptions_api.current_request).user
    found = sorted(web_push_store.list_subscriptions(int(user.id)), key=lambda s: s.created_at)
    data = [{"endpoint": s.endpoint, "createdAt": s.created_at.isoformat().replace("+00:00", "Z")} for s in found]
    return {"total": len(data), "data": data}


@push_subscriptions_api.route(ROUTE, methods=["POST"], content_types=["application/json"])
def subscribe() -> Response:
    request = push_subscriptions_api.current_request
    user = session(request).user
    body = json_object(request)
    _check_endpoint(body.get("endpoint"))
    web_push.subscribe(user, body, utcnow())
    return no_content()


@push_subscriptions_api.route(ROUTE, methods=["DELETE"], content_types=["application/json"])
def unsubscribe() -> Response:
    request = push_subscriptions_api.current_request
    user = session(request).user
    endpoint = json_object(request).get("endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        raise ValidationError({"endpoint": "The endpoint of a push subscription is expected"})
    if not web_push.unsubscribe(user, endpoint):
        raise NotFoundError("Push subscription not found")
    return no_content()


def _check_endpoint(endpoint: Any) -> None:
    """A push service's URL that the work function may POST to (https; the federation address
    policy's rules, whose address check is made again when it is dialled)."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > web_push.MAX_ENDPOINT_LENGTH:
        raise ValidationError({"endpoint": "The endpoint of a push subscription is expected"})
    try:
        checked_target(endpoint)
    except RemoteFetchError:
        raise ValidationError({"endpoint": "The endpoint must be an https URL of a push service"}) from None
