"""Views of remote videos, told to their origin (PeerTube's View activity, sent by the
instance actor, so no viewer is named)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.outbound.build import views
from chalicelib.store import actors

if TYPE_CHECKING:
    from chalicelib.domain.events import RemoteVideoViewed


def on_viewed(event: RemoteVideoViewed) -> None:
    """A view of a remote video was counted here: its origin counts it too."""
    video = event.video
    server_id = actors.server_actor_id()
    found = actors.get_actors({server_id, int(video.account_id)})
    server, owner = found.get(server_id), found.get(int(video.account_id))
    if server is None or owner is None:
        return
    activity = views.view(str(server.url), str(video.url), int(video.id), event.view_id, str(owner.url))
    outbox.broadcast(activity, int(server.id), inboxes=[str(owner.shared_inbox_url or owner.inbox_url)])
