"""Helpers of the session and rate-limit findings (M4, M5, L7): token grants as a client sends them."""

from __future__ import annotations

from typing import Any

from tests.api_client import ApiClient, ApiResponse


def refresh(api: ApiClient, refresh_token: str, source_ip: str = "203.0.113.7") -> ApiResponse:
    return token_request(api, {"grant_type": "refresh_token", "refresh_token": refresh_token}, source_ip=source_ip)


def password_login(
    api: ApiClient, username: str, password: str, source_ip: str = "203.0.113.7", headers: dict[str, str] | None = None
) -> ApiResponse:
    fields = {"grant_type": "password", "username": username, "password": password}
    return token_request(api, fields, source_ip=source_ip, headers=headers)


def token_request(
    api: ApiClient, fields: dict[str, str], source_ip: str = "203.0.113.7", headers: dict[str, str] | None = None
) -> ApiResponse:
    from urllib.parse import urlencode

    body = urlencode({"client_id": api.client_id, "client_secret": api.client_secret, **fields}).encode()
    return api.request(
        "POST",
        "/api/v1/users/token",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        source_ip=source_ip,
    )


def problem(response: ApiResponse) -> dict[str, Any]:
    assert response.content_type.startswith("application/problem+json"), response.headers
    return dict(response.json())
