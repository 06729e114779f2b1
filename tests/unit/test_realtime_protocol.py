"""Engine.IO v4 / Socket.IO v5 packets: what socket.io-client sends decodes, what the server
sends is what socket.io-client reads, and hostile frames raise ProtocolError and nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib import realtime_protocol as rp
from chalicelib.realtime_protocol import EnginePacket, ProtocolError, SocketPacket


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ("2", EnginePacket(rp.PING)),
        ("3", EnginePacket(rp.PONG)),
        ("1", EnginePacket(rp.CLOSE)),
        ("5", EnginePacket(rp.UPGRADE)),
        ("6", EnginePacket(rp.NOOP)),
        ("3probe", EnginePacket(rp.PONG, "probe")),
        ('40/live-videos,{"a":1}', EnginePacket(rp.MESSAGE, '0/live-videos,{"a":1}')),
    ],
)
def test_engine_packets_a_client_sends(frame: str, expected: EnginePacket) -> None:
    assert rp.decode_engine(frame) == expected


def test_the_open_packet_is_what_socket_io_client_reads() -> None:
    frame = rp.encode_open("abc", 300_000, 240_000, 8192)
    assert frame[0] == "0"
    assert json.loads(frame[1:]) == {
        "sid": "abc",
        "upgrades": [],
        "pingInterval": 300_000,
        "pingTimeout": 240_000,
        "maxPayload": 8192,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # socket.io-client's CONNECT to a namespace, without and with `auth`.
        ("0/live-videos,", SocketPacket(rp.CONNECT, "/live-videos")),
        ('0/runners,{"runnerToken":"x"}', SocketPacket(rp.CONNECT, "/runners", {"runnerToken": "x"})),
        ("0", SocketPacket(rp.CONNECT)),
        ('0{"token":"t"}', SocketPacket(rp.CONNECT, "/", {"token": "t"})),
        ("1/live-videos,", SocketPacket(rp.DISCONNECT, "/live-videos")),
        (
            '2/live-videos,["subscribe",{"videoId":12}]',
            SocketPacket(rp.EVENT, "/live-videos", ["subscribe", {"videoId": 12}]),
        ),
        ('2/live-videos,7["subscribe",{}]', SocketPacket(rp.EVENT, "/live-videos", ["subscribe", {}], 7)),
        ('2["hello"]', SocketPacket(rp.EVENT, "/", ["hello"])),
        ('3/x,12["ok"]', SocketPacket(rp.ACK, "/x", ["ok"], 12)),
    ],
)
def test_socket_packets_a_client_sends(text: str, expected: SocketPacket) -> None:
    assert rp.decode_socket(text) == expected


def test_an_event_names_itself() -> None:
    packet = rp.decode_socket('2/live-videos,["subscribe",{"videoId":3},"more"]')
    assert packet.event_name == "subscribe"
    assert packet.event_args == [{"videoId": 3}, "more"]


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        (rp.connect_ok("/live-videos", "s1"), '40/live-videos,{"sid":"s1"}'),
        (rp.connect_ok("/", "s1"), '40{"sid":"s1"}'),
        (
            rp.connect_error("/user-notifications", "No access token provided"),
            '44/user-notifications,{"message":"No access token provided"}',
        ),
        (rp.event("/live-videos", "state-change", {"state": 1}), '42/live-videos,["state-change",{"state":1}]'),
        (rp.event("/live-videos", "force-end"), '42/live-videos,["force-end"]'),
        (rp.event("/", "x", "é"), '42["x","é"]'),
        (rp.disconnect("/runners"), "41/runners,"),
        (rp.encode_engine(rp.PING), "2"),
    ],
)
def test_server_frames(frame: str, expected: str) -> None:
    assert frame == expected


def test_what_the_server_encodes_decodes_back() -> None:
    packet = SocketPacket(rp.EVENT, "/user-notifications", ["new-notification", {"id": 5, "read": False}])
    frame = rp.encode_socket(packet)
    assert rp.decode_socket(rp.decode_engine(frame).data) == packet


@pytest.mark.parametrize(
    "frame",
    [
        "",
        "7",
        "x",
        "0{}",  # only a server opens
        "٣",  # a digit of another script
        b"2",  # binary frames
        "4" + "x" * rp.MAX_FRAME_CHARS,  # over the cap
    ],
)
def test_hostile_engine_frames_are_refused(frame: Any) -> None:
    with pytest.raises(ProtocolError):
        rp.decode_engine(frame)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x",
        '٢["a"]',
        "9",
        "7",
        '4/x,{"message":"forged"}',  # CONNECT_ERROR is the server's
        '51-["a",{"_placeholder":true,"num":0}]',  # binary event
        "6/x,1[]",  # binary ack
        "0/a b,",  # namespace with a space
        "0/" + "a" * 64 + ",",  # namespace too long
        "0/x,[1]",  # CONNECT payload not an object
        "0/x,{",  # broken JSON
        '0/x,{"a":NaNx}',
        "1/x,{}",  # DISCONNECT with a payload
        "2/x,",  # EVENT without payload
        "2/x,{}",  # EVENT payload not a list
        "2/x,[]",  # EVENT without a name
        "2/x,[1]",  # EVENT name not a string
        '2/x,1234567890["a"]',  # ack id too long
        "0/x,12{}",  # ack id on a CONNECT
        "3/x,[1]",  # ACK without id
        "2" + "[" * 5000 + "]" * 5000,  # nesting deep enough to exhaust the stack
    ],
)
def test_hostile_socket_packets_are_refused(text: str) -> None:
    with pytest.raises(ProtocolError):
        rp.decode_socket(text)


def test_no_frame_crashes_the_decoder_with_anything_but_a_protocol_error() -> None:
    """Every prefix of valid frames, and every single character, decodes or is refused."""
    samples = ['42/live-videos,7["subscribe",{"videoId":12}]', '40/runners,{"runnerToken":"abc"}', "3", "41/x,"]
    frames = {sample[:i] for sample in samples for i in range(len(sample) + 1)}
    frames |= {chr(c) for c in range(0, 0x300)} | {"4" + chr(c) for c in range(0, 0x300)}
    for frame in frames:
        try:
            packet = rp.decode_engine(frame)
            if packet.type == rp.MESSAGE:
                rp.decode_socket(packet.data)
        except ProtocolError:
            pass
