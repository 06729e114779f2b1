"""Access patterns of two-factor login (TF1-TF4 in docs/data-model.md): the pending request
in the user's partition, and the seed and last accepted step on the user item."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.store import keys
from chalicelib.store.models import TwoFactorRequest, User
from chalicelib.store.writes import is_condition_failure


def save_request(user_id: int, token_hash: str, sealed_secret: str, expires_at: datetime) -> None:
    """TF1: the user's pending request (PutItem: a newer one replaces it)."""
    TwoFactorRequest(
        keys.user_pk(user_id),
        keys.TWO_FACTOR_REQUEST_SK,
        token_hash=token_hash,
        secret=sealed_secret,
        expires_at=expires_at,
    ).save()


def get_request(user_id: int, now: datetime) -> TwoFactorRequest | None:
    """TF2: the pending request, unless expired (one consistent GetItem)."""
    try:
        found = TwoFactorRequest.get(keys.user_pk(user_id), keys.TWO_FACTOR_REQUEST_SK, consistent_read=True)
    except TwoFactorRequest.DoesNotExist:
        return None
    if found.expires_at is not None and found.expires_at <= now:
        return None
    return found


def enable(user: User, sealed_secret: str, request: TwoFactorRequest, step: int) -> bool:
    """TF3: the seed becomes the user's, with the step of the code that confirmed it, if the
    user still has none; the request is used up. False if two-factor was turned on meanwhile."""
    try:
        user.update(
            actions=[User.otp_secret.set(sealed_secret), User.otp_last_step.set(step)],
            condition=User.pk.exists() & User.otp_secret.does_not_exist(),
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    request.delete()
    return True


def disable(user: User) -> None:
    """TF4: no more seed."""
    user.update(actions=[User.otp_secret.remove(), User.otp_last_step.remove()], condition=User.pk.exists())


def use_step(user: User, step: int) -> bool:
    """TF5: accept a code of time step `step` once: True if no code of this step or a later
    one was accepted before (a conditional UpdateItem, so two logins racing with one code
    cannot both pass)."""
    try:
        user.update(
            actions=[User.otp_last_step.set(step)],
            condition=User.otp_last_step.does_not_exist() | (User.otp_last_step < step),
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True
