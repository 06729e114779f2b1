"""From an audience to inboxes: followers' shared inboxes deduplicated, unreachable hosts
flagged for a single attempt."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from chalicelib.activitypub.delivery.messages import Broadcast, Delivery


@dataclass(frozen=True)
class FanOut:
    deliveries: list[Delivery]
    followers_seen: int  # follower entries read, before deduplication
    requests_saved: int  # what deduplication (shared inboxes above all) spared


def fan_out(
    broadcast: Broadcast,
    follower_inboxes: Callable[[int], Iterable[str]],
    unreachable_hosts: Callable[[set[str]], set[str]],
    own_host: str,
) -> FanOut:
    """Every inbox of the broadcast's audience, once, never one of this instance's own."""
    inboxes: dict[str, None] = {}
    seen = 0
    for actor_id in broadcast.followers_of:
        for inbox in follower_inboxes(actor_id):
            seen += 1
            inboxes.setdefault(inbox)
    for inbox in broadcast.inboxes:
        seen += 1
        inboxes.setdefault(inbox)
    targets = [inbox for inbox in inboxes if host_of(inbox) not in ("", own_host)]
    down = unreachable_hosts({host_of(inbox) for inbox in targets}) if targets else set()
    deliveries = [
        Delivery(broadcast.body, broadcast.signer_id, inbox, single_attempt=host_of(inbox) in down) for inbox in targets
    ]
    return FanOut(deliveries, seen, seen - len(deliveries))


def host_of(url: str) -> str:
    """The host (with its port, if any) of a URL, lower-cased; "" when there is none."""
    try:
        return (urlsplit(url).netloc or "").lower()
    except ValueError:
        return ""
