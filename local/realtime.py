"""API Gateway's WebSocket API, locally: `/socket.io/` websockets handed to the realtime
function as the same $connect, $default and $disconnect events, and the pushes back.

`LocalRealtime` is three things at once:
- the ASGI websocket endpoint the gateway mounts at `/socket.io/`;
- the store's `Pusher` (post_to_connection, delete_connection): frames go to the open
  websocket of that connection id, from whichever thread publishes; an unknown or closed id
  answers as API Gateway's 410 does;
- the store's `Deferrer`: what the function defers during $connect (the Engine.IO open
  packet) is invoked right after the websocket is accepted, as the asynchronous invocation
  runs once the handshake is over on AWS.

As on AWS, a refused $connect (non-2xx) refuses the handshake (403), a frame over API
Gateway's 128 KB closes the connection (1009), and frames of one connection reach the
function one at a time.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute

if TYPE_CHECKING:
    from local.lambda_runtime import LocalFunction

log = logging.getLogger("cirrus.local.realtime")

PATHS = ("/socket.io/", "/socket.io")
# API Gateway's largest WebSocket message; it closes the connection with 1009 beyond.
MAX_MESSAGE_BYTES = 128 * 1024
STAGE = "local"

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_CLOSE = object()


@dataclass
class _Socket:
    loop: asyncio.AbstractEventLoop
    outbox: asyncio.Queue[Any] = field(default_factory=asyncio.Queue)
    closed: bool = False


class LocalRealtime:
    def __init__(self, function: LocalFunction, host: str = "localhost") -> None:
        self._function = function
        self._host = host
        self._sockets: dict[str, _Socket] = {}
        self._deferred: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    # --- The store's ports --------------------------------------------------------------------

    def post(self, connection_id: str, frame: str) -> bool:
        with self._lock:
            socket = self._sockets.get(connection_id)
        if socket is None or socket.closed:
            return False
        socket.loop.call_soon_threadsafe(socket.outbox.put_nowait, frame)
        return True

    def close(self, connection_id: str) -> None:
        with self._lock:
            socket = self._sockets.get(connection_id)
        if socket is not None and not socket.closed:
            socket.loop.call_soon_threadsafe(socket.outbox.put_nowait, _CLOSE)

    def defer(self, event: dict[str, Any]) -> None:
        with self._lock:
            self._deferred.setdefault(str(event.get("connectionId")), []).append(event)

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._sockets)

    # --- The endpoint -----------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        """The websocket, and Engine.IO's refusal of long-polling for plain HTTP requests (which
        API Gateway's WebSocket API cannot serve either)."""

        async def polling(request: Any) -> JSONResponse:
            return JSONResponse({"code": 0, "message": "Transport unknown"}, status_code=400)

        websockets: list[BaseRoute] = [WebSocketRoute(path, self) for path in PATHS]
        return websockets + [Route(path, polling, methods=["GET", "POST"]) for path in PATHS]

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        # API Gateway's connection ids: 12 random bytes, base64.
        connection_id = base64.b64encode(secrets.token_bytes(12)).decode()
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        connect = self._event("$connect", connection_id, queryStringParameters=query or None)
        result = await run_in_threadpool(self._function.invoke, connect)
        if not isinstance(result, dict) or not 200 <= int(result.get("statusCode") or 500) < 300:
            with self._lock:
                self._deferred.pop(connection_id, None)
            await send({"type": "websocket.close", "code": 1008})
            return
        socket = _Socket(asyncio.get_running_loop())
        with self._lock:
            self._sockets[connection_id] = socket
            deferred = self._deferred.pop(connection_id, [])
        await send({"type": "websocket.accept"})
        writer = asyncio.create_task(self._write(socket, send))
        try:
            for event in deferred:
                await run_in_threadpool(self._function.invoke, event)
            await self._read(connection_id, socket, receive)
        except OSError:
            pass  # the peer went away mid-message
        finally:
            socket.closed = True
            with self._lock:
                self._sockets.pop(connection_id, None)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer
            await run_in_threadpool(self._function.invoke, self._event("$disconnect", connection_id))

    async def _read(self, connection_id: str, socket: _Socket, receive: Receive) -> None:
        while not socket.closed:
            message = await receive()
            if message["type"] != "websocket.receive":
                return
            text, data = message.get("text"), message.get("bytes")
            size = len(text.encode("utf-8", "surrogatepass")) if text is not None else len(data or b"")
            if size > MAX_MESSAGE_BYTES:
                self.close(connection_id)
                return
            if text is not None:
                event = self._event("$default", connection_id, body=text, isBase64Encoded=False)
            else:
                body = base64.b64encode(data or b"").decode()
                event = self._event("$default", connection_id, body=body, isBase64Encoded=True)
            try:
                await run_in_threadpool(self._function.invoke, event)
            except Exception:
                # Lambda reports the error; API Gateway keeps the connection open.
                log.exception("realtime function failed on a frame")

    async def _write(self, socket: _Socket, send: Send) -> None:
        while True:
            frame = await socket.outbox.get()
            if frame is _CLOSE:
                socket.closed = True
                await send({"type": "websocket.close", "code": 1000})
                return
            await send({"type": "websocket.send", "text": frame})

    def _event(self, route: str, connection_id: str, **extra: Any) -> dict[str, Any]:
        """The event API Gateway sends a WebSocket route's Lambda proxy integration."""
        now = time.time()
        return {
            "requestContext": {
                "routeKey": route,
                "eventType": {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE"),
                "connectionId": connection_id,
                "domainName": self._host,
                "stage": STAGE,
                "requestTimeEpoch": int(now * 1000),
                "apiId": "local",
            },
            "isBase64Encoded": False,
            **extra,
        }
