"""BitTorrent metainfo (.torrent) files and magnet URIs for a video's files, as PeerTube
makes them (server/core/lib/webtorrent.ts with the create-torrent, magnet-uri and
parse-torrent packages). Pure: no I/O; the bytes come in through a PieceHasher.

- One file per torrent: `info` holds `length`, `name`, `piece length` and `pieces`, so the
  info hash (SHA-1 of the bencoded `info`) depends on the bytes, the piece length and the
  name: "<video name> <resolution>p<extension>", the characters / \\ ? % * : | " < >
  replaced by "-".
- Piece length: create-torrent's rule, 2^round(log2(size / 1024)) bytes, at least 16 KiB
  and at most 4 MiB.
- Outside `info`: the announce list (the instance's WebSocket tracker, then its HTTP one),
  the web seed (`url-list`: the file's public URL, none for a video in the private
  directory), `created by`, `creation date` and `encoding`. Changing them (a privacy change)
  keeps the info hash; renaming the video changes it.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from chalicelib.media import bencode

MIN_PIECE_LENGTH = 16 * 1024
MAX_PIECE_LENGTH = 4 * 1024 * 1024
CREATED_BY = "Cirrus"
CONTENT_TYPE = "application/x-bittorrent"
_UNSAFE_NAME_CHARACTERS = str.maketrans(dict.fromkeys('/\\?%*:|"<>', "-"))
# What JavaScript's encodeURIComponent leaves alone (magnet-uri encodes with it).
_URI_COMPONENT_SAFE = "!'()*-._~"


def piece_length(size: int) -> int:
    """The piece length create-torrent picks for a file of `size` bytes."""
    exponent = math.floor(math.log2(size / 1024 if size >= 1024 else 1) + 0.5)
    return min(max(MIN_PIECE_LENGTH, 1 << exponent), MAX_PIECE_LENGTH)


def info_name(video_name: str, resolution: int, extension: str) -> str:
    """The torrent's `info.name` (what a BitTorrent client saves the file as)."""
    return f"{video_name.translate(_UNSAFE_NAME_CHARACTERS)} {resolution}p{extension}"


class PieceHasher:
    """SHA-1 of every piece of a file fed in any slices, in order."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.piece_length = piece_length(size)
        self._pieces: list[bytes] = []
        self._current = hashlib.sha1(usedforsecurity=False)
        self._filled = 0
        self.length = 0

    def update(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            take = min(len(view), self.piece_length - self._filled)
            self._current.update(view[:take])
            self._filled += take
            self.length += take
            view = view[take:]
            if self._filled == self.piece_length:
                self._close_piece()

    def pieces(self) -> bytes:
        """The concatenated piece hashes; the file must have been fed whole."""
        if self.length != self.size:
            raise ValueError(f"fed {self.length} bytes of a {self.size}-byte file")
        if self._filled:
            self._close_piece()
        return b"".join(self._pieces)

    def _close_piece(self) -> None:
        self._pieces.append(self._current.digest())
        self._current = hashlib.sha1(usedforsecurity=False)
        self._filled = 0


@dataclass(frozen=True)
class Torrent:
    content: bytes  # the .torrent file
    info_hash: str  # 40 lowercase hex characters


def build(
    *,
    name: str,
    length: int,
    pieces: bytes,
    announce: Sequence[str],
    web_seeds: Sequence[str],
    created_at: int,
) -> Torrent:
    """A single-file torrent; `announce` in order of preference, one tier each, as PeerTube's."""
    info = {"length": length, "name": name, "piece length": piece_length(length), "pieces": pieces}
    document = {
        "announce": announce[0],
        "announce-list": [[url] for url in announce],
        "created by": CREATED_BY,
        "creation date": created_at,
        "encoding": "UTF-8",
        "info": info,
        "url-list": list(web_seeds),
    }
    return Torrent(bencode.encode(document), info_hash_of(info))


def rewrite(
    content: bytes, *, name: str, announce: Sequence[str], web_seeds: Sequence[str], created_at: int
) -> Torrent:
    """The same pieces under a new name, trackers and web seeds (PeerTube's
    updateTorrentMetadata): no byte of the file is read again."""
    document = read(content)
    info = dict(document[b"info"])  # type: ignore[call-overload]
    info[b"name"] = name.encode("utf-8")
    document.update(
        {
            b"announce": announce[0].encode("utf-8"),
            b"announce-list": [[url.encode("utf-8")] for url in announce],
            b"creation date": created_at,
            b"info": info,
            b"url-list": [url.encode("utf-8") for url in web_seeds],
        }
    )
    return Torrent(bencode.encode(document), info_hash_of(info))


def read(content: bytes) -> dict[bytes, object]:
    """A torrent's top-level dictionary (ValueError when it is not one)."""
    document = bencode.decode(content)
    if not isinstance(document, dict) or not isinstance(document.get(b"info"), dict):
        raise ValueError("not a torrent")
    return document


def info_hash_of(info: dict[str, object] | dict[bytes, object]) -> str:
    return hashlib.sha1(bencode.encode(info), usedforsecurity=False).hexdigest()


def magnet_uri(
    *, torrent_url: str, info_hash: str, video_name: str, trackers: Sequence[str], web_seeds: Sequence[str]
) -> str:
    """PeerTube's magnetUri: magnet-uri's encoding of {xs, announce, urlList, infoHash, name},
    whose parameters come out in the order xs, xt, dn, tr..., ws...."""
    parts = [f"xs={_component(torrent_url)}", f"xt=urn:btih:{info_hash}", f"dn={_component(video_name, plus=True)}"]
    parts += [f"tr={_component(url)}" for url in trackers]
    parts += [f"ws={_component(url)}" for url in web_seeds]
    return "magnet:?" + "&".join(parts)


def _component(value: str, *, plus: bool = False) -> str:
    encoded = quote(value, safe=_URI_COMPONENT_SAFE)
    return encoded.replace("%20", "+") if plus else encoded
