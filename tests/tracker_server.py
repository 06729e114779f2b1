"""A tracker served on 127.0.0.1 (a free port), in a thread, for tests: by the production
server (functions/tracker/server.py), or through ASGI by uvicorn as the local gateway does."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from functions.tracker.app import create_app
from functions.tracker.server import TrackerServer
from functions.tracker.service import Tracker

SERVERS = ("production", "asgi")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(tracker: Tracker, kind: str = "production") -> Iterator[str]:
    """The websocket URL of `tracker`, served until the block ends."""
    serve = _production if kind == "production" else _asgi
    with serve(tracker) as port:
        yield f"ws://127.0.0.1:{port}/tracker/socket"


@contextmanager
def _production(tracker: Tracker) -> Iterator[int]:
    port = free_port()
    loop = asyncio.new_event_loop()
    server = TrackerServer(tracker)
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start("127.0.0.1", port))
        started.set()
        loop.run_forever()
        loop.run_until_complete(server.stop())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10), "the tracker did not start"
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@contextmanager
def _asgi(tracker: Tracker) -> Iterator[int]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(tracker), host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the tracker did not start"
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
