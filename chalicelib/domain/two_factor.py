"""Two-factor login (PeerTube's two-factor controller and its OTP checks): a TOTP seed (RFC 6238:
SHA-1, 6 digits, 30 s steps, a step either side accepted, as PeerTube's otpauth checks) that
the user's authenticator app shares.

- `request`: a new seed and a request token (valid 10 minutes), for the user alone and with
  their current password; nothing changes until confirmed.
- `confirm`: the request token and a code computed from the seed turn it on.
- `disable`: the user (with their password), or someone who may manage them, turns it off.
- At login, once the password holds, a user with a seed must send a code in the
  `x-peertube-otp` header: without one, 401 with `x-peertube-otp: required; app` (what
  PeerTube's clients look for to ask for the code); a wrong one, 400.

Codes are accepted once: the user item keeps the last step a code was accepted for, and a
conditional write refuses that step again (two logins racing with one code). Wrong codes count
as failed logins (domain/rate_limits.py). The seed is sealed like actors' private keys.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.domain import passwords
from chalicelib.domain.roles import Right, Role, can_manage, has_right
from chalicelib.errors import BadRequestError, ForbiddenError, UnauthorizedError, ValidationError
from chalicelib.store import sealed_keys
from chalicelib.store import two_factor as store

if TYPE_CHECKING:
    from chalicelib.store.models import User

HEADER = "x-peertube-otp"
REQUIRED = "required; app"
REQUEST_LIFETIME = timedelta(minutes=10)
STEP_SECONDS = 30
WINDOW = 1  # steps accepted either side of now: clocks differ, a code takes time to type
DIGITS = 6


def request(caller: User, target: User, body: dict[str, Any], instance_host: str, now: datetime) -> dict[str, Any]:
    """POST /users/{id}/two-factor/request: PeerTube's TwoFactorEnableResult."""
    import pyotp

    _check_self(caller, target)
    _check_password(target, body)
    if target.otp_secret is not None:
        raise BadRequestError("Two factor is already enabled.")
    secret = pyotp.random_base32(32)
    uri = pyotp.TOTP(secret).provisioning_uri(name=target.email, issuer_name=instance_host)
    token = secrets.token_hex(32)
    sealed = sealed_keys.seal_user_secret(secret, int(target.id))
    store.save_request(int(target.id), _hash(token), sealed, now + REQUEST_LIFETIME)
    return {"otpRequest": {"requestToken": token, "secret": secret, "uri": uri}}


def confirm(caller: User, target: User, body: dict[str, Any], now: datetime) -> None:
    """POST /users/{id}/two-factor/confirm-request {requestToken, otpToken}."""
    invalid = {name: "Invalid value" for name in ("requestToken", "otpToken") if not _text(body.get(name))}
    if invalid:
        raise ValidationError(invalid)
    _check_self(caller, target)
    if target.otp_secret is not None:
        raise BadRequestError("Two factor is already enabled.")
    pending = store.get_request(int(target.id), now)
    if pending is None or not hmac.compare_digest(str(pending.token_hash), _hash(str(body["requestToken"]))):
        raise ForbiddenError("Invalid request token")
    secret = sealed_keys.unseal_user_secret(str(pending.secret), int(target.id))
    step = matching_step(secret, str(body["otpToken"]), now)
    if step is None:
        raise ForbiddenError("Invalid OTP token")
    if not store.enable(target, str(pending.secret), pending, step):
        raise BadRequestError("Two factor is already enabled.")


def disable(caller: User, target: User, body: dict[str, Any]) -> None:
    """POST /users/{id}/two-factor/disable: the user with their password, or someone who
    manages users (and may manage this one: PeerTube's administrators reset a lost phone)."""
    role = Role(int(caller.role))
    if int(caller.id) == int(target.id):
        _check_password(target, body)
    elif not (has_right(role, Right.MANAGE_USERS) and can_manage(role, Role(int(target.role)))):
        raise ForbiddenError(f"User {caller.username} does not have right to disable two factor of another user.")
    if target.otp_secret is None:
        raise BadRequestError("Two factor is not enabled.")
    store.disable(target)


def check_login(user: User, code: str | None, now: datetime) -> None:
    """At login, after the password: nothing for a user without a seed; else a code, once."""
    if user.otp_secret is None:
        return
    if not code:
        raise UnauthorizedError("Missing two factor header", code="missing_two_factor", headers={HEADER: REQUIRED})
    secret = sealed_keys.unseal_user_secret(str(user.otp_secret), int(user.id))
    step = matching_step(secret, code, now)
    if step is None or not store.use_step(user, step):
        raise BadRequestError("Invalid two factor header", code="invalid_two_factor")


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step `code` was computed for, within WINDOW steps of now (None if none)."""
    import pyotp

    code = code.strip()
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current, current - WINDOW, current + WINDOW):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _check_self(caller: User, target: User) -> None:
    if int(caller.id) != int(target.id):
        raise ForbiddenError(f"User {caller.username} cannot change the two factor setting of another user.")


def _check_password(user: User, body: dict[str, Any]) -> None:
    current = body.get("currentPassword")
    if not current:
        raise BadRequestError("currentPassword parameter is missing")
    if not isinstance(current, str) or not passwords.verify_password(current, user.password_hash):
        raise UnauthorizedError("currentPassword is invalid.", code="current_password_is_invalid")


def _text(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 200


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
