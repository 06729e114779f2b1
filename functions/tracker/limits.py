"""A token bucket: how fast one socket may send messages."""

from __future__ import annotations

from dataclasses import dataclass

# A viewer's socket sends an announce per stream every 2 minutes, and one answer per offer
# it receives (a few a minute in a busy swarm); a burst of 40 absorbs a page load joining
# several streams at once, and 10 a second sustained is far above any honest client.
BURST = 40
RATE_PER_SECOND = 10.0


@dataclass(slots=True)
class TokenBucket:
    capacity: float
    rate: float  # tokens per second
    tokens: float
    updated: float

    @classmethod
    def full(cls, now: float, capacity: float = BURST, rate: float = RATE_PER_SECOND) -> TokenBucket:
        return cls(capacity, rate, capacity, now)

    def take(self, now: float) -> bool:
        """Spend one token if there is one."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
