"""PeerTube's error form: RFC 7807 application/problem+json.

Every error leaves the API through here, whether a domain error raised by a view or one of
Chalice's own refusals (unknown method, unsupported media type, unparsable JSON). The
fields follow PeerTube's `res.fail()`: without an error code the type is `about:blank` and
the title is the status phrase; with a code, the type points at the code's documentation,
`code` repeats it, and there is no title.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from chalice.app import Response

from chalicelib.errors import CirrusError, ValidationError, status_for

PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8"
ERRORS_DOC_URL = "https://docs.joinpeertube.org/api-rest-reference.html#section/Errors/"


def problem_response(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    invalid_params: Mapping[str, str] | None = None,
    location: str = "body",
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A problem+json response shaped like PeerTube's."""
    body: dict[str, Any] = {}
    if code:
        body["type"] = ERRORS_DOC_URL + code
    else:
        body["type"] = "about:blank"
        body["title"] = _title_for(status)
    body["detail"] = detail
    if instance:
        body["instance"] = instance
    body["status"] = status
    if invalid_params:
        body["invalid-params"] = {
            name: {"type": "field", "msg": reason, "path": name, "location": location}
            for name, reason in invalid_params.items()
        }
    if code:
        body["code"] = code
    return Response(
        body=json.dumps(body),
        status_code=status,
        headers={**(headers or {}), "Content-Type": PROBLEM_CONTENT_TYPE},
    )


def problem_from_error(error: CirrusError, *, instance: str | None = None) -> Response:
    invalid = error.invalid_params if isinstance(error, ValidationError) else None
    return problem_response(
        status_for(error),
        error.detail,
        code=error.code,
        invalid_params=invalid,
        location=error.location if isinstance(error, ValidationError) else "body",
        instance=instance,
        headers=error.headers,
    )


def problem_from_chalice_error(response: Response, path: str) -> Response | None:
    """Reshape Chalice's built-in `{"Code", "Message"}` error bodies; None if not one."""
    body = response.body
    if isinstance(body, str | bytes):
        try:
            body = json.loads(body)
        except ValueError:
            return None
    if not (isinstance(body, dict) and set(body) == {"Code", "Message"}):
        return None
    status = response.status_code
    detail = str(body["Message"])
    headers = {k: str(v) for k, v in response.headers.items() if k.lower() == "allow"}
    if status == 405 and is_api_path(path):
        # PeerTube's API answers 400 to a method it has no route for.
        status = 400
    if status >= 500:
        detail = "Internal server error."
    return problem_response(status, detail, headers=headers)


def unknown_route_response(path: str) -> Response:
    """PeerTube answers 400 to an unknown /api/ path and 404 elsewhere."""
    if is_api_path(path):
        return problem_response(400, f"Unknown API route {path}.")
    return problem_response(404, f"Nothing at {path}.")


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def _title_for(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
