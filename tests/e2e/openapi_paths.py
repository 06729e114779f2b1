"""Validate a response against the schema PeerTube's OpenAPI file gives inline for one
operation (many answers, such as lists of playlists, have no named component schema)."""

from __future__ import annotations

import re
from typing import Any

from openapi_schema_validator import OAS30Validator

from tests.openapi import SPEC_URI, _registry


def operation_errors(method: str, path: str, document: Any, status: int = 200) -> list[str]:
    """Every way `document` breaks the JSON schema of `method path`'s `status` answer."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    pointer = f"/paths/{escaped}/{method.lower()}/responses/{status}/content/application~1json/schema"
    validator = OAS30Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=_registry())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def assert_answers(
    method: str, path: str, document: Any, *, status: int = 200, known_deviations: tuple[str, ...] = ()
) -> None:
    """As tests.openapi.assert_conforms, for the answer of an operation named by its templated
    path as the file writes it, e.g. ("GET", "/api/v1/video-playlists/{playlistId}/videos")."""
    patterns = [re.compile(deviation) for deviation in known_deviations]
    errors = [e for e in operation_errors(method, path, document, status) if not any(p.match(e) for p in patterns)]
    assert not errors, f"{method} {path} violations:\n" + "\n".join(errors[:20])
