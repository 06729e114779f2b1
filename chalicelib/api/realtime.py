"""The socket.io server of PeerTube's real-time namespaces, one WebSocket event at a time.

API Gateway (on AWS) or the local gateway (under `make run`) turns each WebSocket event into
one call here: `connect` ($connect), `receive` ($default, one text frame) and `disconnect`.
No state lives in the process: the connection's item (store/realtime.py) holds its user,
namespaces and rooms, so any function instance can take the next frame.

The conversation, as socket.io-client v4 holds it over a WebSocket:

    client                                  server
    GET /socket.io/?EIO=4&transport=websocket[&accessToken=...]
                                            0{"sid":..,"upgrades":[],"pingInterval":..}  (deferred: see below)
    40/live-videos,                         40/live-videos,{"sid":..}
    42/live-videos,["subscribe",{"videoId":12}]
                                            42/live-videos,["state-change",{"state":1}]  (publish_to_video)
                                            2   (the pinger, every few minutes)
    3

API Gateway refuses pushes to a connection until its $connect has returned, and socket.io-
client says nothing before the open packet: so `connect` defers the open packet to an
invocation of its own (store/realtime.py `deferrer`), which sends it as soon as the connection
is up.

Engine.IO v4 has the server ping every `pingInterval` and the client give up when no ping
came `pingInterval + pingTimeout` after the last. A function runs only when something
happens, so pings come from a schedule (every `PING_EVERY_MINUTES`, store.ping_all) and the
open packet advertises intervals that such pings keep: docs/realtime.md has the figures.

Hostile input: every frame is decoded by chalicelib/realtime_protocol.py; a frame that does
not decode closes the connection (as socket.io does on a parse error), and nothing a client
sends raises out of here.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib import realtime_protocol as rp
from chalicelib.domain import realtime as rules
from chalicelib.errors import CirrusError
from chalicelib.store import realtime as store

if TYPE_CHECKING:
    from chalicelib.store.models import RealtimeConnection

log = logging.getLogger("cirrus.realtime")

# The schedule that pings every connection (template.yaml RealtimePingerFunction, and
# local/resources.py's ScheduleSpec): EventBridge's rates are whole minutes.
PING_EVERY_MINUTES = 5
# What the open packet advertises. The client closes the connection when no ping came for
# pingInterval + pingTimeout (9 min): one ping every 5 min, however late the schedule fires
# within its minute and however long a sweep takes, arrives well before; and the client's
# pong answers it, so that API Gateway (10 min idle timeout) never sees the connection idle.
PING_INTERVAL_MS = 300_000
PING_TIMEOUT_MS = 240_000
# Room and namespace caps per connection: PeerTube's client follows one live at a time.
MAX_ROOMS = 20
NAMESPACES = ("/", store.LIVE_VIDEOS, store.USER_NOTIFICATIONS, store.RUNNERS)
# The open packet's maxPayload: what a client may send in one frame.
MAX_PAYLOAD = rp.MAX_FRAME_CHARS
# Tries to push the deferred open packet while API Gateway finishes the handshake (~3 s).
OPEN_RETRY_DELAYS = (0.0, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6)
DEFERRED_KEY = "cirrusRealtime"
_VIDEO_ID = re.compile(r"^[0-9]{1,15}$")


@dataclass(frozen=True)
class Handshake:
    connection_id: str
    query: Mapping[str, str]


def connect(handshake: Handshake, now: datetime | None = None) -> int:
    """$connect: the HTTP status of the upgrade (200 accepts it)."""
    now = now or datetime.now(UTC)
    query = handshake.query
    # Engine.IO v4 only (socket.io-client 3 and 4), over WebSocket only: API Gateway cannot
    # hold HTTP long-polling.
    if query.get("EIO") != "4" or query.get("transport") != "websocket":
        return 400
    user_id: int | None = None
    token_error: str | None = None
    if "accessToken" in query:
        try:
            user_id = rules.user_for_access_token(query["accessToken"], now)
        except CirrusError as exc:
            token_error = exc.detail
    sid = secrets.token_urlsafe(15)
    store.save_connection(handshake.connection_id, sid, now, user_id, token_error)
    opening = rp.encode_open(sid, PING_INTERVAL_MS, PING_TIMEOUT_MS, MAX_PAYLOAD)
    store.deferrer().defer({DEFERRED_KEY: "send", "connectionId": handshake.connection_id, "frames": [opening]})
    return 200


def send_deferred(event: Mapping[str, Any]) -> None:
    """The deferred open packet: pushed as soon as API Gateway takes it. A connection still
    refused after the last try is closed, so that its client tries again."""
    connection_id = str(event.get("connectionId") or "")
    frames = [str(frame) for frame in event.get("frames") or []]
    port = store.pusher()
    if not connection_id or not frames or port is None:
        return
    for delay in OPEN_RETRY_DELAYS:
        time.sleep(delay)
        if port.post(connection_id, frames[0]):
            store.send(connection_id, frames[1:])
            return
    log.warning("realtime connection %s never took its open packet", connection_id)
    store.forget_connection(connection_id)
    port.close(connection_id)


def disconnect(connection_id: str) -> None:
    """$disconnect: the connection and its rooms are forgotten."""
    store.forget_connection(connection_id)


def receive(connection_id: str, frame: Any, now: datetime | None = None) -> None:
    """$default: one frame from the client. Never raises on what the client sent."""
    now = now or datetime.now(UTC)
    try:
        packet = rp.decode_engine(frame)
        if packet.type == rp.MESSAGE:
            _on_socket_packet(connection_id, rp.decode_socket(packet.data), now)
        elif packet.type == rp.CLOSE:
            store.close(connection_id)
        # A pong answers the pinger: nothing to do. Pings come from servers in v4, upgrades
        # and noops belong to long-polling: ignored.
    except rp.ProtocolError as exc:
        log.info("realtime connection %s sent a bad frame (%s): closed", connection_id, exc)
        store.close(connection_id)


def _on_socket_packet(connection_id: str, packet: rp.SocketPacket, now: datetime) -> None:
    connection = store.get_connection(connection_id, now)
    if connection is None:
        store.close(connection_id)
        return
    if packet.type == rp.CONNECT:
        _connect_namespace(connection, packet, now)
    elif packet.type == rp.DISCONNECT:
        if packet.namespace in (connection.namespaces or ()):
            store.leave_namespace(connection, packet.namespace)
    elif packet.type == rp.EVENT and _joined(connection, store.LIVE_VIDEOS, packet.namespace):
        _live_videos_event(connection, packet)
    # ACKs: no server event here asks for one.


def _joined(connection: RealtimeConnection, expected: str, namespace: str) -> bool:
    """socket.io drops packets for a namespace the socket is not connected to."""
    return namespace == expected and namespace in (connection.namespaces or ())


def _connect_namespace(connection: RealtimeConnection, packet: rp.SocketPacket, now: datetime) -> None:
    namespace = packet.namespace
    reply = _namespace_refusal(connection, packet, now)
    if reply is None:
        if not store.join_namespace(connection, namespace, len(NAMESPACES)):
            store.close(connection.connection_id)
            return
        room = _namespace_room(connection, namespace)
        if room is not None and not store.join_room(connection, room, MAX_ROOMS):
            reply = rp.connect_error(namespace, "Too many subscriptions")
        else:
            reply = rp.connect_ok(namespace, secrets.token_urlsafe(15))
    store.send(connection.connection_id, [reply])


def _namespace_refusal(connection: RealtimeConnection, packet: rp.SocketPacket, now: datetime) -> str | None:
    """The CONNECT_ERROR for a namespace the client may not join, None when it may."""
    namespace = packet.namespace
    auth = packet.data if isinstance(packet.data, dict) else {}
    if namespace not in NAMESPACES:
        return rp.connect_error(namespace, "Invalid namespace")
    try:
        if namespace == store.USER_NOTIFICATIONS and connection.user_id is None:
            if connection.token_error is not None:
                return rp.connect_error(namespace, connection.token_error)
            # Beyond PeerTube, for clients that keep tokens out of URLs: the token in `auth`.
            connection.user_id = rules.user_for_access_token(auth.get("accessToken"), now)
            store.set_user(connection, connection.user_id)
        elif namespace == store.RUNNERS:
            rules.runner_for_token(auth.get("runnerToken"))
    except CirrusError as exc:
        return rp.connect_error(namespace, exc.detail)
    return None


def _namespace_room(connection: RealtimeConnection, namespace: str) -> str | None:
    """The room a namespace puts the connection in at once: its user's, or the runners'."""
    if namespace == store.USER_NOTIFICATIONS and connection.user_id is not None:
        return store.user_room(int(connection.user_id))
    if namespace == store.RUNNERS:
        return store.RUNNERS_ROOM
    return None


def _live_videos_event(connection: RealtimeConnection, packet: rp.SocketPacket) -> None:
    """PeerTube's `subscribe` and `unsubscribe {videoId}`; anything else is ignored, as PeerTube
    does, and so is a subscription to a video the connection may not see."""
    if packet.event_name not in ("subscribe", "unsubscribe"):
        return
    params = packet.event_args[0] if packet.event_args else None
    if not isinstance(params, dict):
        return
    try:
        if packet.event_name == "subscribe":
            viewer = rules.viewer(int(connection.user_id) if connection.user_id is not None else None)
            video_id = rules.video_to_follow(params.get("videoId"), viewer, params.get("videoPassword"))
            if not store.join_room(connection, store.video_room(video_id), MAX_ROOMS):
                log.info("realtime connection %s: subscription cap reached", connection.connection_id)
        else:
            room = _subscribed_room(connection, params.get("videoId"))
            if room is not None:
                store.leave_room(connection, room)
    except CirrusError as exc:
        log.info("realtime connection %s: %s refused (%s)", connection.connection_id, packet.event_name, exc.detail)


def _subscribed_room(connection: RealtimeConnection, reference: Any) -> str | None:
    """The room an `unsubscribe` names, among those joined: by numeric id, without a read."""
    if isinstance(reference, bool) or not isinstance(reference, (int, str)) or not _VIDEO_ID.match(str(reference)):
        return None
    room = store.video_room(int(reference))
    return room if room in (connection.rooms or ()) else None
