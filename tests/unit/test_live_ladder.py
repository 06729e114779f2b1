"""The live ladder and ffmpeg's command: configured resolutions plus the input's own, PeerTube's
rate caps, segment length by latency mode, passthrough when transcoding is off."""

from __future__ import annotations

from pathlib import Path

import pytest

from functions.live.flv import Picture
from functions.live.ladder import ffmpeg_args, renditions, segment_seconds
from functions.live.media_check import StreamInfo
from functions.live.ports import LATENCY_DEFAULT, LATENCY_HIGH, LATENCY_SMALL
from functions.live.settings import from_environment

HD = StreamInfo(Picture(1280, 720, "High", 31), 30.0, True, "AAC", None)
SILENT_PORTRAIT = StreamInfo(Picture(720, 1280, "High", 31), 60.0, False, None, None)


def test_configured_resolutions_below_the_input_and_the_input_itself() -> None:
    ladder = renditions(HD, (240, 480, 1080), transcoding=True)
    assert [r.resolution for r in ladder] == [720, 480, 240]
    assert [(r.width, r.height) for r in ladder] == [(1280, 720), (852, 480), (426, 240)]
    assert ladder[0].max_bitrate == 3_041_280  # PeerTube's cap for 720p30 (PEERTUBE-FACTS section 2)


def test_portrait_and_high_frame_rates() -> None:
    ladder = renditions(SILENT_PORTRAIT, (360,), transcoding=True)
    assert [(r.width, r.height, r.fps) for r in ladder] == [(720, 1280, 60), (360, 640, 30)]


def test_without_transcoding_the_input_is_the_one_rendition() -> None:
    (only,) = renditions(HD, (240,), transcoding=False)
    assert (only.resolution, only.width, only.height, only.fps) == (720, 1280, 720, 30)


@pytest.mark.parametrize(("mode", "seconds"), [(LATENCY_DEFAULT, 4), (LATENCY_HIGH, 4), (LATENCY_SMALL, 2)])
def test_segment_length_by_latency_mode(mode: int, seconds: int) -> None:
    assert segment_seconds(mode) == seconds


def test_the_transcoding_command() -> None:
    ladder = renditions(HD, (240,), transcoding=True)
    argv = ffmpeg_args(HD, ladder, Path("/w"), segment_seconds=2, transcoding=True, preset="veryfast", threads=2)
    joined = " ".join(argv)
    assert "-protocol_whitelist pipe -format_whitelist flv" in joined
    assert "-f flv -i pipe:0" in joined
    assert "[0:v:0]split=2[s0][s1];[s0]scale=w=-2:h=720[v0];[s1]scale=w=-2:h=240[v1]" in joined
    assert "-sc_threshold:v:1 0" in joined
    assert "-g:v:0 60" in joined
    assert joined.count("-map 0:a:0") == 2
    assert "-c:a:0 copy" in joined  # AAC is copied
    assert "-hls_time 2 -hls_list_size 0" in joined
    assert "-var_stream_map v:0,a:0 v:1,a:1" in joined
    assert argv[-1] == "/w/%v.m3u8"


def test_the_passthrough_command_without_audio() -> None:
    ladder = renditions(SILENT_PORTRAIT, (), transcoding=False)
    argv = ffmpeg_args(SILENT_PORTRAIT, ladder, Path("/w"), segment_seconds=4, transcoding=False)
    joined = " ".join(argv)
    assert "-map 0:v:0 -c:v:0 copy" in joined
    assert "libx264" not in joined
    assert "0:a" not in joined
    assert "-var_stream_map v:0 " in joined


def test_non_aac_audio_becomes_aac() -> None:
    mp3 = StreamInfo(Picture(640, 360, "High", 30), 30.0, True, "MP3", None)
    joined = " ".join(
        ffmpeg_args(mp3, renditions(mp3, (), transcoding=True), Path("/w"), segment_seconds=4, transcoding=True)
    )
    assert "-c:a:0 aac -b:a 128k -ac 2" in joined


def test_settings_from_the_environment() -> None:
    settings = from_environment(
        {"CIRRUS_RTMP_PORT": "1936", "CIRRUS_LIVE_RESOLUTIONS": "720, 240", "CIRRUS_LIVE_TRANSCODING": "false"}
    )
    assert (settings.rtmp_port, settings.resolutions, settings.transcoding) == (1936, (240, 720), False)
    assert settings.end_wait == 60.0
    with pytest.raises(ValueError, match="not among"):
        from_environment({"CIRRUS_LIVE_RESOLUTIONS": "500"})
