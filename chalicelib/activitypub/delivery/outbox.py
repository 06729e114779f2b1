"""Handing activities to the delivery pipeline: the only door out for federation."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from chalicelib.activitypub.delivery.messages import (
    MAX_ACTIVITY_BYTES,
    Broadcast,
    LiveStateNotice,
    MessageError,
    Publication,
)
from chalicelib.store import queues


def broadcast(
    activity: dict[str, Any], signer_id: int, *, followers_of: Iterable[int] = (), inboxes: Iterable[str] = ()
) -> None:
    """Send `activity`, signed by local actor `signer_id`, to the followers of the given local
    actors and to the given inboxes. One SQS message; the broadcast function does the rest."""
    body = serialise(activity)
    targets = tuple(dict.fromkeys(inboxes))
    audience = tuple(dict.fromkeys(followers_of))
    if not targets and not audience:
        return
    # Always through the broadcast function, even for one inbox: it adds the actor's LD
    # signature once for every inbox (PeerTube signs what it sends on behalf of an actor).
    queues.send_broadcast([Broadcast(body, signer_id, audience, targets).to_json()])


def announce_published(video_id: int, rendition_added: bool = False) -> None:
    """Have the broadcast function announce a freshly published local video (or, with
    `rendition_added`, a published one's new rendition)."""
    queues.send_broadcast([Publication(video_id, rendition_added).to_json()])


def announce_live_state(video_id: int, state: int) -> None:
    """Have the broadcast function tell the fediverse and the viewers that a live's state moved."""
    queues.send_broadcast([LiveStateNotice(video_id, state).to_json()])


def serialise(activity: dict[str, Any]) -> str:
    body = json.dumps(activity, ensure_ascii=False, separators=(",", ":"))
    if len(body.encode("utf-8")) > MAX_ACTIVITY_BYTES:
        raise MessageError(f"activity {activity.get('id')} is larger than {MAX_ACTIVITY_BYTES} bytes")
    return body
