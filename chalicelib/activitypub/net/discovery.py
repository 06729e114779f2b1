"""Discovery: how servers find each other's actors, through WebFinger, host-meta and NodeInfo,
both ways.

What this instance answers (api/well_known.py): PeerTube answers WebFinger only for
`acct:name@our-host` resources naming a local account, channel or the instance actor; it finds
an instance actor through NodeInfo's Application link first, then through WebFinger
`acct:peertube@host`.

What it asks other servers, from what an administrator or a user types once
domain/handles.py found it well formed: a host (its instance actor, by that same NodeInfo
link, else WebFinger `peertube@host`, as PeerTube) or a `name@host` handle (WebFinger, as
PeerTube and Mastodon). These return actor URLs only; remote/actors.py fetches and keeps the
actors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from chalicelib.activitypub.errors import RemoteFetchError
from chalicelib.activitypub.remote.parse.checks import InvalidDocument, as_list, same_host, url
from chalicelib.config import get_settings
from chalicelib.domain.accounts import SERVER_ACTOR_NAME
from chalicelib.domain.handles import is_handle
from chalicelib.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from chalicelib.domain.nodeinfo_usage import Usage

NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.0"
NODEINFO_CONTENT_TYPE = f'application/json; profile="{NODEINFO_SCHEMA}#"'
APPLICATION_REL = "https://www.w3.org/ns/activitystreams#Application"
SOFTWARE_NAME = "peertube"  # what PeerTube and Mastodon key their PeerTube support on
ACTIVITY_TYPES = ("application/activity+json", 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"')


# --- What this instance answers ---------------------------------------------------------


def webfinger_name(resource: str | None, instance_host: str) -> str:
    """The local actor name an `acct:name@host` resource asks for (400 when malformed or
    naming another host, as PeerTube)."""
    if not resource or not resource.startswith("acct:"):
        raise _invalid_resource(resource)
    parts = resource[len("acct:") :].split("@")
    if len(parts) != 2 or not parts[0] or _without_default_port(parts[1]) != _without_default_port(instance_host):
        raise _invalid_resource(resource)
    return parts[0]


def webfinger_document(resource: str, actor_url: str | None, instance_url: str) -> dict[str, Any]:
    if actor_url is None:
        raise NotFoundError("Actor not found")
    return {
        "subject": resource,
        "aliases": [actor_url],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": actor_url},
            {
                "rel": "http://ostatus.org/schema/1.0/subscribe",
                "template": f"{instance_url}/remote-interaction?uri={{uri}}",
            },
        ],
    }


def host_meta(instance_url: str) -> str:
    template = f"{instance_url}/.well-known/webfinger?resource={{uri}}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" type="application/xrd+xml" template="{template}"/>\n'
        "</XRD>"
    )


def nodeinfo_links(instance_url: str, server_actor_url: str) -> dict[str, Any]:
    return {
        "links": [
            {"rel": NODEINFO_SCHEMA, "href": f"{instance_url}/nodeinfo/2.0.json"},
            {"rel": APPLICATION_REL, "href": server_actor_url},
        ]
    }


def nodeinfo(usage: Usage, *, name: str, short_description: str, open_registrations: bool) -> dict[str, Any]:
    from chalicelib.domain.instance import PEERTUBE_API_VERSION

    return {
        "version": "2.0",
        "software": {"name": SOFTWARE_NAME, "version": PEERTUBE_API_VERSION},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
        "openRegistrations": open_registrations,
        "usage": {
            "users": {"total": usage.users, "activeMonth": usage.active_month, "activeHalfyear": usage.active_halfyear},
            "localPosts": usage.local_posts,
            "localComments": usage.local_comments,
        },
        "metadata": {"taxonomy": {"postsName": "Videos"}, "nodeName": name, "nodeDescription": short_description},
    }


# --- What it asks other servers ---------------------------------------------------------


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
    return resolve_handle(f"{SERVER_ACTOR_NAME}@{host}")


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


def _without_default_port(host: str) -> str:
    host = host.lower()
    for port in (":443", ":80"):
        if host.endswith(port):
            return host[: -len(port)]
    return host


def _invalid_resource(resource: str | None) -> ValidationError:
    return ValidationError({"resource": "Invalid value"}, location="query")
