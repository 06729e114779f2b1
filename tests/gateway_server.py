"""The local gateway (the stack's front door) served over real HTTP on a loopback port, in
the test's process, over whatever AWS the test has (moto in-process, usually)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_gateway(web_dist: Path, extra_routes: Sequence[Any] = ()) -> Iterator[str]:
    """The gateway's base URL; `web_dist` gets a minimal index.html if it has none;
    `extra_routes` are served beside the API (the realtime channel's websockets, say)."""
    import uvicorn

    import app
    from chalicelib import aws
    from chalicelib.config import get_settings
    from local.gateway import Gateway
    from local.rest_api import rest_api

    index = web_dist / "index.html"
    if not index.exists():
        index.write_text("<!doctype html><title>Cirrus</title>")
    gateway = Gateway(
        rest_api(),
        list(app.app.api.binary_types),
        aws.s3(),
        get_settings().media_bucket,
        web_dist,
        extra_routes=extra_routes,
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(gateway.asgi(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
