"""Rate limits, kept in DynamoDB (shared by every Lambda execution environment, unlike
PeerTube's in-memory counters): PeerTube's per-address limits on login, signup and ActivityPub,
and per-account limits on what costs the instance or its moderators (comments, reports, uploads,
failed logins of one account, whatever address they come from).

Addresses are the client's as the edge saw it (api/request.py:source_ip), never the edge's."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.errors import TooManyRequestsError
from chalicelib.store import throttle
from chalicelib.store.models.user import ROLE_ADMINISTRATOR, ROLE_MODERATOR

if TYPE_CHECKING:
    from chalicelib.store.models import User


@dataclass(frozen=True)
class Limit:
    bucket: str
    window_seconds: int
    max_hits: int


# rates_limit in PeerTube's config/default.yaml (per address). PeerTube's `rates_limit.login.max`
# and `rates_limit.signup.max` may be raised as PeerTube's config allows
# (CIRRUS_RATE_LIMIT_LOGIN_MAX, CIRRUS_RATE_LIMIT_SIGNUP_MAX): the browser tests log in some
# thirty times, and sign up several users, from one address within five minutes.
LOGIN = Limit("login", 5 * 60, int(os.environ.get("CIRRUS_RATE_LIMIT_LOGIN_MAX") or 15))  # password grants only
SIGNUP = Limit("signup", 5 * 60, int(os.environ.get("CIRRUS_RATE_LIMIT_SIGNUP_MAX") or 2))
INBOX = Limit("inbox", 10, 500)  # rates_limit.activity_pub
ASK_VERIFY_EMAIL = Limit("ask-verify-email", 5 * 60, 3)  # rates_limit.ask_send_email
ASK_RESET_PASSWORD = Limit("ask-reset-password", 5 * 60, 3)  # the same limit, its own count
DOWNLOAD_GENERATE = Limit("download-generate", 5, 5)  # rates_limit.download_generate_video
# Cirrus's own (per account; PeerTube has no default for these): generous for a person, tight
# for a script. Failed logins are per account so that spreading guesses over many addresses
# gains nothing; the price is that anyone can hold one account's logins for 15 minutes.
LOGIN_FAILURES = Limit("login-failures", 15 * 60, 20)
COMMENT = Limit("comment", 60, 10)
ABUSE_REPORT = Limit("abuse-report", 60 * 60, 20)
UPLOAD = Limit("upload", 60 * 60, 30)
# The player reports every 15 s; an address may hold a few players (a household, a school's
# address), not hundreds of reports a minute.
PLAYBACK_METRICS = Limit("playback-metrics", 60, 60)

TOO_MANY = "Too many requests, please try again later."


def count_attempt(limit: Limit, subject: str, now: float) -> None:
    """Count this request; refuse it once the window holds more than the limit."""
    window = throttle.hit(limit.bucket, subject, limit.window_seconds, now)
    if window.hits > limit.max_hits:
        raise _refusal(limit, window, now)


def check_successes(limit: Limit, subject: str, now: float) -> None:
    """Refuse when the window already holds `max_hits` counted events (signup counts only
    successes, the per-account login limit only failures)."""
    window = throttle.peek(limit.bucket, subject, limit.window_seconds, now)
    if window.hits >= limit.max_hits:
        raise _refusal(limit, window, now)


def count_success(limit: Limit, subject: str, now: float) -> None:
    throttle.hit(limit.bucket, subject, limit.window_seconds, now)


def count_user_action(limit: Limit, user: User, now: float) -> None:
    """Count an action of this account; administrators and moderators are exempt, as PeerTube
    exempts them from its rate limits."""
    if int(user.role) in (ROLE_ADMINISTRATOR, ROLE_MODERATOR):
        return
    count_attempt(limit, f"user:{int(user.id)}", now)


def count_address_action(limit: Limit, address: str, user: User | None, now: float) -> None:
    """Count a request from this address; administrators and moderators are exempt, as
    PeerTube exempts them from its rate limits."""
    if user is not None and int(user.role) in (ROLE_ADMINISTRATOR, ROLE_MODERATOR):
        return
    count_attempt(limit, address, now)


def _refusal(limit: Limit, window: throttle.Window, now: float) -> TooManyRequestsError:
    return TooManyRequestsError(
        TOO_MANY,
        headers={
            "Retry-After": str(max(1, window.resets_at - int(now))),
            "X-RateLimit-Limit": str(limit.max_hits),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(window.resets_at),
        },
    )
