"""Running the encodes: chunks, audio, HLS packaging, images, in a working directory.

The transcoder function runs one step per SQS message (a chunk of one rendition, the audio,
or the packaging of one rendition); `transcode_serial` and `transcode_chunked` run all of a
video's steps in one process, for local tests and benchmarks. Both go through the same
functions, so what the benchmark measures is what production runs.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.media import commands, hls
from chalicelib.media.chunks import Chunk, chunk_seconds, plan_chunks
from chalicelib.media.inputs import REFUSED_REASON, WORK_DEMUXERS, input_options, refused
from chalicelib.media.ladder import Rendition, ladder
from chalicelib.media.probe import MediaInfo, probe

FFMPEG_TIMEOUT_SECONDS = 14 * 60  # under Lambda's 15 minutes, with time to report


class TranscodeError(Exception):
    """ffmpeg refused or failed; the message is ffmpeg's last word, safe to show the owner."""


@dataclass(frozen=True)
class Packaged:
    """One resolution, packaged as PeerTube serves it."""

    rendition: Rendition
    playlist: Path
    media: Path
    width: int
    height: int
    fps: int
    size: int
    duration: float
    codecs: str


@dataclass(frozen=True)
class HlsOutput:
    master: Path
    segments_sha256: Path
    renditions: list[Packaged]


def run(argv: Sequence[str], cwd: Path | None = None) -> None:
    try:
        completed = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=FFMPEG_TIMEOUT_SECONDS, check=False, cwd=cwd
        )
    except subprocess.TimeoutExpired as exc:
        raise TranscodeError("ffmpeg took longer than a transcoding step may take") from exc
    if completed.returncode != 0:
        if refused(completed.stderr or ""):
            raise TranscodeError(REFUSED_REASON)
        reason = (completed.stderr or "").strip().splitlines()[-1:] or ["ffmpeg failed"]
        # ffmpeg's message can name a presigned URL, with its signature: keep only the reason.
        raise TranscodeError(reason[0].rsplit(": ", 1)[-1] if "://" in reason[0] else reason[0])


def chunk_path(workdir: Path, rendition: Rendition, chunk: Chunk) -> Path:
    return workdir / f"chunk-{rendition.resolution}-{chunk.index:05d}.mp4"


def encode_chunk(
    source: str,
    info: MediaInfo,
    rendition: Rendition,
    chunk: Chunk,
    workdir: Path,
    threads: int = 0,
    encoder: commands.VideoEncoder | None = None,
) -> Path:
    output = chunk_path(workdir, rendition, chunk)
    portrait = info.height > info.width
    run(
        commands.video_encode_args(
            source,
            str(output),
            rendition,
            portrait=portrait,
            start=chunk.start,
            duration=chunk.duration,
            threads=threads,
            encoder=encoder,
        )
    )
    return output


def encode_audio(source: str, info: MediaInfo, workdir: Path) -> Path | None:
    if not info.has_audio:
        return None
    output = workdir / "audio.m4a"
    run(commands.audio_encode_args(source, str(output), info.audio_codec, info.audio_bitrate))
    return output


def package(
    prefix: str, rendition: Rendition, chunk_files: Sequence[Path | str], audio: Path | str | None, workdir: Path
) -> Packaged:
    """Join the chunks and the audio into `<prefix>-<res>.m3u8` and its fragmented MP4."""
    playlist = workdir / f"{prefix}-{rendition.resolution}.m3u8"
    media = workdir / f"{prefix}-{rendition.resolution}-fragmented.mp4"
    video_list = None
    if chunk_files:
        video_list = workdir / f"concat-{rendition.resolution}.txt"
        video_list.write_text(commands.concat_list([str(path) for path in chunk_files]))
    # Run in the working directory: the playlist names the media file as given, and must
    # name it relatively (both are served side by side).
    run(
        commands.hls_package_args(
            str(video_list) if video_list else None, str(audio) if audio else None, playlist.name, media.name
        ),
        cwd=workdir,
    )
    return _describe(rendition, playlist, media)


def web_video(packaged: Packaged, workdir: Path) -> Path:
    """The rendition as a whole MP4 file (a web video), from its packaged fragmented MP4."""
    output = workdir / f"web-{packaged.rendition.resolution}.mp4"
    run(commands.web_video_args(str(packaged.media), str(output)))
    return output


def mux_download(inputs: Sequence[tuple[list[str], str]], workdir: Path) -> Path:
    """PeerTube's generated download (one video stream, at most one audio stream; see
    commands.mux_args) as a faststart MP4 in `workdir`."""
    output = workdir / "generated.mp4"
    run(commands.mux_args(inputs, str(output)))
    return output


def join_live_segments(segment_urls: Sequence[str], workdir: Path) -> Path:
    """A live session's segments, in order, joined into one MP4 (a replay's source)."""
    listing = workdir / "live-segments.txt"
    listing.write_text(commands.concat_list(list(segment_urls)))
    output = workdir / "replay-source.mp4"
    run(commands.live_replay_args(str(listing), str(output)))
    return output


def finalize(prefix: str, packaged: Sequence[Packaged], workdir: Path) -> HlsOutput:
    """The master playlist and segments-sha256.json of a video's renditions."""
    hashes: dict[str, dict[str, str]] = {}
    for item in packaged:
        segments = hls.media_segments(item.playlist.read_text())
        with open(item.media, "rb") as media:
            hashes[item.media.name] = hls.segment_hashes(segments, media)
    video = [p for p in packaged if not p.rendition.is_audio_only] or list(packaged)
    variants = [
        hls.Variant(p.playlist.name, hls.bandwidth(p.size, p.duration), p.width, p.height, p.fps, p.codecs)
        for p in video
    ]
    master = workdir / f"{prefix}-master.m3u8"
    master.write_text(hls.master_playlist(variants))
    sha_file = workdir / f"{prefix}-segments-sha256.json"
    sha_file.write_text(json.dumps(hashes))
    return HlsOutput(master, sha_file, list(packaged))


def thumbnail_and_preview(source: str, info: MediaInfo, workdir: Path) -> tuple[Path, Path] | None:
    """PeerTube's thumbnail and preview, taken at the middle of the video."""
    if not info.has_video:
        return None
    at = info.duration / 2
    thumbnail, preview = workdir / "thumbnail.jpg", workdir / "preview.jpg"
    run(commands.image_args(source, str(thumbnail), commands.THUMBNAIL_SIZE, at))
    run(commands.image_args(source, str(preview), commands.PREVIEW_SIZE, at))
    return thumbnail, preview


def transcode_serial(source: str, workdir: Path, prefix: str) -> HlsOutput:
    """Every rendition, each in one piece: the reference the chunked path must match."""
    info = probe(source)
    whole = Chunk(0, 0.0, info.duration)
    return _transcode(source, info, workdir, prefix, [whole], parallelism=1)


def transcode_chunked(
    source: str, workdir: Path, prefix: str, parallelism: int = 1, seconds: float | None = None
) -> HlsOutput:
    info = probe(source)
    chunks = plan_chunks(info.duration, seconds or chunk_seconds(info.as_source().resolution))
    return _transcode(source, info, workdir, prefix, chunks, parallelism)


def _transcode(
    source: str, info: MediaInfo, workdir: Path, prefix: str, chunks: list[Chunk], parallelism: int
) -> HlsOutput:
    workdir.mkdir(parents=True, exist_ok=True)
    renditions = ladder(info.as_source())
    audio = encode_audio(source, info, workdir)
    jobs = [(rendition, chunk) for rendition in renditions if not rendition.is_audio_only for chunk in chunks]
    with ThreadPoolExecutor(max_workers=max(1, parallelism)) as pool:
        list(pool.map(lambda job: encode_chunk(source, info, job[0], job[1], workdir), jobs))
    packaged = [
        package(
            prefix,
            rendition,
            [] if rendition.is_audio_only else [chunk_path(workdir, rendition, c) for c in chunks],
            audio,
            workdir,
        )
        for rendition in renditions
    ]
    return finalize(prefix, packaged, workdir)


def _describe(rendition: Rendition, playlist: Path, media: Path) -> Packaged:
    document = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", *input_options(str(media), WORK_DEMUXERS), "-show_streams", "-show_format",
             "-of", "json", str(media)],
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout
    )  # fmt: skip
    streams = document.get("streams", [])
    video: dict[str, Any] = next((s for s in streams if s.get("codec_type") == "video"), {})
    has_audio = any(s.get("codec_type") == "audio" for s in streams)
    duration = float(document.get("format", {}).get("duration") or 0)
    return Packaged(
        rendition=rendition,
        playlist=playlist,
        media=media,
        width=int(video.get("width") or 0),
        height=int(video.get("height") or 0),
        fps=rendition.fps,
        size=media.stat().st_size,
        duration=duration,
        codecs=hls.codecs(video.get("profile"), video.get("level"), has_audio) if video else hls.AAC_LC,
    )
