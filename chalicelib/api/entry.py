"""The API function's Lambda entry point around the Chalice app.

Resolves the proxy event to a Chalice route (see routing.py), answers unknown paths with
PeerTube's 404, and gives every invocation structured logs with its request id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from chalicelib.api.problems import problem_from_chalice_error, unknown_route_response
from chalicelib.observability import count, logger, metrics
from chalicelib.routing import RouteTable, resolve_proxy_event

if TYPE_CHECKING:
    from chalice.app import Chalice, Response

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def make_api_handler(app: Chalice, startup: Callable[[], None] | None = None) -> Handler:
    """Build the function API Gateway invokes; the route table is built once, here.

    `startup` runs once per execution environment, before the first request is answered
    (the instance's bootstrap: a few GetItems when there is nothing to do).
    """
    table = RouteTable(app.routes.keys())
    pending = [startup] if startup else []

    @logger.inject_lambda_context(clear_state=True)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        while pending:
            pending[0]()
            pending.pop()
        resolved = resolve_proxy_event(event, table)
        if resolved is None:
            logger.info("no route", extra={"path": event.get("path"), "method": event.get("httpMethod")})
            response = unknown_route_response(event.get("path") or "/").to_dict()
        else:
            response = app(resolved, context)
        _count_errors(int(response.get("statusCode", 500)))
        return response

    return cast("Handler", handler)


def problem_middleware(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """Chalice HTTP middleware: Chalice's own error bodies become problem+json."""
    response = get_response(event)
    if response.status_code >= 400:
        path = event.to_original_event().get("path") or "" if event is not None else ""
        reshaped = problem_from_chalice_error(response, path)
        if reshaped is not None:
            return reshaped
    return response


def _count_errors(status: int) -> None:
    # API Gateway counts 4XX/5XX too, but only ours include the errors answered in a 200
    # path's stead by the function (unknown routes, problem documents).
    if status >= 500:
        count("ApiServerErrors")
    elif status >= 400:
        count("ApiClientErrors")
