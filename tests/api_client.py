"""Drive the API function in-process the way API Gateway does: proxy events in, results out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from local import apigw
from local.lambda_runtime import LocalFunction


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class ApiClient:
    def __init__(self) -> None:
        import app

        self._function = LocalFunction("api", app.handler)
        self._binary_types = list(app.app.api.binary_types)

    def request(
        self, method: str, url: str, *, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> ApiResponse:
        parts = urlsplit(url)
        request = apigw.HttpRequest(
            method=method,
            path=parts.path,
            query=parse_qsl(parts.query, keep_blank_values=True),
            headers=list((headers or {}).items()),
            body=body,
            source_ip="203.0.113.7",
        )
        result = self._function.invoke(apigw.build_proxy_event(request, self._binary_types))
        response = apigw.response_from_result(result)
        return ApiResponse(response.status, {k.lower(): v for k, v in response.headers}, response.body)

    def get(self, url: str, **kwargs: Any) -> ApiResponse:
        return self.request("GET", url, **kwargs)

    def post_json(self, url: str, document: Any, **kwargs: Any) -> ApiResponse:
        headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
        return self.request("POST", url, body=json.dumps(document).encode(), headers=headers, **kwargs)
