"""Access patterns of remote playlists (RP1-RP4 in docs/data-model.md): Playlist items with
their origin's URL, claimed by URL (and by UUID, like local ones), whose element slots are
rebuilt whole from what their origin serves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.errors import ConflictError
from chalicelib.store import claims, keys, playlists
from chalicelib.store.models import Claim, Playlist, PlaylistElement
from chalicelib.store.writes import NewClaim, create_items

ATTEMPTS = 5


def find_by_url(url: str) -> Playlist | None:
    """RP1: the URL claim, then the playlist (two GetItems)."""
    return claims.resolve(keys.PLAYLIST_URL, url, lambda target: playlists.get_playlist(int(target)))


def create(playlist: Playlist) -> bool:
    """RP2: the playlist and its URL and UUID claims, atomically; False if either is taken
    (another delivery created it first, or the UUID belongs to another playlist)."""
    claims = [
        NewClaim(keys.PLAYLIST_URL, str(playlist.url), str(playlist.id), "This playlist already exists."),
        NewClaim(keys.PLAYLIST_UUID, str(playlist.uuid), str(playlist.id), playlists.UUID_TAKEN),
    ]
    try:
        create_items([playlist], claims)
    except ConflictError:
        return False
    return True


def replace_elements(playlist: Playlist, elements: Sequence[PlaylistElement], playlist_actions: Sequence[Any]) -> None:
    """RP3: the slots 1..n hold `elements` (already placed), the old slots beyond n go, and
    the playlist takes its new length, under the playlist's revision check (read again and
    retried if a concurrent delivery changed it)."""
    current = playlist
    for _ in range(ATTEMPTS):
        old_length = int(current.videos_length or 0)
        stale = playlists.read_elements(int(current.id), len(elements) + 1, old_length)
        actions = [*playlist_actions, Playlist.videos_length.set(len(elements))]
        if playlists.write_elements(current, elements, stale, actions):
            return
        again = playlists.get_playlist(int(current.id))
        if again is None:
            return  # deleted meanwhile
        current = again
    raise ConflictError("The playlist changed concurrently.")


def delete(playlist: Playlist) -> None:
    """RP4: the playlist, its slots and claims (PL's removal, then the URL claim)."""
    playlists.delete_playlist(playlist)
    Claim(keys.claim_pk(keys.PLAYLIST_URL, str(playlist.url)), keys.CLAIM_SK).delete()
