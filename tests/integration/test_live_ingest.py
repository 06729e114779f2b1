"""The live ingest against real encoders: ffmpeg pushes RTMP to the service on loopback, as OBS
would, and what a viewer and the replay would get is checked in the sink while it runs and
after. Every push is a few seconds of 640x360; every wait has a deadline."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from functions.live import amf0, rtmp
from functions.live.ports import (
    DURATION_EXCEEDED,
    LATENCY_SMALL,
    LIVE_ENDED,
    PUBLISHED,
    WAITING_FOR_LIVE,
    DirectorySink,
    LiveTarget,
    Refusal,
    SessionRecord,
)
from functions.live.server import RtmpServer
from functions.live.service import LiveService
from functions.live.settings import LiveSettings

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed"),
]

KEY, VIDEO = "3f0c1b0e-key-of-the-live", "7d1c9e2a-0000-4000-8000-000000000001"
PERMANENT_KEY, PERMANENT_VIDEO = "permanent-key", "7d1c9e2a-0000-4000-8000-000000000002"
DIRECTORY = f"streaming-playlists/hls/{VIDEO}"
DEADLINE = 30.0


@dataclass
class Ingest:
    """The service on a free loopback port, on its own event loop in a thread."""

    port: int
    sink: Path
    service: LiveService
    server: RtmpServer
    states: list[tuple[str, int]] = field(default_factory=list)
    sessions: list[SessionRecord] = field(default_factory=list)

    def url(self, key: str = KEY) -> str:
        return f"rtmp://127.0.0.1:{self.port}/live/{key}"

    def path(self, name: str, video: str = VIDEO) -> Path:
        return self.sink / "streaming-playlists" / "hls" / video / name

    def wait_for(self, what: str, condition: Callable[[], bool], timeout: float = DEADLINE) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"still waiting for {what} after {timeout:.0f} s"
            time.sleep(0.1)


@contextmanager
def ingest(tmp_path: Path, hand_over_seconds: float = 0.0, **overrides: Any) -> Iterator[Ingest]:
    defaults: dict[str, Any] = {
        "resolutions": (),
        "transcoding": False,
        "reconnect_window": 0.0,
        "end_delay": 0.5,
        "preset": "ultrafast",
        "threads": 1,
        "work_dir": tmp_path / "work",
    }
    settings = replace(LiveSettings(), **{**defaults, **overrides})
    targets = {
        KEY: LiveTarget(VIDEO, DIRECTORY, latency_mode=LATENCY_SMALL),
        PERMANENT_KEY: LiveTarget(
            PERMANENT_VIDEO, f"streaming-playlists/hls/{PERMANENT_VIDEO}", permanent=True, latency_mode=LATENCY_SMALL
        ),
    }
    states: list[tuple[str, int]] = []
    sessions: list[SessionRecord] = []

    async def authorise(stream_key: str) -> LiveTarget | Refusal:
        return targets.get(stream_key) or Refusal("unknown stream key")

    async def on_state(video_id: str, state: int) -> None:
        states.append((video_id, state))

    async def on_session_end(session: SessionRecord) -> None:
        await asyncio.sleep(hand_over_seconds)  # the replay taking the segments
        sessions.append(session)

    sink = tmp_path / "sink"
    service = LiveService(
        settings, authorise=authorise, on_state=on_state, sink=DirectorySink(sink), on_session_end=on_session_end
    )
    server = RtmpServer(service)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    port = _free_port()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start("127.0.0.1", port))
        started.set()
        loop.run_forever()
        loop.run_until_complete(server.stop())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10), "the ingest did not start"
    try:
        yield Ingest(port, sink, service, server, states, sessions)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(DEADLINE)


def push(
    url: str,
    seconds: float,
    *,
    video: str | None = "libx264",
    audio: bool = True,
    size: str = "640x360",
    background: bool = False,
) -> subprocess.Popen[bytes]:
    """ffmpeg as an encoder: a test pattern and a tone at real-time speed, a keyframe a second."""
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re"]
    if video:
        argv += ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30"]
    if audio:
        argv += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"]
    argv += ["-t", str(seconds)]
    if video == "libx264":
        argv += ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-pix_fmt", "yuv420p"]
    elif video:
        argv += ["-c:v", video]
    if audio:
        argv += ["-c:a", "aac", "-b:a", "64k"]
    process = subprocess.Popen([*argv, "-f", "flv", url], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if not background:
        process.wait(seconds + DEADLINE)
    return process


def finished(process: subprocess.Popen[bytes], seconds: float = DEADLINE) -> int:
    return process.wait(seconds)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ffmpeg_decodes(master: Path) -> list[dict[str, Any]]:
    """The live's streams as a player sees them, and 3 s of every variant decoded."""
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "json", str(master)],
        capture_output=True,
        timeout=DEADLINE,
        check=True,
    )
    decode = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-i", str(master), "-map", "0", "-t", "3", "-f", "null", "-"],
        capture_output=True,
        timeout=DEADLINE,
        check=False,
    )
    assert decode.returncode == 0, decode.stderr.decode()
    streams: list[dict[str, Any]] = json.loads(probe.stdout)["streams"]
    return streams


def _sequences(playlist: Path) -> list[str]:
    return [line for line in playlist.read_text().splitlines() if line.endswith(".ts")]


# The stream, transcoded, while it runs and after.


def test_a_push_is_transcoded_to_the_ladder_and_playable_while_live(tmp_path: Path) -> None:
    with ingest(tmp_path, transcoding=True, resolutions=(240,)) as live:
        encoder = push(live.url(), 10, background=True)
        live.wait_for("the live to be playable", lambda: live.states == [(VIDEO, PUBLISHED)])
        assert live.path("master.m3u8").exists()
        streams = _ffmpeg_decodes(live.path("master.m3u8"))
        pictures = sorted((s["width"], s["height"]) for s in streams if s["codec_name"] == "h264")
        assert pictures == [(426, 240), (640, 360)]
        assert sum(1 for s in streams if s["codec_name"] == "aac") == 2
        assert finished(encoder) == 0
        live.wait_for("the session's end", lambda: len(live.sessions) == 1)
        first_playable = live.service.metrics.first_playable_seconds

    assert live.states == [(VIDEO, PUBLISHED), (VIDEO, LIVE_ENDED)]
    (session,) = live.sessions
    assert session.connections == 1
    assert session.error is None
    assert [(r.width, r.height) for r in session.renditions] == [(640, 360), (426, 240)]
    assert 0 < first_playable[0] < 10
    master = live.path("master.m3u8").read_text()
    # What ffmpeg wrote: x264's ultrafast (the tests' preset) makes Constrained Baseline.
    assert 'CODECS="avc1.42e01e,mp4a.40.2"' in master
    assert master.index("RESOLUTION=640x360") < master.index("RESOLUTION=426x240")
    hashes = json.loads(live.path("segments-sha256.json").read_text())
    for rendition in session.renditions:
        # 10 s in 2 s segments (small latency), every one kept for the replay.
        assert len(rendition.segments) >= 5
        assert [s.sequence for s in rendition.segments] == list(range(len(rendition.segments)))
        assert all(1.9 < s.duration < 2.1 for s in rendition.segments[:-1])
        for segment in rendition.segments:
            assert _sha256(live.path(segment.name)) == segment.sha256 == hashes[segment.name]
        playlist = live.path(f"{rendition.index}.m3u8").read_text()
        assert playlist.endswith("#EXT-X-ENDLIST\n")
        assert "#EXT-X-TARGETDURATION:2\n" in playlist
    assert not (tmp_path / "work" / session.session_id).exists()  # work files removed


def test_without_transcoding_the_stream_is_cut_at_its_keyframes(tmp_path: Path) -> None:
    with ingest(tmp_path) as live:
        assert finished(push(live.url(), 6)) == 0
        live.wait_for("the session's end", lambda: len(live.sessions) == 1)
    (rendition,) = live.sessions[0].renditions
    assert (rendition.width, rendition.height) == (640, 360)
    streams = _ffmpeg_decodes(live.path("master.m3u8"))
    assert {s["codec_name"] for s in streams} == {"h264", "aac"}


# Refusals: before any media, and of media that is not a live's.


def test_a_wrong_key_is_refused_before_any_media(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "cirrus.live")
    with ingest(tmp_path) as live:
        started = time.monotonic()
        assert finished(push(live.url("not-a-key"), 5)) != 0
        assert time.monotonic() - started < 4  # refused at publish, not after the stream
        assert live.service.metrics.refused == 1
    assert live.states == [] and live.sessions == []
    assert not live.sink.exists()
    assert "unknown stream key" in caplog.text
    assert "not-a-key" not in caplog.text  # stream keys are secrets: never logged


def test_the_encoder_is_told_why_it_is_refused(tmp_path: Path) -> None:
    with ingest(tmp_path) as live:
        connection, status = rtmp_publish(live.port, "not-a-key")
        with connection:
            assert status == {
                "level": "error",
                "code": "NetStream.Publish.BadName",
                "description": "unknown stream key",
            }
            assert _closed(connection, 5)
        connection, status = rtmp_publish(live.port, KEY)
        with connection:
            assert status["code"] == "NetStream.Publish.Start"


def test_a_silent_encoder_is_replaced_by_the_one_coming_back(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # The encoder's network dropped without the server noticing; it reconnects at once.
    caplog.set_level(logging.INFO, "cirrus.live")
    with ingest(tmp_path, idle_timeout=6.0) as live:
        stale, status = rtmp_publish(live.port, KEY)
        with stale:
            assert status["code"] == "NetStream.Publish.Start"
            assert finished(push(live.url(), 2)) != 0  # just published: still the live's encoder
            time.sleep(3.5)
            assert finished(push(live.url(), 4)) == 0  # silent past half the idle timeout: replaced
            assert _closed(stale, 2)
            live.wait_for("the session's end", lambda: len(live.sessions) == 1)
    assert "replaced by a new connection after" in caplog.text
    assert live.states == [(VIDEO, PUBLISHED), (VIDEO, LIVE_ENDED)]


def test_a_second_encoder_on_a_live_key_is_refused(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "cirrus.live")
    with ingest(tmp_path) as live:
        first = push(live.url(), 9, background=True)
        live.wait_for("the live to be playable", lambda: live.states == [(VIDEO, PUBLISHED)])
        assert finished(push(live.url(), 3)) != 0
        assert finished(first) == 0  # the live in place goes on
        live.wait_for("the session's end", lambda: len(live.sessions) == 1)
    assert "this live already has an encoder connected" in caplog.text
    assert live.sessions[0].connections == 1
    assert live.states == [(VIDEO, PUBLISHED), (VIDEO, LIVE_ENDED)]


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"video": None}, "audio-only stream (AAC, no video after 3 s): a live needs H.264 video"),
        ({"video": "flv"}, "video codec Sorenson H.263 is not H.264"),
        ({"size": "1280x720"}, "picture 1280x720 is over this instance's limit of 480p"),
    ],
    ids=["audio-only", "not-h264", "over-max-resolution"],
)
def test_streams_that_are_not_a_lives_are_refused_with_their_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, options: dict[str, Any], reason: str
) -> None:
    caplog.set_level(logging.INFO, "cirrus.live")
    with ingest(tmp_path, max_resolution=480) as live:
        assert finished(push(live.url(), 6, **options)) != 0
        assert live.service.live_count == 0
    assert reason in caplog.text
    assert live.states == [] and live.sessions == []


def test_a_live_over_its_maximum_duration_is_cut(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "cirrus.live")
    with ingest(tmp_path, max_duration=3.0, reconnect_window=30.0) as live:
        started = time.monotonic()
        assert finished(push(live.url(), 12)) != 0
        assert time.monotonic() - started < 9
        live.wait_for("the session's end", lambda: len(live.sessions) == 1)
    (session,) = live.sessions
    assert session.error == DURATION_EXCEEDED  # ended at once, not after the reconnect window
    assert "the live reached its maximum of 3 s" in caplog.text
    assert live.states[-1] == (VIDEO, LIVE_ENDED)


def test_the_instances_maximum_duration_told_with_the_key_wins(tmp_path: Path) -> None:
    """The administrator's `live.maxDuration` comes with each key's answer (it may have changed
    since the ingest started): it overrides the service's own setting."""
    with ingest(tmp_path, max_duration=-1, reconnect_window=30.0) as live:
        live.service.authorise = _only(LiveTarget(VIDEO, DIRECTORY, latency_mode=LATENCY_SMALL, max_duration=3.0))
        started = time.monotonic()
        assert finished(push(live.url(), 12)) != 0
        assert time.monotonic() - started < 9
        live.wait_for("the session's end", lambda: len(live.sessions) == 1)
    assert live.sessions[0].error == DURATION_EXCEEDED


def test_connections_are_capped_and_must_publish_in_time(tmp_path: Path) -> None:
    with ingest(tmp_path, max_connections=2, handshake_timeout=1.0) as live:
        idle = [socket.create_connection(("127.0.0.1", live.port), timeout=5) for _ in range(2)]
        live.wait_for("two connections", lambda: len(live.server.connections) == 2, 5)
        with socket.create_connection(("127.0.0.1", live.port), timeout=5) as third:
            assert _closed(third, 2)  # over the cap: closed at once
        started = time.monotonic()
        for connection in idle:
            assert _closed(connection, 5)  # never published: closed after the handshake timeout
            connection.close()
        assert time.monotonic() - started < 3
        with socket.create_connection(("127.0.0.1", live.port), timeout=5) as garbage:
            garbage.sendall(b"GET / HTTP/1.1\r\n" + bytes(2000))
            assert _closed(garbage, 2)
        assert live.server.refused_connections == 1


def rtmp_publish(port: int, key: str) -> tuple[socket.socket, dict[str, Any]]:
    """A bare encoder: handshake, connect, createStream, publish; the server's onStatus."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    connection.sendall(bytes((3,)) + bytes(rtmp.HANDSHAKE_SIZE))
    reply = b""
    while len(reply) < 1 + 2 * rtmp.HANDSHAKE_SIZE:
        reply += connection.recv(8192)
    connection.sendall(reply[1 : 1 + rtmp.HANDSHAKE_SIZE])  # C2 echoes S1
    commands = [
        (0, amf0.encode("connect", 1, {"app": "live", "tcUrl": f"rtmp://127.0.0.1:{port}/live"})),
        (0, amf0.encode("createStream", 2, None)),
        (1, amf0.encode("publish", 0, None, key, "live")),
    ]
    for stream_id, payload in commands:
        connection.sendall(rtmp.encode_message(3, rtmp.COMMAND_AMF0, payload, stream_id=stream_id, chunk_size=128))
    decoder = rtmp.ChunkDecoder()
    leftover = reply[1 + 2 * rtmp.HANDSHAKE_SIZE :]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for message in decoder.feed(leftover):
            values = amf0.decode_all(message.payload) if message.type_id == rtmp.COMMAND_AMF0 else []
            if values and values[0] == "onStatus":
                return connection, values[3]
        leftover = connection.recv(8192)
    raise AssertionError("no onStatus within 5 s")


def _closed(connection: socket.socket, timeout: float) -> bool:
    connection.settimeout(timeout)
    try:
        while connection.recv(4096):
            pass
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return True


# The reconnect window.


def test_an_encoder_back_within_the_window_continues_the_session(tmp_path: Path) -> None:
    with ingest(tmp_path, reconnect_window=6.0) as live:
        dropped = push(live.url(), 30, background=True)
        live.wait_for("the live to be playable", lambda: live.states == [(VIDEO, PUBLISHED)])
        time.sleep(3)
        dropped.send_signal(signal.SIGKILL)  # the connection drops: no goodbye
        finished(dropped)
        time.sleep(1.5)
        assert live.sessions == []  # past PeerTube's 2 s, still waiting
        assert finished(push(live.url(), 5)) == 0
        live.wait_for("the session's end", lambda: len(live.sessions) == 1, DEADLINE)
    (session,) = live.sessions
    assert session.connections == 2
    assert live.states == [(VIDEO, PUBLISHED), (VIDEO, LIVE_ENDED)]
    (rendition,) = session.renditions
    sequences = [s.sequence for s in rendition.segments]
    assert sequences == list(range(len(sequences)))
    breaks = [s.sequence for s in rendition.segments if s.discontinuity]
    assert len(breaks) == 1 and 0 < breaks[0] < sequences[-1]
    lines = live.path("0.m3u8").read_text().splitlines()
    after_marker = lines[lines.index("#EXT-X-DISCONTINUITY") :]
    assert next(line for line in after_marker if line.endswith(".ts")) == f"{session.segment_tag}-0-{breaks[0]:06d}.ts"
    hashes = json.loads(live.path("segments-sha256.json").read_text())
    for segment in rendition.segments:
        assert _sha256(live.path(segment.name)) == segment.sha256 == hashes[segment.name]


def test_an_encoder_that_stops_publishing_ends_the_session_without_waiting_for_the_window(tmp_path: Path) -> None:
    """A streamer's "stop" (ffmpeg and OBS send FCUnpublish and deleteStream) ends the live
    after PeerTube's short delay: the window is for connections that drop without a word."""
    with ingest(tmp_path, reconnect_window=60.0) as live:
        assert finished(push(live.url(), 4)) == 0
        live.wait_for("the session's end", lambda: len(live.sessions) == 1, 10.0)
    assert live.states == [(VIDEO, PUBLISHED), (VIDEO, LIVE_ENDED)]


def test_an_encoder_back_after_the_window_starts_a_new_session(tmp_path: Path) -> None:
    with ingest(tmp_path, reconnect_window=1.0) as live:
        assert finished(push(live.url(PERMANENT_KEY), 5)) == 0
        live.wait_for("the first session's end", lambda: len(live.sessions) == 1)
        assert finished(push(live.url(PERMANENT_KEY), 5)) == 0
        live.wait_for("the second session's end", lambda: len(live.sessions) == 2)
    first, second = live.sessions
    assert first.session_id != second.session_id
    assert first.connections == second.connections == 1
    assert second.renditions[0].segments[0].sequence == 0
    assert not any(s.discontinuity for s in second.renditions[0].segments)
    # Sequences start again, names do not: a segment name is never written twice.
    assert first.segment_tag != second.segment_tag
    assert not {s.name for s in first.renditions[0].segments} & {s.name for s in second.renditions[0].segments}
    # A permanent live waits for its next session instead of ending.
    assert live.states == [(PERMANENT_VIDEO, state) for state in (PUBLISHED, WAITING_FOR_LIVE) * 2]


def test_a_permanent_lives_next_session_waits_for_the_replay_to_take_the_last(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The next session writes the same playlists: it may not start while the last session
    # is being handed over.
    caplog.set_level(logging.INFO, "cirrus.live")
    with ingest(tmp_path, hand_over_seconds=4.0) as live:
        assert finished(push(live.url(PERMANENT_KEY), 4)) == 0
        live.wait_for("the session's end", lambda: (PERMANENT_VIDEO, WAITING_FOR_LIVE) in live.states)
        assert finished(push(live.url(PERMANENT_KEY), 3)) != 0
        live.wait_for("the hand-over", lambda: len(live.sessions) == 1)
        assert finished(push(live.url(PERMANENT_KEY), 4)) == 0
        live.wait_for("the second session's end", lambda: len(live.sessions) == 2)
    assert "the live's previous session is still being saved" in caplog.text


def _listening_receiver(tmp_path: Path, name: str) -> tuple[str, subprocess.Popen[bytes], Path]:
    """Another platform's ingest: ffmpeg listening for one RTMP push, keeping what it gets."""
    port = _free_port()
    out = tmp_path / f"{name}.flv"
    url = f"rtmp://127.0.0.1:{port}/app/{name}-key"
    process = subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-listen", "1", "-timeout", "30", "-f", "flv", "-i", url,
         "-c", "copy", "-y", str(out)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(0.5)  # listening long before the relay comes (it waits for the stream's check)
    return url, process, out


def test_a_live_is_pushed_on_to_its_simulcast_targets_and_a_bad_one_harms_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Beyond PeerTube: the stream goes on, as it came, to every target the owner listed; a
    target on a private address is refused before any connection, a dead one is given up, and
    neither holds back the live or the other target."""
    caplog.set_level(logging.INFO, logger="cirrus.live")
    url, receiver, received = _listening_receiver(tmp_path, "other")
    dead = f"rtmp://127.0.0.1:{_free_port()}/app/dead-key"
    private = "rtmp://10.1.2.3/app/private-key"
    with ingest(tmp_path, allow_loopback=True) as live:
        target = LiveTarget(VIDEO, DIRECTORY, latency_mode=LATENCY_SMALL, simulcast=(url, dead, private))
        live.service.authorise = _only(target)
        encoder = push(live.url(), seconds=6)
        assert finished(encoder) == 0
        live.wait_for("the session's end", lambda: len(live.sessions) == 1)
    assert receiver.wait(timeout=DEADLINE) == 0, receiver.stderr.read() if receiver.stderr else b""
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_type", "-of", "json", str(received)],
        capture_output=True, check=True, text=True,
    )  # fmt: skip
    found = json.loads(probe.stdout)
    assert sorted(stream["codec_type"] for stream in found["streams"]) == ["audio", "video"]
    assert float(found["format"]["duration"]) > 5.0
    assert live.sessions[0].error is None, "the live itself went well"
    assert (live.states[0][1], live.states[-1][1]) == (PUBLISHED, LIVE_ENDED)
    logs = caplog.text
    assert "simulcast to rtmp://10.1.2.3:1935/app stopped: 10.1.2.3 resolves to a private address" in logs
    assert "simulcast to rtmp://127.0.0.1" in logs and "connecting to 127.0.0.1" in logs
    assert "private-key" not in logs and "dead-key" not in logs and "other-key" not in logs, "keys stay secret"


def _only(target: LiveTarget) -> Callable[[str], Any]:
    async def authorise(stream_key: str) -> LiveTarget | Refusal:
        return target if stream_key == KEY else Refusal("unknown stream key")

    return authorise
