"""Every request Cirrus makes to another server: fetches of ActivityPub documents, WebFinger
and NodeInfo, and deliveries to inboxes.

Remote URLs come from hostile documents, so each request is checked before it leaves:
https only, no credentials in the URL, and a host that resolves only to public addresses.
The connection goes to the very address that was checked (TLS still verifies the host
name), so a DNS answer that changes between the check and the connection cannot point us
at an internal service; every redirect hop is checked the same way. Answers are capped in
size and in total time, and must have the content type asked for.

`CIRRUS_FEDERATION_ALLOW_LOOPBACK=1` (local tests only, never on by default) also allows
plain http and loopback addresses, and nothing else.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from chalicelib.activitypub.errors import RemoteFetchError
from chalicelib.config import get_settings

ACTIVITYPUB_ACCEPT = "application/activity+json, application/ld+json"
JSON_TYPES = ("application/activity+json", "application/ld+json", "application/json", "application/jrd+json")
MAX_BYTES = 3_000_000  # PeerTube's limit on a remote answer (3000 KB)
MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 7.0  # PeerTube's REQUEST_TIMEOUTS.DEFAULT
USER_AGENT = "Cirrus (PeerTube-compatible; +https://joinpeertube.org)"
_CHUNK = 64 * 1024

Sign = Callable[[str, str, bytes | None], Mapping[str, str]]
# (host, port) -> addresses; tests replace it to answer without a network.
Resolver = Callable[[str, int], list[str]]


def _system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise RemoteFetchError(host, f"cannot resolve: {exc}", retryable=True) from None
    return [str(info[4][0]) for info in infos]


resolver: Resolver = _system_resolver


def fetch_json(
    url: str,
    *,
    sign: Sign | None = None,
    accept: str = ACTIVITYPUB_ACCEPT,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> dict[str, Any]:
    """GET a JSON object (following up to five checked redirects)."""
    deadline = time.monotonic() + timeout
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        headers = {"Accept": accept, **(dict(sign("GET", current, None)) if sign else {})}
        status, response_headers, body = _request("GET", current, None, headers, deadline, max_bytes)
        if status in (301, 302, 303, 307, 308):
            location = response_headers.get("location")
            if not location:
                raise RemoteFetchError(current, f"redirect {status} without a Location")
            current = urljoin(current, location)
            continue
        _check_status(current, status)
        media_type = response_headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in JSON_TYPES:
            raise RemoteFetchError(current, f"unexpected content type {media_type or 'none'}")
        try:
            document = json.loads(body)
        except ValueError:
            raise RemoteFetchError(current, "the answer is not JSON") from None
        if not isinstance(document, dict):
            raise RemoteFetchError(current, "the answer is not a JSON object")
        return document
    raise RemoteFetchError(url, "too many redirects")


def fetch_bytes(url: str, *, accept: str, media_prefix: str, timeout: float, max_bytes: int) -> tuple[bytes, str]:
    """GET a file (an image), with its content type, which must start with `media_prefix`."""
    deadline = time.monotonic() + timeout
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        status, headers, body = _request("GET", current, None, {"Accept": accept}, deadline, max_bytes)
        if status in (301, 302, 303, 307, 308) and headers.get("location"):
            current = urljoin(current, headers["location"])
            continue
        _check_status(current, status)
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if not media_type.startswith(media_prefix):
            raise RemoteFetchError(current, f"unexpected content type {media_type or 'none'}")
        return body, media_type
    raise RemoteFetchError(url, "too many redirects")


def post_activity(url: str, body: bytes, headers: Mapping[str, str], timeout: float = DEFAULT_TIMEOUT) -> int:
    """POST to an inbox; the status (redirects are not followed, as no server should send one)."""
    status, _, _ = _request("POST", url, body, dict(headers), time.monotonic() + timeout, 64 * 1024)
    return status


def check_url(url: str) -> tuple[str, int, str]:
    """(host, port, scheme) of a URL Cirrus may request, without resolving it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise RemoteFetchError(url, "malformed URL") from None
    allow_loopback = get_settings().federation.allow_loopback
    if parts.scheme != "https" and not (allow_loopback and parts.scheme == "http"):
        raise RemoteFetchError(url, "only https URLs are fetched")
    if not parts.hostname or parts.username or parts.password:
        raise RemoteFetchError(url, "URL without a host, or with credentials")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80), parts.scheme


def address_allowed(address: str, allow_loopback: bool = False) -> bool:
    """Whether a resolved address is a public one (or loopback, when allowed)."""
    try:
        ip = ipaddress.ip_address(address.split("%", maxsplit=1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_private)


def _pinned_address(url: str, host: str, port: int) -> str:
    allow_loopback = get_settings().federation.allow_loopback
    addresses = resolver(host, port)
    if not addresses:
        raise RemoteFetchError(url, "the host has no address")
    refused = [a for a in addresses if not address_allowed(a, allow_loopback)]
    if refused:
        raise RemoteFetchError(url, f"refused address {refused[0]} (private, loopback or reserved)")
    return addresses[0]


def _request(
    method: str, url: str, body: bytes | None, headers: dict[str, str], deadline: float, max_bytes: int
) -> tuple[int, dict[str, str], bytes]:
    import urllib3

    host, port, scheme = check_url(url)
    address = _pinned_address(url, host, port)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise RemoteFetchError(url, "timed out", retryable=True)
    timeout = urllib3.Timeout(connect=remaining, read=remaining)
    default_port = 443 if scheme == "https" else 80
    host_header = host if port == default_port else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if port == default_port else f"[{host}]:{port}"
    pool: Any
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port, timeout=timeout, retries=False, server_hostname=host, assert_hostname=host
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    path = urlsplit(url).path or "/"
    query = urlsplit(url).query
    target = f"{path}?{query}" if query else path
    sent = {"Host": host_header, "User-Agent": USER_AGENT, **headers}
    try:
        response = pool.urlopen(
            method, target, body=body, headers=sent, redirect=False, preload_content=False, assert_same_host=False
        )
        try:
            data = _read_capped(response, url, deadline, max_bytes)
        finally:
            response.release_conn()
    except RemoteFetchError:
        raise
    except Exception as exc:  # urllib3's timeouts, resets, TLS failures
        raise RemoteFetchError(url, f"{type(exc).__name__}: {exc}", retryable=True) from None
    finally:
        pool.close()
    lowered = {str(k).lower(): str(v) for k, v in response.headers.items()}
    return int(response.status), lowered, data


def _read_capped(response: Any, url: str, deadline: float, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise RemoteFetchError(url, f"answer larger than {max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise RemoteFetchError(url, "timed out", retryable=True)
        chunk = response.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise RemoteFetchError(url, f"answer larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_status(url: str, status: int) -> None:
    if 200 <= status < 300:
        return
    raise RemoteFetchError(url, f"answered {status}", retryable=status >= 500 or status in (408, 429))
