"""PeerTube's default encoding ladder: which resolutions, at what frame rate and bit rate.

The figures are PeerTube's (see ../shared/PEERTUBE-FACTS.md, sections 2 and 3): a
resolution is the short side of the picture; each rendition's bit rate is capped by
`max(min_bpp * pixels * fps, min(avg_bpp * pixels * fps, 1.3 * source bit rate))`, with a
VBV buffer twice that; frame rates above 30 are halved below 720p.

Beyond PeerTube (which encodes every video at x264's default CRF 23 under that cap), the
content-aware choice (`choose`): a quick probe encodes a few sampled seconds of the source at
several CRFs and measures each against the samples (chalicelib/media/complexity.py). Along
that curve, interpolated between the CRFs tried, the choice is the point whose SSIM is
SSIM_BUDGET below CRF 23's: its CRF (fractional, as x264 takes it) and its share of CRF 23's
bytes, which also scales the rate caps (never below MIN_CAP_SHARE of PeerTube's). Easy content
(a static scene, a screen) gets a higher CRF; content whose renditions fill PeerTube's cap
(high motion, a busy picture at low resolutions), where a CRF changes nothing, gets a lower cap
for the same loss the probe measured. One choice per video, made before any chunk is encoded
and kept in the plan: every chunk of a rendition is encoded with the same parameters, so
chunks still join seamlessly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

RESOLUTIONS = (144, 240, 360, 480, 720, 1080, 1440, 2160)
AVERAGE_BPP = {144: 0.19, 240: 0.17, 360: 0.15, 480: 0.12, 720: 0.11, 1080: 0.10, 1440: 0.09, 2160: 0.08}
MIN_BPP = 0.02
MAX_FPS = 60
LOW_RESOLUTION_FPS = (30, 25, 24)
AUDIO_ONLY = 0
# A keyframe every two seconds: HLS segments (about 4 s) start on one.
GOP_SECONDS = 2
# x264's default constant rate factor, PeerTube's (it sets none).
DEFAULT_CRF = 23
# The CRFs the complexity probe tries, and how much SSIM (0-1) the choice may lose against
# DEFAULT_CRF on the probe's samples: "the same quality" is SSIM within 0.005 of PeerTube's
# encode (bench/ladder.py); the budget keeps a margin for the samples not being the video,
# and keeps PSNR's fall within the 2.4 dB of the earlier whole-CRF choice (0.0035 let the
# talking head's fall 2.5 dB; docs/performance.md).
PROBE_CRFS = (23, 25, 27, 29)
SSIM_BUDGET = 0.003
# The lowest share of PeerTube's rate cap the choice may keep: below it, a capped rendition
# loses quality faster than the probe's uncapped curve says (measured: bench/ladder.py).
MIN_CAP_SHARE = 0.7


@dataclass(frozen=True)
class Source:
    width: int
    height: int
    fps: float
    bitrate: int | None  # bits per second of the whole file, when known
    has_video: bool = True
    has_audio: bool = True

    @property
    def resolution(self) -> int:
        return min(self.width, self.height)

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def ratio(self) -> float:
        long_side, short_side = max(self.width, self.height), min(self.width, self.height)
        return long_side / short_side if short_side else 16 / 9


@dataclass(frozen=True)
class Rendition:
    resolution: int
    width: int
    height: int
    fps: int
    max_bitrate: int  # bits per second
    crf: float = DEFAULT_CRF  # the content-aware choice (choose); PeerTube's 23 otherwise

    @property
    def bufsize(self) -> int:
        return 2 * self.max_bitrate

    @property
    def gop(self) -> int:
        return self.fps * GOP_SECONDS

    @property
    def is_audio_only(self) -> bool:
        return self.resolution == AUDIO_ONLY


def ladder(source: Source) -> list[Rendition]:
    """Every rendition PeerTube's default profile makes of `source`, highest first."""
    if not source.has_video:
        return [Rendition(AUDIO_ONLY, 0, 0, 0, 0)]
    original = _even(source.resolution)
    resolutions = sorted({r for r in RESOLUTIONS if r < original} | {original}, reverse=True)
    return [_rendition(source, resolution, is_original=resolution == original) for resolution in resolutions]


def configured_ladder(source: Source, enabled: set[int], always_original: bool) -> list[Rendition]:
    """The ladder the administrator's `transcoding.resolutions` allow, as PeerTube computes it
    (server/core/lib/transcoding/transcoding-resolutions.ts): the top rendition is the
    source's own resolution with `alwaysTranscodeOriginalResolution`, otherwise the highest
    enabled one not above the source (the source's own when none is); below it, each enabled
    resolution lower than the top. Nothing enabled leaves the top alone."""
    if not source.has_video:
        return ladder(source)
    original = _even(source.resolution)
    allowed = [r for r in RESOLUTIONS if r in enabled and r <= original]
    top = original if always_original or not allowed else max(allowed)
    chosen = sorted({top} | {r for r in allowed if r < top}, reverse=True)
    return [_rendition(source, resolution, is_original=resolution == original) for resolution in chosen]


def renditions_at(source: Source, resolutions: list[int]) -> list[Rendition]:
    """`source` at the given resolutions (each of RESOLUTIONS or the source's own), highest
    first: a ladder a plugin changed, which may go above the source (PeerTube upscales then)."""
    original = _even(source.resolution)
    chosen = sorted({r for r in resolutions if r in RESOLUTIONS or r == original}, reverse=True)
    return [_rendition(source, resolution, is_original=resolution == original) for resolution in chosen]


@dataclass(frozen=True)
class ProbeResult:
    """What the complexity probe measured: per CRF tried, the SSIM (0-1, all planes) of the
    samples encoded at that CRF against the samples themselves, and their bytes."""

    ssim: dict[int, float]
    bytes: dict[int, int]


@dataclass(frozen=True)
class Choice:
    """The content-aware ladder's choice for one video: its CRF and the share of PeerTube's
    rate caps its renditions keep."""

    crf: float = DEFAULT_CRF
    cap_share: float = 1.0


PEERTUBE = Choice()


def choose(result: ProbeResult | None) -> Choice:
    """The point of the probe's curve (SSIM against log bytes, interpolated between the CRFs
    tried) SSIM_BUDGET below DEFAULT_CRF's SSIM; the highest CRF tried when none falls that
    far. PeerTube's choice without a usable probe. A CRF that made the samples larger is
    skipped: it is no step along the curve."""
    reference = result.bytes.get(DEFAULT_CRF) if result is not None else None
    if result is None or DEFAULT_CRF not in result.ssim or not reference:
        return PEERTUBE
    floor = result.ssim[DEFAULT_CRF] - SSIM_BUDGET
    last = (float(DEFAULT_CRF), result.ssim[DEFAULT_CRF], 0.0)  # CRF, SSIM, log of the bytes' share
    for crf in sorted(c for c in result.ssim if c > DEFAULT_CRF):
        size = result.bytes.get(crf)
        if not size or size > reference:
            continue
        point = (float(crf), result.ssim[crf], math.log(size / reference))
        if point[1] < floor:
            step = (last[1] - floor) / (last[1] - point[1])  # how far towards `point` the floor is
            last = (last[0] + step * (point[0] - last[0]), floor, last[2] + step * (point[2] - last[2]))
            break
        last = point
    # Rounded towards PeerTube's: the CRF down to a tenth, the share up to a hundredth.
    share = max(MIN_CAP_SHARE, min(1.0, math.ceil(math.exp(last[2]) * 100) / 100))
    return Choice(math.floor(last[0] * 10 + 1e-9) / 10, share)


def with_choice(renditions: list[Rendition], choice: Choice) -> list[Rendition]:
    """The renditions at the choice's CRF, under its share of their caps (never below
    PeerTube's floor of MIN_BPP bits per pixel)."""
    return [replace(r, crf=choice.crf, max_bitrate=_shared_cap(r, choice.cap_share)) for r in renditions]


def target_bitrate(resolution: int, ratio: float, fps: int, source_bitrate: int | None) -> int:
    """PeerTube's rate cap for one rendition (bits per second)."""
    height, width = resolution, resolution * ratio
    pixels_per_second = width * height * fps
    average_bpp = AVERAGE_BPP.get(resolution) or _nearest_bpp(resolution)
    target = math.floor(average_bpp * pixels_per_second)
    if source_bitrate:
        target = min(target, math.floor(source_bitrate * 1.3))
    return max(math.floor(MIN_BPP * pixels_per_second), target)


def output_fps(source_fps: float, resolution: int, is_original: bool) -> int:
    fps = min(MAX_FPS, max(1, round(source_fps)))
    if not is_original and resolution < 720 and fps > 30:
        for candidate in LOW_RESOLUTION_FPS:
            if fps % candidate == 0:
                return candidate
        return 30
    return fps


def _rendition(source: Source, resolution: int, *, is_original: bool) -> Rendition:
    fps = output_fps(source.fps, resolution, is_original)
    long_side = _even(math.floor(resolution * source.ratio + 0.5))
    width, height = (resolution, long_side) if source.portrait else (long_side, resolution)
    return Rendition(resolution, width, height, fps, target_bitrate(resolution, source.ratio, fps, source.bitrate))


def _shared_cap(rendition: Rendition, share: float) -> int:
    floor = math.floor(MIN_BPP * rendition.width * rendition.height * rendition.fps)
    return min(rendition.max_bitrate, max(floor, math.floor(rendition.max_bitrate * share)))


def _nearest_bpp(resolution: int) -> float:
    closest = min(AVERAGE_BPP, key=lambda known: abs(known - resolution))
    return AVERAGE_BPP[closest]


def _even(value: int) -> int:
    return value - value % 2
