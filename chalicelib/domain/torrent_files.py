"""What a torrent import may fetch, judged before anything is stored: a .torrent file (at
most 200 KB, PeerTube's limit) is decoded here (bencode, no libtorrent on the API's path)
and must describe exactly one file, with a plain name (no path, no '..'), a video
extension, and a size within the instance's import cap; a magnet link must carry a
BitTorrent info-hash. A magnet's files are only known once its metadata arrives: the
download checks them then, the same way (media/torrent_source.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from chalicelib.errors import ValidationError

MAX_TORRENT_BYTES = 200 * 1024
MAX_MAGNET_LENGTH = 4000
# The containers the ingest reads (PeerTube's video extensions).
VIDEO_EXTENSIONS = (".mp4", ".webm", ".ogv", ".mkv", ".mov", ".m4v", ".avi", ".flv", ".mpeg", ".mpg", ".ts", ".3gp")
ONE_FILE = "Torrents with only 1 file are supported."
_INFOHASH = re.compile(r"^urn:btih:([0-9a-fA-F]{40}|[A-Z2-7a-z]{32})$")


@dataclass(frozen=True)
class TorrentFile:
    name: str  # the one file's name
    size: int


def check_file_name(name: str) -> str | None:
    """Why a file name in a torrent is refused, or None: a path, '..', or not a video."""
    if not name or "/" in name or "\\" in name or name in (".", "..") or ".." in name or "\x00" in name:
        return "The torrent's file name is not a plain file name"
    if not name.lower().endswith(VIDEO_EXTENSIONS):
        return "The torrent's file is not a video"
    return None


def check_torrent(data: bytes, max_bytes: int) -> TorrentFile:
    """The one video file a .torrent describes; ValidationError (400) otherwise."""
    field = "torrentfile"
    if not data or len(data) > MAX_TORRENT_BYTES:
        raise ValidationError({field: "This torrent file is too large or empty (200 KB at most)"})
    try:
        decoded, end = _decode(data, 0)
    except (ValueError, IndexError, RecursionError):
        raise ValidationError({field: "This file is not a torrent"}) from None
    info = decoded.get(b"info") if isinstance(decoded, dict) and end == len(data) else None
    if not isinstance(info, dict) or not isinstance(info.get(b"name"), bytes):
        raise ValidationError({field: "This file is not a torrent"})
    files = info.get(b"files")
    if files is not None:
        if not isinstance(files, list) or len(files) != 1 or not isinstance(files[0], dict):
            raise ValidationError({field: ONE_FILE})
        path = files[0].get(b"path")
        if not isinstance(path, list) or len(path) != 1 or not isinstance(path[0], bytes):
            raise ValidationError({field: "The torrent's file name is not a plain file name"})
        name_bytes, size = path[0], files[0].get(b"length")
        if not _plain(info[b"name"]):
            raise ValidationError({field: "The torrent's file name is not a plain file name"})
    else:
        name_bytes, size = info[b"name"], info.get(b"length")
    if not isinstance(size, int) or size <= 0:
        raise ValidationError({field: "This file is not a torrent"})
    name = name_bytes.decode("utf-8", errors="replace")
    refusal = check_file_name(name)
    if refusal is not None:
        raise ValidationError({field: refusal})
    if size > max_bytes:
        raise ValidationError({field: "The torrent's video is larger than this instance imports"})
    return TorrentFile(name=name, size=size)


def check_magnet(value: Any) -> str:
    """A magnet URI with a BitTorrent info-hash (its display name, if any, is only a hint)."""
    invalid = {"magnetUri": "Should have a valid magnetUri"}
    if not isinstance(value, str) or not 0 < len(value) <= MAX_MAGNET_LENGTH or not value.startswith("magnet:?"):
        raise ValidationError(invalid)
    query = parse_qs(urlsplit(value).query)
    if not any(_INFOHASH.match(topic) for topic in query.get("xt", [])):
        raise ValidationError(invalid)
    return value


def magnet_name(value: str) -> str | None:
    names = parse_qs(urlsplit(value).query).get("dn")
    return names[0][:120] if names else None


def _plain(name: bytes) -> bool:
    text = name.decode("utf-8", errors="replace")
    return bool(text) and "/" not in text and "\\" not in text and ".." not in text


def _decode(data: bytes, at: int, depth: int = 0) -> tuple[Any, int]:
    """One bencoded value at `at`; the value and where it ends."""
    if depth > 32:
        raise ValueError("too deep")
    head = data[at : at + 1]
    if head == b"i":
        end = data.index(b"e", at)
        return int(data[at + 1 : end]), end + 1
    if head == b"l":
        at += 1
        items = []
        while data[at : at + 1] != b"e":
            item, at = _decode(data, at, depth + 1)
            items.append(item)
        return items, at + 1
    if head == b"d":
        at += 1
        found: dict[bytes, Any] = {}
        while data[at : at + 1] != b"e":
            key, at = _decode(data, at, depth + 1)
            if not isinstance(key, bytes):
                raise ValueError("a key that is not a string")
            found[key], at = _decode(data, at, depth + 1)
        return found, at + 1
    if head.isdigit():
        colon = data.index(b":", at)
        length = int(data[at:colon])
        start = colon + 1
        if start + length > len(data):
            raise ValueError("short string")
        return data[start : start + length], start + length
    raise ValueError("not bencode")
