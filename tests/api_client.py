"""Drive the REST API's functions in-process the way API Gateway does: proxy events in, results
out, each to the function of its resource (the API function, or the inbox POST function)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from local import apigw
from local.rest_api import rest_api


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
    def __init__(self, client_id: str = "", client_secret: str = "") -> None:
        import app

        self._function = rest_api()
        self._binary_types = list(app.app.api.binary_types)
        self.client_id = client_id
        self.client_secret = client_secret

    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        source_ip: str = "203.0.113.7",
    ) -> ApiResponse:
        parts = urlsplit(url)
        request = apigw.HttpRequest(
            method=method,
            path=parts.path,
            query=parse_qsl(parts.query, keep_blank_values=True),
            headers=list((headers or {}).items()),
            body=body,
            source_ip=source_ip,
        )
        result = self._function.invoke(apigw.build_proxy_event(request, self._binary_types))
        response = apigw.response_from_result(result)
        return ApiResponse(response.status, {k.lower(): v for k, v in response.headers}, response.body)

    def get(self, url: str, **kwargs: Any) -> ApiResponse:
        return self.request("GET", url, **kwargs)

    def send_json(self, method: str, url: str, document: Any, token: str | None = None) -> ApiResponse:
        headers = {"Content-Type": "application/json", **_bearer(token)}
        return self.request(method, url, body=json.dumps(document).encode(), headers=headers)

    def post_json(self, url: str, document: Any, token: str | None = None) -> ApiResponse:
        return self.send_json("POST", url, document, token)

    def put_json(self, url: str, document: Any, token: str | None = None) -> ApiResponse:
        return self.send_json("PUT", url, document, token)

    def get_as(self, url: str, token: str | None) -> ApiResponse:
        return self.request("GET", url, headers=_bearer(token))

    def delete_as(self, url: str, token: str | None) -> ApiResponse:
        return self.request("DELETE", url, headers=_bearer(token))

    def post_form(self, url: str, fields: dict[str, str], token: str | None = None) -> ApiResponse:
        body = urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **_bearer(token)}
        return self.request("POST", url, body=body, headers=headers)

    def login(self, username: str, password: str) -> dict[str, Any]:
        """The token document of a password grant; fails the test if refused."""
        response = self.post_form(
            "/api/v1/users/token",
            {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "grant_type": "password",
                "username": username,
                "password": password,
            },
        )
        assert response.status == 200, response.body
        return dict(response.json())


def _bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}
