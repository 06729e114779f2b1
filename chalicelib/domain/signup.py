"""Signing up: direct registration, or a request that a moderator accepts or rejects.

Which one applies is the instance's signup policy (PeerTube's `signup` settings): closed,
open, or open with approval. Both paths validate the same fields the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import plugins
from chalicelib.domain import events, passwords, validation
from chalicelib.domain.accounts import (
    ACTOR_TAKEN,
    USER_TAKEN,
    ChannelRequest,
    CreatedUser,
    NewUser,
    check_not_reserved,
    create_local_user,
)
from chalicelib.domain.validation import Checks
from chalicelib.errors import BadRequestError, ConflictError, ForbiddenError, NotFoundError
from chalicelib.store import actors, counters, keys, registrations, users
from chalicelib.store.models import Registration
from chalicelib.store.models.registration import STATE_ACCEPTED, STATE_PENDING, STATE_REJECTED

if TYPE_CHECKING:
    from chalicelib.config import Settings

REASON_LENGTH = (2, 3000)
STATE_LABELS = {STATE_PENDING: "Pending", STATE_REJECTED: "Rejected", STATE_ACCEPTED: "Accepted"}


@dataclass(frozen=True)
class SignupForm:
    username: str
    password: str
    email: str
    display_name: str | None
    channel: ChannelRequest | None


SIGNUP_HOOK = "filter:api.user.signup.allowed.result"
REQUEST_SIGNUP_HOOK = "filter:api.user.request-signup.allowed.result"


def register(settings: Settings, body: dict[str, Any], now: datetime) -> CreatedUser:
    """POST /users/register: only when sign-up is open without approval."""
    check_signup_open(settings, SIGNUP_HOOK, body)
    if settings.signup.requires_approval:
        raise ForbiddenError("User registration requires approval")
    form = read_form(body, Checks())
    request = NewUser(
        username=form.username,
        password=form.password,
        email=form.email,
        display_name=form.display_name,
        channel=form.channel,
        video_quota=settings.user_defaults.video_quota,
        video_quota_daily=settings.user_defaults.video_quota_daily,
        email_verified=False if settings.signup.requires_email_verification else None,
    )
    created = create_local_user(settings, request, now)
    events.emit(events.UserRegistered(created.user, created.account))
    if settings.signup.requires_email_verification:
        from chalicelib.domain.mail import flows

        flows.queue_verification(created.user)
    return created


def request_registration(settings: Settings, body: dict[str, Any], now: datetime) -> Registration:
    """POST /users/registrations/request: only when sign-up needs approval."""
    check_signup_open(settings, REQUEST_SIGNUP_HOOK, body)
    if not settings.signup.requires_approval:
        raise BadRequestError("Signup approval is not enabled on this instance")
    checks = Checks()
    checks.require(body, "registrationReason", validation.check_optional_text(REASON_LENGTH))
    if body.get("registrationReason") is None:
        checks.add("registrationReason", "Should have a registration reason")
    form = read_form(body, checks)
    check_not_reserved(form.username, form.channel.name if form.channel else None)
    if users.find_user_by_login(form.username) or users.find_user_by_login(form.email):
        raise ConflictError(USER_TAKEN)
    if actors.name_taken(form.username):
        raise ConflictError(ACTOR_TAKEN)
    if form.channel is not None and actors.name_taken(form.channel.name):
        raise ConflictError(f"Channel with name {form.channel.name} already exists.")
    registration_id = counters.next_id("registration")
    registration = Registration(
        keys.registration_pk(registration_id),
        keys.ENTITY_SK,
        id=registration_id,
        registration_reason=body["registrationReason"],
        username=form.username,
        email=form.email,
        email_verified=False if settings.signup.requires_email_verification else None,
        password_hash=passwords.hash_password(form.password),
        account_display_name=form.display_name,
        channel_handle=form.channel.name if form.channel else None,
        channel_display_name=form.channel.display_name if form.channel else None,
        created_at=now,
        updated_at=now,
        gsi1pk=keys.registrations_gsi1pk(),
        gsi1sk=keys.created_sort_key(now.isoformat(), registration_id),
    )
    registrations.create_registration(registration)
    events.emit(events.RegistrationRequested(registration))
    if settings.signup.requires_email_verification:
        from chalicelib.domain.mail import flows

        flows.queue_registration_verification(registration)
    return registration


def accept(settings: Settings, registration_id: str, body: dict[str, Any], now: datetime) -> CreatedUser:
    registration = _pending(registration_id, body)
    channel = None
    if registration.channel_handle and registration.channel_display_name:
        channel = ChannelRequest(registration.channel_handle, registration.channel_display_name)
    created = create_local_user(
        settings,
        NewUser(
            username=registration.username,
            password="",
            password_hash=registration.password_hash,
            email=registration.email,
            display_name=registration.account_display_name,
            channel=channel,
            video_quota=settings.user_defaults.video_quota,
            video_quota_daily=settings.user_defaults.video_quota_daily,
            email_verified=registration.email_verified,
        ),
        now,
    )
    _decide(registration, STATE_ACCEPTED, body["moderationResponse"], now, user_id=int(created.user.id))
    return created


def reject(registration_id: str, body: dict[str, Any], now: datetime) -> None:
    registration = _pending(registration_id, body)
    _decide(registration, STATE_REJECTED, body["moderationResponse"], now)


def delete(registration_id: str) -> None:
    registrations.delete_registration(get_registration_or_404(registration_id))


def get_registration_or_404(registration_id: str) -> Registration:
    registration = registrations.get_registration(int(registration_id)) if registration_id.isdigit() else None
    if registration is None:
        raise NotFoundError("User not found")
    return registration


def check_signup_open(settings: Settings, hook: str, body: dict[str, Any]) -> None:
    """Sign-up's own rules, then the plugins' verdict on them (PeerTube's signup allowed
    filters, which may refuse, or allow what the rules refused)."""
    refusal = _signup_refusal(settings)
    allowed, message = plugins.accepted(hook, default=refusal is None, default_message=refusal, body=body)
    if not allowed:
        raise ForbiddenError(message or "User registration is not allowed")


def _signup_refusal(settings: Settings) -> str | None:
    if not settings.signup.enabled:
        return "User registration is not allowed"
    limit = settings.signup.limit
    if limit != -1 and counters.read_stats_counts().users >= limit:
        return "User limit is reached on this instance"
    return None


def read_form(body: dict[str, Any], checks: Checks) -> SignupForm:
    checks.require(body, "username", validation.check_username)
    checks.require(body, "password", validation.check_password)
    checks.require(body, "email", validation.check_email)
    checks.optional(body, "displayName", validation.check_display_name)
    channel = body.get("channel")
    if channel is not None and not isinstance(channel, dict):
        checks.add("channel", "Should be an object with a name and a displayName")
    elif isinstance(channel, dict):
        checks.optional(channel, "name", validation.check_channel_name)
        checks.optional(channel, "displayName", validation.check_display_name)
    checks.raise_if_any()
    channel_request = None
    if isinstance(channel, dict):
        if not channel.get("name") or not channel.get("displayName"):
            raise BadRequestError(
                "Channel is optional but if you specify it, channel.name and channel.displayName are required."
            )
        if channel["name"] == body["username"]:
            raise BadRequestError("Channel name cannot be the same as user username.")
        channel_request = ChannelRequest(channel["name"], channel["displayName"])
    return SignupForm(body["username"], body["password"], body["email"], body.get("displayName"), channel_request)


def _pending(registration_id: str, body: dict[str, Any]) -> Registration:
    checks = Checks()
    checks.require(body, "moderationResponse", validation.check_optional_text(REASON_LENGTH))
    if body.get("moderationResponse") is None:
        checks.add("moderationResponse", "Should have a moderation response")
    checks.optional(body, "preventEmailDelivery", validation.check_boolean)
    checks.raise_if_any()
    registration = get_registration_or_404(registration_id)
    if int(registration.state) != STATE_PENDING:
        raise ConflictError("This registration is already accepted or rejected.")
    return registration


def _decide(registration: Registration, state: int, response: str, now: datetime, user_id: int | None = None) -> None:
    registration.state = state
    registration.moderation_response = response
    registration.processed_at = now
    registration.updated_at = now
    registration.user_id = user_id
    if not registrations.decide_registration(registration):
        raise ConflictError("This registration is already accepted or rejected.")
