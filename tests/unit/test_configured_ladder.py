"""An upload's ladder under the administrator's `transcoding.resolutions`, computed as PeerTube
computes it (chalicelib/media/ladder.py: configured_ladder)."""

from __future__ import annotations

from chalicelib.media.ladder import RESOLUTIONS, Source, configured_ladder, ladder

HD = Source(1920, 1080, 30.0, 4_000_000)


def resolutions(source: Source, enabled: set[int], always_original: bool = True) -> list[int]:
    return [r.resolution for r in configured_ladder(source, enabled, always_original)]


def test_every_resolution_enabled_is_the_default_ladder() -> None:
    assert configured_ladder(HD, set(RESOLUTIONS), True) == ladder(HD)
    assert resolutions(HD, set(RESOLUTIONS)) == [1080, 720, 480, 360, 240, 144]


def test_only_the_enabled_resolutions_below_the_original_are_made() -> None:
    assert resolutions(HD, {480, 240}) == [1080, 480, 240]
    assert resolutions(HD, {2160, 720}) == [1080, 720]  # nothing above the source


def test_without_always_transcoding_the_original_the_top_is_the_highest_enabled() -> None:
    assert resolutions(HD, {480, 240}, always_original=False) == [480, 240]
    top = configured_ladder(HD, {480}, False)[0]
    assert top == next(r for r in ladder(HD) if r.resolution == 480)  # a downscale, not the original


def test_nothing_enabled_leaves_the_original_alone() -> None:
    assert resolutions(HD, set()) == [1080]
    assert resolutions(HD, set(), always_original=False) == [1080]
    assert resolutions(HD, {2160}, always_original=False) == [1080]


def test_audio_only_sources_keep_their_audio_rendition() -> None:
    audio = Source(0, 0, 0.0, 128_000, has_video=False)
    assert configured_ladder(audio, {480}, True) == ladder(audio)
