"""Token sessions (PeerTube 7): a user's logged-in clients, where and when each logged in and
was last used, and revoking one. A session is a token pair; a refresh carries it on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.roles import Right, Role, can_manage, has_right
from chalicelib.errors import ForbiddenError, NotFoundError, ValidationError
from chalicelib.store import tokens

if TYPE_CHECKING:
    from chalicelib.store.models import OAuthToken, User

SORTS = ("createdAt", "lastActivityDate", "loginDate")


@dataclass(frozen=True)
class TokenSession:
    id: int
    token: OAuthToken
    current: bool


@dataclass(frozen=True)
class SessionPage:
    total: int
    sessions: list[TokenSession]


def check_can_manage(caller: User, target: User) -> None:
    """The user themselves, or someone who manages users and may manage this one."""
    if int(caller.id) == int(target.id):
        return
    role = Role(int(caller.role))
    if not (has_right(role, Right.MANAGE_USERS) and can_manage(role, Role(int(target.role)))):
        raise ForbiddenError(f"User {caller.username} cannot manage the token sessions of another user.")


def list_sessions(
    caller: User, current: OAuthToken, target: User, start: int, count: int, sort: str, now: datetime
) -> SessionPage:
    check_can_manage(caller, target)
    live = _live_sessions(target, current, now)
    key = {
        "createdAt": lambda s: s.token.created_at,
        "lastActivityDate": lambda s: s.token.last_activity_at or s.token.created_at,
        "loginDate": lambda s: s.token.login_at or s.token.created_at,
    }[sort.lstrip("-")]
    ordered = sorted(sorted(live, key=lambda s: s.id), key=key, reverse=sort.startswith("-"))
    return SessionPage(len(ordered), ordered[start : start + count])


def revoke(caller: User, current: OAuthToken, target: User, session_id: str, now: datetime) -> None:
    """Revoke one session (its access and refresh tokens); 404 for one that is not the target's
    or has expired, as PeerTube answers."""
    if not (session_id.isdigit() and len(session_id) <= 16):
        raise ValidationError({"tokenSessionId": "Invalid value"})
    check_can_manage(caller, target)
    wanted = int(session_id)
    for session in _live_sessions(target, current, now):
        if session.id == wanted:
            tokens.revoke(session.token)
            return
    raise NotFoundError("The token session does not exist or does not belong to the user.")


def _live_sessions(target: User, current: OAuthToken, now: datetime) -> list[TokenSession]:
    return [
        TokenSession(tokens.session_id(token), token, token.pk == current.pk)
        for token in tokens.list_user_tokens(int(target.id))
        if token.access_expires_at > now and token.refresh_expires_at > now
    ]
