"""The REST API's integrations, locally: each resource's function, as template.yaml and the
CDK app wire them (infra/rest_api.py): the inbox POSTs' resources to the inbox POST function,
`/{proxy+}` and `/` to the API function."""

from __future__ import annotations

from typing import Any, Protocol

from infra.rest_api import INBOX_RESOURCES
from local.lambda_runtime import LocalFunction


class Function(Protocol):
    def invoke(self, event: Any) -> Any: ...


class RestApi:
    """Invokes the function of the resource an event names (local/apigw.py builds it)."""

    def __init__(self, api: Function, inbox_post: Function) -> None:
        self.api = api
        self.inbox_post = inbox_post

    def invoke(self, event: dict[str, Any]) -> Any:
        function = self.inbox_post if event.get("resource") in INBOX_RESOURCES else self.api
        return function.invoke(event)


def rest_api(region: str = "us-east-1") -> RestApi:
    """The API function (app.handler) and the inbox POST function, each in its own warm
    execution environment; imported here, as Lambda imports them at a cold start."""
    import app
    from functions.federation import inbox_post

    return RestApi(
        LocalFunction("api", app.handler, timeout=29, region=region),
        LocalFunction("inboxpost", inbox_post.handler, timeout=29, region=region),
    )
