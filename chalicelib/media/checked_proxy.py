"""A one-import HTTP proxy on loopback that lets through only connections the address-safety
policy allows (chalicelib/address_policy.py), within a byte cap and a deadline.

yt-dlp opens connections of its own, through whichever request handler it picks (urllib,
requests, curl_cffi...), and follows redirects and extractor-made URLs itself. Rather than
patch each handler, every request it makes is sent to this proxy (its `proxy` option), as the
simulcast relay sends ffmpeg's pushes through its own loopback proxy: the proxy resolves each
requested host once, refuses it unless every address is a public unicast one (loopback too
when CIRRUS_FEDERATION_ALLOW_LOOPBACK allows it, in tests), and connects to the very address
it checked. A redirect is a new request, so each hop is checked the same way; HTTPS goes
through a CONNECT tunnel, so TLS and its certificate check stay end to end with the name.

An operator's proxy (`upstream`, PeerTube's import.videos.http.proxies) comes after the
check, never instead of it: the host is resolved and judged here as without one, then the
operator's proxy is asked to CONNECT to the very address checked (never to the name, which
it would resolve again, perhaps to an address of its own network), and the request, HTTPS or
plain HTTP, goes through that tunnel. So the operator's proxy must allow CONNECT to the
ports imports use (80 and 443 at least).

The proxy wants a secret in Proxy-Authorization (made per import): another process on the
same host cannot borrow it. It counts the bytes coming back and cuts every connection past
`max_bytes` or at the deadline, so neither an endless answer nor a dribbling server holds a
worker past its caps. What it refused is kept in `refusals`, for the import's error text.
"""

from __future__ import annotations

import base64
import contextlib
import secrets
import select
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from chalicelib.address_policy import address_refusal, is_host_name, is_ip_literal

_HEAD_LIMIT = 64 * 1024
_CHUNK = 64 * 1024
_USER = "cirrus"

Resolver = Callable[[str, int], list[str]]


def _system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


resolver: Resolver = _system_resolver  # tests may replace it to answer without DNS


def pick_upstream(proxies: Sequence[str]) -> str | None:
    """One of the operator's proxies, at random (as PeerTube picks one per yt-dlp run)."""
    return secrets.choice(list(proxies)) if proxies else None


class _Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class CheckedProxy:
    """Use as a context manager; `url` (with its secret) is what yt-dlp's `proxy` takes."""

    max_bytes: int
    seconds: float
    allow_loopback: bool = False
    upstream: str | None = None  # the operator's proxy, http://[user:password@]host:port
    refusals: list[str] = field(default_factory=list)
    upstream_failures: list[str] = field(default_factory=list)  # what the operator's proxy refused
    received: int = 0  # bytes the proxy passed back from the servers
    over_size: bool = False
    timed_out: bool = False

    def __post_init__(self) -> None:
        self.secret = secrets.token_urlsafe(18)
        self._deadline = time.monotonic() + self.seconds
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._closed = False
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True

    # --- Lifetime ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    @property
    def url(self) -> str:
        return f"http://{_USER}:{self.secret}@127.0.0.1:{self._listener.getsockname()[1]}"

    @property
    def authorization(self) -> str:
        return "Basic " + base64.b64encode(f"{_USER}:{self.secret}".encode()).decode()

    def __enter__(self) -> CheckedProxy:
        threading.Thread(target=self._accept, daemon=True, name="checked-proxy").start()
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()
        self.close()

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for sock in list(self._open):
                _shut(sock)
            self._open.clear()

    def remaining(self) -> float:
        return self._deadline - time.monotonic()

    def _expire(self) -> None:
        self.timed_out = True
        self.close()

    # --- One client connection ---------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        self._track(client)
        upstream: socket.socket | None = None
        try:
            head, rest = _read_head(client)
            try:
                upstream, greeting, forward = self._open_upstream(head)
            except _Refused as refused:
                if refused.status == 403:
                    self.refusals.append(refused.reason)
                _answer(client, refused.status, refused.reason)
                return
            self._track(upstream)
            if greeting:
                client.sendall(greeting)
            upstream.sendall(forward + rest)
            self._relay(client, upstream)
        except (OSError, ValueError):
            pass
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    self._untrack(sock)
                    _shut(sock)

    def _open_upstream(self, head: bytes) -> tuple[socket.socket, bytes, bytes]:
        """The checked connection for a request head; (socket, what to tell the client first,
        what to send upstream first)."""
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = ([*lines[0].split(" "), "", "", ""])[:3]
        headers = [line for line in lines[1:] if line]
        if not any(
            line.lower().startswith("proxy-authorization:") and line.split(":", 1)[1].strip() == self.authorization
            for line in headers
        ):
            raise _Refused(407, "proxy authorization required")
        if method == "CONNECT":
            host, port = _host_port(target, 443)
            sock, early = self._connect(host, port)
            return sock, b"HTTP/1.1 200 Connection established\r\n\r\n" + early, b""
        parts = urlsplit(target)
        if parts.scheme != "http" or not parts.hostname:
            raise _Refused(400, "only absolute http URLs and CONNECT are proxied")
        host = parts.hostname
        port = parts.port or 80
        origin_form = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        kept = [
            line
            for line in headers
            if line.split(":", 1)[0].strip().lower() not in ("proxy-authorization", "proxy-connection", "connection")
        ]
        forward = "\r\n".join([f"{method} {origin_form} HTTP/1.1", *kept, "Connection: close", "", ""])
        sock, early = self._connect(host, port)
        return sock, early, forward.encode("latin-1")

    def _connect(self, host: str, port: int) -> tuple[socket.socket, bytes]:
        """A connection to `host`'s checked address (through the operator's proxy, if any),
        and any bytes that came first through it."""
        host = host.strip("[]").lower()
        if not (is_host_name(host) or is_ip_literal(host)):
            raise _Refused(403, f"not a plain host name: {host}")
        addresses = [host] if is_ip_literal(host) else self._resolve(host, port)
        if not addresses:
            raise _Refused(403, f"{host} has no address")
        for address in addresses:  # every one must pass: no DNS order lets a refused one in
            refusal = address_refusal(address, allow_loopback=self.allow_loopback)
            if refusal is not None:
                raise _Refused(403, f"refused address {address} ({refusal})")
        last: OSError | None = None
        for address in addresses:
            try:
                if self.upstream is not None:
                    return self._tunnel(address, port)
                return socket.create_connection((address, port), timeout=max(0.1, self.remaining())), b""
            except OSError as error:
                last = error
        raise _Refused(502, f"cannot connect to {host}: {last}")

    def _tunnel(self, address: str, port: int) -> tuple[socket.socket, bytes]:
        """A CONNECT tunnel to the checked `address` through the operator's proxy."""
        parts = urlsplit(str(self.upstream))
        sock = socket.create_connection((parts.hostname, parts.port), timeout=max(0.1, self.remaining()))
        try:
            target = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
            lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
            if parts.username is not None:
                credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
                lines.append("Proxy-Authorization: Basic " + base64.b64encode(credentials.encode()).decode())
            sock.sendall(("\r\n".join([*lines, "", ""])).encode("latin-1"))
            head, early = _read_head(sock)
        except (OSError, ValueError) as error:
            _shut(sock)
            self.upstream_failures.append(f"the import proxy did not answer ({error})")
            raise _Refused(502, "the import proxy did not answer") from None
        status = head.split(b"\r\n", 1)[0].decode("latin-1")
        fields = status.split(" ")
        if len(fields) < 2 or not fields[1].startswith("2"):
            _shut(sock)
            self.upstream_failures.append(f"the import proxy answered {status[:120]!r}")
            raise _Refused(502, "the import proxy refused the connection")
        return sock, early

    def _resolve(self, host: str, port: int) -> list[str]:
        outcome: list[list[str] | BaseException] = []

        def run() -> None:
            try:
                outcome.append(resolver(host, port))
            except BaseException as exc:
                outcome.append(exc)

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(max(0.0, self.remaining()))
        if not outcome:
            raise _Refused(504, f"timed out resolving {host}")
        answer = outcome[0]
        if isinstance(answer, BaseException):
            raise _Refused(502, f"cannot resolve {host}")
        return answer

    def _relay(self, client: socket.socket, upstream: socket.socket) -> None:
        peers = {client: upstream, upstream: client}
        while not self._closed:
            if self.remaining() <= 0:
                self.timed_out = True
                return
            readable, _, _ = select.select(list(peers), [], [], min(0.5, max(0.01, self.remaining())))
            for sock in readable:
                data = sock.recv(_CHUNK)
                if not data:
                    return
                if sock is upstream:
                    with self._lock:
                        self.received += len(data)
                        over = self.received > self.max_bytes
                    if over:
                        self.over_size = True
                        return
                peers[sock].sendall(data)

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.add(sock)

    def _untrack(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)


def _read_head(client: socket.socket) -> tuple[bytes, bytes]:
    client.settimeout(30)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(_CHUNK)
        if not chunk:
            raise ValueError("connection closed before the request head")
        data += chunk
        if len(data) > _HEAD_LIMIT:
            raise ValueError("request head too large")
    client.settimeout(None)
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _host_port(authority: str, default: int) -> tuple[str, int]:
    parts = urlsplit(f"//{authority}")
    try:
        port = parts.port or default
    except ValueError:
        raise _Refused(400, "bad port") from None
    return parts.hostname or "", port


def _answer(client: socket.socket, status: int, reason: str) -> None:
    body = reason.encode()
    titles = {400: "Bad Request", 403: "Forbidden", 407: "Proxy Authentication Required", 502: "Bad Gateway"}
    head = (
        f"HTTP/1.1 {status} {titles.get(status, 'Error')}\r\nContent-Type: text/plain\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    with contextlib.suppress(OSError):
        client.sendall(head.encode() + body)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
