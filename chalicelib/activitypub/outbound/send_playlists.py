"""Telling the fediverse about a local playlist's life, as PeerTube does.

A playlist that becomes public or unlisted (at creation or later) is sent in a Create; any
later change of it or of its elements in an Update; its removal, or its turning private, in
a Delete. All go from the owner account to the followers of the account, of the instance
actor and of the playlist's channel. Private playlists (Watch later among them) send nothing.
The object sent is the collection's root (total and first page link): receivers fetch the
elements from us.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.documents.collections import Slice
from chalicelib.activitypub.documents.playlists import playlist_object
from chalicelib.activitypub.errors import Unannounced
from chalicelib.activitypub.outbound.build import playlists as activities
from chalicelib.activitypub.outbound.changes import send_change
from chalicelib.config import get_settings
from chalicelib.domain.federation_rules import can_federate_playlist
from chalicelib.store import actors, playlists

if TYPE_CHECKING:
    from chalicelib.domain.events import PlaylistChanged, PlaylistCreated, PlaylistElementsChanged, PlaylistRemoved
    from chalicelib.store.models import Actor, Playlist


def on_created(event: PlaylistCreated) -> None:
    if can_federate_playlist(event.playlist):
        _send_new(event.playlist)


def on_changed(event: PlaylistChanged) -> None:
    send_change(
        event.before, event.after, can_federate_playlist, create=_send_new, update=_send_update, delete=_send_delete
    )


def on_elements_changed(event: PlaylistElementsChanged) -> None:
    if not can_federate_playlist(event.playlist):
        return  # a private playlist costs nothing more
    after = playlists.get_playlist(int(event.playlist.id))
    if after is not None and can_federate_playlist(after):
        _send_update(after)


def on_removed(event: PlaylistRemoved) -> None:
    if can_federate_playlist(event.playlist):
        _send_delete(event.playlist)


def _parties(playlist: Playlist) -> tuple[Actor, Actor | None]:
    wanted = {int(playlist.owner_account_id)}
    if playlist.channel_id is not None:
        wanted.add(int(playlist.channel_id))
    found = actors.get_actors(wanted)
    account = found.get(int(playlist.owner_account_id))
    if account is None:
        raise Unannounced("the playlist's account is gone")
    channel = found.get(int(playlist.channel_id)) if playlist.channel_id is not None else None
    return account, channel


def _audience_ids(account: Actor, channel: Actor | None) -> list[int]:
    ids = [int(account.id), actors.server_actor_id()]
    return [*ids, int(channel.id)] if channel is not None else ids


def _object(playlist: Playlist, account: Actor, channel: Actor | None) -> dict[str, Any]:
    total = int(playlist.videos_length or 0)
    return playlist_object(
        playlist, account, channel, get_settings().instance_url, read_urls=lambda _start, _count: Slice([], total)
    )


def _send_new(playlist: Playlist) -> None:
    account, channel = _parties(playlist)
    activity = activities.create(_object(playlist, account, channel), str(account.url))
    outbox.broadcast(activity, int(account.id), followers_of=_audience_ids(account, channel))


def _send_update(playlist: Playlist) -> None:
    account, channel = _parties(playlist)
    activity = activities.update(_object(playlist, account, channel), str(account.url))
    outbox.broadcast(activity, int(account.id), followers_of=_audience_ids(account, channel))


def _send_delete(playlist: Playlist) -> None:
    account, channel = _parties(playlist)
    activity = activities.delete(str(playlist.url), str(account.url))
    outbox.broadcast(activity, int(account.id), followers_of=_audience_ids(account, channel))
