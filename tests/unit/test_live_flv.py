"""FLV tags as the ingest writes them for ffmpeg, and what the first tags say: the codec of a
video tag, and the picture size, profile and level from an H.264 SPS."""

from __future__ import annotations

import struct

import pytest

from functions.live import flv
from functions.live.flv import FlvError

# SPS NAL units written by libx264 (ffmpeg 5.1) for test patterns of these sizes.
SPS_360P_HIGH = bytes.fromhex("6764001eacd940a02ff970110000030001000003003c0f162d96")
SPS_1080P_HIGH = bytes.fromhex("67640028acd940780227e5c044000003000400000300f03c60c658")  # cropped from 1088
SPS_720P_BASELINE = bytes.fromhex("6742c01fd9005005bb0110000003001000000303c0f1832480")


def sequence_header(sps: bytes) -> bytes:
    """An FLV video tag body holding an AVCDecoderConfigurationRecord with `sps`."""
    record = bytes((1, sps[1], sps[2], sps[3], 0xFF, 0xE1)) + struct.pack(">H", len(sps)) + sps + b"\x01\x00\x00"
    return bytes((0x17, 0x00, 0, 0, 0)) + record


@pytest.mark.parametrize(
    ("sps", "size", "profile", "level"),
    [
        (SPS_360P_HIGH, (640, 360), "High", 30),
        (SPS_1080P_HIGH, (1920, 1080), "High", 40),
        (SPS_720P_BASELINE, (1280, 720), "Baseline", 31),
    ],
)
def test_sps_gives_the_picture(sps: bytes, size: tuple[int, int], profile: str, level: int) -> None:
    picture = flv.avc_picture(sequence_header(sps))
    assert (picture.width, picture.height) == size
    assert (picture.profile, picture.level) == (profile, level)
    assert picture.resolution == min(size)


def test_a_cut_sps_is_an_error_not_a_crash() -> None:
    outcomes = []
    for cut in range(1, len(SPS_1080P_HIGH)):
        try:
            outcomes.append(flv.parse_sps(SPS_1080P_HIGH[:cut]).height)
        except FlvError:
            outcomes.append(None)
    # Cut before the picture size and cropping: refused. After (in the VUI, not read): read.
    assert outcomes[:8] == [None] * 8
    assert set(outcomes) <= {None, 1080}


def test_a_record_without_sps_is_refused() -> None:
    with pytest.raises(FlvError, match="no SPS"):
        flv.avc_picture(bytes((0x17, 0, 0, 0, 0, 1, 100, 0, 30, 0xFF, 0xE0)) + bytes(4))


def test_video_tags_name_their_codec() -> None:
    assert flv.video_tag(sequence_header(SPS_360P_HIGH)) == flv.VideoTag("H.264", keyframe=True, sequence_header=True)
    assert flv.video_tag(bytes((0x27, 1, 0, 0, 0))) == flv.VideoTag("H.264", keyframe=False, sequence_header=False)
    assert flv.video_tag(bytes((0x12, 0))).codec == "Sorenson H.263"
    # Enhanced RTMP (OBS's HEVC and AV1): a flag and a FourCC instead of a codec id.
    assert flv.video_tag(bytes((0x90,)) + b"hvc1").codec == "enhanced RTMP 'hvc1'"


def test_audio_formats() -> None:
    assert flv.audio_format(bytes((0xAF, 0))) == "AAC"
    assert flv.is_aac_sequence_header(bytes((0xAF, 0, 0x12, 0x10)))
    assert flv.audio_format(bytes((0x2F,))) == "MP3"


def test_tags_and_header_are_flv() -> None:
    assert flv.header(has_audio=True, has_video=True) == b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00"
    tag = flv.tag(flv.TAG_VIDEO, 0x01234567, b"abc")
    assert tag[:11] == bytes((9, 0, 0, 3, 0x23, 0x45, 0x67, 0x01, 0, 0, 0))
    assert tag[11:14] == b"abc"
    assert tag[14:] == struct.pack(">I", 14)


def test_aggregate_messages_split_into_their_tags() -> None:
    payload = (
        flv.tag(flv.TAG_AUDIO, 100, b"a1") + flv.tag(flv.TAG_VIDEO, 120, b"v1") + flv.tag(flv.TAG_SCRIPT, 120, b"s")
    )
    assert flv.aggregate_parts(payload, 5000) == [(8, 5000, b"a1"), (9, 5020, b"v1")]
    with pytest.raises(FlvError):
        flv.aggregate_parts(payload[:-10], 0)
