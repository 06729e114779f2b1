"""The VideoPlaylist and VideoPlaylistElement JSON of PeerTube (key order included)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalicelib.api.shapes import images_json, iso
from chalicelib.api.video_shapes import video_json
from chalicelib.domain.playlist_forms import PRIVACIES, TYPES
from chalicelib.domain.short_uuid import to_short

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, Playlist, PlaylistElement, Video


def playlist_json(playlist: Playlist, people: Mapping[int, Actor], settings: Settings) -> dict[str, Any]:
    """`people` holds the owner account and the channel (a channel that is gone shows as
    none, like a playlist without one)."""
    short = to_short(playlist.uuid)
    owner = people.get(int(playlist.owner_account_id))
    channel = people.get(int(playlist.channel_id)) if playlist.channel_id is not None else None
    privacy, kind = int(playlist.privacy), int(playlist.playlist_type)
    return {
        "id": int(playlist.id),
        "uuid": playlist.uuid,
        "shortUUID": short,
        "isLocal": bool(playlist.is_local),
        "url": playlist.url,
        "displayName": playlist.name,
        "description": playlist.description,
        "privacy": {"id": privacy, "label": PRIVACIES.get(privacy, "Unknown")},
        "thumbnailPath": f"/{playlist.thumbnail_path}" if playlist.thumbnail_path else None,
        "embedPath": f"/video-playlists/embed/{short}",
        "type": {"id": kind, "label": TYPES.get(kind, "Unknown")},
        "videosLength": int(playlist.videos_length),
        "createdAt": iso(playlist.created_at),
        "updatedAt": iso(playlist.updated_at),
        "ownerAccount": _summary(owner, settings, account=True) if owner is not None else None,
        "videoChannelPosition": int(playlist.channel_position)
        if channel is not None and playlist.channel_position is not None
        else None,
        "videoChannel": _summary(channel, settings, account=False) if channel is not None else None,
    }


def people_ids(items: list[Playlist]) -> set[int]:
    ids = {int(p.owner_account_id) for p in items}
    return ids | {int(p.channel_id) for p in items if p.channel_id is not None}


def element_json(
    element: PlaylistElement,
    kind: int,
    video: Video | None,
    people: Mapping[int, Actor],
    settings: Settings,
) -> dict[str, Any]:
    body = None
    if video is not None and kind == 0:
        account, channel = people.get(int(video.account_id)), people.get(int(video.channel_id))
        if account is not None and channel is not None:
            body = video_json(video, account, channel, settings)
    return {
        "id": int(element.id),
        "position": int(element.position),
        "startTimestamp": _int_or_none(element.start_timestamp),
        "stopTimestamp": _int_or_none(element.stop_timestamp),
        "type": kind,
        "video": body,
    }


def _summary(actor: Actor, settings: Settings, *, account: bool) -> dict[str, Any]:
    """AccountSummary {id, displayName, name, ...} or VideoChannelSummary {id, name, displayName, ...}."""
    names = (
        {"displayName": actor.display_name, "name": actor.preferred_username}
        if account
        else {"name": actor.preferred_username, "displayName": actor.display_name}
    )
    return {
        "id": int(actor.id),
        **names,
        "url": actor.url,
        "host": actor.host or settings.instance_host,
        "avatars": images_json(actor.avatars or [], settings),
    }


def _int_or_none(value: Any) -> int | None:
    return int(value) if value is not None else None
