"""The tracker's web layer: the websocket at /tracker/socket and a health check.

`create_app()` builds the FastAPI app around a `Tracker`; `tracker_routes()` gives the same
two routes to another Starlette app (the local gateway serves them in-process).
Production (uvicorn on Fargate): `uvicorn --factory functions.tracker.app:production_app`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from functions.tracker.known import AnyInfoHash, CachedLookup, InfoHashPolicy
from functions.tracker.relay import Connection
from functions.tracker.service import Tracker

SOCKET_PATH = "/tracker/socket"
HEALTH_PATH = "/tracker/health"

log = logging.getLogger("cirrus.tracker")


def socket_endpoint(tracker: Tracker) -> Callable[[WebSocket], Awaitable[None]]:
    async def serve(websocket: WebSocket) -> None:
        await websocket.accept()
        connection = Connection(websocket.send_text, _closer(websocket), tracker.new_bucket())
        tracker.connected()
        writer = asyncio.create_task(connection.run_writer())
        try:
            while not connection.closing:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:
                    tracker.refuse_binary(connection)
                else:
                    await tracker.receive(connection, text)
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass  # the peer went away mid-message
        finally:
            tracker.disconnected(connection)
            if not connection.closing:
                writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer

    return serve


def _closer(websocket: WebSocket) -> Callable[[int], Awaitable[None]]:
    async def close(code: int) -> None:
        await websocket.close(code)

    return close


def tracker_routes(tracker: Tracker) -> list[BaseRoute]:
    async def health(request: Any) -> JSONResponse:
        return JSONResponse(tracker.health())

    return [WebSocketRoute(SOCKET_PATH, socket_endpoint(tracker)), Route(HEALTH_PATH, health, methods=["GET"])]


def create_app(tracker: Tracker | None = None) -> FastAPI:
    tracker = tracker or Tracker()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await tracker.stop()

    app = FastAPI(title="Cirrus tracker", openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan)
    app.router.routes.extend(tracker_routes(tracker))
    app.state.tracker = tracker
    return app


def store_policy() -> InfoHashPolicy:
    """Private mode: only info hashes of this instance's videos (their claims in the table)."""
    from chalicelib.store import infohashes

    return CachedLookup(infohashes.is_known)


def production_app() -> FastAPI:
    """The app uvicorn serves on Fargate: the table bound from the environment (the same
    CIRRUS_* settings as the functions); CIRRUS_TRACKER_PUBLIC=true serves every swarm."""
    from chalicelib.config import get_settings
    from chalicelib.store import table

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # Every socket holds many small objects that live as long as it does; with the default
    # thresholds the cyclic collector keeps walking all of them (tens of thousands of peers)
    # and its pauses dominated the relay latency. Collect young objects far less often.
    gc.set_threshold(50_000, 20, 100)
    gc.freeze()  # what was imported at start-up is never garbage
    public = os.environ.get("CIRRUS_TRACKER_PUBLIC", "").lower() in ("1", "true", "yes")
    if public:
        return create_app(Tracker(AnyInfoHash()))
    table.bind(get_settings())
    return create_app(Tracker(store_policy()))
