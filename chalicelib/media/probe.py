"""What a media file holds, according to ffprobe: streams, duration, keyframe times.

`source` may be a local path or an HTTP(S) URL (a presigned S3 URL): ffprobe then reads only
the bytes it needs through range requests, never the whole file. Sources are uploads, so
hostile: every read goes through `inputs.input_options` (no demuxer that opens other URLs),
and the duration the container claims is checked against its packets before anything is
planned from it.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from chalicelib.media.inputs import REFUSED_REASON, UPLOAD_DEMUXERS, input_options, refused
from chalicelib.media.ladder import Source

PROBE_TIMEOUT_SECONDS = 120
# The claimed end is checked by reading the packets from this long before it.
TAIL_SECONDS = 10.0
# Below this many bytes per second of media, a file's claimed length is not believable
# (2 kbit/s: less than any real audio track, or a picture that never changes).
MIN_BYTES_PER_SECOND = 256


class ProbeError(Exception):
    """The file is not a playable video or audio file."""


@dataclass(frozen=True)
class MediaInfo:
    duration: float
    width: int
    height: int
    fps: float
    bitrate: int | None
    video_codec: str | None
    audio_codec: str | None
    audio_bitrate: int | None

    @property
    def has_video(self) -> bool:
        return self.video_codec is not None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None

    def as_source(self) -> Source:
        return Source(self.width, self.height, self.fps, self.bitrate, self.has_video, self.has_audio)


def probe(source: str, ffprobe: str = "ffprobe") -> MediaInfo:
    """Streams and duration of a file; ProbeError if it holds nothing playable."""
    document = _run_json(
        [ffprobe, "-v", "error", *input_options(source), "-show_format", "-show_streams", "-of", "json", source]
    )
    streams = document.get("streams") or []
    video = next((s for s in streams if s.get("codec_type") == "video" and not _is_cover_art(s)), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None and audio is None:
        raise ProbeError("The file holds no video or audio stream.")
    container = document.get("format") or {}
    claimed = _float(container.get("duration")) or _float((video or audio or {}).get("duration"))
    if not claimed or claimed <= 0:
        raise ProbeError("The file has no duration: it may be truncated or not a media file.")
    duration = _checked_duration(source, claimed, _float(container.get("start_time")) or 0.0, ffprobe)
    size = _int(container.get("size"))
    if size is not None and size < duration * MIN_BYTES_PER_SECOND:
        raise ProbeError(f"The file is too small ({size} bytes) to hold {round(duration)} seconds of media.")
    width = int((video or {}).get("width") or 0)
    height = int((video or {}).get("height") or 0)
    if video is not None and (width <= 0 or height <= 0):
        raise ProbeError("The video stream has no picture size.")
    bitrate = _int(container.get("bit_rate"))
    return MediaInfo(
        duration=duration,
        width=width,
        height=height,
        fps=_frame_rate(video) if video else 0.0,
        bitrate=bitrate,
        video_codec=(video or {}).get("codec_name"),
        audio_codec=(audio or {}).get("codec_name"),
        audio_bitrate=_int((audio or {}).get("bit_rate")),
    )


def file_metadata(source: str, demuxers: tuple[str, ...] | None = None, ffprobe: str = "ffprobe") -> dict[str, Any]:
    """ffprobe's description of a file (streams, format, chapters), as PeerTube keeps it for
    each video file (`metadataUrl`); without the name ffprobe read it by (a local path or a
    presigned URL is nobody's business)."""
    options = input_options(source, demuxers or UPLOAD_DEMUXERS)
    shown = ["-show_format", "-show_streams", "-show_chapters"]
    document = _run_json([ffprobe, "-v", "error", *options, *shown, "-of", "json", source])
    container = document.get("format")
    if isinstance(container, dict):
        container.pop("filename", None)
    return {
        "streams": document.get("streams") or [],
        "format": container or {},
        "chapters": document.get("chapters") or [],
    }


def packets_end(source: str, after: float, ffprobe: str = "ffprobe") -> float | None:
    """Where the last packet read from about `after` seconds ends (the demuxer seeks to the
    keyframe before `after`); None if there is no packet at all. Reads only a short span."""
    result = _run(
        [
            ffprobe,
            "-v",
            "error",
            *input_options(source),
            "-read_intervals",
            # An absolute end: a relative one counts from the first packet read, which after
            # the seek may be any distance before `after` (a keyframe long before it).
            f"{max(0.0, after):.3f}%{max(0.0, after) + 2 * TAIL_SECONDS:.3f}",
            "-show_entries",
            "packet=pts_time,dts_time,duration_time",
            "-of",
            "csv=p=0",
            source,
        ]
    )
    end: float | None = None
    for line in result.splitlines():
        pts, dts, length = ([*line.split(","), "", "", ""])[:3]
        at = _float(pts) if pts not in ("", "N/A") else _float(dts)
        if at is not None:
            end = max(end or at, at + (_float(length) or 0.0))
    return end


def _checked_duration(source: str, claimed: float, start: float, ffprobe: str) -> float:
    """The claimed duration, cut down to where the packets really end: a container header
    may claim hours for a file holding one frame, and the plan (chunks, steps, cost) is
    made from this figure."""
    end = packets_end(source, start + claimed - TAIL_SECONDS, ffprobe)
    if end is None:
        raise ProbeError("The file holds no media packets.")
    measured = end - start
    if measured <= 0:
        raise ProbeError("The file's packets have no usable timestamps.")
    return min(claimed, measured)


def keyframe_times(source: str, ffprobe: str = "ffprobe") -> list[float]:
    """Presentation times of the video's keyframes, read from packets (nothing is decoded).
    For what the transcoder wrote (it opens HLS playlists), never for an upload."""
    result = _run(
        [
            ffprobe,
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=pts_time,flags",
            "-of",
            "csv=p=0",
            source,
        ]
    )
    times = []
    for line in result.splitlines():
        pts, _, flags = line.partition(",")
        if "K" in flags and pts not in ("", "N/A"):
            times.append(float(pts))
    return sorted(times)


def count_frames(source: str, ffprobe: str = "ffprobe") -> int:
    """Decode the first video stream completely and count its frames (checks integrity).
    For what the transcoder wrote (it opens HLS playlists), never for an upload."""
    result = _run(
        [
            ffprobe,
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=nb_read_frames",
            "-of",
            "csv=p=0",
            source,
        ]
    )
    # An HLS playlist lists its stream once per program: take the first figure.
    first = next(line for line in result.splitlines() if line.strip())
    return int(first.split(",")[0])


def _run(argv: list[str]) -> str:
    try:
        completed = subprocess.run(argv, capture_output=True, text=True, timeout=PROBE_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ProbeError("Reading the file took too long.") from exc
    if completed.returncode != 0:
        if refused(completed.stderr):
            raise ProbeError(REFUSED_REASON)
        raise ProbeError(_first_line(completed.stderr) or "The file could not be read as media.")
    return completed.stdout


def _run_json(argv: list[str]) -> dict[str, Any]:
    try:
        document = json.loads(_run(argv) or "{}")
    except ValueError as exc:
        raise ProbeError("ffprobe answered something unreadable.") from exc
    return document if isinstance(document, dict) else {}


def _is_cover_art(stream: dict[str, Any]) -> bool:
    return bool((stream.get("disposition") or {}).get("attached_pic"))


def _frame_rate(stream: dict[str, Any]) -> float:
    for key in ("avg_frame_rate", "r_frame_rate"):
        value = stream.get(key)
        if value and value != "0/0":
            try:
                rate = float(Fraction(value))
            except (ValueError, ZeroDivisionError):
                continue
            if rate > 0:
                return rate
    return 25.0


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _first_line(text: str) -> str:
    # ffprobe's message can name the presigned URL, with its signature: keep only the reason.
    line = (text or "").strip().splitlines()[-1:] or [""]
    reason = line[0]
    return reason.rsplit(": ", 1)[-1] if "http" in reason else reason
