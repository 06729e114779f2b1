"""The studio's edits as ffmpeg runs (PeerTube's ffmpeg-edition): cut, remove segments, add
an intro or an outro, add a watermark. Each task reads the previous one's output and writes
a new MP4 (H.264 and AAC, near-lossless: the transcoding pipeline encodes the result again).

Pure of the store and the domain: the caller gives local paths or presigned URLs, the
tasks, and a work directory, and gets the edited file's path.

- **cut** keeps [start, end) of the video; **remove-segments** keeps what is outside its
  segments. Both are the same operation, a list of ranges to keep: each is trimmed (the
  `trim`/`atrim` filters, exact to the frame and the sample) and the pieces are joined with
  the `concat` filter, so nothing depends on where the source's keyframes are.
- **add-intro** / **add-outro** join a clip before or after the video, scaled and padded to
  the video's size and frame rate (PeerTube's rule), with silence for whichever side has no
  audio when the other has some.
- **add-watermark** overlays an image at the top right, 1/10 of the video's height, with
  margins of 1/20 of its height (PeerTube's watermarkSizeRatio and margin ratios).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from chalicelib.media.commands import COMMON
from chalicelib.media.inputs import WORK_DEMUXERS, input_options, user_input, work_input
from chalicelib.media.probe import MediaInfo, probe
from chalicelib.media.transcode import run

# The image demuxers a watermark may be read with: they probe the bytes (PNG, JPEG, WebP),
# and none opens another file (image2, which expands a name into a sequence, is not listed).
IMAGE_DEMUXERS = ("png_pipe", "jpeg_pipe", "webp_pipe")
WATERMARK_HEIGHT_RATIO = 0.1
MARGIN_RATIO = 0.05
# Near-lossless: the pipeline encodes the result into its ladder afterwards.
VIDEO_ENCODE = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "17", "-pix_fmt", "yuv420p"]
AUDIO_ENCODE = ["-c:a", "aac", "-b:a", "192k", "-ar", "48000"]
_ENCODE = [
    *VIDEO_ENCODE, *AUDIO_ENCODE,
    "-max_muxing_queue_size", "1024", "-map_metadata", "-1", "-movflags", "+faststart", "-f", "mp4",
]  # fmt: skip


@dataclass(frozen=True)
class Keep:
    """cut and remove-segments: the ranges of the video to keep, in seconds, in order."""

    ranges: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Join:
    """add-intro (`before`) or add-outro: a clip joined to the video."""

    clip: Path
    before: bool


@dataclass(frozen=True)
class Watermark:
    image: Path


Task = Keep | Join | Watermark


def kept_ranges(duration: float, removed: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """What remains of [0, duration) once `removed` ranges (in any order, overlapping or not)
    are taken out."""
    kept: list[tuple[float, float]] = []
    position = 0.0
    for start, end in sorted(removed):
        if start > position:
            kept.append((position, min(start, duration)))
        position = max(position, end)
    if position < duration:
        kept.append((position, duration))
    return tuple((start, end) for start, end in kept if end - start > 0)


def apply(source: str, tasks: Sequence[Task], workdir: Path, *, source_is_upload: bool = True) -> Path:
    """Run `tasks` in order on `source` (an uploaded file's URL or path, read with the
    upload whitelists, or one of the transcoder's MP4s); the edited file."""
    current = source
    upload = source_is_upload
    for number, task in enumerate(tasks):
        info = probe(current)  # an upload's whitelists include the MP4s the tasks write
        output = workdir / f"studio-{number}.mp4"
        run(_task_args(task, current, upload, info, str(output)))
        current, upload = str(output), False
    return Path(current)


def _input(source: str, upload: bool) -> list[str]:
    return user_input(source) if upload else work_input(source, WORK_DEMUXERS)


def _task_args(task: Task, source: str, upload: bool, info: MediaInfo, output: str) -> list[str]:
    if isinstance(task, Keep):
        return keep_args(_input(source, upload), info, task.ranges, output)
    if isinstance(task, Join):
        clip = probe(str(task.clip))
        return join_args(_input(source, upload), info, user_input(str(task.clip)), clip, task.before, output)
    return watermark_args(_input(source, upload), info, str(task.image), output)


def keep_args(source: list[str], info: MediaInfo, ranges: Sequence[tuple[float, float]], output: str) -> list[str]:
    """The ranges of `source` kept and joined (frame-exact trims, one concat)."""
    parts: list[str] = []
    labels = ""
    for index, (start, end) in enumerate(ranges):
        parts.append(f"[0:v:0]trim=start={start:.3f}:end={end:.3f},setpts=PTS-STARTPTS[v{index}]")
        labels += f"[v{index}]"
        if info.has_audio:
            parts.append(f"[0:a:0]atrim=start={start:.3f}:end={end:.3f},asetpts=PTS-STARTPTS[a{index}]")
            labels += f"[a{index}]"
    audio = 1 if info.has_audio else 0
    parts.append(f"{labels}concat=n={len(ranges)}:v=1:a={audio}[v]{'[a]' if audio else ''}")
    maps = ["-map", "[v]", *(["-map", "[a]"] if audio else [])]
    return ["ffmpeg", *COMMON, *source, "-filter_complex", ";".join(parts), *maps, *_ENCODE, output]


def join_args(
    source: list[str], info: MediaInfo, clip_input: list[str], clip: MediaInfo, before: bool, output: str
) -> list[str]:
    """The clip joined before or after the video, at the video's size and frame rate."""
    fit = fitted(info.width, info.height, info.fps)
    audio = info.has_audio or clip.has_audio
    parts = [f"[0:v:0]{fit}[mv]", f"[1:v:0]{fit}[cv]"]
    extra: list[str] = []
    if audio:
        # A side without audio gets silence as long as its picture.
        silence = 2
        for label, index, media in (("ma", 0, info), ("ca", 1, clip)):
            if media.has_audio:
                parts.append(f"[{index}:a:0]aformat=sample_rates=48000:channel_layouts=stereo[{label}]")
            else:
                extra += ["-f", "lavfi", "-t", f"{media.duration:.3f}", "-i", "anullsrc=r=48000:cl=stereo"]
                parts.append(f"[{silence}:a]aformat=sample_rates=48000:channel_layouts=stereo[{label}]")
                silence += 1
    first, second = ("c", "m") if before else ("m", "c")
    labels = f"[{first}v]" + (f"[{first}a]" if audio else "") + f"[{second}v]" + (f"[{second}a]" if audio else "")
    parts.append(f"{labels}concat=n=2:v=1:a={1 if audio else 0}[v]{'[a]' if audio else ''}")
    maps = ["-map", "[v]", *(["-map", "[a]"] if audio else [])]
    # lavfi inputs only for the silence generated here (`extra`), never a file's demuxer.
    return [
        "ffmpeg", *COMMON, *source, *clip_input, *extra,
        "-filter_complex", ";".join(parts), *maps, *_ENCODE, output,
    ]  # fmt: skip


def fitted(width: int, height: int, fps: float) -> str:
    """The filters that bring a clip to the video's size (scaled, padded) and frame rate."""
    return (
        f"scale={width}:{height}:force_original_aspect_ratio=decrease,"
        f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={fps or 25:g},format=yuv420p"
    )


def watermark_args(source: list[str], info: MediaInfo, image: str, output: str) -> list[str]:
    """The image over the video's top right corner."""
    graph = f"{overlay('[0:v:0]', 1, info.height, '[marked]')};[marked]format=yuv420p[v]"
    maps = ["-map", "[v]", *(["-map", "0:a:0"] if info.has_audio else [])]
    return ["ffmpeg", *COMMON, *source, *image_input(image), "-filter_complex", graph, *maps, *_ENCODE, output]


def image_input(image: str) -> list[str]:
    """`-i image` for a watermark, read with the image demuxers only."""
    return [*input_options(image, IMAGE_DEMUXERS), "-i", image]


def overlay(video: str, image_index: int, video_height: int, output: str) -> str:
    """The filters putting input `image_index` (a watermark) over the `video` label's top right
    corner, at PeerTube's size and margins for a video `video_height` high, into `output`."""
    height = max(2, round(video_height * WATERMARK_HEIGHT_RATIO))
    margin = round(video_height * MARGIN_RATIO)
    mark = f"[mark{image_index}]"
    return (
        f"[{image_index}:v]format=rgba,scale=-2:{height}{mark};"
        f"{video}{mark}overlay=x=main_w-overlay_w-{margin}:y={margin}:format=auto{output}"
    )


def probe_image(path: str) -> tuple[int, int] | None:
    """The picture's size, or None if `path` is not an image of those formats."""
    import json
    import subprocess

    argv = [
        "ffprobe", "-v", "error", *input_options(path, IMAGE_DEMUXERS),
        "-show_streams", "-of", "json", path,
    ]  # fmt: skip
    try:
        completed = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        return None
    if completed.returncode != 0:
        return None
    streams = json.loads(completed.stdout or "{}").get("streams") or []
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None or not video.get("width") or not video.get("height"):
        return None
    return int(video["width"]), int(video["height"])
