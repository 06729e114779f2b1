"""Every subscriber of the domain events (domain/events.py), in one call: federation's senders,
then notifications. Each entry calls `register()` once before its first event: app.py at
import, each Lambda module of functions/ as its `setup` (tests/infra/test_event_subscriptions.py
fails for an entry that can emit and forgot). Calling it again changes nothing."""

from __future__ import annotations

from chalicelib.activitypub.outbound import subscriptions as federation
from chalicelib.domain.notifications import subscriptions as notifications


def register() -> None:
    federation.register()
    notifications.register()
