"""RTMP's chunk stream: messages come out whole whatever the chunking, header formats and
read boundaries; limits on what a peer can make the server hold are enforced."""

from __future__ import annotations

import struct

import pytest

from functions.live import rtmp
from functions.live.rtmp import ChunkDecoder, Message, RtmpError


def _chunk(fmt: int, csid: int, header: bytes, body: bytes) -> bytes:
    return bytes(((fmt << 6) | csid,)) + header + body


def _type0(csid: int, timestamp: int, length: int, type_id: int, stream_id: int) -> bytes:
    return timestamp.to_bytes(3, "big") + length.to_bytes(3, "big") + bytes((type_id,)) + struct.pack("<I", stream_id)


def test_handshake_reply_echoes_c1_with_a_version_zero_s1() -> None:
    c1 = bytes(range(256)) * 6
    reply = rtmp.handshake_reply(bytes((3,)) + c1)
    assert len(reply) == 1 + 2 * rtmp.HANDSHAKE_SIZE
    assert reply[0] == 3
    assert reply[1:9] == bytes(8)  # time 0, version 0: clients skip the digest check
    assert reply[1 + rtmp.HANDSHAKE_SIZE :] == c1


def test_other_versions_are_refused() -> None:
    with pytest.raises(RtmpError, match="version 6"):
        rtmp.handshake_reply(bytes((6,)) + bytes(rtmp.HANDSHAKE_SIZE))


def test_a_message_split_over_chunks_comes_out_whole() -> None:
    payload = bytes(range(200)) + bytes(100)
    encoded = rtmp.encode_message(4, rtmp.VIDEO, payload, stream_id=1, timestamp=40, chunk_size=128)
    messages = ChunkDecoder().feed(encoded)
    assert messages == [Message(rtmp.VIDEO, 1, 40, payload)]


def test_byte_by_byte_reads_give_the_same_messages() -> None:
    stream = b"".join(
        rtmp.encode_message(4 + i % 2, rtmp.AUDIO, bytes([i]) * (50 + 37 * i), stream_id=1, timestamp=i * 23)
        for i in range(10)
    )
    decoder = ChunkDecoder()
    decoder.chunk_size = 4096
    whole = ChunkDecoder()
    whole.chunk_size = 4096
    one_by_one = [message for byte in stream for message in decoder.feed(bytes((byte,)))]
    assert one_by_one == whole.feed(stream)
    assert len(one_by_one) == 10


def test_header_formats_carry_timestamps_forward() -> None:
    body = b"x" * 10
    stream = (
        _chunk(0, 6, _type0(6, 1000, 10, rtmp.VIDEO, 1), body)  # absolute 1000
        + _chunk(1, 6, (33).to_bytes(3, "big") + (10).to_bytes(3, "big") + bytes((rtmp.VIDEO,)), body)  # +33
        + _chunk(2, 6, (34).to_bytes(3, "big"), body)  # +34
        + _chunk(3, 6, b"", body)  # +34 again
    )
    stamps = [message.timestamp for message in ChunkDecoder().feed(stream)]
    assert stamps == [1000, 1033, 1067, 1101]


def test_a_type_3_message_after_a_type_0_repeats_its_timestamp_as_delta() -> None:
    body = b"y" * 4
    stream = _chunk(0, 4, _type0(4, 20, 4, rtmp.AUDIO, 1), body) + _chunk(3, 4, b"", body)
    assert [m.timestamp for m in ChunkDecoder().feed(stream)] == [20, 40]


def test_extended_timestamps_also_on_continuation_chunks() -> None:
    stamp = 0x01234567
    payload = bytes(300)
    encoded = rtmp.encode_message(4, rtmp.VIDEO, payload, stream_id=1, timestamp=stamp, chunk_size=128)
    decoder = ChunkDecoder()
    assert decoder.feed(encoded) == [Message(rtmp.VIDEO, 1, stamp, payload)]


def test_interleaved_chunk_streams() -> None:
    audio = bytes(200)
    video = bytes(range(256))
    a = rtmp.encode_message(4, rtmp.AUDIO, audio, stream_id=1, timestamp=5, chunk_size=128)
    v = rtmp.encode_message(6, rtmp.VIDEO, video, stream_id=1, timestamp=7, chunk_size=128)
    # Audio's first chunk, video's first chunk, audio's rest, video's rest.
    stream = a[:140] + v[:140] + a[140:] + v[140:]
    messages = ChunkDecoder().feed(stream)
    assert {m.type_id: m.payload for m in messages} == {rtmp.AUDIO: audio, rtmp.VIDEO: video}


def test_set_chunk_size_applies_to_the_rest_of_the_same_read() -> None:
    big = bytes(range(256)) * 4
    stream = rtmp.encode_message(2, rtmp.SET_CHUNK_SIZE, struct.pack(">I", 4096), chunk_size=128)
    stream += rtmp.encode_message(4, rtmp.VIDEO, big, stream_id=1, chunk_size=4096)
    decoder = ChunkDecoder()
    messages = decoder.feed(stream)
    assert decoder.chunk_size == 4096
    assert messages[-1].payload == big


def test_abort_drops_a_partial_message() -> None:
    decoder = ChunkDecoder()
    partial = rtmp.encode_message(4, rtmp.VIDEO, bytes(300), stream_id=1, chunk_size=128)[:140]
    abort = rtmp.encode_message(2, rtmp.ABORT, struct.pack(">I", 4))
    fresh = rtmp.encode_message(4, rtmp.VIDEO, b"new", stream_id=1, timestamp=9)
    assert decoder.feed(partial + abort)[-1].type_id == rtmp.ABORT
    assert decoder.feed(fresh) == [Message(rtmp.VIDEO, 1, 9, b"new")]


def test_a_message_over_the_limit_is_refused_from_its_header() -> None:
    decoder = ChunkDecoder(max_message_bytes=1000)
    header = _chunk(0, 4, _type0(4, 0, 5000, rtmp.VIDEO, 1), b"")
    with pytest.raises(RtmpError, match="over the limit"):
        decoder.feed(header)


@pytest.mark.parametrize("fmt", [1, 2, 3])
def test_a_chunk_stream_must_begin_with_a_full_header(fmt: int) -> None:
    with pytest.raises(RtmpError, match="began with a type"):
        ChunkDecoder().feed(_chunk(fmt, 9, bytes((11, 7, 3, 0)[fmt]), b""))


def test_a_new_message_cannot_interrupt_one_in_progress() -> None:
    partial = rtmp.encode_message(4, rtmp.VIDEO, bytes(300), stream_id=1, chunk_size=128)[:140]
    again = _chunk(0, 4, _type0(4, 0, 3, rtmp.VIDEO, 1), b"abc")
    with pytest.raises(RtmpError, match="before the last one"):
        ChunkDecoder().feed(partial + again)


def test_chunk_streams_are_bounded() -> None:
    stream = b"".join(
        bytes((0, csid - 64)) + _type0(0, 0, 200, rtmp.VIDEO, 1) + bytes(100)
        for csid in range(64, 64 + rtmp.MAX_OPEN_CHUNK_STREAMS + 1)
    )
    with pytest.raises(RtmpError, match="too many chunk streams"):
        ChunkDecoder(chunk_size=100).feed(stream)


def test_two_and_three_byte_chunk_stream_ids() -> None:
    one = bytes((0x00, 10)) + _type0(0, 1, 2, rtmp.AUDIO, 1) + b"ab"  # csid 74
    two = bytes((0x01, 0x10, 0x01)) + _type0(0, 2, 2, rtmp.AUDIO, 1) + b"cd"  # csid 64 + 16 + 256
    assert [m.payload for m in ChunkDecoder().feed(one + two)] == [b"ab", b"cd"]
