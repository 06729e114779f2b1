"""Lambda entry points of the real-time channel (docs/realtime.md).

- `handle_websocket`: the WebSocket API's $connect, $disconnect and $default routes, and the
  deferred pushes the function asks of itself (the Engine.IO open packet); the local gateway
  (local/realtime.py) calls it with the same events.
- `handle_schedule`: the pinger, every few minutes (Engine.IO's server-side pings).

I/O glue only: chalicelib/api/realtime.py holds the protocol.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from chalicelib import subscribers
from chalicelib.api import realtime
from chalicelib.domain import realtime as rules
from chalicelib.domain import runners
from chalicelib.store import realtime as store
from functions.entry import lambda_entry

OK = {"statusCode": 200}
# `/runners` takes a registered runner's token (PeerTube's runner connects with it).
rules.register_runner_lookup(runners.name_for_token)


# The subscribers, because the domain modules it uses can emit (a video's rules come with its
# use cases); 27 ms of a 270 ms import.
@lambda_entry(subscribers.register)
def handle_websocket(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if realtime.DEFERRED_KEY in event:
        realtime.send_deferred(event)
        return OK
    request = event.get("requestContext") or {}
    route = request.get("routeKey")
    connection_id = str(request.get("connectionId") or "")
    if not connection_id:
        return {"statusCode": 400}
    if route == "$connect":
        query = {str(k): str(v) for k, v in (event.get("queryStringParameters") or {}).items()}
        return {"statusCode": realtime.connect(realtime.Handshake(connection_id, query))}
    if route == "$disconnect":
        realtime.disconnect(connection_id)
        return OK
    realtime.receive(connection_id, _frame(event))
    return OK


@lambda_entry(subscribers.register)
def handle_schedule(event: dict[str, Any], context: Any) -> dict[str, int]:
    delivery = store.ping_all()
    return {"pinged": delivery.delivered, "gone": delivery.gone}


def _frame(event: dict[str, Any]) -> Any:
    """A text frame as text; a binary frame (which API Gateway hands over base64-encoded) as
    bytes, which the decoder refuses."""
    body = event.get("body")
    if body is None:
        return ""
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(str(body), validate=True)
        except (binascii.Error, ValueError):
            return b""
    return str(body)
