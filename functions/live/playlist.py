"""A live's HLS files as PeerTube serves them: per rendition a media playlist of the last 15
segments (`0.m3u8`, `1.m3u8`, ...), segments named `<tag>-<rendition>-<sequence>.ts`, and
`segments-sha256.json`, flat (`{"0-000012.ts": "<sha256 hex>"}`, PeerTube's live form; the
VOD form keys byte ranges inside one file, see chalicelib/media/hls.py). Segment names carry
their session's tag (`<tag>-0-000012.ts`), so that no name is ever written twice.

Cirrus writes the media playlists itself rather than publishing ffmpeg's: a session outlives
the ffmpeg process of one encoder connection (the reconnect window), so sequence numbers
continue across connections and each connection's first segment is marked
EXT-X-DISCONTINUITY (its timestamps start again).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

from chalicelib.media.layout import LIVE_HASHES, LIVE_MASTER, live_playlist_name, live_segment_name

# PeerTube's VIDEO_LIVE.SEGMENTS_LIST_SIZE.
WINDOW = 15
# Hashes kept in segments-sha256.json: the window and as many before it, for peers still
# exchanging segments that just left the playlist.
HASHES_KEPT = 2 * WINDOW
MASTER = LIVE_MASTER
HASHES = LIVE_HASHES
PLAYLIST_TYPE = "application/vnd.apple.mpegurl"
SEGMENT_TYPE = "video/mp2t"
JSON_TYPE = "application/json"

_EXTINF = re.compile(r"^#EXTINF:([0-9.]+)")
_PDT = "#EXT-X-PROGRAM-DATE-TIME:"


def playlist_name(index: int) -> str:
    return live_playlist_name(index)


def segment_name(index: int, sequence: int, tag: str = "") -> str:
    """`<tag>-<rendition>-<sequence>.ts`: the session's tag keeps a permanent live's next
    session from writing a name again (chalicelib/media/layout.py, where the replay reads them)."""
    return live_segment_name(index, sequence, tag)


@dataclass(frozen=True)
class Segment:
    name: str
    sequence: int
    duration: float
    discontinuity: bool
    program_date_time: str | None
    sha256: str
    size: int


@dataclass
class MediaPlaylist:
    """One rendition's segments since the session began; `render` shows the live window."""

    segment_seconds: int
    window: int = WINDOW
    segments: list[Segment] = field(default_factory=list)

    @property
    def next_sequence(self) -> int:
        return self.segments[-1].sequence + 1 if self.segments else 0

    def add(self, segment: Segment) -> None:
        self.segments.append(segment)

    def render(self, *, ended: bool = False) -> str:
        shown = self.segments[-self.window :]
        hidden = self.segments[: len(self.segments) - len(shown)]
        first = shown[0].sequence if shown else self.next_sequence
        longest = max((s.duration for s in self.segments), default=0.0)
        lines = [
            "#EXTM3U",
            "#EXT-X-VERSION:3",
            "#EXT-X-INDEPENDENT-SEGMENTS",
            # Never below the configured length, raised if a copied stream's keyframes are
            # further apart (players reload every target duration).
            f"#EXT-X-TARGETDURATION:{max(self.segment_seconds, math.ceil(longest - 0.001))}",
            f"#EXT-X-MEDIA-SEQUENCE:{first}",
        ]
        discontinuities = sum(1 for s in hidden if s.discontinuity)
        if discontinuities:
            lines.append(f"#EXT-X-DISCONTINUITY-SEQUENCE:{discontinuities}")
        for segment in shown:
            if segment.discontinuity:
                lines.append("#EXT-X-DISCONTINUITY")
            if segment.program_date_time:
                lines.append(_PDT + segment.program_date_time)
            lines += [f"#EXTINF:{segment.duration:.6f},", segment.name]
        if ended:
            lines.append("#EXT-X-ENDLIST")
        return "\n".join(lines) + "\n"


def hashes_document(playlists: list[MediaPlaylist]) -> bytes:
    """segments-sha256.json for the segments players may still ask for."""
    hashes = {s.name: s.sha256 for playlist in playlists for s in playlist.segments[-HASHES_KEPT:]}
    return json.dumps(hashes, separators=(",", ":"), sort_keys=True).encode()


@dataclass(frozen=True)
class Entry:
    """A segment as ffmpeg's own playlist lists it (in the work directory)."""

    uri: str
    duration: float
    program_date_time: str | None


def read_entries(text: str) -> list[Entry]:
    """The segments of an ffmpeg media playlist, in order."""
    entries: list[Entry] = []
    duration: float | None = None
    program_date_time: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        match = _EXTINF.match(line)
        if match:
            duration = float(match.group(1))
        elif line.startswith(_PDT):
            program_date_time = line[len(_PDT) :]
        elif line and not line.startswith("#") and duration is not None:
            entries.append(Entry(line, duration, program_date_time))
            duration, program_date_time = None, None
    return entries
