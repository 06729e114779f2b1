"""The tracker through ASGI: how `make run`'s gateway serves it in-process.

`tracker_routes()` gives the websocket at /tracker/socket and the health check to another
Starlette app (the local gateway); `create_app()` wraps them in an app of their own. The
socket is a plain ASGI app, below Starlette's per-message `WebSocket` wrapper. Production
does not come through here: the container runs server.py, which speaks websocket itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute

from functions.tracker.known import store_policy
from functions.tracker.relay import Connection
from functions.tracker.service import Tracker

SOCKET_PATH = "/tracker/socket"
HEALTH_PATH = "/tracker/health"

__all__ = ["HEALTH_PATH", "SOCKET_PATH", "SocketApp", "create_app", "store_policy", "tracker_routes"]

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class SocketApp:
    """The websocket endpoint as a raw ASGI app: one `Connection` (send queue and writer
    task) per socket, each text message handed to the tracker."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})

        async def send_text(message: bytes) -> None:
            await send({"type": "websocket.send", "text": message.decode()})

        async def close(code: int) -> None:
            await send({"type": "websocket.close", "code": code})

        tracker = self.tracker
        connection = Connection(send_text, close, tracker.new_bucket())
        tracker.connected()
        writer = asyncio.create_task(connection.run_writer())
        try:
            while not connection.closing:
                event = await receive()
                if event["type"] != "websocket.receive":
                    break  # websocket.disconnect
                text = event.get("text")
                if text is None:
                    tracker.refuse_binary(connection)
                else:
                    await tracker.receive(connection, text.encode("utf-8", "surrogatepass"))
        except OSError:
            pass  # the peer went away mid-message
        finally:
            tracker.disconnected(connection)
            if not connection.closing:
                writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer


def tracker_routes(tracker: Tracker) -> list[BaseRoute]:
    async def health(request: Any) -> JSONResponse:
        return JSONResponse(tracker.health())

    return [WebSocketRoute(SOCKET_PATH, SocketApp(tracker)), Route(HEALTH_PATH, health, methods=["GET"])]


def create_app(tracker: Tracker | None = None) -> Starlette:
    tracker = tracker or Tracker()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await tracker.stop()

    app = Starlette(routes=tracker_routes(tracker), lifespan=lifespan)
    app.state.tracker = tracker
    return app
