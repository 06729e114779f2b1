"""PeerTube's per-IP rate limits on login and signup, kept in DynamoDB (shared by every
Lambda execution environment, unlike PeerTube's in-memory counters)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.errors import TooManyRequestsError
from chalicelib.store import throttle


@dataclass(frozen=True)
class Limit:
    bucket: str
    window_seconds: int
    max_hits: int


# rates_limit in PeerTube's config/default.yaml
LOGIN = Limit("login", 5 * 60, 15)
SIGNUP = Limit("signup", 5 * 60, 2)

TOO_MANY = "Too many requests, please try again later."


def count_attempt(limit: Limit, subject: str, now: float) -> None:
    """Count this request; refuse it once the window holds more than the limit."""
    window = throttle.hit(limit.bucket, subject, limit.window_seconds, now)
    if window.hits > limit.max_hits:
        raise _refusal(limit, window, now)


def check_successes(limit: Limit, subject: str, now: float) -> None:
    """Refuse when the window already holds `max_hits` successes (signup counts only those)."""
    window = throttle.peek(limit.bucket, subject, limit.window_seconds, now)
    if window.hits >= limit.max_hits:
        raise _refusal(limit, window, now)


def count_success(limit: Limit, subject: str, now: float) -> None:
    throttle.hit(limit.bucket, subject, limit.window_seconds, now)


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
