"""Finding another server's actors from what an administrator types: a host (its instance
actor, through NodeInfo's Application link, else WebFinger `peertube@host`, as PeerTube) or
a `name@host` handle (WebFinger), once domain/handles.py found them well formed."""

from __future__ import annotations

from chalicelib.activitypub.discovery import APPLICATION_REL
from chalicelib.activitypub.inbound.checks import as_list, same_host, url
from chalicelib.domain.accounts import SERVER_ACTOR_NAME


def instance_actor_url(host: str, scheme: str = "https") -> str:
    """The instance actor of `host`, as its NodeInfo links name it, else by WebFinger."""
    from chalicelib.activitypub.net.transport import fetch_json

    try:
        links = fetch_json(f"{scheme}://{host}/.well-known/nodeinfo", accept="application/json")
        for link in as_list(links.get("links")):
            if isinstance(link, dict) and link.get("rel") == APPLICATION_REL:
                actor = url(link.get("href"), "href")
                same_host(f"{scheme}://{host}/", actor, "the Application link")
                return actor
    except Exception:
        pass
    return handle_actor_url(f"{SERVER_ACTOR_NAME}@{host}")


def handle_actor_url(handle: str) -> str:
    from chalicelib.activitypub.webfinger_client import resolve_handle

    return str(resolve_handle(handle))
