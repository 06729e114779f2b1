"""PeerTube's email routes: ask for a verification or a password reset email (per address
rate limited, 204 whatever the address), and follow the links those emails carry."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, source_ip
from chalicelib.api.responses import no_content
from chalicelib.domain import oauth, rate_limits
from chalicelib.domain.mail import flows

if TYPE_CHECKING:
    from chalice.app import Response

email_flows_api = ApiBlueprint(__name__)


@email_flows_api.route("/api/v1/users/ask-send-verify-email", methods=["POST"])
def ask_send_verify_email() -> Response:
    request = email_flows_api.current_request
    rate_limits.count_attempt(rate_limits.ASK_VERIFY_EMAIL, source_ip(request), time.time())
    flows.ask_verify_email(json_object(request))
    return no_content()


@email_flows_api.route("/api/v1/users/registrations/ask-send-verify-email", methods=["POST"])
def ask_send_registration_verify_email() -> Response:
    """The same task as for a user: the address is a pending request's or a user's."""
    request = email_flows_api.current_request
    rate_limits.count_attempt(rate_limits.ASK_VERIFY_EMAIL, source_ip(request), time.time())
    flows.ask_verify_email(json_object(request))
    return no_content()


@email_flows_api.route("/api/v1/users/registrations/{registration_id}/verify-email", methods=["POST"])
def verify_registration_email(registration_id: str) -> Response:
    request = email_flows_api.current_request
    flows.verify_registration_email(registration_id, json_object(request), oauth.utcnow())
    return no_content()


@email_flows_api.route("/api/v1/users/{user_id}/verify-email", methods=["POST"])
def verify_email(user_id: str) -> Response:
    request = email_flows_api.current_request
    flows.verify_email(user_id, json_object(request), oauth.utcnow())
    return no_content()


@email_flows_api.route("/api/v1/users/ask-reset-password", methods=["POST"])
def ask_reset_password() -> Response:
    request = email_flows_api.current_request
    rate_limits.count_attempt(rate_limits.ASK_RESET_PASSWORD, source_ip(request), time.time())
    flows.ask_reset_password(json_object(request))
    return no_content()


@email_flows_api.route("/api/v1/users/{user_id}/reset-password", methods=["POST"])
def reset_password(user_id: str) -> Response:
    request = email_flows_api.current_request
    flows.reset_password(user_id, json_object(request), oauth.utcnow())
    return no_content()
