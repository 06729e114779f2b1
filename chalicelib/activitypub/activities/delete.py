"""Delete: a remote server removes an object it owns (a video, a playlist by its owner
account, or a comment by its author), or an actor deletes itself (its videos and playlists
go with it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.inbox.context import Ignored, object_id
from chalicelib.activitypub.remote import comments as remote_comments
from chalicelib.activitypub.remote import playlists as remote_playlists
from chalicelib.activitypub.remote import videos as remote_videos
from chalicelib.activitypub.remote.parse.checks import host
from chalicelib.store import catalog
from chalicelib.store import remote_videos as stored_videos

if TYPE_CHECKING:
    from chalicelib.activitypub.inbox.context import InboxContext


def handle(activity: dict[str, Any], context: InboxContext) -> None:
    target = object_id(activity.get("object"))
    if target is None:
        raise Ignored("Delete of nothing")
    if target == str(context.actor.url):
        _delete_actor_videos(context)
        return
    video = stored_videos.find_by_url(target)
    if video is not None:
        if video.is_local:
            raise Ignored("a remote server cannot delete a local video")
        if host(str(video.url)) != host(str(context.actor.url)):
            raise Ignored("only the video's own server may delete it")
        remote_videos.remove(video)
        return
    if remote_comments.delete_note(target, context.actor, context.now):
        return
    if remote_playlists.delete_object(target, context.actor):
        return
    raise Ignored("Delete of an unknown object")  # already gone, or never known


def _delete_actor_videos(context: InboxContext) -> None:
    actor_id = int(context.actor.id)
    for video in list(catalog.current().videos.values()):
        if not video.is_local and actor_id in (int(video.account_id), int(video.channel_id)):
            remote_videos.remove(video)
    remote_playlists.remove_of_actor(context.actor)
