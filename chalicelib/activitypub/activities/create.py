"""Create: a remote server publishes an object: a video (stored, and shown in lists and
search), a comment (Note) on a video this instance knows, or a playlist."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.inbox.context import Ignored
from chalicelib.activitypub.remote import cache_files
from chalicelib.activitypub.remote import comments as remote_comments
from chalicelib.activitypub.remote import playlists as remote_playlists
from chalicelib.activitypub.remote import videos as remote_videos

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
    if kind == "Note":
        if context.actor.actor_type != "Person":
            raise Ignored("only accounts comment")
        remote_comments.store_note(created, context.actor, context.now)
        return
    if kind == "Playlist":
        if context.actor.actor_type != "Person":
            raise Ignored("only accounts create playlists")  # as PeerTube
        remote_playlists.store_object(created, context.actor, activity.get("to", created.get("to")), context.now)
        return
    if kind == "CacheFile":
        cache_files.store(created, context)
        return
    raise Ignored(f"Create of {kind} is not handled")
