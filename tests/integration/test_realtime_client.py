"""socket.io-client (the library PeerTube's clients use) against the local gateway's
`/socket.io/` over a real loopback websocket, the realtime function and moto behind it:
namespaces, subscriptions, publishes, PeerTube's refusals, and the ping timing it lives by."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.api import realtime
from chalicelib.store import realtime as store
from tests.members import Member
from tests.socketio_client import SocketIoClient, needs_socketio_client, socketio_client
from tests.video_seed import add_video

pytestmark = needs_socketio_client()


@pytest.fixture
def gateway(aws: None, tmp_path: Path) -> Iterator[str]:
    """The local gateway with its real-time endpoint, served by uvicorn on loopback."""
    from functions.realtime.handler import handle_websocket
    from local.lambda_runtime import LocalFunction
    from local.realtime import LocalRealtime
    from tests.gateway_server import local_gateway

    endpoint = LocalRealtime(LocalFunction("realtime", handle_websocket))
    store.use_ports(endpoint, endpoint)
    try:
        with local_gateway(tmp_path, extra_routes=endpoint.routes()) as url:
            yield url
    finally:
        store.reset()


@pytest.fixture
def client() -> Iterator[SocketIoClient]:
    with socketio_client() as peer:
        yield peer


def test_a_live_subscriber_receives_the_state_changes(gateway: str, client: SocketIoClient, people: Any) -> None:
    alice: Member = people["alice"]
    live = add_video(alice.account_id, alice.channel_id, "a live", state=4)
    other = add_video(alice.account_id, alice.channel_id, "another live", state=4)
    client.open("viewer", f"{gateway}/live-videos")
    client.open("elsewhere", f"{gateway}/live-videos")
    client.expect_of("viewer", "connect")
    client.expect_of("elsewhere", "connect")
    # What PeerTube's web client sends (peertube-socket.service.ts): the numeric id.
    client.emit("viewer", "subscribe", {"videoId": int(live.id)})
    client.emit("elsewhere", "subscribe", {"videoId": int(other.id)})
    _wait_for_members(store.video_room(int(live.id)), 1)
    _wait_for_members(store.video_room(int(other.id)), 1)

    store.publish_to_video(int(live.id), "state-change", {"state": 1})
    store.publish_to_video(int(live.id), "views-change", {"viewers": 42})
    store.publish_to_video(int(live.id), "force-end")

    assert client.expect_of("viewer", "event")["args"] == [{"state": 1}]
    assert client.expect_of("viewer", "event") == {"id": "viewer", "type": "event", "event": "views-change",
                                                   "args": [{"viewers": 42}]}  # fmt: skip
    assert client.expect_of("viewer", "event")["event"] == "force-end"
    client.quiet_for(0.5, "elsewhere", "event")

    client.emit("viewer", "unsubscribe", {"videoId": int(live.id)})
    _wait_for_members(store.video_room(int(live.id)), 0)


def test_user_notifications_with_the_token_in_the_query(gateway: str, client: SocketIoClient, people: Any) -> None:
    alice: Member = people["alice"]
    # PeerTube's web client: io(apiUrl + '/user-notifications', { query: { accessToken } }).
    client.open("alice", f"{gateway}/user-notifications", query={"accessToken": alice.token})
    client.open("forger", f"{gateway}/user-notifications", query={"accessToken": "f" * 40})
    client.open("nobody", f"{gateway}/user-notifications")

    client.expect_of("alice", "connect")
    assert client.expect_of("forger", "connect_error")["message"] == "Invalid access token."
    assert client.expect_of("nobody", "connect_error")["message"] == "No access token provided"
    me = _user_id(people, "alice")
    _wait_for_members(store.user_room(me), 1)

    notification = {"id": 3, "type": 6, "read": False, "video": {"id": 1, "name": "done"}}
    assert store.publish_to_user(me, "new-notification", notification).delivered == 1

    message = client.expect_of("alice", "event")
    assert (message["event"], message["args"]) == ("new-notification", [notification])


def test_a_runner_is_told_of_available_jobs(
    gateway: str, client: SocketIoClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.domain import realtime as rules

    monkeypatch.setattr(rules, "_runner_lookups", [lambda token: "gpu" if token == "good" else None])
    # peertube-runner: io(url + '/runners', { auth: { runnerToken }, transports: ['websocket'] }).
    client.open("runner", f"{gateway}/runners", auth={"runnerToken": "good"})
    client.open("stranger", f"{gateway}/runners", auth={"runnerToken": "bad"})
    client.expect_of("runner", "connect")
    assert client.expect_of("stranger", "connect_error")["message"] == "Invalid runner token."
    _wait_for_members(store.RUNNERS_ROOM, 1)

    store.publish_to_runners("available-jobs")

    assert client.expect_of("runner", "event") == {"id": "runner", "type": "event", "event": "available-jobs",
                                                   "args": []}  # fmt: skip


def test_without_pings_the_client_gives_up_after_interval_plus_timeout(
    gateway: str, client: SocketIoClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What socket.io-client does with the open packet's figures (here scaled down 300 times):
    no ping for pingInterval + pingTimeout, and it closes with "ping timeout"."""
    monkeypatch.setattr(realtime, "PING_INTERVAL_MS", 1000)
    monkeypatch.setattr(realtime, "PING_TIMEOUT_MS", 800)
    client.open("idle", f"{gateway}/live-videos")
    client.expect_of("idle", "connect")
    started = time.monotonic()

    assert client.expect_of("idle", "disconnect", timeout=10)["reason"] == "ping timeout"

    waited = time.monotonic() - started
    assert 1.5 < waited < 3.5, waited


def test_the_pinger_keeps_the_client_connected(
    gateway: str, client: SocketIoClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pings at the schedule's rate (scaled down like the figures) keep it connected, and the
    client answers each with a pong (which keeps API Gateway's idle timer from firing)."""
    monkeypatch.setattr(realtime, "PING_INTERVAL_MS", 1000)
    monkeypatch.setattr(realtime, "PING_TIMEOUT_MS", 800)
    client.open("kept", f"{gateway}/live-videos")
    client.expect_of("kept", "connect")
    deadline = time.monotonic() + 5
    pings = 0
    while time.monotonic() < deadline:
        assert store.ping_all().delivered == 1
        client.expect_of("kept", "ping", timeout=5)
        pings += 1
        time.sleep(1.0)  # every interval, as the schedule does every PING_EVERY_MINUTES

    client.quiet_for(0.2, "kept", "disconnect")
    assert pings >= 4


def test_the_figures_leave_room_for_a_late_schedule() -> None:
    """Sweeps every PING_EVERY_MINUTES; the worst gap between two pings (a schedule late by up to
    a minute, a sweep of a couple of minutes) stays under the client's deadline, and API
    Gateway's idle timeout (10 minutes) never passes without a ping and its pong."""
    deadline_ms = realtime.PING_INTERVAL_MS + realtime.PING_TIMEOUT_MS
    worst_gap_ms = (realtime.PING_EVERY_MINUTES + 1 + 2) * 60_000
    assert worst_gap_ms < deadline_ms < 10 * 60_000
    from chalicelib.deploy_specs import schedule_specs

    (pinger,) = [spec for spec in schedule_specs() if spec.name == "pinger"]
    assert pinger.rate_minutes == realtime.PING_EVERY_MINUTES


def _wait_for_members(room: str, count: int, seconds: float = 10) -> None:
    """The client's subscribe is a message without an answer: wait until it is stored."""
    from datetime import UTC, datetime

    deadline = time.monotonic() + seconds
    while len(list(store.room_members(room, datetime.now(UTC)))) != count:
        assert time.monotonic() < deadline, f"{room} never had {count} members"
        time.sleep(0.05)


def _user_id(people: Any, name: str) -> int:
    from chalicelib.store import users

    user = users.find_user_by_login(name)
    assert user is not None
    return int(user.id)


def test_a_new_notification_arrives_live_as_the_list_shows_it(
    gateway: str, client: SocketIoClient, people: Any
) -> None:
    """The whole way: bob comments over HTTP, the work function makes alice's notification and
    pushes it; her socket.io-client on `/user-notifications` gets `new-notification` with the
    document her list then shows. Bob's socket hears nothing."""
    import json
    import urllib.request

    from tests.queue_runner import drain

    alice: Member = people["alice"]
    bob: Member = people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "watched live")
    client.open("alice", f"{gateway}/user-notifications", query={"accessToken": alice.token})
    client.open("bob", f"{gateway}/user-notifications", query={"accessToken": bob.token})
    client.expect_of("alice", "connect")
    client.expect_of("bob", "connect")
    _wait_for_members(store.user_room(_user_id(people, "alice")), 1)
    _wait_for_members(store.user_room(_user_id(people, "bob")), 1)

    def call(method: str, path: str, token: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{gateway}{path}", data=data, method=method)
        request.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read() or b"null")

    call("POST", f"/api/v1/videos/{video.uuid}/comment-threads", bob.token, {"text": "Live!"})
    drain("work")
    message = client.expect_of("alice", "event")
    assert message["event"] == "new-notification"
    (pushed,) = message["args"]
    listed = call("GET", "/api/v1/users/me/notifications", alice.token)["data"]
    assert pushed == listed[0]
    assert pushed["type"] == 2 and pushed["comment"]["account"]["name"] == "bob" and pushed["read"] is False
    client.quiet_for(0.5, "bob", "event")
