"""Two-factor login (PeerTube's users/{id}/two-factor routes): request, confirm, disable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object
from chalicelib.api.responses import no_content
from chalicelib.config import get_settings
from chalicelib.domain import oauth, two_factor
from chalicelib.domain import users as user_cases

if TYPE_CHECKING:
    from chalice.app import Response

two_factor_api = ApiBlueprint(__name__)


@two_factor_api.route("/api/v1/users/{user_id}/two-factor/request", methods=["POST"])
def request_two_factor(user_id: str) -> dict[str, Any]:
    request = two_factor_api.current_request
    caller = session(request).user
    target = user_cases.get_user_or_404(user_id)
    return two_factor.request(caller, target, json_object(request), get_settings().instance_host, oauth.utcnow())


@two_factor_api.route("/api/v1/users/{user_id}/two-factor/confirm-request", methods=["POST"])
def confirm_two_factor(user_id: str) -> Response:
    request = two_factor_api.current_request
    caller = session(request).user
    target = user_cases.get_user_or_404(user_id)
    two_factor.confirm(caller, target, json_object(request), oauth.utcnow())
    return no_content()


@two_factor_api.route("/api/v1/users/{user_id}/two-factor/disable", methods=["POST"])
def disable_two_factor(user_id: str) -> Response:
    request = two_factor_api.current_request
    caller = session(request).user
    two_factor.disable(caller, user_cases.get_user_or_404(user_id), json_object(request))
    return no_content()
