"""A local playlist as PeerTube's Playlist object, and its elements as PlaylistElement objects.

PeerTube's Playlist is itself a paged OrderedCollection of its elements' URLs (the root gives
`totalItems` and `first`, `?page=N` ten URLs) whose `type` is replaced by "Playlist" and which
carries the playlist's metadata. Public and unlisted playlists are federated (with the public
or the unlisted audience); private ones, Watch later included, never.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.collections import Reader, collection
from chalicelib.activitypub.documents.common import PUBLIC, ap_date, with_context
from chalicelib.domain.playlist_thumbnails import SIZE
from chalicelib.store.models.playlist import PLAYLIST_UNLISTED

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Playlist, PlaylistElement


def playlist_audience(playlist: Playlist, account: Actor) -> dict[str, list[str]]:
    if int(playlist.privacy) == PLAYLIST_UNLISTED:
        return {"to": [], "cc": [PUBLIC]}
    return {"to": [PUBLIC], "cc": [str(account.followers_url or f"{account.url}/followers")]}


def playlist_object(
    playlist: Playlist,
    account: Actor,
    channel: Actor | None,
    instance_url: str,
    *,
    page: int | None = None,
    read_urls: Reader,
) -> dict[str, Any]:
    """The Playlist object with its audience, without @context (activities embed it).
    `read_urls(start, count)` gives element URLs in position order and the total."""
    pages = collection(str(playlist.url), page, read_urls)
    pages.pop("@context")
    body: dict[str, Any] = {**playlist_audience(playlist, account), **pages, "type": "Playlist"}
    body.update(
        {
            "name": playlist.name,
            "content": playlist.description,
            "mediaType": "text/markdown",
            "uuid": playlist.uuid,
            "videoChannelPosition": int(playlist.channel_position) if playlist.channel_position is not None else None,
            "published": ap_date(playlist.created_at),
            "updated": ap_date(playlist.updated_at),
            "attributedTo": [str(channel.url)] if channel is not None else [],
        }
    )
    if playlist.thumbnail_path:
        width, height = SIZE[0]
        body["icon"] = {
            "type": "Image",
            "url": f"{instance_url}/{playlist.thumbnail_path}",
            "mediaType": "image/jpeg",
            "width": width,
            "height": height,
        }
    return body


def playlist_document(
    playlist: Playlist,
    account: Actor,
    channel: Actor | None,
    instance_url: str,
    *,
    page: int | None,
    read_urls: Reader,
) -> dict[str, Any]:
    body = playlist_object(playlist, account, channel, instance_url, page=page, read_urls=read_urls)
    return with_context(context_for("Playlist"), body)


def element_document(element: PlaylistElement, video_url: str | None) -> dict[str, Any]:
    """`video_url` is None when the element's video is gone (PeerTube sends null)."""
    body: dict[str, Any] = {
        "id": str(element.url),
        "type": "PlaylistElement",
        "url": video_url,
        "position": int(element.position),
    }
    # PeerTube leaves out absent (and zero) timestamps.
    if element.start_timestamp:
        body["startTimestamp"] = int(element.start_timestamp)
    if element.stop_timestamp:
        body["stopTimestamp"] = int(element.stop_timestamp)
    return with_context(context_for("Playlist"), body)
