"""How other servers find Cirrus' actors: WebFinger, host-meta and NodeInfo documents.

PeerTube answers WebFinger only for `acct:name@our-host` resources naming a local account,
channel or the instance actor; it finds an instance actor through NodeInfo's Application
link first, then through WebFinger `acct:peertube@host`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from chalicelib.domain.nodeinfo_usage import Usage

NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.0"
NODEINFO_CONTENT_TYPE = f'application/json; profile="{NODEINFO_SCHEMA}#"'
APPLICATION_REL = "https://www.w3.org/ns/activitystreams#Application"
SOFTWARE_NAME = "peertube"  # what PeerTube and Mastodon key their PeerTube support on


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


def _without_default_port(host: str) -> str:
    host = host.lower()
    for port in (":443", ":80"):
        if host.endswith(port):
            return host[: -len(port)]
    return host


def _invalid_resource(resource: str | None) -> ValidationError:
    return ValidationError({"resource": "Invalid value"}, location="query")
