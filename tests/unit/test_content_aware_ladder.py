"""The content-aware ladder's choice on fixed probe results (chalicelib/media/ladder.py), and
that the choice reaches every encode of the plan, whole or chunk."""

from __future__ import annotations

from chalicelib.domain.transcoding import make_plan, renditions_of
from chalicelib.media import complexity
from chalicelib.media.commands import video_encode_args
from chalicelib.media.ladder import DEFAULT_CRF, ProbeResult, Source, choose_crf, ladder
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


def test_the_highest_crf_within_the_ssim_budget_is_chosen() -> None:
    assert choose_crf(STATIC) == 27  # loses 0.0031 at 27, 0.0052 at 29
    assert choose_crf(SCREEN) == 25  # 0.0019 at 25, 0.0043 at 27
    assert choose_crf(HIGH_MOTION) == DEFAULT_CRF  # 0.0067 already at 25


def test_without_a_usable_probe_peertubes_crf_stays() -> None:
    assert choose_crf(None) == DEFAULT_CRF == 23
    assert choose_crf(ProbeResult(ssim={25: 0.99}, bytes={25: 1})) == DEFAULT_CRF


def test_a_crf_that_did_not_save_bytes_is_not_chosen() -> None:
    odd = ProbeResult(ssim={23: 0.99, 25: 0.989, 27: 0.988}, bytes={23: 100, 25: 120, 27: 90})
    assert choose_crf(odd) == 27
    assert choose_crf(ProbeResult(ssim={23: 0.99, 25: 0.989}, bytes={23: 100, 25: 120})) == DEFAULT_CRF


def test_the_plan_gives_every_rendition_and_chunk_the_same_crf_under_peertubes_caps() -> None:
    info = MediaInfo(60.0, 1280, 720, 30.0, None, "h264", "aac", 128_000)
    plan = make_plan(info, crf=27)
    renditions = renditions_of(plan)
    caps = [r.max_bitrate for r in ladder(Source(1280, 720, 30.0, None))]
    assert [r.max_bitrate for r in renditions] == caps  # the caps are PeerTube's
    assert {r.crf for r in renditions} == {27}
    for rendition in renditions:
        for start in (0.0, 12.0):
            argv = video_encode_args("in.mp4", "out.mp4", rendition, portrait=False, start=start, duration=12)
            assert argv[argv.index("-crf") + 1] == "27"
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
