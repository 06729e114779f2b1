"""OAuth: the local client, the token endpoint (password and refresh grants), revocation."""

from __future__ import annotations

import json
import time
from typing import Any

from chalice.app import Response

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import form_fields, media_type, source_ip
from chalicelib.config import get_settings
from chalicelib.domain import custom_config, oauth, rate_limits, two_factor
from chalicelib.errors import BadRequestError, ServiceUnavailableError
from chalicelib.store import instance as instance_store

oauth_api = ApiBlueprint(__name__)

FORM = "application/x-www-form-urlencoded"


@oauth_api.route("/api/v1/oauth-clients/local", methods=["GET"])
def get_local_client() -> dict[str, Any]:
    client = instance_store.get_local_client()
    if client is None:
        raise ServiceUnavailableError("This instance is not initialised yet.")
    return {"client_id": client.client_id, "client_secret": client.client_secret}


# Any content type is let through so that a JSON body gets PeerTube's OAuth error, not a 415.
@oauth_api.route("/api/v1/users/token", methods=["POST"], content_types=["*/*"])
def post_token() -> Response:
    request = oauth_api.current_request
    now_seconds = time.time()
    fields = form_fields(request) if media_type(request) == FORM else {}
    # A refresh is not a login attempt: an app refreshing its tokens must not use up its
    # address's login budget (nor lock others behind the same address out).
    if fields.get("grant_type") != "refresh_token":
        rate_limits.count_attempt(rate_limits.LOGIN, source_ip(request), now_seconds)
    if media_type(request) != FORM:
        raise BadRequestError(
            "Invalid request: content must be application/x-www-form-urlencoded", code="invalid_request"
        )
    client_id = fields.get("client_id", "")
    oauth.check_client(client_id, fields.get("client_secret", ""))
    grant_type = fields.get("grant_type", "")
    oauth.check_grant_type(grant_type)
    now = oauth.utcnow()
    if grant_type == "password":
        client = oauth.ClientInfo(source_ip(request), request.headers.get("user-agent"))
        issued = oauth.password_grant(
            custom_config.in_force(get_settings()),
            client_id,
            fields.get("username", ""),
            fields.get("password", ""),
            client,
            now,
            now_seconds,
            otp=request.headers.get(two_factor.HEADER),
        )
    else:
        issued = oauth.refresh_grant(client_id, fields.get("refresh_token", ""), now)
    access_left, refresh_left = issued.seconds_left(now)
    body = {
        "token_type": "Bearer",
        "access_token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "expires_in": access_left,
        "refresh_token_expires_in": refresh_left,
    }
    return Response(
        body=json.dumps(body),
        status_code=200,
        headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@oauth_api.route("/api/v1/users/revoke-token", methods=["POST"], content_types=["*/*"])
def post_revoke_token() -> dict[str, Any]:
    oauth.revoke_session(session(oauth_api.current_request))
    return {"success": True}
