"""Every request Cirrus makes to another server: fetches of ActivityPub documents, WebFinger
and NodeInfo, and deliveries to inboxes, each under the address-safety policy of addresses.py.

Every URL, and every redirect hop, is checked by that policy before anything leaves. The
name is resolved once and the connection goes to the very address that was checked, while
the Host header, TLS SNI and certificate verification keep the name, so a DNS answer that
changes between the check and the connection (rebinding) cannot point us at an internal
service. Answers are capped in size while they stream in, the whole exchange (resolution,
connection, TLS, headers, body) shares one deadline that a watchdog enforces by cutting the
socket, and the content type must be one the request asked for.
See docs/federation.md, "Remote requests".
"""

from __future__ import annotations

import contextlib
import functools
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from chalicelib.activitypub.errors import RemoteFetchError
from chalicelib.activitypub.net import alarms
from chalicelib.activitypub.net.addresses import Target, check_addresses, checked_target, is_ip_literal
from chalicelib.activitypub.net.pool import pool
from chalicelib.config import get_settings

if TYPE_CHECKING:
    from urllib3.connection import HTTPConnection
    from urllib3.response import BaseHTTPResponse

# Keep in step with pyproject.toml (a unit test checks it).
CIRRUS_VERSION = "0.1.0"
ACTIVITYPUB_ACCEPT = "application/activity+json, application/ld+json"  # PeerTube's, facts 7.1
JRD_ACCEPT = "application/jrd+json, application/json"  # WebFinger
JSON_ACCEPT = "application/json"  # NodeInfo
MAX_BYTES = 3000 * 1024  # PeerTube's default limit on a remote answer: 3000 KB
MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 7.0  # seconds; PeerTube's REQUEST_TIMEOUTS.DEFAULT
REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))
_CHUNK = 64 * 1024

Sign = Callable[[str, str, bytes | None], Mapping[str, str]]
# (host, port) -> addresses, as strings; tests replace `resolver` to answer without a network.
Resolver = Callable[[str, int], list[str]]


# --- Resolution and the deadline -----------------------------------------------------------


def _system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


resolver: Resolver = _system_resolver


@functools.cache
def _default_tls_context() -> ssl.SSLContext:
    # Built once: loading the system's CA bundle costs milliseconds.
    return ssl.create_default_context()


# Tests replace it to trust their own certificate authority.
tls_context: Callable[[], ssl.SSLContext] = _default_tls_context


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def remaining(self, url: str) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise RemoteFetchError(url, "timed out", retryable=True)
        return left


def _checked_addresses(target: Target, deadline: _Deadline) -> list[str]:
    """The addresses to connect to, once the policy has passed every one of them."""
    addresses = [target.host] if is_ip_literal(target.host) else _resolve_in_time(target, deadline)
    check_addresses(target, addresses)
    return addresses


def _resolve_in_time(target: Target, deadline: _Deadline) -> list[str]:
    # getaddrinfo has no timeout of its own: it runs aside, and a late answer is dropped.
    outcome: list[list[str] | BaseException] = []
    lookup = resolver

    def run() -> None:
        try:
            outcome.append(lookup(target.host, target.port))
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(deadline.remaining(target.url))
    if not outcome:
        raise RemoteFetchError(target.url, "timed out resolving the host", retryable=True)
    answer = outcome[0]
    if isinstance(answer, BaseException):
        if isinstance(answer, RemoteFetchError):
            raise answer
        raise RemoteFetchError(target.url, f"cannot resolve the host: {answer}", retryable=True)
    return answer


class _Watchdog:
    """Cuts the connection's socket at the deadline, whatever phase it is in: a server that
    dribbles its headers or body a byte at a time cannot hold us past the timeout."""

    def __init__(self, connection: HTTPConnection, seconds: float) -> None:
        self.connection = connection
        self.sock: socket.socket | None = None  # kept: http.client drops conn.sock on close
        self.fired = False
        self.seconds = seconds
        self._alarm: alarms.Alarm | None = None

    def __enter__(self) -> _Watchdog:
        self._alarm = alarms.schedule(self.seconds, self._cut)
        return self

    def __exit__(self, *_: object) -> None:
        if self._alarm is not None:
            self._alarm.cancel()

    def _cut(self) -> None:
        self.fired = True
        sock = self.sock or self.connection.sock
        if sock is not None:
            # The plain socket's shutdown: it wakes a blocked read without touching the TLS
            # object another thread is using.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


# --- One exchange ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass(frozen=True)
class _Call:
    """One request as its caller asks for it; `_request` tries it against each checked address
    of its target. `read_body(status, headers)` says whether an answer's body is wanted."""

    method: str
    target: Target
    body: bytes | None
    headers: Mapping[str, str]
    deadline: _Deadline
    max_bytes: int
    read_body: Callable[[int, dict[str, str]], bool]
    # Keep the connection open for the next request to the same origin (pool.py).
    reuse: bool = False


def _request(call: _Call) -> _Answer:
    """`call` sent on an idle kept-alive connection to its origin when one is there, else to
    the checked addresses of its target (the next address only when one cannot be connected
    to)."""
    target = call.target
    sent = replace(call, headers=merge_headers(call.headers, {"Host": target.netloc, "User-Agent": user_agent()}))
    if call.reuse:
        kept = pool.take(_origin_key(target))
        if kept is not None:
            try:
                return _exchange(sent, kept, reused=True)
            except _ConnectFailed:
                pass  # closed by the server as we wrote: a new connection, resolved and checked again
    addresses = _checked_addresses(target, call.deadline)
    last: RemoteFetchError | None = None
    for address in addresses:
        try:
            return _exchange(sent, _new_connection(target, address, call.deadline.remaining(target.url)))
        except _ConnectFailed as failure:
            last = failure.error
    assert last is not None
    raise last


class _ConnectFailed(Exception):
    def __init__(self, error: RemoteFetchError) -> None:
        self.error = error


def _origin_key(target: Target) -> tuple[str, str, int]:
    return (target.scheme, target.host, target.port)


def _new_connection(target: Target, address: str, timeout: float) -> HTTPConnection:
    from urllib3.connection import HTTPConnection, HTTPSConnection

    if target.scheme == "https":
        # Connect to the checked address; SNI and certificate verification use the name.
        return HTTPSConnection(
            address, target.port, timeout=timeout, server_hostname=target.host, ssl_context=tls_context()
        )
    return HTTPConnection(address, target.port, timeout=timeout)


# Most of an answer's body read (and dropped) to keep its connection: a bigger one closes it.
_DRAIN_BYTES = 64 * 1024


def _exchange(call: _Call, connection: HTTPConnection, *, reused: bool = False) -> _Answer:
    """One request on `connection`: a new one is connected here; a `reused` one (from the
    pool) that fails before any answer raises _ConnectFailed, so the caller opens another."""
    target = call.target
    remaining = call.deadline.remaining(target.url)
    keep = False
    try:
        with _Watchdog(connection, remaining) as watchdog:
            _ready(connection, watchdog, target.url, remaining, reused=reused)
            answered = False
            try:
                connection.request(
                    call.method,
                    target.request_target,
                    body=call.body,
                    headers=dict(call.headers),
                    preload_content=False,
                )
                response = connection.getresponse()
                answered = True
                answer_headers = {name.lower(): value for name, value in response.headers.items()}
                data = b""
                if call.read_body(response.status, answer_headers):
                    data = _read_capped(response, target.url, answer_headers, call.max_bytes)
                elif call.reuse:
                    keep = _drained(response)
            except RemoteFetchError:
                if watchdog.fired:
                    raise RemoteFetchError(target.url, "timed out", retryable=True) from None
                raise
            except Exception as exc:
                error = _transport_error(target.url, exc, watchdog.fired)
                if reused and not answered and not watchdog.fired and error.retryable:
                    raise _ConnectFailed(error) from None
                raise error from None
            if watchdog.fired:  # a cut can also look like a short, complete answer
                keep = False
                raise RemoteFetchError(target.url, "timed out", retryable=True)
            # http.client drops the socket of an answer that closes the connection.
            keep = keep and call.reuse and connection.sock is not None
            return _Answer(int(response.status), answer_headers, data)
    finally:
        if keep:
            pool.give(_origin_key(target), connection)
        else:
            connection.close()


def _ready(connection: HTTPConnection, watchdog: _Watchdog, url: str, remaining: float, *, reused: bool) -> None:
    """Connect a new connection (a failure to, worth another address: _ConnectFailed), or give
    a reused one this request's timeout; the watchdog then holds its socket."""
    if reused:
        if connection.sock is not None:
            connection.sock.settimeout(remaining)
    else:
        try:
            connection.connect()
        except Exception as exc:
            error = _transport_error(url, exc, watchdog.fired)
            if error.retryable and not watchdog.fired:
                raise _ConnectFailed(error) from None
            raise error from None
    watchdog.sock = connection.sock


def _drained(response: BaseHTTPResponse) -> bool:
    """Whether the unwanted body was read to its end (small enough), freeing the connection."""
    size = 0
    while chunk := response.read(_CHUNK, decode_content=False):
        size += len(chunk)
        if size > _DRAIN_BYTES:
            return False
    return True


def _transport_error(url: str, exc: Exception, timed_out: bool) -> RemoteFetchError:
    from urllib3.exceptions import NewConnectionError
    from urllib3.exceptions import TimeoutError as Urllib3Timeout

    # urllib3's NewConnectionError (refused, unreachable) subclasses its timeout error.
    if timed_out or (isinstance(exc, TimeoutError | Urllib3Timeout) and not isinstance(exc, NewConnectionError)):
        return RemoteFetchError(url, "timed out", retryable=True)
    if isinstance(exc, ssl.SSLCertVerificationError):
        # The server is not who the URL names: trying again will not change that soon.
        return RemoteFetchError(url, f"certificate refused: {exc.verify_message}")
    return RemoteFetchError(url, f"connection failed: {type(exc).__name__}: {exc}", retryable=True)


def _read_capped(response: BaseHTTPResponse, url: str, headers: Mapping[str, str], max_bytes: int) -> bytes:
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        # We ask for identity (http.client's default): a compressed answer could be a bomb.
        raise RemoteFetchError(url, f"unexpected content encoding {encoding}")
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise RemoteFetchError(url, f"answer larger than {max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK, decode_content=False):
        size += len(chunk)
        if size > max_bytes:
            raise RemoteFetchError(url, f"answer larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def merge_headers(*layers: Mapping[str, str]) -> dict[str, str]:
    """Later layers win, whatever the case of a name (no header is ever sent twice)."""
    merged: dict[str, tuple[str, str]] = {}
    for layer in layers:
        for name, value in layer.items():
            merged[name.lower()] = (name, value)
    return dict(merged.values())


def user_agent() -> str:
    """`Cirrus/<version> (+<instance url>)`, so remote administrators know who calls."""
    return f"Cirrus/{CIRRUS_VERSION} (+{get_settings().instance_url})"


def retryable_status(status: int) -> bool:
    """Whether an answer with this status may succeed later (5xx, 408, 429)."""
    return status >= 500 or status in (408, 429)


def _check_status(url: str, status: int) -> None:
    if not 200 <= status < 300:
        raise RemoteFetchError(url, f"answered {status}", retryable=retryable_status(status))


def _media_type(content_type: str) -> str:
    return content_type.split(";", maxsplit=1)[0].strip().lower()


def _accepted_types(accept: str) -> frozenset[str]:
    """The media types an Accept header names: the answer must be one of them."""
    return frozenset(_media_type(part) for part in accept.split(",") if part.strip())


# --- Public requests -------------------------------------------------------------------------


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, with the scheme's default port written out."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ("", url, None)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), port or {"https": 443, "http": 80}.get(scheme)


def _get_following_redirects(
    url: str, *, accept: str, sign: Sign | None, timeout: float, max_bytes: int, same_origin: bool = False
) -> tuple[str, _Answer]:
    deadline = _Deadline(timeout)
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        target = checked_target(current)
        headers = {"Accept": accept}
        if sign is not None:
            headers = merge_headers(headers, sign("GET", current, None))  # per hop: host and path change
        answer = _request(_Call("GET", target, None, headers, deadline, max_bytes, read_body=_wanted_after_redirects))
        if answer.status not in REDIRECT_STATUSES:
            _check_status(current, answer.status)
            return current, answer
        location = answer.headers.get("location")
        if not location:
            raise RemoteFetchError(current, f"redirect {answer.status} without a Location")
        following = urljoin(current, location.strip())
        if same_origin and origin(following) != origin(current):
            raise RemoteFetchError(current, "redirect to another origin")
        current = following
    raise RemoteFetchError(url, f"more than {MAX_REDIRECTS} redirects")


def fetch_json(
    url: str,
    *,
    sign: Sign | None = None,
    accept: str = ACTIVITYPUB_ACCEPT,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_BYTES,
    by_id: bool = False,
) -> dict[str, Any]:
    """GET the JSON object at `url`, following up to five checked redirects.

    The answer's media type must be one `accept` names (parameters such as an ld+json
    profile are ignored). `by_id`: `url` is an ActivityPub id, so the answer speaks for its
    origin: redirects may not leave that origin (an open redirect on a host must not let
    another server answer for it), and the document's `id`, if any, must be on the origin
    that answered. Callers still check that the `id` is the one they expect. Raises
    RemoteFetchError.
    """
    final_url, answer = _get_following_redirects(
        url, accept=accept, sign=sign, timeout=timeout, max_bytes=max_bytes, same_origin=by_id
    )
    media_type = _media_type(answer.headers.get("content-type", ""))
    if media_type not in _accepted_types(accept):
        raise RemoteFetchError(final_url, f"unexpected content type {media_type or 'none'}")
    try:
        document = json.loads(answer.body)
    except (ValueError, RecursionError):
        raise RemoteFetchError(final_url, "the answer is not JSON") from None
    if not isinstance(document, dict):
        raise RemoteFetchError(final_url, "the answer is not a JSON object")
    if by_id and document.get("id") is not None and origin(str(document.get("id"))) != origin(final_url):
        raise RemoteFetchError(final_url, "the document's id is not on the origin that served it")
    return document


def fetch_bytes(url: str, *, accept: str, timeout: float, max_bytes: int) -> tuple[bytes, str]:
    """GET a file (an image) and its media type, which must be one `accept` names exactly
    (no wildcard: an `image/*` answer could be SVG, which is script)."""
    final_url, answer = _get_following_redirects(url, accept=accept, sign=None, timeout=timeout, max_bytes=max_bytes)
    media_type = _media_type(answer.headers.get("content-type", ""))
    if media_type not in _accepted_types(accept) or "*" in media_type:
        raise RemoteFetchError(final_url, f"unexpected content type {media_type or 'none'}")
    return answer.body, media_type


def post_activity(url: str, body: bytes, headers: Mapping[str, str], timeout: float = DEFAULT_TIMEOUT) -> int:
    """POST `body` to an inbox and return the status, whatever it is (see `retryable_status`).

    Redirects are not followed (a 3xx is returned as is): a signed POST must not be replayed
    elsewhere. The Host header is the URL's, as the signer signed it. Raises
    RemoteFetchError only when no answer came (refused, unreachable, timed out).
    """
    headers = merge_headers({"Content-Type": "application/activity+json"}, headers)
    # Deliveries go to the same shared inboxes again and again: their connections are kept.
    call = _Call("POST", checked_target(url), body, headers, _Deadline(timeout), 0, read_body=_never, reuse=True)
    return _request(call).status


def post_bytes(url: str, body: bytes, headers: Mapping[str, str], timeout: float = DEFAULT_TIMEOUT) -> int:
    """POST `body` as `post_activity` does, with the caller's headers alone (a Web Push message
    to a browser's push service, whose URL the browser chose: the same policy applies)."""
    answer = _request(_Call("POST", checked_target(url), body, dict(headers), _Deadline(timeout), 0, read_body=_never))
    return answer.status


def _wanted_after_redirects(status: int, _headers: dict[str, str]) -> bool:
    """A GET reads the body of its final, successful answer only."""
    return status not in REDIRECT_STATUSES and 200 <= status < 300


def _never(_status: int, _headers: dict[str, str]) -> bool:
    """A delivery reads no body: the status is the answer."""
    return False
