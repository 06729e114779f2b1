"""HLS as PeerTube lays it out: per-resolution playlists of byte ranges in one fragmented
MP4, a master playlist, and `segments-sha256.json`, which remote players check P2P
segments against (so a single wrong byte range breaks playback on other instances)."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

PLAYLIST_TYPE = "application/vnd.apple.mpegurl"
BYTERANGE = re.compile(r"^#EXT-X-BYTERANGE:(\d+)(?:@(\d+))?$")
MAP = re.compile(r'^#EXT-X-MAP:URI="([^"]+)"(?:,BYTERANGE="(\d+)@(\d+)")?$')
HASH_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ByteRange:
    uri: str
    offset: int
    length: int

    @property
    def key(self) -> str:
        """PeerTube's key: first and last byte, inclusive."""
        return f"{self.offset}-{self.offset + self.length - 1}"


@dataclass(frozen=True)
class Variant:
    playlist: str
    bandwidth: int
    width: int
    height: int
    fps: int
    codecs: str


def media_segments(playlist_text: str) -> list[ByteRange]:
    """The media segments of a byte-range playlist (the init section excluded)."""
    segments: list[ByteRange] = []
    pending: tuple[int, int | None] | None = None
    next_offset = 0
    for raw in playlist_text.splitlines():
        line = raw.strip()
        match = BYTERANGE.match(line)
        if match:
            pending = (int(match.group(1)), int(match.group(2)) if match.group(2) else None)
            continue
        if line and not line.startswith("#") and pending is not None:
            length, offset = pending
            start = next_offset if offset is None else offset
            segments.append(ByteRange(line, start, length))
            next_offset = start + length
            pending = None
    return segments


def segment_hashes(segments: list[ByteRange], media: BinaryIO) -> dict[str, str]:
    """SHA-256 of every segment's bytes, keyed like PeerTube's segments-sha256.json."""
    hashes: dict[str, str] = {}
    for segment in segments:
        media.seek(segment.offset)
        digest = hashlib.sha256()
        left = segment.length
        while left:
            block = media.read(min(HASH_CHUNK, left))
            if not block:
                raise ValueError(f"{segment.uri} ends before byte {segment.offset + segment.length - 1}")
            digest.update(block)
            left -= len(block)
        hashes[segment.key] = digest.hexdigest()
    return hashes


@dataclass(frozen=True)
class Subtitle:
    """A caption's media playlist, named in the master playlist's subtitles group."""

    language: str
    label: str
    playlist: str


SUBTITLES_GROUP = "subtitles"


def master_playlist(variants: list[Variant], subtitles: Sequence[Subtitle] = ()) -> str:
    """PeerTube's master playlist: its captions as one SUBTITLES group, then one stream per
    resolution, highest first, each naming the group when there is one."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", ""]
    for subtitle in sorted(subtitles, key=lambda s: s.language):
        lines.append(
            f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="{SUBTITLES_GROUP}",NAME="{_quoted(subtitle.label)}",'
            f'DEFAULT=NO,AUTOSELECT=NO,FORCED=NO,LANGUAGE="{subtitle.language}",URI="{subtitle.playlist}"'
        )
    if subtitles:
        lines.append("")
    for variant in sorted(variants, key=lambda v: v.height * v.width, reverse=True):
        attributes = [f"BANDWIDTH={variant.bandwidth}"]
        if variant.width and variant.height:
            attributes += [f"RESOLUTION={variant.width}x{variant.height}", f"FRAME-RATE={variant.fps}"]
        attributes.append(f'CODECS="{variant.codecs}"')
        if subtitles:
            attributes.append(f'SUBTITLES="{SUBTITLES_GROUP}"')
        lines += ["#EXT-X-STREAM-INF:" + ",".join(attributes), variant.playlist, ""]
    return "\n".join(lines)


def caption_playlist(duration: int, caption_url: str) -> str:
    """PeerTube's media playlist of one caption: the whole WebVTT file as a single segment
    as long as the video."""
    length = max(int(duration), 1)
    return (
        f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{length}\n#EXT-X-MEDIA-SEQUENCE:0\n"
        f"#EXTINF:{length},\n{caption_url}\n#EXT-X-ENDLIST\n"
    )


def _quoted(text: str) -> str:
    """A quoted-string attribute may hold neither a double quote nor a line break (RFC 8216)."""
    return text.replace('"', "'").replace("\n", " ").replace("\r", " ")


def bandwidth(size_bytes: int, duration: float) -> int:
    """PeerTube's BANDWIDTH: the file's average bit rate, rounded up."""
    return math.ceil(size_bytes * 8 / duration) if duration > 0 else 0


AVC_PROFILES = {"High": "6400", "Main": "4d40", "Baseline": "4200", "Constrained Baseline": "42e0"}
AAC_LC = "mp4a.40.2"


def codecs(video_profile: str | None, video_level: int | None, has_audio: bool) -> str:
    """The RFC 6381 codecs attribute: `avc1.PPCCLL` for H.264, `mp4a.40.2` for AAC-LC."""
    parts = []
    if video_profile is not None and video_level is not None:
        parts.append(f"avc1.{AVC_PROFILES.get(video_profile, '6400')}{video_level:02x}")
    if has_audio:
        parts.append(AAC_LC)
    return ",".join(parts)


_URI_ATTRIBUTE = re.compile(r'URI="([^"]+)"')


def with_token(playlist_text: str, query_of: Callable[[str], str]) -> str:
    """A playlist whose every URI (lines and `URI="..."` attributes) gets the query
    `query_of(uri)` appended: PeerTube's reinjectVideoFileToken, for players that cannot add
    the token to each request themselves (the browser's own HLS, other apps)."""

    def append(uri: str) -> str:
        return f"{uri}{'&' if '?' in uri else '?'}{query_of(uri)}"

    lines = []
    for line in playlist_text.splitlines():
        if line.startswith("#"):
            lines.append(_URI_ATTRIBUTE.sub(lambda match: f'URI="{append(match.group(1))}"', line))
        else:
            lines.append(append(line) if line else line)
    return "\n".join(lines) + ("\n" if playlist_text.endswith("\n") else "")
