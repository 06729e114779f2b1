"""OAuth 2 as PeerTube speaks it: password and refresh-token grants, bearer tokens.

Tokens are 40 random hex characters, like PeerTube's. Only their SHA-256 hashes are stored,
so a leaked table does not leak sessions. Access tokens live a day, refresh tokens two
weeks; a refresh replaces the whole pair.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NoReturn

from chalicelib.domain import passwords, rate_limits, two_factor
from chalicelib.errors import BadRequestError, UnauthorizedError
from chalicelib.store import activity_days, keys, tokens, users
from chalicelib.store import instance as instance_store
from chalicelib.store.models import OAuthToken, User

if TYPE_CHECKING:
    from chalicelib.config import Settings

ACCESS_LIFETIME = timedelta(days=1)
REFRESH_LIFETIME = timedelta(weeks=2)
# A session's last activity is written when it is older than this: at most one write per
# token per interval, instead of one per request.
ACTIVITY_EVERY = timedelta(minutes=5)
GRANTS = ("password", "refresh_token")
BEARER = re.compile(r"^Bearer ([0-9a-zA-Z\-._~+/]+=*)$")
# Verifying against this when the user is unknown makes both failures take as long.
_DUMMY_HASH = "scrypt$17$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime

    def seconds_left(self, now: datetime) -> tuple[int, int]:
        return (
            int((self.access_expires_at - now).total_seconds()),
            int((self.refresh_expires_at - now).total_seconds()),
        )


@dataclass(frozen=True)
class Session:
    """Who is calling: the user behind a valid access token, and that token."""

    user: User
    token: OAuthToken


@dataclass(frozen=True)
class ClientInfo:
    ip: str | None
    device: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_client(client_id: str, client_secret: str) -> None:
    if not client_id or not client_secret:
        raise BadRequestError("Invalid client: cannot retrieve client credentials", code="invalid_client")
    client = instance_store.get_local_client()
    if (
        client is None
        or not passwords.constant_time_equal(client.client_id, client_id)
        or not passwords.constant_time_equal(client.client_secret, client_secret)
    ):
        raise BadRequestError("Invalid client: client is invalid", code="invalid_client")


def check_grant_type(grant_type: str) -> None:
    if not grant_type:
        raise BadRequestError("Missing parameter: `grant_type`", code="invalid_request")
    if grant_type not in GRANTS:
        raise BadRequestError("Unsupported grant type: `grant_type` is invalid", code="unsupported_grant_type")


def password_grant(
    settings: Settings,
    client_id: str,
    username: str,
    password: str,
    client: ClientInfo,
    now: datetime,
    now_seconds: float,
    otp: str | None = None,
) -> IssuedTokens:
    """PeerTube's password grant; `otp` is the `x-peertube-otp` header (two-factor users)."""
    if not username:
        raise BadRequestError("Missing parameter: `username`", code="invalid_request")
    if not password:
        raise BadRequestError("Missing parameter: `password`", code="invalid_request")
    # Per account, whatever the address: guesses spread over many addresses still add up.
    failures_of = username.strip().lower()
    rate_limits.check_successes(rate_limits.LOGIN_FAILURES, failures_of, now_seconds)
    user = users.find_user_by_login(username)
    if user is not None and user.deleting_at is not None:
        user = None  # being deleted: as if already gone
    if not passwords.verify_password(password, user.password_hash if user else _DUMMY_HASH) or user is None:
        rate_limits.count_success(rate_limits.LOGIN_FAILURES, failures_of, now_seconds)
        _refuse_unknown_login(username)
    if len(password) > 50 or len(password.encode("utf-8")) > 72:
        raise BadRequestError(
            "Password is too long. Please reset it using the password reset procedure.", code="too_long_password"
        )
    if user.blocked:
        raise BadRequestError("User is blocked.", code="account_blocked")
    if settings.signup.requires_email_verification and user.email_verified is False:
        raise BadRequestError("User email is not verified.", code="email_not_verified")
    try:
        two_factor.check_login(user, otp, now)
    except BadRequestError:
        rate_limits.count_success(rate_limits.LOGIN_FAILURES, failures_of, now_seconds)  # a wrong code
        raise
    rehashed = passwords.hash_password(password) if passwords.needs_rehash(user.password_hash) else None
    issued = _issue(user, client_id, client, now)
    users.record_login(user, now, rehashed)
    activity_days.mark_active("users", int(user.id), now)
    return issued


def _refuse_unknown_login(login: str) -> NoReturn:
    """PeerTube tells someone whose sign-up is still a request where it stands."""
    from chalicelib.store import registrations
    from chalicelib.store.models.registration import STATE_PENDING, STATE_REJECTED

    registration = registrations.find_by_login(login)
    if registration is not None and int(registration.state) == STATE_REJECTED:
        raise BadRequestError(
            "Registration approval for this account has been rejected", code="account_approval_rejected"
        )
    if registration is not None and int(registration.state) == STATE_PENDING:
        raise BadRequestError("Registration for this account is awaiting approval", code="account_waiting_for_approval")
    raise BadRequestError("Invalid grant: user credentials are invalid", code="invalid_grant")


def refresh_grant(client_id: str, refresh_token: str, now: datetime) -> IssuedTokens:
    if not refresh_token:
        raise BadRequestError("Missing parameter: `refresh_token`", code="invalid_request")
    previous = tokens.get_by_refresh_hash(token_hash(refresh_token))
    if previous is None or previous.client_id != client_id:
        raise BadRequestError("Invalid grant: refresh token is invalid", code="invalid_grant")
    if previous.refresh_expires_at <= now:
        raise BadRequestError("Invalid grant: refresh token has expired", code="invalid_grant")
    # A blocked user's tokens are revoked, but through an eventually consistent listing that
    # can miss one: the user is read consistently and checked here too.
    user = users.get_user(int(previous.user_id), consistent=True)
    if user is None or user.blocked or user.deleting_at is not None:
        raise BadRequestError("Invalid grant: refresh token is invalid", code="invalid_grant")
    # Conditional: of two requests racing with one refresh token, only one gets a new pair.
    if not tokens.consume(previous):
        raise BadRequestError("Invalid grant: refresh token is invalid", code="invalid_grant")
    # The same session goes on under a new pair: its login stays what it was.
    login = ClientInfo(previous.login_ip, previous.login_device)
    last = ClientInfo(previous.last_activity_ip, previous.last_activity_device)
    issued = _issue(user, client_id, login, now, login_at=previous.login_at or previous.created_at, last=last)
    users.record_login(user, now)
    activity_days.mark_active("users", int(user.id), now)
    return issued


def authenticate(authorization: str | None, now: datetime, client: ClientInfo | None = None) -> Session:
    """The session behind an `Authorization: Bearer` header, or the error PeerTube gives;
    `client`, where the request came from, becomes the session's last activity now and then."""
    if not authorization:
        raise UnauthorizedError("Token is invalid", code="unauthorized_request")
    match = BEARER.match(authorization)
    if match is None:
        raise BadRequestError("Token is invalid", code="invalid_request")
    token = tokens.get_by_access_hash(token_hash(match.group(1)))
    if token is None or token.access_expires_at <= now:
        raise UnauthorizedError("Token is invalid", code="invalid_token")
    # Consistent, so that a block holds from the moment it is written, even for a token that
    # revocation missed (see refresh_grant).
    user = users.get_user(int(token.user_id), consistent=True)
    if user is None or user.blocked or user.deleting_at is not None:
        raise UnauthorizedError("Token is invalid", code="invalid_token")
    if client is not None and (token.last_activity_at is None or now - token.last_activity_at >= ACTIVITY_EVERY):
        tokens.record_activity(token, now, client.ip, _device(client))
    return Session(user, token)


def revoke_session(session: Session) -> None:
    tokens.revoke(session.token)


def _issue(
    user: User,
    client_id: str,
    client: ClientInfo,
    now: datetime,
    *,
    login_at: datetime | None = None,
    last: ClientInfo | None = None,
) -> IssuedTokens:
    """A new token pair; a login is also the session's first activity."""
    last = last or client
    issued = IssuedTokens(
        access_token=secrets.token_hex(20),
        refresh_token=secrets.token_hex(20),
        access_expires_at=now + ACCESS_LIFETIME,
        refresh_expires_at=now + REFRESH_LIFETIME,
    )
    access_hash = token_hash(issued.access_token)
    tokens.save_token(
        OAuthToken(
            keys.token_pk(access_hash),
            keys.ENTITY_SK,
            user_id=user.id,
            client_id=client_id,
            refresh_token_hash=token_hash(issued.refresh_token),
            access_expires_at=issued.access_expires_at,
            refresh_expires_at=issued.refresh_expires_at,
            created_at=now,
            login_ip=client.ip,
            login_device=_device(client),
            login_at=login_at or now,
            last_activity_at=now,
            last_activity_ip=last.ip,
            last_activity_device=_device(last),
            expires_at=issued.refresh_expires_at,
            gsi1pk=keys.user_tokens_gsi1pk(int(user.id)),
            gsi1sk=keys.created_sort_key(now.isoformat(), 0) + "#" + access_hash[:16],
        )
    )
    return issued


def _device(client: ClientInfo) -> str | None:
    return (client.device or "")[:255] or None


def utcnow() -> datetime:
    return datetime.now(UTC)
