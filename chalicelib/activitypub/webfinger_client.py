"""Resolving `name@host` handles to actor URLs with WebFinger, as PeerTube and Mastodon do."""

from __future__ import annotations

from urllib.parse import quote

from chalicelib.activitypub.errors import RemoteFetchError
from chalicelib.activitypub.inbound.checks import InvalidDocument, as_list, url
from chalicelib.activitypub.remote_discovery import is_handle
from chalicelib.config import get_settings

ACTIVITY_TYPES = ("application/activity+json", 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"')


def resolve_handle(handle: str) -> str:
    """The actor URL of `name@host` (the JRD's `self` link with an ActivityPub type)."""
    from chalicelib.activitypub.remote_http import fetch_json

    handle = handle.removeprefix("@")
    if not is_handle(handle):
        raise RemoteFetchError(handle, "not a name@host handle")
    host = handle.rpartition("@")[2].lower()
    scheme = get_settings().instance_scheme if get_settings().federation.allow_loopback else "https"
    resource = quote(f"acct:{handle}", safe=":@")
    document = fetch_json(
        f"{scheme}://{host}/.well-known/webfinger?resource={resource}", accept="application/jrd+json, application/json"
    )
    for link in as_list(document.get("links")):
        if isinstance(link, dict) and link.get("rel") == "self" and link.get("type") in ACTIVITY_TYPES:
            try:
                return url(link.get("href"), "href")
            except InvalidDocument:
                break
    raise RemoteFetchError(handle, "WebFinger names no ActivityPub actor")
