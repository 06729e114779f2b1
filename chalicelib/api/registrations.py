"""Registration requests: sign-up with moderator approval (PeerTube's default policy)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination, source_ip
from chalicelib.api.shapes import iso
from chalicelib.config import get_settings
from chalicelib.domain import custom_config, oauth, rate_limits, signup
from chalicelib.domain.roles import Right
from chalicelib.store import registrations

if TYPE_CHECKING:
    from chalicelib.store.models import Registration

registrations_api = ApiBlueprint(__name__)


@registrations_api.route("/api/v1/users/registrations/request", methods=["POST"])
def request_registration() -> dict[str, Any]:
    request = registrations_api.current_request
    now, ip = time.time(), source_ip(request)
    rate_limits.check_successes(rate_limits.SIGNUP, ip, now)
    registration = signup.request_registration(
        custom_config.in_force(get_settings()), json_object(request), oauth.utcnow()
    )
    rate_limits.count_success(rate_limits.SIGNUP, ip, now)
    return registration_json(registration)


@registrations_api.route("/api/v1/users/registrations", methods=["GET"])
def list_registrations() -> dict[str, Any]:
    request = registrations_api.current_request
    require_right(session(request), Right.MANAGE_REGISTRATIONS, "/registrations")
    page = pagination(request, ("createdAt",), "-createdAt")
    found = registrations.list_registrations(page.start, page.count, newest_first=page.sort.startswith("-"))
    return {"total": registrations.count_registrations(), "data": [registration_json(r) for r in found]}


@registrations_api.route("/api/v1/users/registrations/{registration_id}/accept", methods=["POST"])
def accept_registration(registration_id: str) -> Response:
    request = registrations_api.current_request
    require_right(session(request), Right.MANAGE_REGISTRATIONS, f"/registrations/{registration_id}/accept")
    signup.accept(custom_config.in_force(get_settings()), registration_id, json_object(request), oauth.utcnow())
    return Response(body="", status_code=204)


@registrations_api.route("/api/v1/users/registrations/{registration_id}/reject", methods=["POST"])
def reject_registration(registration_id: str) -> Response:
    request = registrations_api.current_request
    require_right(session(request), Right.MANAGE_REGISTRATIONS, f"/registrations/{registration_id}/reject")
    signup.reject(registration_id, json_object(request), oauth.utcnow())
    return Response(body="", status_code=204)


@registrations_api.route("/api/v1/users/registrations/{registration_id}", methods=["DELETE"])
def delete_registration(registration_id: str) -> Response:
    request = registrations_api.current_request
    require_right(session(request), Right.MANAGE_REGISTRATIONS, f"/registrations/{registration_id}")
    signup.delete(registration_id)
    return Response(body="", status_code=204)


def registration_json(registration: Registration) -> dict[str, Any]:
    state = int(registration.state)
    return {
        "id": int(registration.id),
        "state": {"id": state, "label": signup.STATE_LABELS[state]},
        "registrationReason": registration.registration_reason,
        "moderationResponse": registration.moderation_response,
        "username": registration.username,
        "email": registration.email,
        "emailVerified": registration.email_verified,
        "accountDisplayName": registration.account_display_name,
        "channelHandle": registration.channel_handle,
        "channelDisplayName": registration.channel_display_name,
        "createdAt": iso(registration.created_at),
        "updatedAt": iso(registration.updated_at),
        "user": {"id": int(registration.user_id)} if registration.user_id is not None else None,
    }
