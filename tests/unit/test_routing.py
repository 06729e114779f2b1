"""Route resolution follows API Gateway's precedence: literal segments beat parameters."""

from __future__ import annotations

import pytest

from chalicelib.routing import RouteTable, resolve_proxy_event

TABLE = RouteTable(
    [
        "/api/v1/videos/{id}",
        "/api/v1/videos/categories",
        "/api/v1/videos/{id}/views",
        "/api/v1/video-channels/{handle}/videos",
        "/",
    ]
)


@pytest.mark.parametrize(
    ("path", "template", "params"),
    [
        ("/api/v1/videos/categories", "/api/v1/videos/categories", {}),
        ("/api/v1/videos/42", "/api/v1/videos/{id}", {"id": "42"}),
        ("/api/v1/videos/categories/views", "/api/v1/videos/{id}/views", {"id": "categories"}),
        ("/api/v1/videos/42/", "/api/v1/videos/{id}", {"id": "42"}),
        ("/api/v1/video-channels/a%40b.org/videos", "/api/v1/video-channels/{handle}/videos", {"handle": "a@b.org"}),
        ("/", "/", {}),
    ],
)
def test_match(path: str, template: str, params: dict[str, str]) -> None:
    found = TABLE.match(path)
    assert found is not None
    assert (found.template, found.params) == (template, params)


@pytest.mark.parametrize("path", ["/api/v1/videos", "/api/v1/videos/1/views/2", "/api/v1/videos//views", "/nope"])
def test_no_match(path: str) -> None:
    assert TABLE.match(path) is None


def test_conflicting_parameter_names_are_refused() -> None:
    with pytest.raises(ValueError, match="conflicting"):
        RouteTable(["/a/{id}", "/a/{name}/b"])


def test_proxy_events_are_rewritten_and_others_pass_through() -> None:
    proxy = {"path": "/api/v1/videos/7", "requestContext": {"resourcePath": "/{proxy+}"}}
    resolved = resolve_proxy_event(proxy, TABLE)
    assert resolved is not None
    assert resolved["requestContext"]["resourcePath"] == "/api/v1/videos/{id}"
    assert resolved["pathParameters"] == {"id": "7"}
    routed = {"path": "/x", "requestContext": {"resourcePath": "/api/v1/videos/{id}"}}
    assert resolve_proxy_event(routed, TABLE) is routed
