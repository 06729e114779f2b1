"""What a published stream holds, decided from its first tags before ffmpeg is started, and
watched afterwards: H.264 video (any other codec, or no video at all, is refused), its picture
size against the instance's limit, whether it has audio, its frame rate.

The encoder's first messages are held while this is decided (a few milliseconds for OBS and
ffmpeg, which send their metadata, sequence headers and first keyframe at once) and then
handed to ffmpeg, so nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from functions.live import flv
from functions.live.flv import FlvError, Picture
from functions.live.rtmp import AUDIO, VIDEO

# Audio without any video for this long (stream time) is an audio-only stream.
AUDIO_ONLY_AFTER_MS = 3000
# Without audio by the time this much video has arrived, the stream has none.
NO_AUDIO_AFTER_MS = 1000
# Without a usable frame rate in the metadata, it is measured over this much video.
FPS_SPAN_MS = 1000
MAX_HELD_BYTES = 64 * 1024 * 1024
DEFAULT_FPS = 30.0


class MediaRefused(Exception):
    """The stream is not one the service takes: the reason is logged and kept on the session."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StreamInfo:
    picture: Picture
    fps: float
    has_audio: bool
    audio_codec: str | None
    bitrate: int | None  # bits per second, as the encoder declared it (onMetaData)


Tag = tuple[int, int, bytes]  # FLV tag type, timestamp (ms), body


@dataclass
class MediaGate:
    """Holds the first tags until the stream is known (`add` returns its StreamInfo), or
    refuses it (`MediaRefused`)."""

    max_resolution: int
    held: list[Tag] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    _held_bytes: int = 0
    _picture: Picture | None = None
    _keyframe: bool = False
    _video_stamps: list[int] = field(default_factory=list)
    _audio_codec: str | None = None
    _first_audio: int | None = None
    _last_audio: int | None = None

    def add(self, tag_type: int, timestamp: int, body: bytes) -> StreamInfo | None:
        self.held.append((tag_type, timestamp, body))
        self._held_bytes += len(body)
        if tag_type == VIDEO:
            self._video(timestamp, body)
        elif tag_type == AUDIO:
            self._audio(timestamp, body)
        if self._held_bytes > MAX_HELD_BYTES:
            raise MediaRefused("no playable H.264 picture in the first 64 MB of the stream")
        return self._decision()

    def _video(self, timestamp: int, body: bytes) -> None:
        self._picture = check_video(body, self.max_resolution) or self._picture
        if self._picture is None:
            return
        video = flv.video_tag(body)
        self._keyframe = self._keyframe or video.keyframe
        if not video.sequence_header:
            self._video_stamps.append(timestamp)

    def _audio(self, timestamp: int, body: bytes) -> None:
        self._audio_codec = flv.audio_format(body)
        self._first_audio = timestamp if self._first_audio is None else self._first_audio
        self._last_audio = timestamp
        if self._picture is None and not self._video_stamps and timestamp - self._first_audio >= AUDIO_ONLY_AFTER_MS:
            raise MediaRefused(
                f"audio-only stream ({self._audio_codec}, no video after {AUDIO_ONLY_AFTER_MS // 1000} s): "
                "a live needs H.264 video"
            )

    def _decision(self) -> StreamInfo | None:
        if self._picture is None or not self._keyframe or not self._video_stamps:
            return None
        video_span = self._video_stamps[-1] - self._video_stamps[0]
        if self._audio_codec is None and video_span < NO_AUDIO_AFTER_MS:
            return None
        fps = _declared_fps(self.metadata)
        if fps is None:
            if video_span < FPS_SPAN_MS:
                return None
            fps = (len(self._video_stamps) - 1) * 1000 / video_span
        return StreamInfo(self._picture, fps, self._audio_codec is not None, self._audio_codec, _bitrate(self.metadata))


def check_video(body: bytes, max_resolution: int) -> Picture | None:
    """The picture of a video tag that is an H.264 sequence header (None for other H.264
    tags); MediaRefused for another codec or a picture over `max_resolution` (short side)."""
    try:
        video = flv.video_tag(body)
        if video.codec != "H.264":
            raise MediaRefused(f"video codec {video.codec} is not H.264")
        if not video.sequence_header:
            return None
        picture = flv.avc_picture(body)
    except FlvError as exc:
        raise MediaRefused(f"unreadable video: {exc}") from exc
    if picture.resolution > max_resolution:
        raise MediaRefused(
            f"picture {picture.width}x{picture.height} is over this instance's limit of {max_resolution}p"
        )
    return picture


def _declared_fps(metadata: dict[str, Any]) -> float | None:
    value = metadata.get("framerate") or metadata.get("videoframerate")
    if isinstance(value, int | float) and 1 <= value <= 240:
        return float(value)
    return None


def _bitrate(metadata: dict[str, Any]) -> int | None:
    """The declared rate in bits per second, when the video's is declared: an encoder in a
    constant-quality mode declares 0 (unknown), and its audio rate alone would cap the
    ladder's bit rates at almost nothing."""
    video = metadata.get("videodatarate")
    if not isinstance(video, int | float) or not 0 < video < 1_000_000:
        return None
    audio = metadata.get("audiodatarate")
    audio = audio if isinstance(audio, int | float) and 0 < audio < 10_000 else 0
    return int((video + audio) * 1000)
