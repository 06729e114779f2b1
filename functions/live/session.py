"""A live session's HLS output: segments from each ffmpeg run renamed into one continuing
sequence, hashed, and written to the sink with the playlists and segments-sha256.json; the
master playlist once every rendition has its first segment (the session is then playable).

Order of writes for each segment: the segment, then segments-sha256.json, then its playlist,
so a player (or a peer checking hashes) never finds a name it cannot fetch or verify.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.media import hls
from functions.live.ladder import AUDIO_KBPS
from functions.live.playlist import (
    HASHES,
    JSON_TYPE,
    MASTER,
    PLAYLIST_TYPE,
    SEGMENT_TYPE,
    Entry,
    MediaPlaylist,
    Segment,
    hashes_document,
    playlist_name,
    segment_name,
)
from functions.live.ports import LiveTarget, RenditionRecord, SessionRecord, Sink

if TYPE_CHECKING:
    from chalicelib.media.ladder import Rendition
    from functions.live.media_check import StreamInfo

log = logging.getLogger("cirrus.live")

PROBE_TIMEOUT_SECONDS = 10.0


@dataclass
class LiveSession:
    target: LiveTarget
    info: StreamInfo
    renditions: list[Rendition]
    segment_seconds: int
    sink: Sink
    transcoding: bool = True
    ffprobe: str = "ffprobe"
    session_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started_at: float = field(default_factory=time.time)
    connections: int = 0
    playable: asyncio.Event = field(default_factory=asyncio.Event)
    first_segment_at: float | None = None
    playlists: list[MediaPlaylist] = field(init=False)
    _variants: dict[int, hls.Variant] = field(default_factory=dict)
    _new_run: list[bool] = field(init=False)

    def __post_init__(self) -> None:
        self.playlists = [MediaPlaylist(self.segment_seconds) for _ in self.renditions]
        self._new_run = [False] * len(self.renditions)

    @property
    def segment_tag(self) -> str:
        """The session's part of its segments' names (a permanent live's sessions share its
        directory and playlists, never a segment name)."""
        return self.session_id.replace("-", "")[:8]

    def key(self, name: str) -> str:
        return f"{self.target.directory}/{name}"

    def begin_run(self) -> None:
        """A new encoder connection: its first segment in each rendition is a discontinuity
        (not the session's very first)."""
        self.connections += 1
        self._new_run = [self.connections > 1] * len(self.renditions)

    async def add_segment(self, index: int, path: Path, entry: Entry) -> None:
        body = path.read_bytes()
        playlist = self.playlists[index]
        segment = Segment(
            name=segment_name(index, playlist.next_sequence, self.segment_tag),
            sequence=playlist.next_sequence,
            duration=entry.duration,
            discontinuity=self._new_run[index],
            program_date_time=entry.program_date_time,
            sha256=hashlib.sha256(body).hexdigest(),
            size=len(body),
        )
        self._new_run[index] = False
        await self.sink.write(self.key(segment.name), body, SEGMENT_TYPE)
        playlist.add(segment)
        if index not in self._variants:
            self._variants[index] = await self._variant(index, path, segment)
        path.unlink(missing_ok=True)
        await self.sink.write(self.key(HASHES), hashes_document(self.playlists), JSON_TYPE)
        await self.sink.write(self.key(playlist_name(index)), playlist.render().encode(), PLAYLIST_TYPE)
        if not self.playable.is_set() and len(self._variants) == len(self.renditions):
            variants = [self._variants[i] for i in range(len(self.renditions))]
            await self.sink.write(self.key(MASTER), hls.master_playlist(variants).encode(), PLAYLIST_TYPE)
            self.first_segment_at = time.monotonic()
            self.playable.set()

    async def close_playlists(self) -> None:
        """The session is over: each playlist ends (EXT-X-ENDLIST), so players stop polling."""
        for index, playlist in enumerate(self.playlists):
            if playlist.segments:
                await self.sink.write(
                    self.key(playlist_name(index)), playlist.render(ended=True).encode(), PLAYLIST_TYPE
                )

    def record(self, *, error: int | None, reason: str | None) -> SessionRecord:
        renditions = []
        for index, rendition in enumerate(self.renditions):
            variant = self._variants.get(index)
            renditions.append(
                RenditionRecord(
                    index=index,
                    resolution=rendition.resolution,
                    width=variant.width if variant else rendition.width,
                    height=variant.height if variant else rendition.height,
                    fps=rendition.fps,
                    playlist=self.key(playlist_name(index)),
                    segments=list(self.playlists[index].segments),
                )
            )
        return SessionRecord(
            session_id=self.session_id,
            target=self.target,
            started_at=self.started_at,
            ended_at=time.time(),
            connections=self.connections,
            renditions=renditions,
            error=error,
            reason=reason,
            segment_tag=self.segment_tag,
        )

    async def _variant(self, index: int, path: Path, segment: Segment) -> hls.Variant:
        """The master playlist's line for a rendition, from what ffmpeg really wrote."""
        rendition = self.renditions[index]
        stream = await _probe_video(path, self.ffprobe)
        width = int(stream.get("width") or rendition.width)
        height = int(stream.get("height") or rendition.height)
        codecs = hls.codecs(stream.get("profile"), stream.get("level"), self.info.has_audio)
        if self.transcoding:
            bandwidth = rendition.max_bitrate + (AUDIO_KBPS * 1000 if self.info.has_audio else 0)
        else:  # the encoder's declared rate, or the first segment's
            bandwidth = self.info.bitrate or hls.bandwidth(segment.size, segment.duration)
        return hls.Variant(playlist_name(index), bandwidth, width, height, rendition.fps, codecs)


async def _probe_video(path: Path, ffprobe: str) -> dict[str, Any]:
    """The first video stream of a segment ffmpeg wrote (mpegts only, local file only)."""
    process = await asyncio.create_subprocess_exec(
        ffprobe, "-v", "error", "-protocol_whitelist", "file", "-format_whitelist", "mpegts",
        "-select_streams", "v:0", "-show_streams", "-of", "json", str(path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        out, _ = await asyncio.wait_for(process.communicate(), PROBE_TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        return {}
    try:
        streams = json.loads(out or b"{}").get("streams") or [{}]
    except ValueError:
        return {}
    first = streams[0]
    return first if isinstance(first, dict) else {}
