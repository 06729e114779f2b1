"""Real-time connections and pushes to them (WS1-WS9 in docs/data-model.md).

A socket.io connection is a `RealtimeConnection` item; each room it joins (PeerTube's: a live
video's, a user's notifications, the runners') is a `RealtimeMember` item in that room's
partition. Publishing is one Query of the room and one push per member; a connection the
push finds gone (API Gateway's 410) is forgotten on the spot, items and all.

Pushes go through a `Pusher`: API Gateway's management API on AWS (`post_to_connection`),
the local gateway's open websockets under `make run` (local/realtime.py installs it with
`use_ports`). Frames that must wait until a connection is established (the Engine.IO open
packet: API Gateway refuses pushes during $connect) go through a `Deferrer`: an
asynchronous invocation of the realtime function itself on AWS, the local gateway's accept
under `make run`.

The domain-facing API is `publish_to_video`, `publish_to_user` and `publish_to_runners`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import size

from chalicelib import realtime_protocol
from chalicelib.store import keys
from chalicelib.store.models import RealtimeConnection, RealtimeMember

log = logging.getLogger("cirrus.realtime")

# PeerTube's namespaces (server/core/lib/peertube-socket.ts).
LIVE_VIDEOS = "/live-videos"
USER_NOTIFICATIONS = "/user-notifications"
RUNNERS = "/runners"

# API Gateway closes every WebSocket connection after two hours; its items outlive that a
# little, for a $disconnect that never ran (DynamoDB deletes expired items within days, and
# readers skip them before).
CONNECTION_LIFETIME = timedelta(hours=2, minutes=5)
# Connections are spread over this many partitions of gsi1 for the pinger (WS8).
SHARDS = 16
# Pushes to a room run this many at once (each post_to_connection is a round trip).
PUSH_WORKERS = 16


def video_room(video_id: int) -> str:
    """A live video's room, named after its numeric id as PeerTube's are."""
    return f"{LIVE_VIDEOS}#{video_id}"


def user_room(user_id: int) -> str:
    return f"{USER_NOTIFICATIONS}#{user_id}"


RUNNERS_ROOM = RUNNERS


# --- Ports -----------------------------------------------------------------------------------


class Pusher(Protocol):
    def post(self, connection_id: str, frame: str) -> bool:
        """Send one text frame; False when the connection is gone (API Gateway's 410)."""

    def close(self, connection_id: str) -> None:
        """Close the connection (its $disconnect follows)."""


class Deferrer(Protocol):
    def defer(self, event: dict[str, Any]) -> None:
        """Have the realtime function handle `event` once the current invocation is over."""


class ApiGatewayPusher:
    """Pushes through API Gateway's management API, at the WebSocket API stage's endpoint."""

    def __init__(self, endpoint_url: str) -> None:
        from chalicelib import aws

        self._client = aws.apigateway_management(endpoint_url)

    def post(self, connection_id: str, frame: str) -> bool:
        try:
            self._client.post_to_connection(ConnectionId=connection_id, Data=frame.encode("utf-8"))
        except self._client.exceptions.GoneException:
            return False
        return True

    def close(self, connection_id: str) -> None:
        with contextlib.suppress(self._client.exceptions.GoneException):
            self._client.delete_connection(ConnectionId=connection_id)


class LambdaDeferrer:
    """An asynchronous invocation of the function running now (the realtime function)."""

    def defer(self, event: dict[str, Any]) -> None:
        import json

        from chalicelib import aws

        name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        aws.lambda_().invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps(event).encode())


@dataclass
class _Ports:
    pusher: Pusher | None = None
    deferrer: Deferrer | None = None


# A process cache of sorts: the ports in use, AWS's built on first use.
_ports = _Ports()


def use_ports(pusher: Pusher | None, deferrer: Deferrer | None) -> None:
    """Install the pushers of another front door (the local gateway, tests); None for AWS's."""
    _ports.pusher, _ports.deferrer = pusher, deferrer


def reset() -> None:
    use_ports(None, None)


def pusher() -> Pusher | None:
    """The pusher in use; None where no WebSocket API is configured (nobody can be connected)."""
    if _ports.pusher is None:
        from chalicelib.config import get_settings

        endpoint = get_settings().realtime_endpoint
        if endpoint:
            _ports.pusher = ApiGatewayPusher(endpoint)
    return _ports.pusher


def deferrer() -> Deferrer:
    if _ports.deferrer is None:
        _ports.deferrer = LambdaDeferrer()
    return _ports.deferrer


# --- Connections (WS1-WS4) -----------------------------------------------------------------


def expiry(now: datetime) -> datetime:
    return now + CONNECTION_LIFETIME


def shard_of(connection_id: str) -> int:
    return zlib.crc32(connection_id.encode()) % SHARDS


def save_connection(
    connection_id: str, sid: str, now: datetime, user_id: int | None = None, token_error: str | None = None
) -> RealtimeConnection:
    """WS1: a new connection, in its pinger shard."""
    connection = RealtimeConnection(
        keys.realtime_connection_pk(connection_id),
        keys.ENTITY_SK,
        connection_id=connection_id,
        sid=sid,
        connected_at=now,
        user_id=user_id,
        token_error=token_error,
        expires_at=expiry(now),
        gsi1pk=keys.realtime_shard_gsi1pk(shard_of(connection_id)),
        gsi1sk=connection_id,
    )
    connection.save()
    return connection


def get_connection(connection_id: str, now: datetime) -> RealtimeConnection | None:
    """WS2: a live connection by id (consistent: its namespaces and rooms were just written)."""
    try:
        connection = RealtimeConnection.get(
            keys.realtime_connection_pk(connection_id), keys.ENTITY_SK, consistent_read=True
        )
    except RealtimeConnection.DoesNotExist:
        return None
    if connection.expires_at is not None and connection.expires_at <= now:
        return None
    return connection


def join_namespace(connection: RealtimeConnection, namespace: str, limit: int) -> bool:
    """WS3: record a namespace the connection joined; False once it holds `limit` of them, or
    when the connection is gone meanwhile."""
    return _add_to_set(connection, RealtimeConnection.namespaces, namespace, limit)


def set_user(connection: RealtimeConnection, user_id: int) -> None:
    """WS3: the connection's user, known from a token sent after the handshake."""
    connection.update(actions=[RealtimeConnection.user_id.set(user_id)], condition=RealtimeConnection.pk.exists())


def leave_namespace(connection: RealtimeConnection, namespace: str) -> None:
    """WS3 undone, with the rooms of that namespace (WS5)."""
    rooms = [room for room in connection.rooms or () if room_namespace(room) == namespace]
    for room in rooms:
        leave_room(connection, room)
    _remove_from_set(connection, RealtimeConnection.namespaces, namespace)


def room_namespace(room: str) -> str:
    return room.split("#", 1)[0]


def forget_connection(connection_id: str) -> RealtimeConnection | None:
    """WS4: the connection and its memberships, whatever the order things happened in: one
    DeleteItem that returns what it deleted, then the rooms it had joined."""
    response = RealtimeConnection._get_connection().delete_item(
        keys.realtime_connection_pk(connection_id), keys.ENTITY_SK, return_values="ALL_OLD"
    )
    attributes = response.get("Attributes")
    if not attributes:
        return None
    connection = RealtimeConnection.from_raw_data(attributes)
    rooms = sorted(connection.rooms or ())
    if rooms:
        with RealtimeMember.batch_write() as batch:
            for room in rooms:
                batch.delete(RealtimeMember(keys.realtime_room_pk(room), connection_id))
    return connection


# --- Rooms (WS5-WS7) -----------------------------------------------------------------------------


def join_room(connection: RealtimeConnection, room: str, limit: int) -> bool:
    """WS5: the connection joins a room (at most `limit` rooms per connection): the room is
    recorded on the connection first, so that forgetting the connection always finds it."""
    if not _add_to_set(connection, RealtimeConnection.rooms, room, limit):
        return False
    RealtimeMember(
        keys.realtime_room_pk(room),
        connection.connection_id,
        connection_id=connection.connection_id,
        expires_at=connection.expires_at,
    ).save()
    return True


def leave_room(connection: RealtimeConnection, room: str) -> None:
    """WS6: the membership first, then the record of it on the connection."""
    RealtimeMember(keys.realtime_room_pk(room), connection.connection_id).delete()
    _remove_from_set(connection, RealtimeConnection.rooms, room)


def room_members(room: str, now: datetime) -> Iterator[str]:
    """WS7: the connections in a room (one Query per 1 MB page), expired ones left out."""
    for member in RealtimeMember.query(keys.realtime_room_pk(room)):
        if member.expires_at is None or member.expires_at > now:
            yield member.connection_id


def _add_to_set(connection: RealtimeConnection, attribute: Any, value: str, limit: int) -> bool:
    current = set(getattr(connection, attribute.attr_name) or ())
    if value in current:
        return True
    room_left = attribute.does_not_exist() | (size(attribute) < limit)  # type: ignore[no-untyped-call]
    try:
        connection.update(
            actions=[attribute.add({value})],
            condition=RealtimeConnection.pk.exists() & (room_left | attribute.contains(value)),
        )
    except UpdateError as exc:
        if _condition_failed(exc):
            return False
        raise
    return True


def _remove_from_set(connection: RealtimeConnection, attribute: Any, value: str) -> None:
    try:
        connection.update(actions=[attribute.delete({value})], condition=RealtimeConnection.pk.exists())
    except UpdateError as exc:
        if not _condition_failed(exc):
            raise


def _condition_failed(exc: Exception) -> bool:
    cause = getattr(exc, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


# --- Pushes (WS7-WS9) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    delivered: int
    gone: int


def send(connection_id: str, frames: Iterable[str]) -> bool:
    """Push frames to one connection, in order; a gone connection is forgotten (WS4)."""
    port = pusher()
    if port is None:
        return False
    for frame in frames:
        if not port.post(connection_id, frame):
            forget_connection(connection_id)
            return False
    return True


def close(connection_id: str) -> None:
    port = pusher()
    if port is not None:
        port.close(connection_id)


def publish(room: str, frame: str, now: datetime | None = None) -> Delivery:
    """Push one frame to every connection in a room (WS7), several at a time; the gone ones
    are forgotten afterwards (WS4), by this thread."""
    now = now or datetime.now(UTC)
    members = list(room_members(room, now))
    if not members:
        return Delivery(0, 0)
    port = pusher()
    if port is None:
        log.warning("no realtime endpoint configured: %d connections in %s not told", len(members), room)
        return Delivery(0, 0)

    def post(connection_id: str) -> bool:
        return port.post(connection_id, frame)

    if len(members) == 1:
        results = [post(members[0])]
    else:
        with ThreadPoolExecutor(max_workers=min(PUSH_WORKERS, len(members))) as pool:
            results = list(pool.map(post, members))
    gone = [connection_id for connection_id, ok in zip(members, results, strict=True) if not ok]
    for connection_id in gone:
        forget_connection(connection_id)
    return Delivery(len(members) - len(gone), len(gone))


def publish_to_video(video_id: int, event: str, payload: Any = None) -> Delivery:
    """PeerTube's `/live-videos` events to the video's subscribers: `state-change {state}`,
    `views-change {viewers}`, `force-end` (no payload)."""
    args = () if payload is None else (payload,)
    return publish(video_room(video_id), realtime_protocol.event(LIVE_VIDEOS, event, *args))


def publish_to_user(user_id: int, event: str, payload: Any = None) -> Delivery:
    """PeerTube's `/user-notifications` events (`new-notification` with the notification)."""
    args = () if payload is None else (payload,)
    return publish(user_room(user_id), realtime_protocol.event(USER_NOTIFICATIONS, event, *args))


def publish_to_runners(event: str, payload: Any = None) -> Delivery:
    """PeerTube's `/runners` events (`available-jobs`, no payload) to every connected runner."""
    args = () if payload is None else (payload,)
    return publish(RUNNERS_ROOM, realtime_protocol.event(RUNNERS, event, *args))


def connections_in_shard(shard: int, now: datetime) -> Iterator[RealtimeConnection]:
    """WS8: every live connection of one pinger shard (Query gsi1, 1 per MB)."""
    for connection in RealtimeConnection.by_gsi1.query(keys.realtime_shard_gsi1pk(shard)):
        if isinstance(connection, RealtimeConnection) and (
            connection.expires_at is None or connection.expires_at > now
        ):
            yield connection


def ping_all(now: datetime | None = None) -> Delivery:
    """WS9: an Engine.IO ping to every connection (the server pings in Engine.IO v4, and a
    Lambda only runs when something happens: a schedule does it). Gone ones are forgotten."""
    now = now or datetime.now(UTC)
    port = pusher()
    if port is None:
        return Delivery(0, 0)
    ping = realtime_protocol.encode_engine(realtime_protocol.PING)
    delivered = gone = 0
    for shard in range(SHARDS):
        ids = [connection.connection_id for connection in connections_in_shard(shard, now)]
        if not ids:
            continue
        with ThreadPoolExecutor(max_workers=min(PUSH_WORKERS, len(ids))) as pool:
            results = list(pool.map(lambda connection_id: port.post(connection_id, ping), ids))
        for connection_id, ok in zip(ids, results, strict=True):
            if ok:
                delivered += 1
            else:
                gone += 1
                forget_connection(connection_id)
    return Delivery(delivered, gone)
