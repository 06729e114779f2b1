"""FLV, the form RTMP's audio and video messages take: tags written to ffmpeg's input, and
what the first tags say about the stream (codecs, picture size) before ffmpeg is started.

An RTMP audio or video message's payload is an FLV tag's body, so relaying a published
stream to ffmpeg is writing each message as a tag (`tag`); ffmpeg's FLV demuxer does the rest.
The picture size is read from the H.264 sequence header's SPS (ITU-T H.264, 7.3.2.1.1), not
from onMetaData, which the encoder may fill with anything.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from functions.live.rtmp import AUDIO, VIDEO

TAG_AUDIO, TAG_VIDEO, TAG_SCRIPT = 8, 9, 18
# Video codec ids of the legacy FLV header, and the enhanced-RTMP flag that replaces the id
# with a FourCC (HEVC, AV1, VP9 from OBS 29 and later).
CODEC_AVC = 7
VIDEO_CODECS = {2: "Sorenson H.263", 3: "Screen video", 4: "VP6", 5: "VP6 alpha", 6: "Screen video 2", 7: "H.264"}
EX_HEADER = 0x80
KEYFRAME = 1
AVC_SEQUENCE_HEADER = 0
# Audio formats (the high nibble of an audio tag's first byte).
AUDIO_AAC = 10
AUDIO_FORMATS = {0: "PCM", 1: "ADPCM", 2: "MP3", 3: "PCM", 10: "AAC", 11: "Speex", 14: "MP3", 9: "enhanced"}
AAC_SEQUENCE_HEADER = 0

_TAG_HEADER = struct.Struct(">B3sI3s")  # type, size, timestamp (24 low bits + 8 high), stream id
_U32 = struct.Struct(">I")
_PROFILES = {66: "Baseline", 77: "Main", 88: "Extended", 100: "High", 110: "High 10", 122: "High 4:2:2"}
# Profiles whose SPS carries chroma format and bit depths (7.3.2.1.1).
_HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}


class FlvError(ValueError):
    """A tag's body is not what its header says."""


def header(*, has_audio: bool, has_video: bool) -> bytes:
    """The FLV file header and the first (zero) previous-tag size."""
    flags = (4 if has_audio else 0) | (1 if has_video else 0)
    return b"FLV\x01" + bytes((flags,)) + _U32.pack(9) + _U32.pack(0)


def tag(tag_type: int, timestamp: int, body: bytes) -> bytes:
    """One FLV tag and its trailing previous-tag size."""
    size = len(body)
    stamp = ((timestamp & 0xFFFFFF) << 8) | ((timestamp >> 24) & 0xFF)
    return _TAG_HEADER.pack(tag_type, size.to_bytes(3, "big"), stamp, b"\x00\x00\x00") + body + _U32.pack(11 + size)


def aggregate_parts(payload: bytes, timestamp: int) -> list[tuple[int, int, bytes]]:
    """The (type, timestamp, body) of each message inside an RTMP aggregate message, whose
    payload is FLV tags; their timestamps are re-based on the aggregate's own."""
    parts: list[tuple[int, int, bytes]] = []
    position, first_stamp = 0, None
    while position + 11 <= len(payload):
        tag_type = payload[position]
        size = int.from_bytes(payload[position + 1 : position + 4], "big")
        stamp = int.from_bytes(payload[position + 4 : position + 7], "big") | (payload[position + 7] << 24)
        body = payload[position + 11 : position + 11 + size]
        if len(body) != size:
            raise FlvError("aggregate message cut short")
        first_stamp = stamp if first_stamp is None else first_stamp
        if tag_type in (AUDIO, VIDEO):
            parts.append((tag_type, (timestamp + stamp - first_stamp) & 0xFFFFFFFF, body))
        position += 11 + size + 4
    if position < len(payload):
        raise FlvError("aggregate message ends inside a tag header")
    return parts


@dataclass(frozen=True)
class VideoTag:
    codec: str  # "H.264", or what else the encoder sent
    keyframe: bool
    sequence_header: bool


def video_tag(body: bytes) -> VideoTag:
    if not body:
        raise FlvError("empty video message")
    first = body[0]
    if first & EX_HEADER:
        fourcc = body[1:5].decode("latin-1") if len(body) >= 5 else "?"
        return VideoTag(f"enhanced RTMP {fourcc!r}", keyframe=(first >> 4) & 0x07 == KEYFRAME, sequence_header=False)
    codec_id, frame_type = first & 0x0F, first >> 4
    codec = VIDEO_CODECS.get(codec_id, f"video codec {codec_id}")
    sequence_header = codec_id == CODEC_AVC and len(body) > 1 and body[1] == AVC_SEQUENCE_HEADER
    return VideoTag(codec, keyframe=frame_type == KEYFRAME, sequence_header=sequence_header)


def audio_format(body: bytes) -> str:
    if not body:
        raise FlvError("empty audio message")
    code = body[0] >> 4
    return AUDIO_FORMATS.get(code, f"audio format {code}")


def is_aac_sequence_header(body: bytes) -> bool:
    return len(body) > 1 and body[0] >> 4 == AUDIO_AAC and body[1] == AAC_SEQUENCE_HEADER


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    profile: str
    level: int

    @property
    def resolution(self) -> int:
        """PeerTube's resolution: the short side."""
        return min(self.width, self.height)


def avc_picture(body: bytes) -> Picture:
    """The picture size, profile and level of an H.264 sequence header tag (its first SPS)."""
    # Tag body: frame type/codec (1), packet type (1), composition time (3), then the
    # AVCDecoderConfigurationRecord: version, profile, compatibility, level, length size,
    # number of SPS, then each SPS's 16-bit length and bytes.
    record = body[5:]
    if len(record) < 8 or record[0] != 1:
        raise FlvError("H.264 sequence header is not an AVCDecoderConfigurationRecord")
    if record[5] & 0x1F < 1:
        raise FlvError("H.264 sequence header holds no SPS")
    length = int.from_bytes(record[6:8], "big")
    sps = record[8 : 8 + length]
    if len(sps) != length or length < 4:
        raise FlvError("H.264 SPS cut short")
    return parse_sps(sps)


def parse_sps(nal: bytes) -> Picture:
    """Width, height, profile and level of an H.264 sequence parameter set NAL unit."""
    if nal[0] & 0x1F != 7:
        raise FlvError("not an SPS NAL unit")
    bits = _Bits(_unescape(nal[1:]))
    profile_idc = bits.read(8)
    bits.read(8)  # constraint flags
    level_idc = bits.read(8)
    bits.ue()  # seq_parameter_set_id
    chroma_format = 1
    if profile_idc in _HIGH_PROFILES:
        chroma_format = bits.ue()
        if chroma_format == 3:
            bits.read(1)  # separate_colour_plane_flag
        bits.ue()  # bit_depth_luma_minus8
        bits.ue()  # bit_depth_chroma_minus8
        bits.read(1)  # qpprime_y_zero_transform_bypass_flag
        if bits.read(1):  # seq_scaling_matrix_present_flag
            for index in range(8 if chroma_format != 3 else 12):
                if bits.read(1):
                    _skip_scaling_list(bits, 16 if index < 6 else 64)
    bits.ue()  # log2_max_frame_num_minus4
    poc_type = bits.ue()
    if poc_type == 0:
        bits.ue()
    elif poc_type == 1:
        bits.read(1)
        bits.se()
        bits.se()
        for _ in range(min(bits.ue(), 255)):
            bits.se()
    bits.ue()  # max_num_ref_frames
    bits.read(1)  # gaps_in_frame_num_value_allowed_flag
    width_mbs = bits.ue() + 1
    height_units = bits.ue() + 1
    frame_mbs_only = bits.read(1)
    if not frame_mbs_only:
        bits.read(1)  # mb_adaptive_frame_field_flag
    bits.read(1)  # direct_8x8_inference_flag
    crop = (0, 0, 0, 0)
    if bits.read(1):
        crop = (bits.ue(), bits.ue(), bits.ue(), bits.ue())
    crop_x = 2 if chroma_format in (1, 2) else 1
    crop_y = (2 if chroma_format == 1 else 1) * (2 - frame_mbs_only)
    width = width_mbs * 16 - crop_x * (crop[0] + crop[1])
    height = (2 - frame_mbs_only) * height_units * 16 - crop_y * (crop[2] + crop[3])
    if width <= 0 or height <= 0 or width > 16384 or height > 16384:
        raise FlvError(f"H.264 SPS gives an impossible picture size {width}x{height}")
    return Picture(width, height, _PROFILES.get(profile_idc, f"profile {profile_idc}"), level_idc)


class _Bits:
    """An MSB-first bit reader with Exp-Golomb codes; reading past the end is an FlvError."""

    def __init__(self, data: bytes) -> None:
        self._value = int.from_bytes(data, "big")
        self._left = len(data) * 8

    def read(self, count: int) -> int:
        if count > self._left:
            raise FlvError("H.264 SPS cut short")
        self._left -= count
        return (self._value >> self._left) & ((1 << count) - 1)

    def ue(self) -> int:
        zeros = 0
        while not self.read(1):
            zeros += 1
            if zeros > 31:
                raise FlvError("H.264 SPS has an overlong Exp-Golomb code")
        return (1 << zeros) - 1 + self.read(zeros)

    def se(self) -> int:
        code = self.ue()
        return (code + 1) // 2 if code % 2 else -(code // 2)


def _skip_scaling_list(bits: _Bits, size: int) -> None:
    last, following = 8, 8
    for _ in range(size):
        if following:
            following = (last + bits.se() + 256) % 256
        last = following or last


def _unescape(data: bytes) -> bytes:
    """The RBSP: emulation prevention bytes (00 00 03) removed."""
    return data.replace(b"\x00\x00\x03", b"\x00\x00")
