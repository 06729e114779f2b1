"""The videos of a playlist: add, change timestamps, remove, reorder, and what a viewer
sees of each (PeerTube's VideoPlaylistElement rules). Positions stay dense (1..n)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import events
from chalicelib.domain import playlist_thumbnails as thumbnails
from chalicelib.domain.playlist_forms import timestamp_reason
from chalicelib.domain.validation import Checks
from chalicelib.domain.videos import (
    PRIVACY_INTERNAL,
    PRIVACY_PASSWORD,
    PRIVACY_PRIVATE,
    PRIVACY_PUBLIC,
    PRIVACY_UNLISTED,
)
from chalicelib.errors import BadRequestError, NotFoundError, ServiceUnavailableError
from chalicelib.store import playlists
from chalicelib.store.models import Playlist, PlaylistElement

if TYPE_CHECKING:
    from chalicelib.store.models import User, Video

REGULAR, DELETED, PRIVATE, UNAVAILABLE = 0, 1, 2, 3
ATTEMPTS = 5
ELEMENT_NOT_FOUND = "Video playlist element not found"


@dataclass(frozen=True)
class Timestamps:
    values: dict[str, int | None]  # only the fields present in the body


def read_timestamps(body: dict[str, Any]) -> Timestamps:
    checks = Checks()
    values: dict[str, int | None] = {}
    for field in ("startTimestamp", "stopTimestamp"):
        if field in body:
            checks.optional(body, field, timestamp_reason)
            raw = body[field]
            values[field] = None if raw is None or field in checks.invalid else int(float(str(raw)))
    checks.raise_if_any()
    return Timestamps(values)


def element_type(video: Video | None, viewer: User | None) -> int:
    """What a viewer may see of an element's video, in PeerTube's order (muting and the
    blocklist do not exist here yet)."""
    if video is None:
        return DELETED
    if viewer is not None and int(video.account_id) == int(viewer.account_id):
        return REGULAR
    privacy = int(video.privacy)
    if privacy == PRIVACY_INTERNAL and viewer is not None:
        return REGULAR
    if privacy in (PRIVACY_PRIVATE, PRIVACY_INTERNAL, PRIVACY_PASSWORD):
        return PRIVATE
    return REGULAR


def shows_thumbnail(video: Video) -> bool:
    """Whether a playlist may take the video's miniature as its own: the copy is public, so
    only a video anyone may see (public or unlisted: the playlist lists it anyway)."""
    return bool(video.has_images) and int(video.privacy) in (PRIVACY_PUBLIC, PRIVACY_UNLISTED)


def page(playlist: Playlist, start: int, count: int) -> list[PlaylistElement]:
    """Positions start+1..start+count: positions are dense, so the offset is a key."""
    return playlists.read_elements(int(playlist.id), start + 1, min(start + count, int(playlist.videos_length)))


def add(instance_url: str, playlist: Playlist, video: Video, times: Timestamps, now: datetime) -> PlaylistElement:
    """Append at max + 1. Timestamps are `value || null` here, so 0 is stored as null."""
    start = times.values.get("startTimestamp") or None
    stop = times.values.get("stopTimestamp") or None
    for _ in range(ATTEMPTS):
        position = int(playlist.videos_length) + 1
        element = playlists.new_element(instance_url, playlist, position, int(video.id), start, stop, now)
        actions: list[Any] = [Playlist.videos_length.add(1), Playlist.updated_at.set(now)]
        new_thumbnail = None
        if not playlist.thumbnail_path and shows_thumbnail(video):
            new_thumbnail = thumbnails.copy_from_video(video.images_name)
            if new_thumbnail:
                actions += [Playlist.thumbnail_path.set(new_thumbnail), Playlist.thumbnail_auto.set(True)]
        if playlists.write_elements(playlist, [element], [], actions):
            _federate(playlist)
            return element
        thumbnails.remove(new_thumbnail)
        playlist = _reread(playlist)
    raise ServiceUnavailableError("The playlist changed concurrently; try again.")


def locate(playlist: Playlist, element_id: int) -> PlaylistElement:
    """An element of this playlist by id, or 404. (PeerTube finds it in any playlist and
    then edits the URL's playlist; here it must belong to the URL's playlist.)"""
    found = playlists.find_element(element_id)
    if found is None or int(found.playlist_id) != int(playlist.id):
        raise NotFoundError(ELEMENT_NOT_FOUND)
    return found


def update(playlist: Playlist, element: PlaylistElement, times: Timestamps, now: datetime) -> None:
    """Present fields are set verbatim: here 0 stays 0 and null clears."""
    actions: list[Any] = [PlaylistElement.updated_at.set(now)]
    for field, attribute in (
        ("startTimestamp", PlaylistElement.start_timestamp),
        ("stopTimestamp", PlaylistElement.stop_timestamp),
    ):
        if field in times.values:
            value = times.values[field]
            actions.append(attribute.remove() if value is None else attribute.set(value))
    for _ in range(ATTEMPTS):
        if playlists.update_element(element, actions):
            playlists.update_playlist(playlist, [Playlist.updated_at.set(now)])
            _federate(playlist)
            return
        element = _current_slot(playlist, int(element.id))
    raise ServiceUnavailableError("The playlist changed concurrently; try again.")


def remove(playlist: Playlist, element: PlaylistElement, now: datetime) -> None:
    """Delete, and shift every later element down by one."""
    for _ in range(ATTEMPTS):
        length = int(playlist.videos_length)
        position = int(element.position)
        slots = playlists.read_elements(int(playlist.id), position, length)
        if slots and int(slots[0].id) == int(element.id) and len(slots) == length - position + 1:
            puts = [playlists.place(slot, playlist, int(slot.position) - 1) for slot in slots[1:]]
            actions: list[Any] = [Playlist.videos_length.add(-1), Playlist.updated_at.set(now)]
            if playlists.write_elements(playlist, puts, [slots[-1]], actions):
                if position == 1:
                    _regenerate_thumbnail(_reread(playlist))
                _federate(playlist)
                return
        playlist = _reread(playlist)
        element = _current_slot(playlist, int(element.id))
    raise ServiceUnavailableError("The playlist changed concurrently; try again.")


def check_reorder(playlist: Playlist, start: int, insert_after: int, length: int | None) -> None:
    following = int(playlist.videos_length) + 1
    if start >= following or insert_after >= following:
        raise BadRequestError(
            f"Start position or insert after position exceed the playlist limits (max: {following - 1})"
        )
    if length is not None and length + start > following:
        raise BadRequestError(
            f"Reorder length with this start position exceeds the playlist limits (max: {following - start})"
        )


def reorder(playlist: Playlist, start: int, insert_after: int, length: int, now: datetime) -> None:
    """Move the block start..start+length-1 right after the element at `insert_after`.
    Only the slots between the block and its destination are rewritten."""
    if start == insert_after:
        return
    for _ in range(ATTEMPTS):
        check_reorder(playlist, start, insert_after, length)
        low, high = min(start, insert_after + 1), max(start + length - 1, insert_after)
        slots = playlists.read_elements(int(playlist.id), low, high)
        if len(slots) == high - low + 1:
            order = moved_order([int(s.position) for s in slots], start, insert_after, length)
            by_position = {int(s.position): s for s in slots}
            puts = [
                playlists.place(by_position[old], playlist, new)
                for new, old in zip(range(low, high + 1), order, strict=True)
                if new != old
            ]
            if playlists.write_elements(playlist, puts, [], [Playlist.updated_at.set(now)]):
                if start == 1 or insert_after == 0:
                    _regenerate_thumbnail(_reread(playlist))
                _federate(playlist)
                return
        playlist = _reread(playlist)
    raise ServiceUnavailableError("The playlist changed concurrently; try again.")


def moved_order(positions: list[int], start: int, insert_after: int, length: int) -> list[int]:
    """The old positions in their new order, by PeerTube's three position updates (shift
    the tail, drop the block in, close the gap). Where those collide (an `insert_after`
    inside the block) the old order breaks the tie, so positions stay dense."""
    old = start + (length if start >= insert_after + 1 else 0)

    def new_position(p: int) -> int:
        if p >= insert_after + 1:
            p += length
        if old <= p <= old + length - 1:
            p = insert_after + 1 + (p - old)
        if p >= old:
            p -= length
        return p

    return sorted(positions, key=lambda p: (new_position(p), p))


def _regenerate_thumbnail(playlist: Playlist) -> None:
    """An automatic thumbnail follows the first element's video."""
    if not playlist.thumbnail_auto and playlist.thumbnail_path:
        return
    from chalicelib.store import videos

    first = playlists.read_elements(int(playlist.id), 1, 1)
    video = videos.get_video(int(first[0].video_id)) if first else None
    new_path = thumbnails.copy_from_video(video.images_name) if video is not None and shows_thumbnail(video) else None
    if new_path is None and not playlist.thumbnail_path:
        return
    actions: list[Any] = (
        [Playlist.thumbnail_path.set(new_path), Playlist.thumbnail_auto.set(True)]
        if new_path
        else [Playlist.thumbnail_path.remove(), Playlist.thumbnail_auto.set(False)]
    )
    old_path = playlist.thumbnail_path
    playlists.update_playlist(playlist, actions)  # refreshes `playlist` with the new values
    thumbnails.remove(old_path)


def _federate(playlist: Playlist) -> None:
    """The elements changed (the playlist's followers hear an Update; see domain/events.py)."""
    events.emit(events.PlaylistElementsChanged(playlist))


def _reread(playlist: Playlist) -> Playlist:
    again = playlists.get_playlist(int(playlist.id))
    if again is None:
        raise NotFoundError("Video playlist not found")
    return again


def _current_slot(playlist: Playlist, element_id: int) -> PlaylistElement:
    """Where an element sits now, read from the slots themselves (the index may lag)."""
    for slot in playlists.read_elements(int(playlist.id), 1, int(playlist.videos_length)):
        if int(slot.id) == element_id:
            return slot
    raise NotFoundError(ELEMENT_NOT_FOUND)
