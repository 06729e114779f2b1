"""The info hashes viewers of a video announce to the tracker (PeerTube's P2P keys).

PeerTube's player (p2p-media-loader 2.x) joins one swarm per stream of the HLS master
playlist: the stream's swarm id is `v2-<master playlist URL>-<main|secondary>-<index>`,
and the 20-character info hash it announces is the Base64 of bytes 1..15 of that id's MD5.
Trackers see it as 20 ASCII bytes and key swarms by their hex (40 characters), which is
the form PeerTube stores and the one kept here. Pure: no I/O.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from chalicelib.media import layout

# p2p-media-loader's peer protocol (PeerTube's P2P_MEDIA_LOADER_PEER_VERSION, as a positive number).
PEER_PROTOCOL_VERSION = 2


def master_playlist_url(instance_url: str, video_uuid: str, hls_name: str, private: bool = False) -> str:
    """The URL of a local video's master playlist: the player's swarm id. It changes when the
    video's files move to or from the private directory, and its info hashes with it."""
    return f"{layout.hls_url_base(instance_url, video_uuid, private)}{hls_name}-master.m3u8"


def stream_swarm_id(playlist_url: str, stream_type: str, index: int) -> str:
    """The swarm of one stream: `main` for the variants, `secondary` for a separate audio group."""
    return f"v{PEER_PROTOCOL_VERSION}-{playlist_url}-{stream_type}-{index}"


def announced_info_hash(swarm_id: str) -> str:
    """The 20 ASCII characters a player sends as `info_hash` for this swarm id."""
    digest = hashlib.md5(swarm_id.encode("utf-8"), usedforsecurity=False).digest()
    # 15 bytes encode to exactly 20 Base64 characters (no padding): a valid 20-byte info hash.
    return base64.b64encode(digest[1:]).decode("ascii")


def info_hash(swarm_id: str) -> str:
    """The tracker's key for this swarm id: the hex of the announced info hash."""
    return announced_info_hash(swarm_id).encode("ascii").hex()


def playlist_info_hashes(playlist_url: str, heights: Iterable[int]) -> list[str]:
    """Every info hash of a playlist with files of these heights, as PeerTube lists them:
    one `main` stream per file (the player numbers the variants it sees from 0), and a
    `secondary` one when there is an audio-only file."""
    heights = list(heights)
    hashes = [info_hash(stream_swarm_id(playlist_url, "main", index)) for index in range(len(heights))]
    if any(height == 0 for height in heights):
        hashes.append(info_hash(stream_swarm_id(playlist_url, "secondary", 0)))
    return hashes


def live_info_hashes(playlist_url: str, streams: int) -> list[str]:
    """A live's info hashes: its variants are known only once the ingest has probed the
    stream, so the first `streams` `main` indexes are claimed (a ladder never has more)."""
    return [info_hash(stream_swarm_id(playlist_url, "main", index)) for index in range(streams)]
