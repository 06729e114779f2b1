"""Transitional: the queues moved to chalicelib/store/queues.py, with a named sender per
queue. This shim keeps `queues.send(name, bodies)` for the modules the events branch moves
(activitypub/delivery/outbox.py, domain/view_federation.py, domain/remote_subscriptions.py);
it goes when that branch merges and they call the named senders."""

from __future__ import annotations

from chalicelib.store.queues import _send as send
from chalicelib.store.queues import encode, queue_url, reset

__all__ = ["encode", "queue_url", "reset", "send"]
