"""Video playlists: find, who may read or manage them, create, update, delete, list.

The rules, their order and the messages are PeerTube's (video-playlists validators and
controller); docs/data-model.md says how they are stored.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chalicelib.domain import events
from chalicelib.domain import playlist_thumbnails as thumbnails
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.domain.short_uuid import from_short
from chalicelib.domain.videos import publishing_channel
from chalicelib.errors import BadRequestError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError
from chalicelib.store import playlists
from chalicelib.store.models import Playlist
from chalicelib.store.models.playlist import PLAYLIST_PRIVATE, PLAYLIST_PUBLIC, PLAYLIST_UNLISTED, TYPE_WATCH_LATER

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.domain.images import Rendition
    from chalicelib.domain.playlist_forms import PlaylistForm
    from chalicelib.store.models import Actor, User

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
NOT_FOUND = "Video playlist not found"
NOT_MANAGER = "Cannot manage video playlist of another user"
NOT_OURS = "Cannot manage video playlist of another server."
SORTABLE = ("name", "displayName", "createdAt", "updatedAt", "videoChannelPosition")
DEFAULT_SORT = "-createdAt"


@dataclass(frozen=True)
class Found:
    playlist: Playlist
    by_uuid: bool


def find_playlist(playlist_id: str) -> Found:
    """By id, UUID or short UUID (PeerTube's isValidPlaylistIdParam), or 400/404."""
    candidate = from_short(playlist_id) if len(playlist_id) == 22 else playlist_id
    if candidate and candidate.isdigit() and len(candidate) < 16:
        found = playlists.get_playlist(int(candidate))
        by_uuid = False
    elif candidate and UUID.match(candidate):
        found = playlists.find_playlist_by_uuid(candidate.lower())
        by_uuid = True
    else:
        raise ValidationError({"playlistId": "Should have a valid playlist id (id, short UUID or UUID)"})
    if found is None:
        raise NotFoundError(NOT_FOUND)
    return Found(found, by_uuid)


def check_can_read(found: Found, viewer: Any) -> None:
    """Unlisted ones by UUID only; private ones by their managers. `viewer` is a callable
    returning the caller (or None): PeerTube authenticates only for private playlists."""
    privacy = int(found.playlist.privacy)
    if privacy == PLAYLIST_UNLISTED and not found.by_uuid:
        raise NotFoundError("Playlist not found")
    if privacy == PLAYLIST_PRIVATE:
        user = viewer()
        if user is None:
            raise UnauthorizedError("Authentication is required")
        check_can_manage(found.playlist, user, Right.UPDATE_ANY_VIDEO_PLAYLIST)


def check_can_manage(playlist: Playlist, user: User, right: Right) -> None:
    """The owner account, or whoever has the operation's right. (The playlist's channel
    always belongs to the owner account here, so managing it adds nobody.) A remote playlist
    is managed by its own server only."""
    if not playlist.is_local:
        raise ForbiddenError(NOT_OURS)
    if int(playlist.owner_account_id) != int(user.account_id) and not has_right(Role(int(user.role)), right):
        raise ForbiddenError(NOT_MANAGER)


def can_manage(playlist: Playlist, user: User | None, right: Right) -> bool:
    return (
        user is not None
        and bool(playlist.is_local)
        and (int(playlist.owner_account_id) == int(user.account_id) or has_right(Role(int(user.role)), right))
    )


def create(settings: Settings, user: User, form: PlaylistForm, thumbnail: Rendition | None, now: datetime) -> Playlist:
    channel = None
    if isinstance(form.channel, int) and form.channel:
        channel = publishing_channel(form.channel, user)
    privacy = form.privacy or PLAYLIST_PRIVATE
    if channel is None and privacy in (PLAYLIST_PUBLIC, PLAYLIST_UNLISTED):
        raise BadRequestError('Cannot set "public" or "unlisted" a playlist that is not assigned to a channel.')
    owner = int(channel.account_id or user.account_id) if channel is not None else int(user.account_id)
    playlist = playlists.new_playlist(
        settings.instance_url,
        owner,
        str(form.display_name),
        now,
        description=form.description if isinstance(form.description, str) else None,
        privacy=privacy,
        channel_id=int(channel.id) if channel is not None else None,
        channel_position=_next_channel_position(owner, int(channel.id)) if channel is not None else None,
    )
    if thumbnail is not None:
        playlist.thumbnail_path = thumbnails.store(thumbnail)
    try:
        playlists.create_playlist(playlist)
    except Exception:
        thumbnails.remove(playlist.thumbnail_path)
        raise
    events.emit(events.PlaylistCreated(playlist))
    return playlist


def update(playlist: Playlist, user: User, form: PlaylistForm, thumbnail: Rendition | None, now: datetime) -> None:
    channel = _check_update(playlist, user, form)
    before = copy.copy(playlist)  # the update gives `playlist` new values, never this copy
    actions: list[Any] = [Playlist.updated_at.set(now)]
    if form.display_name is not None:
        actions.append(Playlist.name.set(form.display_name))
    if isinstance(form.description, str):
        actions.append(Playlist.description.set(form.description))
    elif form.description is None:
        actions.append(Playlist.description.remove())
    if form.privacy is not None:
        actions += playlists.privacy_actions(playlist, form.privacy)
    old_channel = int(playlist.channel_id) if playlist.channel_id is not None else None
    new_channel = int(channel.id) if channel is not None else (None if form.channel is None else old_channel)
    if new_channel != old_channel:
        actions += _channel_actions(int(playlist.owner_account_id), new_channel)
    old_thumbnail = playlist.thumbnail_path
    if thumbnail is not None:
        new_path = thumbnails.store(thumbnail)
        actions += [Playlist.thumbnail_path.set(new_path), Playlist.thumbnail_auto.set(False)]
    playlists.update_playlist(playlist, actions)
    if thumbnail is not None:
        thumbnails.remove(old_thumbnail)
    if new_channel != old_channel and old_channel is not None:
        _compact_channel(int(playlist.owner_account_id), old_channel)
    events.emit(events.PlaylistChanged(before, playlist))  # `playlist` is as stored now


def _check_update(playlist: Playlist, user: User, form: PlaylistForm) -> Actor | None:
    """PeerTube's checks in its order: manage, public needs a channel, not Watch later,
    the new channel, its account. Returns the new channel, if one is given."""
    check_can_manage(playlist, user, Right.REMOVE_ANY_VIDEO_PLAYLIST)
    new_privacy = form.privacy or int(playlist.privacy)
    given = form.channel if isinstance(form.channel, int) and form.channel else None
    if new_privacy == PLAYLIST_PUBLIC and ((playlist.channel_id is None and given is None) or form.channel is None):
        raise BadRequestError('Cannot set "public" a playlist that is not assigned to a channel.')
    if int(playlist.playlist_type) == TYPE_WATCH_LATER:
        raise BadRequestError("Cannot update a watch later playlist.")
    channel = publishing_channel(given, user) if given is not None else None
    if channel is not None and int(channel.account_id or 0) != int(playlist.owner_account_id):
        raise BadRequestError("The channel must be owned by the same account as the playlist")
    return channel


def _channel_actions(account_id: int, channel_id: int | None) -> list[Any]:
    """Detach (no position), or append at the end of the new channel."""
    if channel_id is None:
        return [Playlist.channel_id.remove(), Playlist.channel_position.remove()]
    position = _next_channel_position(account_id, channel_id)
    return [Playlist.channel_id.set(channel_id), Playlist.channel_position.set(position)]


def delete(playlist: Playlist, user: User) -> None:
    """Watch later first (so others get 400, not 403), then the manage check."""
    if int(playlist.playlist_type) == TYPE_WATCH_LATER:
        raise BadRequestError("Cannot delete a watch later playlist.")
    check_can_manage(playlist, user, Right.REMOVE_ANY_VIDEO_PLAYLIST)
    playlists.delete_playlist(playlist)
    thumbnails.remove(playlist.thumbnail_path)
    if playlist.channel_id is not None:
        _compact_channel(int(playlist.owner_account_id), int(playlist.channel_id))
    events.emit(events.PlaylistRemoved(playlist))


def on_channel_deleted(account_id: int, channel_id: int) -> None:
    """PeerTube keeps a deleted channel's playlists, private and without a channel."""
    for playlist in _channel_playlists(account_id, channel_id):
        actions = playlists.privacy_actions(playlist, PLAYLIST_PRIVATE)
        playlists.update_playlist(playlist, [*actions, *_channel_actions(account_id, None)])


def on_account_deleted(account_id: int) -> None:
    """A deleted account's playlists go with it, Watch later included."""
    for playlist in playlists.list_account_playlists(account_id):
        playlists.delete_playlist(playlist)
        thumbnails.remove(playlist.thumbnail_path)
    playlists.forget_watch_later(account_id)


def watch_later_of(settings: Settings, account_id: int, now: datetime) -> Playlist:
    """The account's Watch later playlist, made now for users created before playlists."""
    found = playlists.find_watch_later(account_id)
    if found is not None:
        return found
    playlist, claims = playlists.new_watch_later(settings.instance_url, account_id, now)
    from chalicelib.errors import ConflictError
    from chalicelib.store.writes import create_items

    try:
        create_items([playlist], claims)
    except ConflictError:  # made concurrently
        again = playlists.find_watch_later(account_id)
        if again is None:
            raise
        return again
    return playlist


# Lists


def visible_in_list(playlist: Playlist, mine: bool) -> bool:
    return mine or int(playlist.privacy) == PLAYLIST_PUBLIC


# The instance's public list reads at most this many playlists, the newest (a request may
# not cost a read of every playlist ever federated here).
PUBLIC_LIST_MAX = 2000


def listed_publicly(items: list[Playlist]) -> list[Playlist]:
    """PeerTube's rule for the instance's list: local playlists, and remote ones of a server
    one of whose actors the instance follows (domain/instance_scope.py)."""
    from chalicelib.domain import instance_scope

    hosts = instance_scope.followed_by_instance().hosts
    return [p for p in items if p.is_local or urlsplit(str(p.url)).netloc.lower() in hosts]


def filter_playlists(
    items: list[Playlist],
    *,
    playlist_type: int | None,
    search: str | None = None,
    channel_ids: set[int] | None = None,
) -> list[Playlist]:
    chosen = [p for p in items if playlist_type is None or int(p.playlist_type) == playlist_type]
    if search:
        needle = search.casefold()
        chosen = [p for p in chosen if needle in p.name.casefold()]
    if channel_ids is not None:
        chosen = [p for p in chosen if p.channel_id is not None and int(p.channel_id) in channel_ids]
    return chosen


def sort_playlists(items: list[Playlist], sort: str) -> list[Playlist]:
    """PeerTube orders by the column then by id ascending; NULL positions come last when
    ascending and first when descending, as in PostgreSQL."""
    field = sort.removeprefix("-")
    ordered = sorted(items, key=lambda p: int(p.id))
    return sorted(ordered, key=_SORT_KEYS[field], reverse=sort.startswith("-"))


_SORT_KEYS: dict[str, Any] = {
    "createdAt": lambda p: p.created_at,
    "updatedAt": lambda p: p.updated_at,
    "name": lambda p: p.name.casefold(),
    "displayName": lambda p: p.name.casefold(),
    "videoChannelPosition": lambda p: (p.channel_position is None, int(p.channel_position or 0)),
}


def _channel_playlists(account_id: int, channel_id: int) -> list[Playlist]:
    return [
        p
        for p in playlists.list_account_playlists(account_id)
        if p.channel_id is not None and int(p.channel_id) == channel_id
    ]


def _next_channel_position(account_id: int, channel_id: int) -> int:
    positions = [int(p.channel_position or 0) for p in _channel_playlists(account_id, channel_id)]
    return max(positions, default=0) + 1


def _compact_channel(account_id: int, channel_id: int) -> None:
    """Positions 1..n again among the channel's remaining playlists."""
    remaining = sorted(_channel_playlists(account_id, channel_id), key=lambda p: int(p.channel_position or 0))
    moves = [(p, n) for n, p in enumerate(remaining, start=1) if int(p.channel_position or 0) != n]
    playlists.set_channel_positions(moves)
