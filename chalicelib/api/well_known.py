"""Discovery: WebFinger, host-meta and NodeInfo (CORS open, as PeerTube's)."""

from __future__ import annotations

from chalice.app import Response

from chalicelib.activitypub.net import discovery
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import query_param
from chalicelib.config import get_settings
from chalicelib.domain import custom_config, nodeinfo_usage
from chalicelib.domain.accounts import SERVER_ACTOR_NAME
from chalicelib.errors import NotFoundError
from chalicelib.store import actors

well_known_api = ApiBlueprint(__name__)
CORS = {"Access-Control-Allow-Origin": "*"}
JSON = "application/json; charset=utf-8"


@well_known_api.route("/.well-known/webfinger", methods=["GET"])
def webfinger() -> Response:
    settings = get_settings()
    resource = query_param(well_known_api.current_request, "resource")
    name = discovery.webfinger_name(resource, settings.instance_host)
    actor = actors.find_local_actor(name)
    document = discovery.webfinger_document(str(resource), str(actor.url) if actor else None, settings.instance_url)
    return Response(body=document, status_code=200, headers={**CORS, "Content-Type": JSON})


@well_known_api.route("/.well-known/host-meta", methods=["GET"])
def host_meta() -> Response:
    body = discovery.host_meta(get_settings().instance_url)
    return Response(body=body, status_code=200, headers={**CORS, "Content-Type": "application/xml; charset=utf-8"})


@well_known_api.route("/.well-known/nodeinfo", methods=["GET"])
def nodeinfo_links() -> Response:
    settings = get_settings()
    server_actor = f"{settings.instance_url}/accounts/{SERVER_ACTOR_NAME}"
    body = discovery.nodeinfo_links(settings.instance_url, server_actor)
    return Response(body=body, status_code=200, headers={**CORS, "Content-Type": JSON})


@well_known_api.route("/nodeinfo/{document}", methods=["GET"])
def nodeinfo(document: str) -> Response:
    if document != "2.0.json":
        raise NotFoundError("Nodeinfo schema version not handled")
    # What the administrator set (instance settings) over the environment's defaults.
    in_force = custom_config.current(get_settings())
    body = discovery.nodeinfo(
        nodeinfo_usage.usage(),
        name=in_force.settings.instance_name,
        short_description=str(in_force.custom["instance"]["shortDescription"] or ""),
        open_registrations=in_force.settings.signup.enabled,
    )
    return Response(body=body, status_code=200, headers={**CORS, "Content-Type": discovery.NODEINFO_CONTENT_TYPE})
