"""Create: a remote server publishes an object. Videos are stored (and shown in lists and
search); other objects come with their own handlers (comments, playlists)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import remote_videos
from chalicelib.activitypub.inbox.context import Ignored

if TYPE_CHECKING:
    from chalicelib.activitypub.inbox.context import InboxContext


def handle(activity: dict[str, Any], context: InboxContext) -> None:
    created = activity.get("object")
    if not isinstance(created, dict):
        raise Ignored("Create of an object given by id only")  # PeerTube refuses these too
    kind = created.get("type")
    if kind == "Video":
        remote_videos.store_object(created, context.actor, context.now)
        return
    raise Ignored(f"Create of {kind} is not handled")
