"""API Gateway's REST proxy integration, locally: HTTP request in, proxy event out, and the
function's result back to an HTTP response, with API Gateway's limits and quirks."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from infra.rest_api import PROXY_RESOURCE, explicit_route
from local.lambda_runtime import ACCOUNT_ID

# API Gateway refuses larger requests before invoking the function.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
# Lambda refuses to return larger (synchronous) responses.
MAX_RESPONSE_BYTES = 6 * 1024 * 1024
STAGE = "local"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def build_proxy_event(request: HttpRequest, binary_types: Iterable[str]) -> dict[str, Any]:
    """The event API Gateway sends with Lambda proxy integration: for the explicit resource
    the request matches (an inbox POST, an image upload: infra/rest_api.py), else for
    `/{proxy+}`."""
    headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        headers[name] = value
        multi_headers.setdefault(name, []).append(value)
    query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for name, value in request.query:
        query[name] = value
        multi_query.setdefault(name, []).append(value)
    content_type = _header(request.headers, "content-type") or ""
    is_binary = bool(request.body) and _matches(content_type, binary_types)
    if is_binary:
        body: str | None = base64.b64encode(request.body).decode("ascii")
    else:
        body = request.body.decode("utf-8", errors="replace") if request.body else None
    explicit = explicit_route(request.method, request.path)
    resource, parameters = (
        (explicit[0].resource, explicit[1]) if explicit else (PROXY_RESOURCE, {"proxy": request.path.lstrip("/")})
    )
    now = time.time()
    return {
        "resource": resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": request.method,
            "path": f"/{STAGE}{request.path}",
            "stage": STAGE,
            "accountId": ACCOUNT_ID,
            "requestId": str(uuid.uuid4()),
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "protocol": "HTTP/1.1",
            "domainName": _header(request.headers, "host") or "",
            "identity": {
                "sourceIp": request.source_ip,
                "userAgent": _header(request.headers, "user-agent"),
            },
        },
        "body": body,
        "isBase64Encoded": is_binary,
    }


def response_from_result(result: Any) -> HttpResponse:
    """Turn the function's return value into the HTTP response API Gateway would send."""
    if not isinstance(result, dict) or "statusCode" not in result:
        return _gateway_error(502, "Internal server error")
    headers: list[tuple[str, str]] = []
    single = result.get("headers") or {}
    multi = result.get("multiValueHeaders") or {}
    for name, values in multi.items():
        headers.extend((name, str(v)) for v in values)
    for name, value in single.items():
        if name not in multi:
            headers.append((name, str(value)))
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
    if len(body) > MAX_RESPONSE_BYTES:
        return _gateway_error(502, "Internal server error")
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return HttpResponse(int(result["statusCode"]), headers, body)


def too_large() -> HttpResponse:
    return _gateway_error(413, "Request Too Long")


def function_error() -> HttpResponse:
    return _gateway_error(502, "Internal server error")


def _gateway_error(status: int, message: str) -> HttpResponse:
    # API Gateway's own errors are plain {"message": ...} documents.
    body = json.dumps({"message": message}).encode()
    return HttpResponse(status, [("Content-Type", "application/json")], body)


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _matches(content_type: str, patterns: Iterable[str]) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    for pattern in (p.lower() for p in patterns):
        if pattern in ("*/*", media):
            return True
        if pattern.endswith("/*") and media.startswith(pattern[:-1]):
            return True
    return False
