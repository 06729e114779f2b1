"""CacheFile: another server tells us it mirrors one of our videos' HLS playlists (Create and
Update), or that it stopped (Undo). Accepted per the instance's accept-from policy; only for
our own videos, and only with URLs on the sender's own host, since a mirror listed here sends
our viewers' players to that URL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.inbox.context import Ignored
from chalicelib.activitypub.remote.parse import checks
from chalicelib.store import actors, follows, redundancies
from chalicelib.store.models.follow import STATE_ACCEPTED

if TYPE_CHECKING:
    from chalicelib.activitypub.inbox.context import InboxContext
    from chalicelib.store.models import Video

HLS_MEDIA_TYPE = "application/x-mpegURL"


def store(cache_file: dict[str, Any], context: InboxContext) -> None:
    """Create or Update of a CacheFile: the sender's mirror of one of our videos, listed."""
    _check_accepted(context)
    sender = str(context.actor.url)
    cache_file_id = checks.reference(cache_file, "id")
    checks.same_host(sender, cache_file_id, "id")
    video = _our_video(cache_file)
    href = _playlist_url(cache_file.get("url"))
    checks.same_host(sender, href, "url.href")
    expires = cache_file.get("expires")
    expires_at = None if expires is None else checks.date(expires, "expires")
    existing = redundancies.get(int(video.id), int(context.actor.id))
    if existing is not None and existing.url != cache_file_id:
        # The sender replaced its mirror: the newer CacheFile's id stands.
        redundancies.delete(existing)
    redundancies.save(
        int(video.id),
        int(context.actor.id),
        ours=False,
        url=cache_file_id,
        file_url=href,
        expires_at=expires_at,
        now=context.now,
    )


def remove(cache_file: dict[str, Any], context: InboxContext) -> None:
    """Undo of a Create of a CacheFile: the sender's mirror is gone."""
    cache_file_id = checks.reference(cache_file, "id")
    video = _our_video(cache_file)
    existing = redundancies.get(int(video.id), int(context.actor.id))
    if existing is None or existing.url != cache_file_id:
        raise Ignored("Undo of a CacheFile not listed here")
    redundancies.delete(existing)


def _check_accepted(context: InboxContext) -> None:
    policy = context.settings.federation.accept_redundancy_from
    if policy == "nobody":
        raise Ignored("this instance accepts no mirrors")
    if policy == "followings":
        followed = follows.get_follow(actors.server_actor_id(), int(context.actor.id))
        if followed is None or followed.state != STATE_ACCEPTED:
            raise Ignored("mirrors are accepted from followed servers only")


def _our_video(cache_file: dict[str, Any]) -> Video:
    video_url = checks.reference(cache_file.get("object"), "object")
    video = local_objects.local_video(video_url)
    if video is None:
        raise Ignored("CacheFile of a video this instance does not host")
    return video


def _playlist_url(value: Any) -> str:
    """The mirror's base URL, below which it serves the origin's playlist and segment names:
    PeerTube's ActivityPlaylistUrlObject (only HLS is mirrored)."""
    if not isinstance(value, dict) or value.get("type") != "Link" or value.get("mediaType") != HLS_MEDIA_TYPE:
        raise checks.InvalidDocument("url is not a Link to an HLS playlist")
    return checks.url(value.get("href"), "url.href")
