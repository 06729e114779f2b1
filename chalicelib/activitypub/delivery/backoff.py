"""When a failed delivery is tried again: exponential backoff, as PeerTube's job queue (60 s,
120 s, 240 s ...), carried by the SQS message's visibility timeout."""

from __future__ import annotations

# SQS refuses a visibility timeout above 12 hours.
MAX_DELAY_SECONDS = 12 * 60 * 60


def retry_delay(attempt: int, base_seconds: int) -> int:
    """Seconds to wait after failed attempt number `attempt` (1 for the first)."""
    exponent = max(0, attempt - 1)
    if exponent > 30:
        return MAX_DELAY_SECONDS
    return min(base_seconds * (1 << exponent), MAX_DELAY_SECONDS)


def total_patience(attempts: int, base_seconds: int) -> int:
    """How long a message keeps trying before the dead-letter queue: the delays between attempts."""
    return sum(retry_delay(n, base_seconds) for n in range(1, attempts))
