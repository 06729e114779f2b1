"""The complexity probe of the content-aware ladder (ladder.choose): how fast a video's
quality falls when it is quantised harder, measured on a few of its seconds.

Three 2-second windows of the source (at 20, 50 and 80 % of it; the start of a short one)
are decoded once to a lossless 360p sample, which is then encoded at each of
ladder.PROBE_CRFS with the renditions' own encoder settings, and each encode's SSIM against
the sample is measured with ffmpeg's `ssim` filter. About 2 s of work on a core for any
length of video; a probe that fails for any reason leaves PeerTube's encoding (the source was
already found playable by the probe that came before).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.media.inputs import user_input, work_input
from chalicelib.media.ladder import PROBE_CRFS, ProbeResult

if TYPE_CHECKING:
    from chalicelib.media.probe import MediaInfo

SAMPLE_SECONDS = 2.0
# Shorter videos keep PeerTube's CRF: their bytes are few, and the probe's few seconds of
# work would be a large share of their transcoding (and of every test upload's).
MIN_PROBED_SECONDS = 20.0
SAMPLE_AT = (0.2, 0.5, 0.8)
SAMPLE_RESOLUTION = 360
TIMEOUT_SECONDS = 120
_SSIM = re.compile(r"SSIM .* All:([0-9.]+)")
COMMON = ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "info"]


def worth_probing(info: MediaInfo) -> bool:
    return info.has_video and info.duration >= MIN_PROBED_SECONDS


def windows(duration: float) -> list[float]:
    """Where the sampled windows start (seconds)."""
    if duration <= SAMPLE_SECONDS * len(SAMPLE_AT) * 2:
        return [0.0]
    return [round(duration * at, 3) for at in SAMPLE_AT]


def sample_args(source: str, info: MediaInfo, output: str) -> list[str]:
    """The sampled windows, scaled to SAMPLE_RESOLUTION at most, as one lossless file."""
    starts = windows(info.duration)
    length = SAMPLE_SECONDS if len(starts) > 1 else min(info.duration, SAMPLE_SECONDS * len(SAMPLE_AT)) or 1.0
    argv = [*COMMON]
    for start in starts:
        argv += ["-ss", f"{start:.3f}", "-t", f"{length:.3f}", *user_input(source)]
    height = min(SAMPLE_RESOLUTION, info.width, info.height)
    height -= height % 2
    scale = f"scale=w={height}:h=-2" if info.height > info.width else f"scale=w=-2:h={height}"
    inputs = "".join(f"[{n}:v:0]" for n in range(len(starts)))
    graph = f"{inputs}concat=n={len(starts)}:v=1:a=0,{scale},format=yuv420p[v]"
    return [*argv, "-filter_complex", graph, "-map", "[v]", "-an", "-sn", "-dn",
            "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-f", "mp4", output]  # fmt: skip


def encode_args(sample: str, crf: int, output: str) -> list[str]:
    """The sample at `crf`, with the renditions' encoder settings (commands.video_encode_args)."""
    return [*COMMON, *work_input(sample), "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", str(crf),
            "-b_strategy", "1", "-bf", "16", "-f", "mp4", output]  # fmt: skip


def ssim_args(encoded: str, sample: str) -> list[str]:
    return [*COMMON, *work_input(encoded), *work_input(sample), "-lavfi", "[0:v][1:v]ssim", "-f", "null", "-"]


def measure(source: str, info: MediaInfo, workdir: Path) -> ProbeResult | None:
    """The probe's figures for `source`, or None when it could not be made."""
    if not info.has_video or info.duration <= 0:
        return None
    sample = workdir / "complexity-sample.mp4"
    try:
        _run(sample_args(source, info, str(sample)))
        ssim: dict[int, float] = {}
        sizes: dict[int, int] = {}
        for crf in PROBE_CRFS:
            encoded = workdir / f"complexity-{crf}.mp4"
            _run(encode_args(str(sample), crf, str(encoded)))
            match = _SSIM.search(_run(ssim_args(str(encoded), str(sample))))
            if match is None:
                return None
            ssim[crf], sizes[crf] = float(match.group(1)), encoded.stat().st_size
            encoded.unlink()
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    finally:
        sample.unlink(missing_ok=True)
    return ProbeResult(ssim, sizes)


def _run(argv: list[str]) -> str:
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=True)
    return completed.stderr
