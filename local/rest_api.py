"""The REST API's integrations, locally: each resource's function, as template.yaml and the
CDK app wire them (infra/rest_api.py): the inbox POSTs' resources to the inbox POST function,
the image uploads' to the image uploads function, `/{proxy+}` and `/` to the API function."""

from __future__ import annotations

from typing import Any, Protocol

from infra.rest_api import IMAGE_UPLOADS, INBOX_POST, function_of
from local.lambda_runtime import LocalFunction


class Function(Protocol):
    def invoke(self, event: Any) -> Any: ...


class RestApi:
    """Invokes the function of the resource and method an event names (local/apigw.py builds it)."""

    def __init__(self, api: Function, inbox_post: Function, image_uploads: Function) -> None:
        self.api = api
        self.functions = {INBOX_POST: inbox_post, IMAGE_UPLOADS: image_uploads}

    def invoke(self, event: dict[str, Any]) -> Any:
        name = function_of(event.get("resource"), event.get("httpMethod"))
        return (self.functions[name] if name else self.api).invoke(event)


def rest_api(region: str = "us-east-1") -> RestApi:
    """The API function (app.handler), the inbox POST function and the image uploads function,
    imported here as Lambda imports them at a cold start. The image uploads function runs the
    API's own app object in this process, so it shares the API's execution environment (one
    invocation at a time: Chalice keeps the current request on the app)."""
    import app
    from functions.federation import inbox_post

    api = LocalFunction("api", app.handler, timeout=29, region=region)
    return RestApi(
        api,
        LocalFunction("inboxpost", inbox_post.handler, timeout=29, region=region),
        LocalFunction("imageuploads", app.handler, timeout=29, region=region, environment_of=api),
    )
