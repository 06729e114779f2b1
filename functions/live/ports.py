"""What the ingest service needs from the rest of Cirrus, as interfaces it is given.

The service knows RTMP, ffmpeg and HLS; it does not know DynamoDB, S3 or the replay pipeline.
Whoever starts it passes:

- `authorise(stream_key)`: the live behind a stream key, or why it may not publish (unknown
  key, live ended, owner blocked...). Asked on every `publish`, reconnections included.
- `on_state(video_id, state)`: the video's state moved (PUBLISHED when the first segments are
  playable; LIVE_ENDED, or WAITING_FOR_LIVE again for a permanent live, when it ends).
- `sink`: where segments, playlists and segments-sha256.json go, as they are made.
- `on_session_end(session)`: a session is over; its recorded segments are in the sink (all of
  them: the playlists show the last 15). A permanent live's next session writes the same
  names again, so the replay must have taken what it needs before this returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

# Where lives' HLS files go in the media bucket (chalicelib/media/layout.py, which the API
# and the replay read them from too): apart from VOD files, so that on AWS the ingest's role
# may write there and nowhere else (template.yaml, LiveTaskRole).
from chalicelib.media.layout import LIVE_HLS_PREFIXES, live_directory

if TYPE_CHECKING:
    from functions.live.playlist import Segment

# PeerTube's VideoState values a live moves through.
PUBLISHED, WAITING_FOR_LIVE, LIVE_ENDED = 1, 4, 5
# PeerTube's LiveVideoLatencyMode.
LATENCY_DEFAULT, LATENCY_HIGH, LATENCY_SMALL = 1, 2, 3
# PeerTube's LiveVideoError, kept on a session that ended badly.
BAD_SOCKET_HEALTH, DURATION_EXCEEDED, FFMPEG_ERROR = 1, 2, 4


@dataclass(frozen=True)
class LiveTarget:
    """A live the stream key belongs to."""

    video_id: str  # the video's id (any string naming it once; Cirrus passes its numeric id)
    directory: str  # the sink prefix of its HLS files: live_directory(<its UUID>, private)
    permanent: bool = False
    latency_mode: int = LATENCY_DEFAULT
    save_replay: bool = False
    # RTMP(S) URLs the stream is pushed on to, as it came (functions/live/simulcast.py).
    simulcast: tuple[str, ...] = ()
    # The longest a session may last, in seconds (-1: no limit), when Cirrus says so (the
    # administrator's setting); None: the service's own `max_duration`.
    max_duration: float | None = None


@dataclass(frozen=True)
class Refusal:
    """Why a stream key may not publish (logged; the encoder is told the stream name is bad)."""

    reason: str


@dataclass(frozen=True)
class RenditionRecord:
    index: int
    resolution: int  # the short side; the input's for a copied stream
    width: int
    height: int
    fps: int
    playlist: str  # sink key of its media playlist
    segments: list[Segment]


@dataclass(frozen=True)
class SessionRecord:
    """A finished session, for the replay and the live's session history."""

    session_id: str
    target: LiveTarget
    started_at: float  # epoch seconds
    ended_at: float
    connections: int  # encoder connections it lasted across (1 without a reconnection)
    renditions: list[RenditionRecord] = field(default_factory=list)
    error: int | None = None  # a LiveVideoError value
    reason: str | None = None
    segment_tag: str = ""  # the session's part of its segments' names (playlist.segment_name)


class Authorise(Protocol):
    async def __call__(self, stream_key: str) -> LiveTarget | Refusal: ...


class OnState(Protocol):
    async def __call__(self, video_id: str, state: int) -> None: ...


class OnSessionEnd(Protocol):
    async def __call__(self, session: SessionRecord) -> None: ...


class Sink(Protocol):
    """Where the live's files go; `key` is `<target.directory>/<file name>`."""

    async def write(self, key: str, body: bytes, content_type: str) -> None: ...


class DirectorySink:
    """A local directory as the sink (each file replaced atomically, so a reader never sees
    half a playlist); S3 through the store's media port takes its place on AWS."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    async def write(self, key: str, body: bytes, content_type: str) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(body)
        partial.replace(path)

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise ValueError(f"sink key {key!r} leaves the sink's directory")
        return path


__all__ = [
    "BAD_SOCKET_HEALTH",
    "DURATION_EXCEEDED",
    "FFMPEG_ERROR",
    "LATENCY_DEFAULT",
    "LATENCY_HIGH",
    "LATENCY_SMALL",
    "LIVE_ENDED",
    "LIVE_HLS_PREFIXES",
    "PUBLISHED",
    "WAITING_FOR_LIVE",
    "Authorise",
    "DirectorySink",
    "LiveTarget",
    "OnSessionEnd",
    "OnState",
    "Refusal",
    "RenditionRecord",
    "SessionRecord",
    "Sink",
    "live_directory",
]
