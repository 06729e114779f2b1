"""What other servers hear of, as PeerTube decides it: the rules federation's senders and
ActivityPub documents share (kept apart from the use cases so that reading them imports
little)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.store.models.playlist import PLAYLIST_PUBLIC, PLAYLIST_UNLISTED, TYPE_REGULAR
from chalicelib.store.models.video import PRIVACY_PUBLIC, STATE_PUBLISHED

# PeerTube's isStateForFederation: published, and lives waiting or ended.
FEDERATED_STATES = frozenset({STATE_PUBLISHED, 4, 5})

if TYPE_CHECKING:
    from chalicelib.store.models import Playlist, Video


def can_federate_video(video: Video) -> bool:
    """Local public videos once published, and public lives (PeerTube's default leaves
    unlisted ones home too); not while a block withdrew it from the fediverse."""
    return (
        bool(video.is_local)
        and int(video.privacy) == PRIVACY_PUBLIC
        and int(video.state) in FEDERATED_STATES
        and not (video.blacklist or {}).get("unfederated")
    )


def can_federate_playlist(playlist: Playlist) -> bool:
    """Local regular playlists that are public or unlisted (PeerTube sends nothing for private ones)."""
    return (
        bool(playlist.is_local)
        and int(playlist.playlist_type) == TYPE_REGULAR
        and int(playlist.privacy) in (PLAYLIST_PUBLIC, PLAYLIST_UNLISTED)
    )
