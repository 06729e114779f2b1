"""Token sessions (PeerTube's users/{id}/token-sessions): list a user's sessions, revoke one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import pagination
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import iso
from chalicelib.domain import oauth, token_sessions
from chalicelib.domain import users as user_cases

if TYPE_CHECKING:
    from chalice.app import Response

    from chalicelib.domain.token_sessions import TokenSession

token_sessions_api = ApiBlueprint(__name__)


@token_sessions_api.route("/api/v1/users/{user_id}/token-sessions", methods=["GET"])
def list_token_sessions(user_id: str) -> dict[str, Any]:
    request = token_sessions_api.current_request
    caller = session(request)
    target = user_cases.get_user_or_404(user_id)
    page = pagination(request, token_sessions.SORTS, "-lastActivityDate")
    found = token_sessions.list_sessions(
        caller.user, caller.token, target, page.start, page.count, page.sort, oauth.utcnow()
    )
    return {"total": found.total, "data": [_session_json(s) for s in found.sessions]}


@token_sessions_api.route("/api/v1/users/{user_id}/token-sessions/{session_id}/revoke", methods=["POST"])
def revoke_token_session(user_id: str, session_id: str) -> Response:
    request = token_sessions_api.current_request
    caller = session(request)
    target = user_cases.get_user_or_404(user_id)
    token_sessions.revoke(caller.user, caller.token, target, session_id, oauth.utcnow())
    return no_content()


def _session_json(found: TokenSession) -> dict[str, Any]:
    token = found.token
    return {
        "id": found.id,
        "currentSession": found.current,
        "loginDevice": token.login_device,
        "loginIP": token.login_ip,
        "loginDate": iso(token.login_at or token.created_at),
        "lastActivityDevice": token.last_activity_device,
        "lastActivityIP": token.last_activity_ip,
        "lastActivityDate": iso(token.last_activity_at or token.created_at),
        "createdAt": iso(token.created_at),
    }
