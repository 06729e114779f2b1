"""Views of remote videos, told to their origin (PeerTube's View activity, sent by the
instance actor, so no viewer is named) and views arriving from other instances, counted
once each like local ones."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib import queues
from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.documents.common import with_context
from chalicelib.activitypub.net.fetch import server_actor_id
from chalicelib.config import get_settings
from chalicelib.observability import logger
from chalicelib.store import actors

if TYPE_CHECKING:
    from chalicelib.store.models import Video


def viewed(video: Video, view_id: str) -> None:
    """A view of a remote video was counted here: its origin counts it too."""
    found = actors.get_actors({server_actor_id(), int(video.account_id)})
    server, owner = found.get(server_actor_id()), found.get(int(video.account_id))
    if server is None or owner is None:
        return
    activity = with_context(
        context_for("View"),
        {
            "to": [str(owner.url)],
            "cc": [],
            "id": f"{server.url}/views/videos/{int(video.id)}/{view_id}",
            "type": "View",
            "actor": str(server.url),
            "object": str(video.url),
        },
    )
    outbox.broadcast(activity, int(server.id), inboxes=[str(owner.shared_inbox_url or owner.inbox_url)])


def count_remote_view(video: Video, activity_id: str, now: datetime) -> None:
    """A View from another instance: one counted view, whatever the times it is delivered
    (its receipt is keyed by the activity's id)."""
    view_id = "ap-" + hashlib.sha256(activity_id.encode("utf-8")).hexdigest()[:32]
    body = {"view": view_id, "video": int(video.id), "at": now.isoformat()}
    queues.send(get_settings().queues.views, [body])


def safely(action: Callable[[], None]) -> None:
    try:
        action()
    except Exception:
        logger.exception("view not federated")
