"""A directory served over HTTP on loopback, for the import tests (a source yt-dlp and the
import task fetch through the address policy, which the tests let reach loopback)."""

from __future__ import annotations

import functools
import socket
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


class OperatorProxy:
    """An operator's outgoing proxy on loopback (CONNECT only, Basic credentials), counting
    what it was asked to reach: `targets` holds each CONNECT's host:port."""

    def __init__(self, user: str = "operator", password: str = "s3cret", *, answer: int = 200) -> None:
        import base64
        import socketserver

        expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.user, self.password = user, password
        self.targets: list[str] = []
        self.refused = 0
        outer = self

        class _Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = self.request.recv(4096)
                    if not chunk:
                        return
                    head += chunk
                lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
                method, target = [*lines[0].split(" "), "", ""][:2]
                authorised = any(line.lower() == f"proxy-authorization: {expected}".lower() for line in lines[1:])
                if method != "CONNECT" or not authorised or answer != 200:
                    outer.refused += 1
                    status = answer if answer != 200 else (407 if not authorised else 405)
                    self.request.sendall(f"HTTP/1.1 {status} No\r\nContent-Length: 0\r\n\r\n".encode())
                    return
                outer.targets.append(target)
                host, _, port = target.rpartition(":")
                upstream = socket.create_connection((host.strip("[]"), int(port)))
                self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                _relay(self.request, upstream)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://{self.user}:{self.password}@127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> OperatorProxy:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _relay(one: socket.socket, other: socket.socket) -> None:
    import select

    try:
        while True:
            readable, _, _ = select.select([one, other], [], [], 10)
            if not readable:
                return
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                (other if sock is one else one).sendall(data)
    except OSError:
        pass
    finally:
        other.close()
