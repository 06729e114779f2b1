"""The real-time channel over moto: what $connect, $default and $disconnect store, who a publish
reaches, PeerTube's namespace rules, caps, hostile frames, gone connections and the pinger.

Pushes go through a recording pusher installed with `use_ports` (the port's other side, API
Gateway's management API, is tested at the end: moto records post_to_connection but never
answers 410, so botocore's Stubber plays API Gateway for that one answer)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import realtime_protocol as rp
from chalicelib.api import realtime
from chalicelib.domain import realtime as rules
from chalicelib.store import keys
from chalicelib.store import realtime as store
from chalicelib.store.models import RealtimeConnection, RealtimeMember
from functions.realtime.handler import handle_schedule, handle_websocket
from local.lambda_runtime import LocalLambdaContext
from tests.members import Member
from tests.video_seed import add_video

CONTEXT = LocalLambdaContext("realtime", 512, 30, "us-east-1")


class RecordingPusher:
    """Frames per connection; connections in `gone` answer as API Gateway's 410 does."""

    def __init__(self) -> None:
        self.frames: dict[str, list[str]] = {}
        self.gone: set[str] = set()
        self.closed: list[str] = []

    def post(self, connection_id: str, frame: str) -> bool:
        if connection_id in self.gone:
            return False
        self.frames.setdefault(connection_id, []).append(frame)
        return True

    def close(self, connection_id: str) -> None:
        self.closed.append(connection_id)

    def take(self, connection_id: str) -> list[str]:
        return self.frames.pop(connection_id, [])


class ImmediateDeferrer:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def defer(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        handle_websocket(event, CONTEXT)


@pytest.fixture
def pushes(aws: None) -> Iterator[RecordingPusher]:
    pusher = RecordingPusher()
    store.use_ports(pusher, ImmediateDeferrer())
    yield pusher
    store.reset()


def event(route: str, connection_id: str, **extra: Any) -> dict[str, Any]:
    """The event API Gateway sends a WebSocket route's Lambda proxy integration."""
    return {
        "requestContext": {
            "routeKey": route,
            "eventType": {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE"),
            "connectionId": connection_id,
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "stage": "live",
        },
        "isBase64Encoded": False,
        **extra,
    }


def open_connection(pushes: RecordingPusher, connection_id: str, token: str | None = None) -> dict[str, Any]:
    query = {"EIO": "4", "transport": "websocket"}
    if token is not None:
        query["accessToken"] = token
    result = handle_websocket(event("$connect", connection_id, queryStringParameters=query), CONTEXT)
    assert result == {"statusCode": 200}
    (opening,) = pushes.take(connection_id)
    assert opening[0] == rp.OPEN
    document: dict[str, Any] = json.loads(opening[1:])
    return document


def say(connection_id: str, frame: str) -> None:
    assert handle_websocket(event("$default", connection_id, body=frame), CONTEXT) == {"statusCode": 200}


def join(pushes: RecordingPusher, connection_id: str, namespace: str, auth: dict[str, Any] | None = None) -> str:
    say(connection_id, f"40{namespace}," + (json.dumps(auth) if auth is not None else ""))
    (reply,) = pushes.take(connection_id)
    return reply


def connection_item(connection_id: str) -> RealtimeConnection | None:
    return store.get_connection(connection_id, datetime.now(UTC))


def members(room: str) -> list[str]:
    return sorted(store.room_members(room, datetime.now(UTC)))


# --- $connect and the open packet -------------------------------------------------------------


def test_connect_stores_the_connection_with_its_ttl_and_sends_the_open_packet(pushes: RecordingPusher) -> None:
    before = datetime.now(UTC)
    opening = open_connection(pushes, "c1")

    assert opening["upgrades"] == []
    assert (opening["pingInterval"], opening["pingTimeout"]) == (realtime.PING_INTERVAL_MS, realtime.PING_TIMEOUT_MS)
    item = connection_item("c1")
    assert item is not None
    assert item.sid == opening["sid"] and item.user_id is None and item.token_error is None
    assert before + timedelta(hours=2) < item.expires_at < datetime.now(UTC) + timedelta(hours=2, minutes=6)
    assert item.gsi1pk == keys.realtime_shard_gsi1pk(store.shard_of("c1"))


@pytest.mark.parametrize(
    "query",
    [{}, {"EIO": "3", "transport": "websocket"}, {"EIO": "4", "transport": "polling"}, {"EIO": "4"}],
)
def test_connect_refuses_other_protocols_and_transports(pushes: RecordingPusher, query: dict[str, str]) -> None:
    result = handle_websocket(event("$connect", "c1", queryStringParameters=query or None), CONTEXT)

    assert result == {"statusCode": 400}
    assert connection_item("c1") is None
    assert pushes.frames == {}


def test_the_open_packet_waits_until_api_gateway_takes_it(pushes: RecordingPusher, monkeypatch: Any) -> None:
    """API Gateway answers 410 to pushes while $connect is still running: the deferred push
    tries again, then gives up, forgets the connection and closes it."""
    monkeypatch.setattr(realtime, "OPEN_RETRY_DELAYS", (0.0, 0.0, 0.0))
    refusals = iter([False, True])
    posted: list[str] = []

    class Connecting(RecordingPusher):
        def post(self, connection_id: str, frame: str) -> bool:
            ok = next(refusals, True)
            if ok:
                posted.append(frame)
            return ok

    store.use_ports(Connecting(), ImmediateDeferrer())
    handle_websocket(event("$connect", "c1", queryStringParameters={"EIO": "4", "transport": "websocket"}), CONTEXT)
    assert len(posted) == 1 and posted[0].startswith('0{"sid"')

    never = RecordingPusher()
    never.gone.add("c2")
    store.use_ports(never, ImmediateDeferrer())
    handle_websocket(event("$connect", "c2", queryStringParameters={"EIO": "4", "transport": "websocket"}), CONTEXT)
    assert connection_item("c2") is None
    assert never.closed == ["c2"]


# --- /live-videos --------------------------------------------------------------------------------


def test_subscriptions_reach_exactly_the_subscribed_connections(pushes: RecordingPusher, people: Any) -> None:
    alice: Member = people["alice"]
    first = add_video(alice.account_id, alice.channel_id, "first live")
    second = add_video(alice.account_id, alice.channel_id, "second live")
    for connection_id in ("a", "b", "c"):
        open_connection(pushes, connection_id)
        assert join(pushes, connection_id, "/live-videos").startswith('40/live-videos,{"sid":')
    say("a", f'42/live-videos,["subscribe",{{"videoId":{first.id}}}]')
    say("b", f'42/live-videos,["subscribe",{{"videoId":"{second.uuid}"}}]')  # by UUID, beyond PeerTube

    delivered = store.publish_to_video(int(first.id), "state-change", {"state": 1})
    store.publish_to_video(int(second.id), "views-change", {"viewers": 3})
    store.publish_to_video(int(second.id), "force-end")

    assert delivered == store.Delivery(1, 0)
    assert pushes.take("a") == ['42/live-videos,["state-change",{"state":1}]']
    assert pushes.take("b") == ['42/live-videos,["views-change",{"viewers":3}]', '42/live-videos,["force-end"]']
    assert pushes.take("c") == []
    member = RealtimeMember.get(keys.realtime_room_pk(store.video_room(int(first.id))), "a")
    item = connection_item("a")
    assert item is not None and member.expires_at == item.expires_at
    assert item.rooms == {store.video_room(int(first.id))}


def test_unsubscribe_and_disconnect_remove_the_items(pushes: RecordingPusher, people: Any) -> None:
    alice: Member = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "live")
    room = store.video_room(int(video.id))
    for connection_id in ("a", "b"):
        open_connection(pushes, connection_id)
        join(pushes, connection_id, "/live-videos")
        say(connection_id, f'42/live-videos,["subscribe",{{"videoId":{video.id}}}]')
    assert members(room) == ["a", "b"]

    say("a", f'42/live-videos,["unsubscribe",{{"videoId":"{video.id}"}}]')
    assert members(room) == ["b"]
    item = connection_item("a")
    assert item is not None and not item.rooms

    handle_websocket(event("$disconnect", "b"), CONTEXT)
    assert members(room) == []
    assert connection_item("b") is None
    assert [i.pk for i in RealtimeMember.query(keys.realtime_room_pk(room))] == []


def test_a_subscription_needs_the_right_to_see_the_video(pushes: RecordingPusher, people: Any) -> None:
    alice: Member = people["alice"]
    bob: Member = people["bob"]
    private = add_video(alice.account_id, alice.channel_id, "private live", privacy=3)
    unlisted = add_video(alice.account_id, alice.channel_id, "unlisted live", privacy=2)
    room = store.video_room(int(private.id))
    open_connection(pushes, "anonymous")
    open_connection(pushes, "bob", bob.token)
    open_connection(pushes, "owner", alice.token)
    for connection_id in ("anonymous", "bob", "owner"):
        join(pushes, connection_id, "/live-videos")
        say(connection_id, f'42/live-videos,["subscribe",{{"videoId":{private.id}}}]')
        say(connection_id, f'42/live-videos,["subscribe",{{"videoId":{unlisted.id}}}]')

    assert members(room) == ["owner"]
    assert members(store.video_room(int(unlisted.id))) == ["anonymous", "bob", "owner"]


@pytest.mark.parametrize(
    "params",
    [
        '{"videoId":999999}',
        '{"videoId":"nope"}',
        '{"videoId":true}',
        '{"videoId":[1]}',
        '{"videoId":"' + "9" * 5000 + '"}',
        "{}",
        '"12"',
        "12",
    ],
)
def test_bad_subscriptions_are_ignored(pushes: RecordingPusher, params: str) -> None:
    open_connection(pushes, "a")
    join(pushes, "a", "/live-videos")

    say("a", f'42/live-videos,["subscribe",{params}]')

    item = connection_item("a")
    assert item is not None and not item.rooms
    assert pushes.closed == []


def test_subscriptions_per_connection_are_capped(pushes: RecordingPusher, people: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(realtime, "MAX_ROOMS", 3)
    alice: Member = people["alice"]
    videos = [add_video(alice.account_id, alice.channel_id, f"live {n}") for n in range(5)]
    open_connection(pushes, "a")
    join(pushes, "a", "/live-videos")

    for video in videos:
        say("a", f'42/live-videos,["subscribe",{{"videoId":{video.id}}}]')
    say("a", f'42/live-videos,["subscribe",{{"videoId":{videos[0].id}}}]')  # again: no new room

    item = connection_item("a")
    assert item is not None and item.rooms == {store.video_room(int(v.id)) for v in videos[:3]}
    assert [members(store.video_room(int(v.id))) for v in videos] == [["a"], ["a"], ["a"], [], []]


def test_events_of_a_namespace_not_joined_are_dropped(pushes: RecordingPusher, people: Any) -> None:
    alice: Member = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "live")
    open_connection(pushes, "a")

    say("a", f'42/live-videos,["subscribe",{{"videoId":{video.id}}}]')
    assert members(store.video_room(int(video.id))) == []

    join(pushes, "a", "/live-videos")
    say("a", "41/live-videos,")  # left again
    say("a", f'42/live-videos,["subscribe",{{"videoId":{video.id}}}]')
    assert members(store.video_room(int(video.id))) == []


# --- /user-notifications and /runners ---------------------------------------------------------------


def test_user_notifications_take_the_handshake_token(pushes: RecordingPusher, people: Any) -> None:
    alice: Member = people["alice"]
    bob: Member = people["bob"]
    open_connection(pushes, "alice-1", alice.token)
    open_connection(pushes, "alice-2", alice.token)
    open_connection(pushes, "bob", bob.token)
    for connection_id in ("alice-1", "alice-2", "bob"):
        assert join(pushes, connection_id, "/user-notifications").startswith('40/user-notifications,{"sid":')
    item = connection_item("alice-1")
    assert item is not None

    delivered = store.publish_to_user(int(item.user_id), "new-notification", {"id": 7, "type": 1, "read": False})

    assert delivered == store.Delivery(2, 0)
    expected = ['42/user-notifications,["new-notification",{"id":7,"type":1,"read":false}]']
    assert pushes.take("alice-1") == pushes.take("alice-2") == expected
    assert pushes.take("bob") == []


def test_user_notifications_refuse_missing_and_bad_tokens(pushes: RecordingPusher, people: Any) -> None:
    open_connection(pushes, "none")
    open_connection(pushes, "bad", "0" * 40)

    assert join(pushes, "none", "/user-notifications") == (
        '44/user-notifications,{"message":"No access token provided"}'
    )
    assert join(pushes, "bad", "/user-notifications") == '44/user-notifications,{"message":"Invalid access token."}'
    assert join(pushes, "none", "/user-notifications", {"accessToken": 12}) == (
        '44/user-notifications,{"message":"Access token is invalid"}'
    )
    for connection_id in ("none", "bad"):
        item = connection_item(connection_id)
        assert item is not None and not item.namespaces and not item.rooms


def test_user_notifications_take_a_token_in_auth_too(pushes: RecordingPusher, people: Any) -> None:
    alice: Member = people["alice"]
    open_connection(pushes, "a")

    assert join(pushes, "a", "/user-notifications", {"accessToken": alice.token}).startswith("40/user-notifications,")
    item = connection_item("a")
    assert item is not None and item.user_id is not None
    assert store.publish_to_user(int(item.user_id), "new-notification", {"id": 1}).delivered == 1


def test_runners_need_a_known_runner_token(pushes: RecordingPusher, monkeypatch: Any) -> None:
    monkeypatch.setattr(rules, "_runner_lookups", [])
    for connection_id in ("r1", "r2"):
        open_connection(pushes, connection_id)
    assert join(pushes, "r1", "/runners") == '44/runners,{"message":"No runner token provided"}'
    assert join(pushes, "r1", "/runners", {"runnerToken": 5}) == '44/runners,{"message":"Runner token is invalid"}'
    assert join(pushes, "r1", "/runners", {"runnerToken": "ptrt-1"}) == '44/runners,{"message":"Invalid runner token."}'

    rules.register_runner_lookup(lambda token: "gpu-box" if token == "ptrt-1" else None)
    assert join(pushes, "r1", "/runners", {"runnerToken": "ptrt-1"}).startswith('40/runners,{"sid":')
    assert join(pushes, "r2", "/runners", {"runnerToken": "ptrt-2"}) == '44/runners,{"message":"Invalid runner token."}'

    assert store.publish_to_runners("available-jobs") == store.Delivery(1, 0)
    assert pushes.take("r1") == ['42/runners,["available-jobs"]']
    assert pushes.take("r2") == []


def test_unknown_namespaces_are_refused(pushes: RecordingPusher) -> None:
    open_connection(pushes, "a")
    assert join(pushes, "a", "/admin") == '44/admin,{"message":"Invalid namespace"}'
    say("a", "40")
    assert pushes.take("a")[0].startswith('40{"sid":')


# --- Hostile frames, gone connections, pings ---------------------------------------------------------


@pytest.mark.parametrize(
    "frame",
    [
        "",
        "x",
        "0{}",
        "4",
        "44/live-videos,{}",
        '451-["a"]',
        "40/live-videos,[",
        "4" + "9" * 9000,
        "42" + "[" * 4000,
        "\ud800",
    ],
)
def test_a_bad_frame_closes_the_connection_and_raises_nothing(pushes: RecordingPusher, frame: str) -> None:
    open_connection(pushes, "a")

    say("a", frame)

    assert pushes.closed == ["a"]
    assert pushes.take("a") == []


def test_a_binary_frame_closes_the_connection(pushes: RecordingPusher) -> None:
    open_connection(pushes, "a")
    handle_websocket(event("$default", "a", body="AAEC", isBase64Encoded=True), CONTEXT)
    assert pushes.closed == ["a"]


def test_frames_from_an_unknown_connection_close_it(pushes: RecordingPusher) -> None:
    say("ghost", "40/live-videos,")
    assert pushes.closed == ["ghost"]


def test_pongs_and_client_close(pushes: RecordingPusher) -> None:
    open_connection(pushes, "a")
    say("a", "3")
    assert pushes.closed == [] and pushes.take("a") == []
    say("a", "1")
    assert pushes.closed == ["a"]


def test_a_publish_forgets_gone_connections(pushes: RecordingPusher, people: Any) -> None:
    alice: Member = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "live")
    other = add_video(alice.account_id, alice.channel_id, "other live")
    for connection_id in ("here", "gone"):
        open_connection(pushes, connection_id)
        join(pushes, connection_id, "/live-videos")
        say(connection_id, f'42/live-videos,["subscribe",{{"videoId":{video.id}}}]')
    say("gone", f'42/live-videos,["subscribe",{{"videoId":{other.id}}}]')
    pushes.gone.add("gone")

    assert store.publish_to_video(int(video.id), "state-change", {"state": 5}) == store.Delivery(1, 1)

    assert connection_item("gone") is None
    assert members(store.video_room(int(video.id))) == ["here"]
    assert members(store.video_room(int(other.id))) == []  # every room of the gone connection


def test_the_pinger_pings_every_connection_and_forgets_the_gone(pushes: RecordingPusher) -> None:
    ids = [f"conn-{n}" for n in range(40)]
    for connection_id in ids:
        open_connection(pushes, connection_id)
    assert len({store.shard_of(connection_id) for connection_id in ids}) > 8
    pushes.gone.update(ids[:3])

    assert handle_schedule({}, CONTEXT) == {"pinged": 37, "gone": 3}

    assert all(pushes.take(connection_id) == ["2"] for connection_id in ids[3:])
    assert [connection_item(connection_id) for connection_id in ids[:3]] == [None, None, None]


def test_expired_connections_are_neither_pinged_nor_told(pushes: RecordingPusher, people: Any) -> None:
    alice: Member = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "live")
    open_connection(pushes, "old")
    join(pushes, "old", "/live-videos")
    say("old", f'42/live-videos,["subscribe",{{"videoId":{video.id}}}]')
    later = datetime.now(UTC) + store.CONNECTION_LIFETIME + timedelta(minutes=1)

    assert store.ping_all(later) == store.Delivery(0, 0)
    assert store.publish(store.video_room(int(video.id)), "2", later) == store.Delivery(0, 0)
    assert pushes.take("old") == []


def test_a_subscription_costs_a_constant_number_of_calls(
    pushes: RecordingPusher, people: Any, dynamodb_calls: Any
) -> None:
    alice: Member = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "live")
    open_connection(pushes, "a", alice.token)
    join(pushes, "a", "/live-videos")
    dynamodb_calls.clear()

    say("a", f'42/live-videos,["subscribe",{{"videoId":{video.id}}}]')

    # the connection, its user, the video; the room on the connection, the membership
    assert dict(dynamodb_calls) == {"GetItem": 3, "UpdateItem": 1, "PutItem": 1}


# --- The port's AWS side: API Gateway's management API ------------------------------------------------


ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/live"


def test_api_gateway_pusher_posts_to_the_connection(aws: None) -> None:
    from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends

    pusher = store.ApiGatewayPusher(ENDPOINT)

    assert pusher.post("conn-1", '42/live-videos,["force-end"]')

    backend = apigatewaymanagementapi_backends["123456789012"]["us-east-1"]
    assert backend.connections["conn-1"].data == b'42/live-videos,["force-end"]'


def test_api_gateway_pusher_reads_410_as_gone(aws: None) -> None:
    from botocore.stub import Stubber

    pusher = store.ApiGatewayPusher(ENDPOINT)
    client = pusher._client
    with Stubber(client) as stub:
        stub.add_client_error("post_to_connection", "GoneException", http_status_code=410)
        stub.add_response("post_to_connection", {}, {"ConnectionId": "c2", "Data": b"2"})
        stub.add_client_error("delete_connection", "GoneException", http_status_code=410)
        assert pusher.post("c1", "2") is False
        assert pusher.post("c2", "2") is True
        pusher.close("c1")  # already gone: nothing to do
        stub.assert_no_pending_responses()


def test_api_gateway_pusher_lets_other_errors_through(aws: None) -> None:
    from botocore.exceptions import ClientError
    from botocore.stub import Stubber

    pusher = store.ApiGatewayPusher(ENDPOINT)
    with Stubber(pusher._client) as stub:
        stub.add_client_error("post_to_connection", "LimitExceededException", http_status_code=429)
        with pytest.raises(ClientError):
            pusher.post("c1", "2")


def test_the_configured_endpoint_builds_the_pusher(aws: None, monkeypatch: Any) -> None:
    from chalicelib.config import get_settings

    store.reset()
    assert store.pusher() is None  # no WebSocket API: publishing reaches nobody, quietly
    monkeypatch.setenv("CIRRUS_REALTIME_ENDPOINT", ENDPOINT)
    get_settings.cache_clear()
    try:
        assert isinstance(store.pusher(), store.ApiGatewayPusher)
    finally:
        store.reset()
        get_settings.cache_clear()
