"""Which IP addresses Cirrus may connect to when a URL comes from outside: public unicast
ones only (IANA's special-purpose registries refused). The one policy of every outbound
connection a stranger can name: federation's requests (activitypub/net/addresses.py, which
adds its URL rules), and the live ingest's simulcast pushes (functions/live/simulcast.py).
Pure: nothing here resolves a name or opens a socket.
"""

from __future__ import annotations

import ipaddress
import re

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


# --- Which addresses may be connected to -------------------------------------------------

_LOOPBACK_V4 = ipaddress.IPv4Network("127.0.0.0/8")
_LOOPBACK_V6 = ipaddress.IPv6Address("::1")
# IANA's special-purpose registries, written out so the answer does not depend on the
# Python release's idea of `is_global`.
_REFUSED_V4 = tuple(
    (ipaddress.IPv4Network(network), label)
    for network, label in (
        ("0.0.0.0/8", "unspecified"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared (carrier-grade NAT)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "reserved (IETF protocol assignments)"),
        ("192.0.2.0/24", "reserved (documentation)"),
        ("192.88.99.0/24", "reserved (6to4 relay)"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "reserved (benchmarking)"),
        ("198.51.100.0/24", "reserved (documentation)"),
        ("203.0.113.0/24", "reserved (documentation)"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),  # 255.255.255.255 (broadcast) included
    )
)
_REFUSED_V6 = tuple(
    (ipaddress.IPv6Network(network), label)
    for network, label in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("64:ff9b:1::/48", "reserved (local NAT64)"),
        ("100::/64", "reserved (discard)"),
        ("2001::/23", "reserved (IETF protocol assignments)"),  # Teredo included
        ("2001:db8::/32", "reserved (documentation)"),
        ("3fff::/20", "reserved (documentation)"),
        ("fc00::/7", "unique local"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    )
)
_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
_NAT64_V6 = ipaddress.IPv6Network("64:ff9b::/96")
_6TO4_V6 = ipaddress.IPv6Network("2002::/16")


def address_refusal(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why Cirrus may not connect to `address` ("private", "loopback"...), or None if it may.

    IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by that
    address; with `allow_loopback`, 127.0.0.0/8 and ::1 themselves are allowed, not their
    IPv6 disguises.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", maxsplit=1)[0])  # a scope id says nothing
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv4Address):
        if ip in _LOOPBACK_V4 and allow_loopback:
            return None
        return next((label for network, label in _REFUSED_V4 if ip in network), None)
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        refusal = address_refusal(str(embedded))
        return None if refusal is None else f"{refusal} (inside IPv6)"
    if ip == _LOOPBACK_V6 and allow_loopback:
        return None
    label = next((label for network, label in _REFUSED_V6 if ip in network), None)
    if label is None and ip not in _GLOBAL_UNICAST_V6:
        label = "reserved"
    return label


def address_allowed(address: str, allow_loopback: bool = False) -> bool:
    """Whether `address` is a public unicast one (or loopback, when allowed)."""
    return address_refusal(address, allow_loopback=allow_loopback) is None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64_V6:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _6TO4_V6:
        return ip.sixtofour
    if int(ip) >> 32 == 0 and int(ip) > 1:  # IPv4-compatible (::a.b.c.d), deprecated
        return ipaddress.IPv4Address(int(ip))
    return None


def is_loopback(address: str) -> bool:
    """Whether `address` is a loopback one itself (127.0.0.0/8 or ::1, not an IPv6 disguise)."""
    ip = ipaddress.ip_address(address.split("%", maxsplit=1)[0])
    return ip in _LOOPBACK_V4 if isinstance(ip, ipaddress.IPv4Address) else ip == _LOOPBACK_V6


def is_host_name(host: str) -> bool:
    """Whether `host` (no port) is a plain DNS name: letters, digits and inner hyphens."""
    labels = host.lower().removesuffix(".").split(".")
    return len(host) <= 253 and all(_LABEL.match(label) for label in labels) and not labels[-1].isdigit()


def is_ip_literal(host: str) -> bool:
    """Whether `host` is an IP address (IPv6 with or without its brackets)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
