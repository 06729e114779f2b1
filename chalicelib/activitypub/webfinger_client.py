"""Resolving `name@host` handles to actor URLs with WebFinger, as PeerTube and Mastodon do."""

from __future__ import annotations

from urllib.parse import quote

from chalicelib.activitypub.errors import RemoteFetchError
from chalicelib.activitypub.inbound.checks import InvalidDocument, as_list, url
from chalicelib.config import get_settings
from chalicelib.domain.handles import is_handle

ACTIVITY_TYPES = ("application/activity+json", 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"')


def resolve_handle(handle: str) -> str:
    """The actor URL of `name@host` (the JRD's `self` link with an ActivityPub type)."""
    from chalicelib.activitypub.net.transport import JRD_ACCEPT, fetch_json

    handle = handle.removeprefix("@")
    host = check_handle(handle)
    scheme = get_settings().instance_scheme if get_settings().federation.allow_loopback else "https"
    resource = quote(f"acct:{handle}", safe=":@")
    document = fetch_json(f"{scheme}://{host}/.well-known/webfinger?resource={resource}", accept=JRD_ACCEPT)
    for link in as_list(document.get("links")):
        if isinstance(link, dict) and link.get("rel") == "self" and link.get("type") in ACTIVITY_TYPES:
            try:
                return url(link.get("href"), "href")
            except InvalidDocument:
                break
    raise RemoteFetchError(handle, "WebFinger names no ActivityPub actor")


def check_handle(handle: str) -> str:
    """The host (with its port, if any) of a `name@host` handle whose host is a plain host
    name; loopback addresses too when CIRRUS_FEDERATION_ALLOW_LOOPBACK is on (local tests)."""
    from chalicelib.activitypub.net.addresses import is_host_name, is_ip_literal

    if not is_handle(handle):
        raise RemoteFetchError(handle, "not a name@host handle")
    host = handle.rpartition("@")[2].lower()
    name = host.rpartition(":")[0] if ":" in host else host
    if is_ip_literal(name):
        # The handle pattern admits no IPv6 literal: only 127.0.0.0/8 can be loopback here.
        if not (get_settings().federation.allow_loopback and name.startswith("127.")):
            raise RemoteFetchError(handle, "the host of a handle must be a host name")
    elif not is_host_name(name):
        raise RemoteFetchError(handle, "the host of a handle must be a host name")
    return host
