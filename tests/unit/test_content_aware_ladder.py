"""The content-aware ladder's choice on fixed probe results (chalicelib/media/ladder.py), and
that the choice (CRF and share of the caps) reaches every encode of the plan, whole or chunk."""

from __future__ import annotations

from chalicelib.domain.transcoding import make_plan, renditions_of
from chalicelib.media import complexity
from chalicelib.media.commands import video_encode_args
from chalicelib.media.ladder import (
    DEFAULT_CRF,
    MIN_BPP,
    MIN_CAP_SHARE,
    PEERTUBE,
    SSIM_BUDGET,
    Choice,
    ProbeResult,
    Source,
    choose,
    ladder,
    with_choice,
)
from chalicelib.media.probe import MediaInfo

# Figures measured by the probe on bench/ladder.py's clips (SSIM of the sample at each CRF).
STATIC = ProbeResult(
    ssim={23: 0.994186, 25: 0.992726, 27: 0.991082, 29: 0.989028},
    bytes={23: 80810, 25: 55802, 27: 41430, 29: 31774},
)
SCREEN = ProbeResult(
    ssim={23: 0.992856, 25: 0.990963, 27: 0.988582, 29: 0.985705},
    bytes={23: 262702, 25: 204613, 27: 160897, 29: 134876},
)
HIGH_MOTION = ProbeResult(
    ssim={23: 0.977363, 25: 0.970702, 27: 0.962749, 29: 0.953336},
    bytes={23: 420000, 25: 309312, 27: 231418, 29: 182238},
)


ANIMATION = ProbeResult(
    ssim={23: 0.993493, 25: 0.990736, 27: 0.986824, 29: 0.980115},
    bytes={23: 687302, 25: 548130, 27: 418456, 29: 297615},
)


def test_the_point_of_the_curve_ssim_budget_below_crf_23_is_chosen() -> None:
    # Between the CRFs tried: talking head between 25 (-0.0015) and 27 (-0.0031), its bytes
    # about half of CRF 23's, so its caps at the lowest share allowed.
    assert SSIM_BUDGET == 0.003
    assert choose(STATIC) == Choice(26.8, MIN_CAP_SHARE)
    assert choose(SCREEN) == Choice(25.9, MIN_CAP_SHARE)  # -0.0019 at 25, -0.0043 at 27
    assert choose(ANIMATION) == Choice(25.1, 0.79)  # -0.0028 at 25, -0.0067 at 27
    # High motion loses 0.0067 at 25 already: a small step of CRF, and caps lowered by the
    # share of bytes that step saves on the samples (its 720p fills PeerTube's cap).
    assert choose(HIGH_MOTION) == Choice(23.9, 0.88)


def test_the_harder_the_content_the_closer_the_choice_stays_to_peertubes() -> None:
    choices = [choose(result) for result in (STATIC, SCREEN, ANIMATION, HIGH_MOTION)]
    assert [c.crf for c in choices] == sorted((c.crf for c in choices), reverse=True)
    assert all(c.crf > DEFAULT_CRF and MIN_CAP_SHARE <= c.cap_share < 1 for c in choices)


def test_without_a_usable_probe_peertubes_choice_stays() -> None:
    assert choose(None) == PEERTUBE == Choice(23, 1.0)
    assert choose(ProbeResult(ssim={25: 0.99}, bytes={25: 1})) == PEERTUBE
    assert choose(ProbeResult(ssim={23: 0.99, 25: 0.98}, bytes={23: 0, 25: 1})) == PEERTUBE


def test_a_crf_that_did_not_save_bytes_is_skipped_and_a_flat_curve_gives_the_highest_crf() -> None:
    odd = ProbeResult(ssim={23: 0.99, 25: 0.989, 27: 0.988}, bytes={23: 100, 25: 120, 27: 90})
    assert choose(odd) == Choice(27, 0.9)
    assert choose(ProbeResult(ssim={23: 0.99, 25: 0.989}, bytes={23: 100, 25: 120})) == PEERTUBE
    flat = ProbeResult(ssim={23: 0.99, 25: 0.9895, 27: 0.989}, bytes={23: 100, 25: 90, 27: 85})
    assert choose(flat) == Choice(27, 0.85)


def test_the_caps_keep_the_share_chosen_above_peertubes_floor_and_never_above_its_cap() -> None:
    renditions = [r for r in ladder(Source(1280, 720, 30.0, None)) if not r.is_audio_only]
    shared = with_choice(renditions, Choice(24.0, 0.86))
    for before, after in zip(renditions, shared, strict=True):
        assert after.crf == 24.0 and (after.width, after.height, after.fps) == (before.width, before.height, before.fps)
        assert after.max_bitrate == int(before.max_bitrate * 0.86)
    assert with_choice(renditions, PEERTUBE) == renditions
    # A source of a low bit rate: PeerTube's caps sit at its floor, which the share keeps.
    low = [r for r in ladder(Source(1280, 720, 30.0, 100_000)) if not r.is_audio_only]
    for before, after in zip(low, with_choice(low, Choice(27.0, 0.7)), strict=True):
        assert after.max_bitrate <= before.max_bitrate
        assert after.max_bitrate >= min(before.max_bitrate, int(MIN_BPP * after.width * after.height * after.fps))


def test_the_plan_gives_every_rendition_and_chunk_the_same_crf_and_caps() -> None:
    info = MediaInfo(60.0, 1280, 720, 30.0, None, "h264", "aac", 128_000)
    caps = [r.max_bitrate for r in ladder(Source(1280, 720, 30.0, None))]
    assert [r.max_bitrate for r in renditions_of(make_plan(info))] == caps  # PeerTube's by default
    plan = make_plan(info, choice=Choice(27.3, 0.8))
    renditions = renditions_of(plan)
    assert [r.max_bitrate for r in renditions] == [int(cap * 0.8) for cap in caps]
    assert {r.crf for r in renditions} == {27.3}
    for rendition in renditions:
        for start in (0.0, 12.0):
            argv = video_encode_args("in.mp4", "out.mp4", rendition, portrait=False, start=start, duration=12)
            assert argv[argv.index("-crf") + 1] == "27.3"
            assert argv[argv.index("-maxrate:v") + 1] == str(rendition.max_bitrate)
    # A plan stored before the content-aware ladder reads back with PeerTube's CRF.
    for stored in plan["renditions"]:
        del stored["crf"]
    assert {r.crf for r in renditions_of(plan)} == {DEFAULT_CRF}


def test_the_probe_samples_three_windows_of_a_long_video_and_the_start_of_a_short_one() -> None:
    assert complexity.windows(600.0) == [120.0, 300.0, 480.0]
    assert complexity.windows(8.0) == [0.0]
    info = MediaInfo(600.0, 1920, 1080, 30.0, None, "h264", None, None)
    argv = complexity.sample_args("https://uploads.example/source", info, "/tmp/sample.mp4")
    assert argv.count("-ss") == 3 and "scale=w=-2:h=360" in argv[argv.index("-filter_complex") + 1]
    assert argv[argv.index("-qp") + 1] == "0"  # the reference is lossless
    # Videos under 20 s and audio keep PeerTube's CRF without a probe.
    assert complexity.worth_probing(info)
    assert not complexity.worth_probing(MediaInfo(19.0, 1920, 1080, 30.0, None, "h264", None, None))
    assert not complexity.worth_probing(MediaInfo(600.0, 0, 0, 0.0, None, None, "aac", 128_000))
