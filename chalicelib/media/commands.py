"""ffmpeg command lines for PeerTube's default profile (pure functions: argv in, nothing run).

Every video encode, whole or chunk, comes from `video_encode_args`, so a chunk keeps the
rate cap, GOP and pixel format of a whole-file encode (a chunked encode that loses the cap
comes out several times larger).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib.media.inputs import CONCAT_DEMUXERS, LIVE_CONCAT_DEMUXERS, user_input, work_input
from chalicelib.media.ladder import GOP_SECONDS, Rendition

HLS_SEGMENT_SECONDS = 4
AUDIO_MAX_KBPS = 384
AUDIO_DEFAULT_KBPS = 256
THUMBNAIL_SIZE = (280, 157)
PREVIEW_SIZE = (850, 480)
COMMON = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"]


@dataclass(frozen=True)
class VideoEncoder:
    """A plugin profile's encoder (chalicelib/plugins/transcoding.py): it replaces libx264 and
    its rate options; the scale, frame rate, GOP and keyframe grid stay Cirrus's."""

    encoder: str
    input_options: tuple[str, ...] = ()
    output_options: tuple[str, ...] = ()


def video_encode_args(
    source: str,
    output: str,
    rendition: Rendition,
    *,
    portrait: bool,
    start: float = 0.0,
    duration: float | None = None,
    threads: int = 0,
    encoder: VideoEncoder | None = None,
) -> list[str]:
    """Encode the video of `source` (from `start`, for `duration`) into one rendition, no audio."""
    scale = f"scale=w={rendition.resolution}:h=-2" if portrait else f"scale=w=-2:h={rendition.resolution}"
    argv = ["ffmpeg", *COMMON]
    if start > 0:
        argv += ["-ss", _seconds(start)]
    if encoder is not None:
        argv += encoder.input_options
    argv += user_input(source)
    if duration is not None:
        argv += ["-t", _seconds(duration)]
    if encoder is None:
        codec = [
            "-c:v", "libx264", "-preset", "veryfast", "-crf", f"{rendition.crf:g}",
            "-maxrate:v", str(rendition.max_bitrate), "-bufsize:v", str(rendition.bufsize),
            "-b_strategy", "1", "-bf", "16",
        ]  # fmt: skip
    else:
        codec = ["-c:v", encoder.encoder, *encoder.output_options]
    argv += [
        "-map", "0:v:0", "-an", "-sn", "-dn",
        "-vf", scale,
        "-pix_fmt", "yuv420p",
        *codec,
        "-r", str(rendition.fps), "-g:v", str(rendition.gop),
        # Keyframes on a fixed 2 s grid, counted from the chunk's start: every chunk starts
        # on one, and HLS segments can be cut at the same instants in every rendition.
        "-force_key_frames", f"expr:gte(t,n_forced*{GOP_SECONDS})",
        "-max_muxing_queue_size", "1024", "-map_metadata", "-1",
        "-threads", str(threads),
        "-movflags", "+faststart", "-f", "mp4", output,
    ]  # fmt: skip
    return argv


def audio_encode_args(source: str, output: str, codec: str | None, bitrate: int | None) -> list[str]:
    """The whole audio track in one piece: AAC stereo, copied when PeerTube would copy it.

    Audio is never chunked: every AAC encode starts with priming samples, and joining
    separately encoded pieces would click at every border.
    """
    argv = ["ffmpeg", *COMMON, *user_input(source), "-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1"]
    if codec == "aac" and bitrate is not None and bitrate <= AUDIO_MAX_KBPS * 1000:
        argv += ["-c:a", "copy"]
    else:
        kbps = min(AUDIO_MAX_KBPS, bitrate // 1000) if bitrate else AUDIO_DEFAULT_KBPS
        argv += ["-c:a", "aac", "-b:a", f"{kbps}k", "-ac", "2"]
    return [*argv, "-f", "mp4", output]


def hls_package_args(video_list: str | None, audio: str | None, playlist: str, media_file: str) -> list[str]:
    """Join the encoded chunks (concat demuxer, stream copy) with the audio into PeerTube's
    HLS layout: one fragmented MP4 addressed by byte ranges, and its playlist."""
    argv = ["ffmpeg", *COMMON]
    maps: list[str] = []
    if video_list is not None:
        argv += concat_input(video_list)
        maps += ["-map", "0:v:0"]
    if audio is not None:
        argv += work_input(audio)
        maps += ["-map", f"{1 if video_list is not None else 0}:a:0"]
    return [
        *argv, *maps, "-c", "copy",
        "-hls_time", str(HLS_SEGMENT_SECONDS), "-hls_list_size", "0", "-hls_playlist_type", "vod",
        "-hls_segment_type", "fmp4", "-hls_flags", "single_file",
        "-hls_segment_filename", media_file,
        "-f", "hls", playlist,
    ]  # fmt: skip


def concat_input(video_list: str) -> list[str]:
    """`-i` for a local concat list of the transcoder's MP4s (chunks, a studio edit's
    pieces), its entries read over presigned URLs."""
    return [
        "-f", "concat", "-safe", "0",
        "-protocol_whitelist", "file,http,https,tcp,tls",
        "-format_whitelist", ",".join(CONCAT_DEMUXERS),
        "-i", video_list,
    ]  # fmt: skip


def web_video_args(packaged: str, output: str) -> list[str]:
    """A packaged rendition (fragmented MP4) as a web video: a plain MP4 with its index at
    the front (PeerTube's `-movflags faststart`), streams copied."""
    return [
        "ffmpeg", *COMMON, *work_input(packaged), "-map", "0", "-c", "copy",
        "-movflags", "+faststart", "-f", "mp4", output,
    ]  # fmt: skip


def mux_args(inputs: Sequence[tuple[list[str], str]], output: str) -> list[str]:
    """PeerTube's generated download: streams of one or two files in one faststart MP4,
    copied (no encode). Each input is its options and URL (inputs.work_input or user_input)
    and the streams taken from it: "v", "a" or "va" (its first of each)."""
    argv = ["ffmpeg", *COMMON]
    maps: list[str] = []
    for index, (given, streams) in enumerate(inputs):
        argv += given
        for stream in streams:
            maps += ["-map", f"{index}:{stream}:0"]
    return [*argv, *maps, "-c", "copy", "-map_metadata", "-1", "-movflags", "+faststart", "-f", "mp4", output]


def live_replay_args(segment_list: str, output: str) -> list[str]:
    """A live session's segments (MPEG-TS, the ingest's) joined into one MP4, by stream copy:
    the replay's source. The concat demuxer restarts each segment's timestamps where the last
    ended, which also mends the break of an encoder that reconnected."""
    return [
        "ffmpeg", *COMMON,
        "-f", "concat", "-safe", "0",
        # The list is local; its entries are the segments, read over presigned URLs.
        "-protocol_whitelist", "file,http,https,tcp,tls",
        "-format_whitelist", ",".join(LIVE_CONCAT_DEMUXERS),
        "-i", segment_list,
        "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-bsf:a", "aac_adtstoasc",
        "-movflags", "+faststart", "-f", "mp4", output,
    ]  # fmt: skip


def image_args(source: str, output: str, size: tuple[int, int], at: float) -> list[str]:
    """One frame at `at` seconds, cropped to `size` (thumbnails and previews)."""
    width, height = size
    crop = f"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height}"
    return [
        "ffmpeg",
        *COMMON,
        "-ss",
        _seconds(at),
        *user_input(source),
        "-frames:v",
        "1",
        "-vf",
        crop,
        "-q:v",
        "3",
        output,
    ]


def concat_list(paths: list[str]) -> str:
    """A concat demuxer list of `paths` (quoted as the demuxer requires)."""
    lines = ["ffconcat version 1.0"]
    for path in paths:
        escaped = path.replace("'", "'\\''")
        lines.append(f"file '{escaped}'")
    return "\n".join(lines) + "\n"


def _seconds(value: float) -> str:
    return f"{value:.6f}"


def speech_audio_args(source: str, output: str) -> list[str]:
    """The sound of `source` as 16 kHz mono FLAC: all a speech-to-text service needs, a
    fraction of the video's size (Amazon Transcribe reads it from S3)."""
    return [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", source,
        "-map", "0:a:0", "-vn", "-ac", "1", "-ar", "16000", "-c:a", "flac", output,
    ]  # fmt: skip
