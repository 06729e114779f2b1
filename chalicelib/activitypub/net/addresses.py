"""Which URLs, hosts and addresses Cirrus may send a request to: the address-safety
(server-side request forgery) policy, apart from the transport that applies it.

Remote URLs come from hostile documents, so each one is judged before anything leaves: https
only, no credentials in the URL, a plain host name or IP literal, and a host whose every
address is a public unicast one (`address_refusal` lists what is refused). Nothing here opens
a socket or resolves a name: transport.py resolves, asks `check_addresses`, and connects to
the very addresses that passed.

`CIRRUS_FEDERATION_ALLOW_LOOPBACK=1` (local tests only, never on by default) also allows
loopback addresses (127.0.0.0/8, ::1), and plain http to them, and nothing else.
See docs/federation.md, "Remote requests".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from chalicelib.activitypub.errors import RemoteFetchError
from chalicelib.address_policy import address_allowed, address_refusal, is_host_name, is_ip_literal, is_loopback
from chalicelib.config import get_settings

__all__ = [
    "Target",
    "address_allowed",
    "address_refusal",
    "check_addresses",
    "check_url",
    "checked_target",
    "is_host_name",
    "is_ip_literal",
    "is_loopback",
]


# --- URLs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A URL that passed `checked_target`, taken apart for the transport."""

    url: str
    scheme: str
    host: str  # lower case, IPv6 without brackets
    port: int
    netloc: str  # the Host header, as the URL writes it (so it matches what a signer signed)
    request_target: str  # path and query


def checked_target(url: str) -> Target:
    """`url` taken apart, or RemoteFetchError (not retryable) when Cirrus may not request it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise RemoteFetchError(url, "malformed URL") from None
    allow_loopback = get_settings().federation.allow_loopback
    if parts.scheme != "https" and not (allow_loopback and parts.scheme == "http"):
        raise RemoteFetchError(url, "only https URLs are fetched")
    if "@" in parts.netloc:
        raise RemoteFetchError(url, "URL with credentials")
    host = parts.hostname or ""
    if not (is_host_name(host) or is_ip_literal(host)):
        raise RemoteFetchError(url, "URL without a plain host name")
    path = parts.path or "/"
    return Target(
        url=url,
        scheme=parts.scheme,
        host=host,
        port=port or (443 if parts.scheme == "https" else 80),
        netloc=parts.netloc,
        request_target=f"{path}?{parts.query}" if parts.query else path,
    )


def check_url(url: str) -> tuple[str, int, str]:
    """(host, port, scheme) of a URL Cirrus may request, without resolving it."""
    target = checked_target(url)
    return target.host, target.port, target.scheme


# --- A target's addresses, once resolved --------------------------------------------------


def check_addresses(target: Target, addresses: Sequence[str]) -> None:
    """Refuse `target` unless it has addresses and every one may be connected to: all of them
    must pass, so no order of the DNS answer lets a refused one slip through."""
    allow_loopback = get_settings().federation.allow_loopback
    if not addresses:
        raise RemoteFetchError(target.url, "the host has no address", retryable=True)
    for address in addresses:
        refusal = address_refusal(address, allow_loopback=allow_loopback)
        if refusal is not None:
            raise RemoteFetchError(target.url, f"refused address {address} ({refusal})")
        if target.scheme == "http" and not is_loopback(address):
            raise RemoteFetchError(target.url, "plain http is only allowed to loopback addresses")
