"""Remote Playlist and PlaylistElement objects, checked as PeerTube's receiver checks them.

A Playlist needs an integer `totalItems`, a name of 1 to 120 characters, a version 4 UUID,
`published` and `updated` dates, and exactly one `attributedTo`: its channel, on the
playlist's own host. Its description (`content`) may not exceed PeerTube's 1,000 characters
(PeerTube's database refuses longer ones). A PlaylistElement needs an integer `position`
and the URL of its video.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.activitypub.remote.parse.checks import InvalidDocument, as_list, count, date, reference, same_host, url

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
MAX_NAME = 120
MAX_DESCRIPTION = 1000
PRIVACY_PUBLIC, PRIVACY_UNLISTED = 1, 2


@dataclass(frozen=True)
class RemotePlaylistDocument:
    url: str
    uuid: str
    name: str
    description: str | None
    total: int
    published: datetime
    updated: datetime
    channel_url: str
    thumbnail_url: str | None


@dataclass(frozen=True)
class RemoteElementDocument:
    url: str
    video_url: str
    position: int
    start: int | None
    stop: int | None


def parse_playlist(document: Any) -> RemotePlaylistDocument:
    if not isinstance(document, dict) or document.get("type") != "Playlist":
        raise InvalidDocument("not a Playlist")
    playlist_url = url(document.get("id"), "id")
    total = count(document.get("totalItems"), "totalItems")
    name = document.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME:
        raise InvalidDocument(f"name must have 1 to {MAX_NAME} characters")
    playlist_uuid = str(document.get("uuid") or "")
    try:
        if uuid_module.UUID(playlist_uuid).version != 4:
            raise ValueError
    except ValueError:
        raise InvalidDocument("uuid is not a version 4 UUID") from None
    content = document.get("content")
    if content is not None and (not isinstance(content, str) or len(content) > MAX_DESCRIPTION):
        raise InvalidDocument(f"content must be text of at most {MAX_DESCRIPTION} characters")
    owners = document.get("attributedTo")
    if not isinstance(owners, list) or len(owners) != 1:
        raise InvalidDocument("attributedTo must name exactly one channel")
    channel_url = reference(owners[0], "attributedTo")
    same_host(playlist_url, channel_url, "attributedTo")
    return RemotePlaylistDocument(
        url=playlist_url,
        uuid=playlist_uuid.lower(),
        name=name,
        description=content or None,
        total=total,
        published=date(document.get("published"), "published"),
        updated=date(document.get("updated"), "updated"),
        channel_url=channel_url,
        thumbnail_url=_icon(document.get("icon")),
    )


def privacy_of(audience: Any) -> int:
    """Public when the activity (or the object) is addressed to the public, else unlisted:
    private playlists are never sent."""
    return (
        PRIVACY_PUBLIC
        if PUBLIC in [entry for entry in as_list(audience) if isinstance(entry, str)]
        else PRIVACY_UNLISTED
    )


def parse_element(document: Any, fetched_from: str) -> RemoteElementDocument:
    if not isinstance(document, dict) or document.get("type") != "PlaylistElement":
        raise InvalidDocument("not a PlaylistElement")
    element_url = url(document.get("id"), "id")
    same_host(fetched_from, element_url, "id")
    position = document.get("position")
    if not isinstance(position, int) or isinstance(position, bool):
        raise InvalidDocument("position must be an integer")
    return RemoteElementDocument(
        url=element_url,
        video_url=url(document.get("url"), "url"),
        position=position,
        start=_timestamp(document.get("startTimestamp")),
        stop=_timestamp(document.get("stopTimestamp")),
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _timestamp(value: Any) -> int | None:
    """`value || null`, as PeerTube stores them; anything but a positive integer is none."""
    return value if _is_int(value) and value > 0 else None


def _icon(value: Any) -> str | None:
    """The thumbnail's URL, if the playlist has one (an Image object, or the first of a list)."""
    for image in as_list(value):
        if isinstance(image, dict) and image.get("type") == "Image":
            try:
                return url(image.get("url"), "icon.url")
            except InvalidDocument:
                return None
    return None
