"""Who is calling, and may they? Bearer tokens and role rights, checked per request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.api.request import source_ip
from chalicelib.domain import oauth
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.errors import ForbiddenError

if TYPE_CHECKING:
    from chalice.app import Request


def session(request: Request) -> oauth.Session:
    """The caller's session; 401 (or 400 for a malformed header) without a valid token."""
    client = oauth.ClientInfo(source_ip(request), request.headers.get("user-agent"))
    return oauth.authenticate(request.headers.get("authorization"), oauth.utcnow(), client)


def optional_session(request: Request) -> oauth.Session | None:
    """The caller's session if they sent credentials (bad credentials still fail)."""
    if not request.headers.get("authorization"):
        return None
    return session(request)


def require_right(current: oauth.Session, right: Right, path: str) -> None:
    if not has_right(Role(int(current.user.role)), right):
        raise ForbiddenError(
            f"User {current.user.username} does not have right (No. {int(right)}) to access to {path}."
        )
