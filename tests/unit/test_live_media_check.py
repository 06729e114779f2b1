"""The media check before ffmpeg starts: H.264 video with or without audio passes, with its
picture and frame rate; audio-only, other codecs and pictures over the limit are refused with
a reason a streamer can act on."""

from __future__ import annotations

import pytest

from functions.live.media_check import MediaGate, MediaRefused, StreamInfo, check_video
from functions.live.rtmp import AUDIO, VIDEO
from tests.unit.test_live_flv import SPS_360P_HIGH, SPS_1080P_HIGH, sequence_header

AAC_CONFIG = bytes((0xAF, 0, 0x12, 0x10))
AAC_FRAME = bytes((0xAF, 1)) + bytes(20)
KEYFRAME = bytes((0x17, 1, 0, 0, 0)) + bytes(100)
INTERFRAME = bytes((0x27, 1, 0, 0, 0)) + bytes(30)


def feed(gate: MediaGate, tags: list[tuple[int, int, bytes]]) -> StreamInfo | None:
    info = None
    for kind, stamp, body in tags:
        info = gate.add(kind, stamp, body)
        if info is not None:
            return info
    return info


def test_h264_with_aac_is_decided_at_once_with_declared_frame_rate() -> None:
    gate = MediaGate(max_resolution=1080, metadata={"framerate": 30, "videodatarate": 2500, "audiodatarate": 160})
    info = feed(gate, [(VIDEO, 0, sequence_header(SPS_360P_HIGH)), (AUDIO, 0, AAC_CONFIG), (VIDEO, 0, KEYFRAME)])
    assert info is not None
    assert (info.picture.width, info.picture.height, info.fps) == (640, 360, 30.0)
    assert info.has_audio and info.audio_codec == "AAC"
    assert info.bitrate == 2_660_000
    assert len(gate.held) == 3  # handed to ffmpeg once it starts


def test_frame_rate_is_measured_without_metadata() -> None:
    gate = MediaGate(max_resolution=1080)
    tags = [(VIDEO, 0, sequence_header(SPS_360P_HIGH)), (AUDIO, 0, AAC_CONFIG), (VIDEO, 0, KEYFRAME)]
    tags += [(VIDEO, 40 * i, INTERFRAME) for i in range(1, 30)]  # 25 fps
    info = feed(gate, tags)
    assert info is not None
    assert info.fps == pytest.approx(25.0)
    assert info.bitrate is None  # nothing declared: the ladder is not capped by a guess


def test_video_without_audio_is_decided_after_a_second() -> None:
    gate = MediaGate(max_resolution=1080, metadata={"framerate": 30})
    tags = [(VIDEO, 0, sequence_header(SPS_360P_HIGH)), (VIDEO, 0, KEYFRAME)]
    assert feed(gate, [*tags, (VIDEO, 500, INTERFRAME)]) is None
    info = gate.add(VIDEO, 1000, INTERFRAME)
    assert info is not None
    assert not info.has_audio


def test_an_audio_only_stream_is_refused() -> None:
    gate = MediaGate(max_resolution=1080)
    with pytest.raises(MediaRefused, match="audio-only stream"):
        feed(gate, [(AUDIO, 0, AAC_CONFIG), *[(AUDIO, 23 * i, AAC_FRAME) for i in range(1, 200)]])


@pytest.mark.parametrize(
    ("body", "codec"),
    [(bytes((0x12, 0, 0)), "Sorenson H.263"), (bytes((0x94,)) + b"av01", "enhanced RTMP 'av01'")],
)
def test_other_video_codecs_are_refused(body: bytes, codec: str) -> None:
    with pytest.raises(MediaRefused, match=f"video codec {codec} is not H.264"):
        MediaGate(max_resolution=1080).add(VIDEO, 0, body)


def test_a_picture_over_the_limit_is_refused_at_once_and_later() -> None:
    with pytest.raises(MediaRefused, match="1920x1080 is over this instance's limit of 720p"):
        MediaGate(max_resolution=720).add(VIDEO, 0, sequence_header(SPS_1080P_HIGH))
    # A new sequence header in the middle of a stream (the encoder changed its output).
    assert check_video(sequence_header(SPS_360P_HIGH), 720) is not None
    assert check_video(KEYFRAME, 720) is None
    with pytest.raises(MediaRefused):
        check_video(sequence_header(SPS_1080P_HIGH), 720)


def test_an_unreadable_sequence_header_is_refused() -> None:
    with pytest.raises(MediaRefused, match="unreadable video"):
        MediaGate(max_resolution=1080).add(VIDEO, 0, bytes((0x17, 0, 0, 0, 0, 1, 2)))
