"""Responses without a JSON document."""

from __future__ import annotations

from chalice.app import Response


def no_content() -> Response:
    """204 as PeerTube sends it (`res.type('json').status(204).end()`): JSON type, no body."""
    return Response(body="", status_code=204, headers={"Content-Type": "application/json; charset=utf-8"})
