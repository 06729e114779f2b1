"""Remote playlists as Cirrus keeps them: created or refreshed from a Playlist object a
remote account sends (Create or Update), removed when their owner deletes them.

As PeerTube: the playlist must be on the host of the actor sending it, and so must its one
channel; its metadata comes from the object sent, its privacy from the activity's audience
(public, or unlisted), and its elements from the origin itself: the playlist's collection
is crawled (at most 10 pages and 100 elements here), each element fetched, and its video
found by URL or fetched from its own origin. Elements that fail are left out. The elements
are rebuilt whole on every Update, in their origin's order.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.errors import RemoteFetchError
from chalicelib.activitypub.net.fetch import fetch_document
from chalicelib.activitypub.remote import actors as remote_actors
from chalicelib.activitypub.remote import images, quotas
from chalicelib.activitypub.remote import videos as remote_videos
from chalicelib.activitypub.remote.parse.checks import InvalidDocument, host, url
from chalicelib.activitypub.remote.parse.playlists import (
    PRIVACY_PUBLIC,
    RemoteElementDocument,
    RemotePlaylistDocument,
    parse_element,
    parse_playlist,
    privacy_of,
)
from chalicelib.observability import logger
from chalicelib.store import counters, keys, media, playlists, videos
from chalicelib.store import remote_playlists as stored
from chalicelib.store.models import Playlist, PlaylistElement

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Video

MAX_PAGES = 10
MAX_ELEMENTS = 100


@dataclass(frozen=True)
class ResolvedElement:
    document: RemoteElementDocument
    video_id: int


def store_object(document: object, sender: Actor, audience: Any, now: datetime) -> Playlist:
    """Create or refresh the remote playlist a Playlist object describes; `audience` is the
    activity's `to` (PeerTube reads the privacy there). Raises InvalidDocument to refuse it,
    RemoteFetchError when its origin cannot be read (nothing is stored then)."""
    parsed = parse_playlist(document)
    if local_objects.is_ours(parsed.url):
        raise InvalidDocument("a remote server cannot describe a local playlist")
    if host(str(sender.url)) != host(parsed.url):
        raise InvalidDocument("the playlist is not on the sender's host")
    channel = remote_actors.resolve(parsed.channel_url)
    if channel.actor_type != "Group" or channel.account_id is None:
        raise InvalidDocument("the playlist's attributedTo is not a channel")
    existing = stored.find_by_url(parsed.url)
    if existing is not None and existing.updated_at is not None and parsed.updated < existing.updated_at:
        return existing  # an older version, delivered late
    resolved = _resolve_elements(parsed, now)
    privacy = privacy_of(audience)
    if existing is None:
        quotas.check("playlists", host(parsed.url))
        return _create(parsed, channel, privacy, resolved)
    _refresh(existing, parsed, channel, privacy, resolved)
    return existing


def delete_object(playlist_url: str, sender: Actor) -> bool:
    """A Delete of a playlist: True if it named one Cirrus keeps. Only its owner account may."""
    playlist = stored.find_by_url(playlist_url)
    if playlist is None:
        return False
    if playlist.is_local:
        raise InvalidDocument("a remote server cannot delete a local playlist")
    if int(playlist.owner_account_id) != int(sender.id):
        raise InvalidDocument("only the playlist's owner account may delete it")
    remove(playlist)
    return True


def remove_of_actor(actor: Actor) -> None:
    """An account or a channel deleted itself: its playlists go with it (as PeerTube cascades)."""
    if actor.actor_type == "Group":
        owned = playlists.list_account_playlists(int(actor.account_id or 0))
        chosen = [p for p in owned if p.channel_id is not None and int(p.channel_id) == int(actor.id)]
    else:
        chosen = playlists.list_account_playlists(int(actor.id))
    for playlist in chosen:
        if not playlist.is_local:
            remove(playlist)


def remove(playlist: Playlist) -> None:
    stored.delete(playlist)
    quotas.removed("playlists", host(str(playlist.url)))
    if playlist.thumbnail_path:
        media.delete_files([str(playlist.thumbnail_path)])


# Elements


def _resolve_elements(parsed: RemotePlaylistDocument, now: datetime) -> list[ResolvedElement]:
    resolved: list[ResolvedElement] = []
    for element_url in _element_urls(parsed.url):
        try:
            element = parse_element(fetch_document(element_url), element_url)
            video = _video(element.video_url, now)
        except Exception as exc:  # PeerTube leaves out the elements it cannot read
            logger.info("remote playlist element skipped", extra={"element": element_url, "error": str(exc)})
            continue
        resolved.append(ResolvedElement(element, int(video.id)))
    # Stable: elements sharing a position keep the collection's order.
    return sorted(resolved, key=lambda r: r.document.position)


def _element_urls(playlist_url: str) -> list[str]:
    """The playlist's element URLs, crawled from its origin: the root, then `first` and each
    `next` page (pages on the playlist's host only), up to the caps."""
    root = _fetch_from_origin(playlist_url)
    if root.get("id") != playlist_url:
        raise InvalidDocument("the fetched playlist is not the one sent")
    found: list[str] = []
    page: Any = root.get("first")
    if page is None:  # an origin may put the first page's items on the root
        page = root
    for _ in range(MAX_PAGES):
        if isinstance(page, str):
            if host(page) != host(playlist_url):
                break
            try:
                page = _fetch_from_origin(page)
            except InvalidDocument:
                break  # the pages read so far are kept
        if not isinstance(page, dict):
            break
        items = page.get("orderedItems", page.get("items"))
        for item in items if isinstance(items, list) else []:
            candidate = _same_host_url(item, playlist_url)
            if candidate is not None and candidate not in found:
                found.append(candidate)
        if len(found) >= MAX_ELEMENTS:
            return found[:MAX_ELEMENTS]
        page = page.get("next")
        if page is None:
            break
    return found


def _fetch_from_origin(document_url: str) -> dict[str, Any]:
    """A document of the playlist's origin; a refusal (4xx, wrong content) is final, while a
    server that is down or slow makes the activity be tried again later."""
    try:
        return fetch_document(document_url)
    except RemoteFetchError as exc:
        if exc.retryable:
            raise
        raise InvalidDocument(f"{document_url} cannot be read from its origin: {exc.reason}") from None


def _same_host_url(item: Any, playlist_url: str) -> str | None:
    try:
        candidate = url(item, "orderedItems")
    except InvalidDocument:
        return None
    return candidate if host(candidate) == host(playlist_url) else None


def _video(video_url: str, now: datetime) -> Video:
    """One of ours by its URL, else a remote one known by URL or fetched from its origin."""
    if local_objects.is_ours(video_url):
        reference = urlsplit(video_url).path.rstrip("/").rsplit("/", 1)[-1]
        local = videos.find_video_by_uuid(reference.lower()) if _is_uuid(reference) else None
        if local is None or not local.is_local or str(local.url) != video_url:
            raise InvalidDocument("no local video at this URL")
        return local
    return remote_videos.fetch(video_url, now)


def _is_uuid(value: str) -> bool:
    try:
        uuid_module.UUID(value)
    except ValueError:
        return False
    return True


# Writes


def _create(parsed: RemotePlaylistDocument, channel: Actor, privacy: int, resolved: list[ResolvedElement]) -> Playlist:
    playlist_id = counters.next_id("playlist")
    playlist = Playlist(
        keys.playlist_pk(playlist_id),
        keys.ENTITY_SK,
        id=playlist_id,
        uuid=parsed.uuid,
        name=parsed.name,
        description=parsed.description,
        privacy=privacy,
        playlist_type=1,
        owner_account_id=int(channel.account_id or 0),
        channel_id=int(channel.id),
        url=parsed.url,
        is_local=False,
        videos_length=0,
        revision=0,
        created_at=parsed.published,
        updated_at=parsed.updated,
        gsi1pk=keys.account_playlists_gsi1pk(int(channel.account_id or 0)),
        gsi1sk=keys.created_sort_key(parsed.published.isoformat(), playlist_id),
    )
    if privacy == PRIVACY_PUBLIC:
        playlist.gsi2pk, playlist.gsi2sk = keys.public_playlists_gsi2pk(), playlist.gsi1sk
    if parsed.thumbnail_url is not None:
        playlist.thumbnail_path = _copy_thumbnail(parsed.thumbnail_url, parsed.url)
        playlist.remote_thumbnail_url = parsed.thumbnail_url if playlist.thumbnail_path else None
    if not stored.create(playlist):
        _forget_thumbnail(playlist.thumbnail_path)
        again = stored.find_by_url(parsed.url)
        if again is None:
            raise InvalidDocument("the playlist's UUID belongs to another playlist")
        return again  # created meanwhile by another delivery
    quotas.stored("playlists", host(parsed.url))
    stored.replace_elements(playlist, _slots(playlist, resolved), [])
    logger.info("remote playlist stored", extra={"playlist": parsed.url, "elements": len(resolved)})
    return playlist


def _refresh(
    playlist: Playlist, parsed: RemotePlaylistDocument, channel: Actor, privacy: int, resolved: list[ResolvedElement]
) -> None:
    if str(playlist.uuid) != parsed.uuid:
        raise InvalidDocument("a playlist's UUID cannot change")
    owner = int(channel.account_id or 0)
    actions: list[Any] = [
        Playlist.name.set(parsed.name),
        Playlist.description.set(parsed.description) if parsed.description else Playlist.description.remove(),
        *playlists.privacy_actions(playlist, privacy),
        Playlist.channel_id.set(int(channel.id)),
        Playlist.owner_account_id.set(owner),
        Playlist.gsi1pk.set(keys.account_playlists_gsi1pk(owner)),
        Playlist.updated_at.set(parsed.updated),
    ]
    old_thumbnail: str | None = playlist.thumbnail_path
    new_thumbnail = old_thumbnail
    if parsed.thumbnail_url is None:
        new_thumbnail = None
        actions += [Playlist.thumbnail_path.remove(), Playlist.remote_thumbnail_url.remove()]
    elif parsed.thumbnail_url != playlist.remote_thumbnail_url or not old_thumbnail:
        copied = _copy_thumbnail(parsed.thumbnail_url, parsed.url)
        if copied is not None:
            new_thumbnail = copied
            actions += [
                Playlist.thumbnail_path.set(copied),
                Playlist.remote_thumbnail_url.set(parsed.thumbnail_url),
            ]
    if owner != int(playlist.owner_account_id):
        playlist.owner_account_id = owner  # the slots' account index follows the owner
    stored.replace_elements(playlist, _slots(playlist, resolved), actions)
    if old_thumbnail and old_thumbnail != new_thumbnail:
        _forget_thumbnail(old_thumbnail)


def _slots(playlist: Playlist, resolved: list[ResolvedElement]) -> list[PlaylistElement]:
    """The elements in slots 1..n (their origin's positions may have gaps; ours are dense)."""
    slots = []
    for position, item in enumerate(resolved, start=1):
        element = PlaylistElement(
            id=counters.next_id("playlist_element"),
            playlist_id=int(playlist.id),
            video_id=item.video_id,
            start_timestamp=item.document.start,
            stop_timestamp=item.document.stop,
            url=item.document.url,
            created_at=playlist.created_at,
            updated_at=playlist.updated_at,
        )
        slots.append(playlists.place(element, playlist, position))
    return slots


def _copy_thumbnail(thumbnail_url: str, playlist_url: str) -> str | None:
    """The origin's icon, checked and re-encoded, under a new name, or None (PeerTube goes
    on without a thumbnail when it cannot download one)."""
    return images.copy_playlist_thumbnail(thumbnail_url, playlist_url)


def _forget_thumbnail(path: str | None) -> None:
    if path:
        media.delete_files([path])
