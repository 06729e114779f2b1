"""A directory served over HTTP on loopback, for the import tests (a source yt-dlp and the
import task fetch through the address policy, which the tests let reach loopback)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from chalicelib.config import get_settings


@contextmanager
def serving(handler: type[SimpleHTTPRequestHandler], directory: Path) -> Iterator[str]:
    """The directory through `handler` on a free loopback port: its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the address policy reach loopback, as federation's tests do."""
    monkeypatch.setenv("CIRRUS_FEDERATION_ALLOW_LOOPBACK", "1")
    get_settings.cache_clear()
