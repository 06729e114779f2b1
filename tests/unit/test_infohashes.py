"""PeerTube's P2P info hashes, checked by hand against the recipe."""

from __future__ import annotations

import base64
import hashlib

from chalicelib.media.infohashes import (
    announced_info_hash,
    info_hash,
    master_playlist_url,
    playlist_info_hashes,
    stream_swarm_id,
)

URL = "http://localhost:9000/static/streaming-playlists/hls/abc/def-master.m3u8"


def test_one_info_hash_derived_by_hand() -> None:
    # swarm id  = "v2-" + master playlist URL + "-main-" + file index
    #           = "v2-http://localhost:9000/static/streaming-playlists/hls/abc/def-master.m3u8-main-0"
    # md5       = df cb21ee6ea5bb85677af0755ab7a5c3          (16 bytes; the first one is dropped)
    # base64 of the last 15 bytes cb21ee...a5c3  = "yyHubqW7hWd68HVat6XD"   (20 ASCII characters:
    #             what the player sends as its 20-byte info_hash)
    # hex of those 20 ASCII bytes: "y"=79 "y"=79 "H"=48 "u"=75 ... "D"=44
    swarm = stream_swarm_id(URL, "main", 0)
    assert swarm == "v2-http://localhost:9000/static/streaming-playlists/hls/abc/def-master.m3u8-main-0"
    assert hashlib.md5(swarm.encode(), usedforsecurity=False).hexdigest() == "dfcb21ee6ea5bb85677af0755ab7a5c3"
    assert base64.b64encode(bytes.fromhex("cb21ee6ea5bb85677af0755ab7a5c3")).decode() == "yyHubqW7hWd68HVat6XD"
    assert announced_info_hash(swarm) == "yyHubqW7hWd68HVat6XD"
    assert info_hash(swarm) == "7979487562715737685764363848566174365844"


def test_a_playlist_has_one_main_hash_per_file_and_a_secondary_one_for_audio_only() -> None:
    hashes = playlist_info_hashes(URL, [720, 480, 0])
    assert hashes == [
        info_hash(stream_swarm_id(URL, "main", 0)),
        info_hash(stream_swarm_id(URL, "main", 1)),
        info_hash(stream_swarm_id(URL, "main", 2)),
        info_hash(stream_swarm_id(URL, "secondary", 0)),
    ]
    assert len(playlist_info_hashes(URL, [720, 480])) == 2
    assert all(len(h) == 40 and int(h, 16) >= 0 for h in hashes)


def test_the_master_playlist_url_is_the_one_the_api_lists() -> None:
    assert master_playlist_url("http://localhost:9000", "abc", "def") == URL
