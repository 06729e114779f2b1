"""The import proxy (chalicelib/media/checked_proxy.py) over real sockets: only its own
client gets through, every connection is judged by the address policy (CONNECT and plain
http alike, every address of a name), and it cuts answers past the byte cap or the deadline."""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from chalicelib.media import checked_proxy
from chalicelib.media.checked_proxy import CheckedProxy


@pytest.fixture
def origin() -> Iterator[tuple[int, list[bytes]]]:
    """A loopback server answering each connection with 1 MB after reading its request."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    seen: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                seen.append(conn.recv(65536))
                body = b"x" * 1_000_000
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], seen
    listener.close()


def _ask(proxy: CheckedProxy, head: str, authorised: bool = True) -> bytes:
    auth = f"Proxy-Authorization: {proxy.authorization}\r\n" if authorised else ""
    with socket.create_connection(("127.0.0.1", int(proxy.base_url.rsplit(":", 1)[1])), timeout=5) as sock:
        sock.sendall(f"{head}\r\n{auth}\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


def test_only_the_client_with_the_secret_is_served(origin: tuple[int, list[bytes]]) -> None:
    port, seen = origin
    with CheckedProxy(10**7, 10, allow_loopback=True) as proxy:
        answer = _ask(proxy, f"GET http://127.0.0.1:{port}/a HTTP/1.1\r\nHost: x", authorised=False)
        assert answer.startswith(b"HTTP/1.1 407")
        assert seen == []
        stolen = "Basic " + base64.b64encode(b"cirrus:guess").decode()
        guessed = f"GET http://127.0.0.1:{port}/a HTTP/1.1\r\nProxy-Authorization: {stolen}\r\nHost: x"
        answer = _ask(proxy, guessed, authorised=False)
        assert answer.startswith(b"HTTP/1.1 407")
        answer = _ask(proxy, f"GET http://127.0.0.1:{port}/a HTTP/1.1\r\nHost: x")
        assert answer.startswith(b"HTTP/1.1 200")
    # The origin got the origin form, without the proxy's credentials.
    assert seen[0].startswith(b"GET /a HTTP/1.1\r\n") and b"Proxy-Authorization" not in seen[0]


@pytest.mark.parametrize(
    "request_line",
    [
        "CONNECT 10.0.0.8:443 HTTP/1.1",
        "CONNECT 169.254.169.254:80 HTTP/1.1",
        "CONNECT [::ffff:127.0.0.1]:443 HTTP/1.1",
        "CONNECT [fd00::1]:443 HTTP/1.1",
        "GET http://192.168.1.1/admin HTTP/1.1",
        "GET http://127.0.0.1:9/ HTTP/1.1",  # loopback, without the test allowance
    ],
)
def test_refused_addresses_are_never_connected_to(request_line: str) -> None:
    with CheckedProxy(10**7, 10) as proxy:
        answer = _ask(proxy, request_line)
    assert answer.startswith(b"HTTP/1.1 403"), answer
    assert proxy.refusals and "refused address" in proxy.refusals[0]


def test_a_name_with_one_refused_address_among_public_ones_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checked_proxy, "resolver", lambda host, port: ["93.184.215.14", "10.1.1.1"])
    with CheckedProxy(10**7, 10) as proxy:
        answer = _ask(proxy, "CONNECT videos.example.org:443 HTTP/1.1")
    assert answer.startswith(b"HTTP/1.1 403")
    assert proxy.refusals == ["refused address 10.1.1.1 (private)"]


def test_answers_past_the_byte_cap_are_cut(origin: tuple[int, list[bytes]]) -> None:
    port, _ = origin
    with CheckedProxy(100_000, 10, allow_loopback=True) as proxy:
        answer = _ask(proxy, f"GET http://127.0.0.1:{port}/big HTTP/1.1\r\nHost: x")
    assert answer.startswith(b"HTTP/1.1 200") and len(answer) < 200_000
    assert proxy.over_size


def test_a_server_that_never_answers_is_cut_at_the_deadline() -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        started = time.monotonic()
        with CheckedProxy(10**7, 1.0, allow_loopback=True) as proxy:
            answer = _ask(proxy, f"GET http://127.0.0.1:{silent.getsockname()[1]}/ HTTP/1.1\r\nHost: x")
        assert answer == b"" and proxy.timed_out
        assert time.monotonic() - started < 4
    finally:
        silent.close()
