"""A tracker served by a real uvicorn on 127.0.0.1 (a free port), in a thread, for tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from functions.tracker.app import create_app
from functions.tracker.service import Tracker


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(tracker: Tracker) -> Iterator[str]:
    """The websocket URL of `tracker`, served until the block ends."""
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
        yield f"ws://127.0.0.1:{port}/tracker/socket"
    finally:
        server.should_exit = True
        thread.join(10)
