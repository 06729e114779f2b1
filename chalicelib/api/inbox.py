"""The inboxes: the shared `/inbox` and each local account's and channel's own.

An accepted POST is answered 204 at once, as PeerTube does; its activities are processed
from the inbox queue (functions/federation/inbox.py).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from chalicelib.activitypub.inbox.message import InboxMessage
from chalicelib.activitypub.inbox.receive import receive
from chalicelib.activitypub.signatures import InboundRequest
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import source_ip
from chalicelib.api.responses import no_content
from chalicelib.config import get_settings
from chalicelib.domain import rate_limits
from chalicelib.errors import NotFoundError
from chalicelib.store import actors, queues

if TYPE_CHECKING:
    from chalice.app import Response

inbox_api = ApiBlueprint(__name__)
ACTIVITY_TYPES = [
    "application/activity+json",
    "application/ld+json",
    'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
    "application/json",
]


@inbox_api.route("/inbox", methods=["POST"], content_types=ACTIVITY_TYPES)
def shared_inbox() -> Response:
    return _accept(None)


@inbox_api.route("/accounts/{name}/inbox", methods=["POST"], content_types=ACTIVITY_TYPES)
def account_inbox(name: str) -> Response:
    return _accept(_local(name, channel=False))


@inbox_api.route("/video-channels/{name}/inbox", methods=["POST"], content_types=ACTIVITY_TYPES)
def channel_inbox(name: str) -> Response:
    return _accept(_local(name, channel=True))


def _local(name: str, *, channel: bool) -> int:
    actor = actors.find_local_actor(name)
    if actor is None or (actor.actor_type == "Group") != channel:
        raise NotFoundError("Video channel not found" if channel else "Account not found")
    return int(actor.id)


def _accept(inbox_actor_id: int | None) -> Response:
    request = inbox_api.current_request
    # Before the signature check, which may fetch keys from the sender's server (PeerTube's
    # rates_limit.activity_pub, per address).
    rate_limits.count_attempt(rate_limits.INBOX, source_ip(request), time.time())
    settings = get_settings()
    event = request.to_original_event()
    headers = dict(request.headers)
    # The request reached this instance, so the host its signer signed must be ours; behind
    # CloudFront and API Gateway the Host header names the gateway instead.
    headers["host"] = settings.instance_host
    query = event.get("multiValueQueryStringParameters") or {}
    path = str(event.get("path") or "/inbox")
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, values in query.items() for v in values)
    raw = request.raw_body or b""
    body = raw.encode("utf-8") if isinstance(raw, str) else raw
    inbound = InboundRequest("POST", path, headers, body, settings.instance_scheme)
    received = receive(inbound)
    if received.activities:
        messages = [
            InboxMessage(
                a, actor, inbox_actor_id, None if actor == received.signer_url else received.signer_url
            ).to_json()
            for a, actor in received.activities
        ]
        queues.send_inbox(messages)
    return no_content()
