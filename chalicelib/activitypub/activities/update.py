"""Update: a remote server changed an object it owns (a video, a playlist) or an actor
changed itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.inbox.context import Ignored, object_id
from chalicelib.activitypub.remote import actors as remote_actors
from chalicelib.activitypub.remote import cache_files
from chalicelib.activitypub.remote import playlists as remote_playlists
from chalicelib.activitypub.remote import videos as remote_videos
from chalicelib.activitypub.remote.parse.actors import ACTOR_TYPES

if TYPE_CHECKING:
    from chalicelib.activitypub.inbox.context import InboxContext


def handle(activity: dict[str, Any], context: InboxContext) -> None:
    updated = activity.get("object")
    if not isinstance(updated, dict):
        raise Ignored("Update of an object given by id only")
    kind = updated.get("type")
    if kind == "Video":
        remote_videos.store_object(updated, context.actor, context.now)
        return
    if kind == "Playlist":
        if context.actor.actor_type != "Person":
            raise Ignored("only accounts update playlists")  # as PeerTube
        remote_playlists.store_object(updated, context.actor, activity.get("to", updated.get("to")), context.now)
        return
    if kind in ACTOR_TYPES:
        if object_id(updated) != str(context.actor.url):
            raise Ignored("an actor may only update itself")
        # The document is fetched again from its origin rather than taken from the activity.
        remote_actors.resolve(str(context.actor.url), refresh=True)
        return
    if kind == "CacheFile":
        cache_files.store(updated, context)
        return
    raise Ignored(f"Update of {kind} is not handled")
