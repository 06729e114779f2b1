"""PeerTube's ladder, chunk planning and HLS bookkeeping, as pure functions."""

from __future__ import annotations

import hashlib
import io

import pytest

from chalicelib.media import hls
from chalicelib.media.chunks import plan_chunks
from chalicelib.media.commands import audio_encode_args, video_encode_args
from chalicelib.media.ladder import Source, ladder, output_fps, target_bitrate


@pytest.mark.parametrize(
    ("resolution", "fps", "expected"),
    # PEERTUBE-FACTS.md section 2: 16:9, unknown or high source bit rate.
    [(144, 30, 210_124), (240, 30, 522_239), (360, 30, 1_036_800), (480, 30, 1_474_559),
     (720, 30, 3_041_280), (1080, 30, 6_220_800), (1440, 30, 9_953_280), (2160, 30, 19_906_560),
     (1080, 60, 12_441_600)],
)  # fmt: skip
def test_rate_caps_are_peertubes(resolution: int, fps: int, expected: int) -> None:
    assert target_bitrate(resolution, 16 / 9, fps, None) == expected


def test_a_low_bit_rate_source_caps_the_renditions() -> None:
    assert target_bitrate(1080, 16 / 9, 30, 1_000_000) == 1_300_000
    assert target_bitrate(1080, 16 / 9, 30, 10) == 1_244_160  # never under the floor


def test_the_ladder_stops_at_the_source_and_keeps_its_resolution() -> None:
    resolutions = [r.resolution for r in ladder(Source(1280, 720, 30, None))]
    assert resolutions == [720, 480, 360, 240, 144]
    odd = ladder(Source(1000, 562, 25, None))
    assert [r.resolution for r in odd] == [562, 480, 360, 240, 144]
    assert all(r.width % 2 == 0 and r.height % 2 == 0 for r in odd)


def test_portrait_sources_scale_on_their_short_side() -> None:
    top = ladder(Source(1080, 1920, 30, None))[0]
    assert (top.resolution, top.width, top.height) == (1080, 1080, 1920)


def test_high_frame_rates_are_halved_below_720p() -> None:
    assert output_fps(60, 480, is_original=False) == 30
    assert output_fps(50, 360, is_original=False) == 25
    assert output_fps(60, 720, is_original=False) == 60
    assert output_fps(120, 1080, is_original=True) == 60
    assert output_fps(59.94, 480, is_original=True) == 60


def test_audio_only_sources_get_one_audio_rendition() -> None:
    only = ladder(Source(0, 0, 0, 128_000, has_video=False))
    assert [r.is_audio_only for r in only] == [True]


def test_chunks_are_whole_segments() -> None:
    chunks = plan_chunks(23.0, target_seconds=8)
    assert [(c.start, c.end) for c in chunks] == [(0, 8), (8, 16), (16, 23.0)]
    assert [(c.start, c.end) for c in plan_chunks(23.0, target_seconds=6)] == [(0, 8), (8, 16), (16, 23.0)]
    assert [(c.start, c.end) for c in plan_chunks(23.0, target_seconds=100)] == [(0, 23.0)]
    # A last piece under half a chunk joins the one before it.
    assert [(c.start, c.end) for c in plan_chunks(17.5, target_seconds=8)] == [(0, 8), (8, 17.5)]
    assert plan_chunks(0, target_seconds=8) == []


def test_every_encode_keeps_the_rate_cap_and_gop() -> None:
    rendition = ladder(Source(1920, 1080, 30, None))[0]
    whole = video_encode_args("in.mp4", "out.mp4", rendition, portrait=False)
    chunk = video_encode_args("in.mp4", "out.mp4", rendition, portrait=False, start=30, duration=30)
    for argv in (whole, chunk):
        assert argv[argv.index("-maxrate:v") + 1] == "6220800"
        assert argv[argv.index("-bufsize:v") + 1] == "12441600"
        assert argv[argv.index("-g:v") + 1] == "60"
        assert argv[argv.index("-preset") + 1] == "veryfast"
    assert chunk[chunk.index("-ss") + 1] == "30.000000" and chunk.index("-ss") < chunk.index("-i")


def test_aac_is_copied_only_when_peertube_would() -> None:
    assert "copy" in audio_encode_args("a", "b", "aac", 128_000)
    flac = audio_encode_args("a", "b", "flac", None)
    assert flac[flac.index("-b:a") + 1] == "256k" and flac[flac.index("-ac") + 1] == "2"
    mp3 = audio_encode_args("a", "b", "mp3", 320_000)
    assert mp3[mp3.index("-b:a") + 1] == "320k"


PLAYLIST = """#EXTM3U
#EXT-X-VERSION:7
#EXT-X-MAP:URI="v-720-fragmented.mp4",BYTERANGE="10@0"
#EXTINF:4.000000,
#EXT-X-BYTERANGE:5@10
v-720-fragmented.mp4
#EXTINF:2.000000,
#EXT-X-BYTERANGE:7
v-720-fragmented.mp4
#EXT-X-ENDLIST
"""


def test_segment_hashes_are_keyed_by_inclusive_byte_ranges() -> None:
    data = bytes(range(22))
    segments = hls.media_segments(PLAYLIST)
    assert [(s.offset, s.length, s.key) for s in segments] == [(10, 5, "10-14"), (15, 7, "15-21")]
    hashes = hls.segment_hashes(segments, io.BytesIO(data))
    assert hashes == {
        "10-14": hashlib.sha256(data[10:15]).hexdigest(),
        "15-21": hashlib.sha256(data[15:22]).hexdigest(),
    }
    with pytest.raises(ValueError, match="ends before"):
        hls.segment_hashes(segments, io.BytesIO(data[:20]))


def test_master_playlist_lists_video_renditions_highest_first() -> None:
    variants = [
        hls.Variant("v-360.m3u8", 500_000, 640, 360, 30, "avc1.64001e,mp4a.40.2"),
        hls.Variant("v-720.m3u8", 2_000_000, 1280, 720, 30, "avc1.64001f,mp4a.40.2"),
    ]
    text = hls.master_playlist(variants)
    assert text.index("v-720.m3u8") < text.index("v-360.m3u8")
    assert (
        '#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720,FRAME-RATE=30,CODECS="avc1.64001f,mp4a.40.2"' in text
    )
    assert hls.codecs("High", 40, True) == "avc1.640028,mp4a.40.2"
    assert hls.bandwidth(1000, 3.0) == 2667
