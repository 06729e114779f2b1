"""The live ladder: which renditions a published stream is transcoded to, and ffmpeg's command
for one encoder connection (FLV on its standard input, HLS segments in a work directory).

The renditions are PeerTube's (chalicelib/media/ladder.py: its bit rate caps and frame rates),
limited to the configured resolutions plus the input's own, as PeerTube's
`live.transcoding.resolutions` with `always_transcode_original_resolution`. With transcoding
off the stream is only cut into segments, at the encoder's keyframes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.media.commands import AUDIO_MAX_KBPS, COMMON
from chalicelib.media.ladder import GOP_SECONDS, Rendition, Source, ladder
from functions.live.ports import LATENCY_SMALL

if TYPE_CHECKING:
    from functions.live.media_check import StreamInfo

# PeerTube's VIDEO_LIVE.SEGMENT_TIME_SECONDS.
SEGMENT_SECONDS = 4
SMALL_LATENCY_SEGMENT_SECONDS = 2
AUDIO_KBPS = 128


def segment_seconds(latency_mode: int) -> int:
    return SMALL_LATENCY_SEGMENT_SECONDS if latency_mode == LATENCY_SMALL else SEGMENT_SECONDS


def renditions(info: StreamInfo, resolutions: tuple[int, ...], *, transcoding: bool) -> list[Rendition]:
    """Highest first. Without transcoding, the one rendition is the input itself."""
    picture = info.picture
    source = Source(picture.width, picture.height, info.fps, info.bitrate, True, info.has_audio)
    if not transcoding:
        return [Rendition(picture.resolution, picture.width, picture.height, round(info.fps), info.bitrate or 0)]
    every = ladder(source)
    original = every[0].resolution
    return [r for r in every if r.resolution in resolutions or r.resolution == original]


def ffmpeg_args(
    info: StreamInfo,
    ladder_: list[Rendition],
    workdir: Path,
    *,
    segment_seconds: int,
    transcoding: bool,
    preset: str = "veryfast",
    threads: int = 2,
    ffmpeg: str = "ffmpeg",
) -> list[str]:
    """ffmpeg reading FLV from its standard input and writing `<i>.m3u8` and `<i>-%06d.ts`
    per rendition into `workdir` (ffmpeg's playlists list every segment: the service reads
    them and publishes its own)."""
    argv = [
        ffmpeg, *COMMON,
        # Standard input only, and only FLV: the stream is the encoder's bytes.
        "-protocol_whitelist", "pipe", "-format_whitelist", "flv",
        # The service already knows the streams: probe briefly so the first segment is not late.
        "-analyzeduration", "1000000", "-probesize", "1000000",
        "-f", "flv", "-i", "pipe:0",
    ]  # fmt: skip
    audio = _audio_args(info)
    count = len(ladder_)
    if transcoding:
        splits = "".join(f"[s{i}]" for i in range(count))
        chains = [f"[0:v:0]split={count}{splits}"] if count > 1 else []
        for index, rendition in enumerate(ladder_):
            source = f"[s{index}]" if count > 1 else "[0:v:0]"
            scale = (
                f"scale=w={rendition.resolution}:h=-2"
                if info.picture.height > info.picture.width
                else f"scale=w=-2:h={rendition.resolution}"
            )
            chains.append(f"{source}{scale}[v{index}]")
        argv += ["-filter_complex", ";".join(chains)]
        for index, rendition in enumerate(ladder_):
            argv += ["-map", f"[v{index}]", *_video_encode_args(index, rendition, preset)]
    else:
        argv += ["-map", "0:v:0", "-c:v:0", "copy"]
    if info.has_audio:
        for index in range(count):
            argv += ["-map", "0:a:0", f"-c:a:{index}", *audio]
    streams = " ".join(f"v:{i},a:{i}" if info.has_audio else f"v:{i}" for i in range(count))
    argv += [
        "-threads", str(threads),
        "-max_muxing_queue_size", "1024", "-map_metadata", "-1",
        "-f", "hls", "-hls_time", str(segment_seconds), "-hls_list_size", "0",
        "-hls_segment_type", "mpegts",
        "-hls_flags", "independent_segments+program_date_time+temp_file",
        "-hls_segment_filename", str(workdir / "%v-%06d.ts"),
        "-var_stream_map", streams,
        str(workdir / "%v.m3u8"),
    ]  # fmt: skip
    return argv


def _video_encode_args(index: int, rendition: Rendition, preset: str) -> list[str]:
    """PeerTube's live options: the rate cap as the target too, keyframes every 2 s and
    never on scene cuts, so every rendition's segments start at the same instants."""
    rate = str(rendition.max_bitrate)
    return [
        f"-c:v:{index}", "libx264", f"-preset:v:{index}", preset, f"-pix_fmt:v:{index}", "yuv420p",
        f"-b:v:{index}", rate, f"-maxrate:v:{index}", rate, f"-bufsize:v:{index}", str(rendition.bufsize),
        f"-r:v:{index}", str(rendition.fps), f"-g:v:{index}", str(rendition.gop),
        f"-sc_threshold:v:{index}", "0",
        f"-force_key_frames:v:{index}", f"expr:gte(t,n_forced*{GOP_SECONDS})",
    ]  # fmt: skip


def _audio_args(info: StreamInfo) -> list[str]:
    """AAC is copied (as PeerTube copies AAC it can); anything else becomes AAC stereo."""
    if info.audio_codec == "AAC":
        return ["copy"]
    return ["aac", "-b:a", f"{min(AUDIO_KBPS, AUDIO_MAX_KBPS)}k", "-ac", "2"]
