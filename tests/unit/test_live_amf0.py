"""AMF0 as RTMP commands carry it: what encoders send decodes, what the server sends encodes
back to the same values, and malformed bytes are refused with AmfError, never a crash."""

from __future__ import annotations

import pytest

from functions.live import amf0
from functions.live.amf0 import AmfError

# What ffmpeg 5.1 sends as its `connect` command (captured from a push to the service).
FFMPEG_CONNECT = bytes.fromhex(
    "020007636f6e6e656374003ff00000000000000300036170700200046c6976650004747970650200"
    "0a6e6f6e707269766174650008666c617368566572020024464d4c452f332e302028636f6d706174"
    "69626c653b204c61766635392e32372e313030290005746355726c02001b72746d703a2f2f313237"
    "2e302e302e313a31393335312f6c697665000009"
)


def test_a_real_connect_command_decodes() -> None:
    name, transaction, properties = amf0.decode_all(FFMPEG_CONNECT)
    assert name == "connect"
    assert transaction == 1.0
    assert properties["app"] == "live"
    assert properties["type"] == "nonprivate"
    assert properties["tcUrl"] == "rtmp://127.0.0.1:19351/live"


def test_values_round_trip() -> None:
    values = ["_result", 4, None, {"level": "status", "code": "x", "nested": {"ok": True}}, [1.5, "two"], False]
    assert amf0.decode_all(amf0.encode(*values)) == [
        "_result",
        4.0,
        None,
        {"level": "status", "code": "x", "nested": {"ok": True}},
        [1.5, "two"],
        False,
    ]


def test_long_strings_use_the_long_marker() -> None:
    text = "k" * 70_000
    encoded = amf0.encode(text)
    assert encoded[0] == amf0.LONG_STRING
    assert amf0.decode_all(encoded) == [text]


def test_ecma_arrays_decode_as_objects() -> None:
    # onMetaData is an ECMA array: a count, then properties ending like an object.
    body = bytes([amf0.ECMA_ARRAY]) + (2).to_bytes(4, "big")
    body += b"\x00\x05width" + amf0.encode(640) + b"\x00\x06height" + amf0.encode(360) + b"\x00\x00\x09"
    assert amf0.decode_all(amf0.encode("onMetaData") + body) == ["onMetaData", {"width": 640.0, "height": 360.0}]


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x3f\xf0",  # a number cut short
        b"\x02\x00\x10abc",  # a string longer than what follows
        b"\x03\x00\x01a\x00",  # an object cut inside a property
        b"\x11",  # AMF3 switch inside AMF0: not served
        b"\x0d",  # unsupported marker
        b"\x02\x00\x02\xff\xfe",  # not UTF-8
        b"\x0a\xff\xff\xff\xff",  # a strict array claiming 4 billion items
        b"\x03" * 100,  # objects nested far deeper than any command
    ],
)
def test_malformed_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(AmfError):
        amf0.decode_all(data)
