"""The REST API's routing (infra/rest_api.py) as the local gateway and the tests' client apply
it: the inbox POSTs reach the inbox POST function and the image uploads the image uploads
function through their own resources, every other request the API function through
/{proxy+}, as API Gateway resolves the pair of resource and method."""

from __future__ import annotations

from typing import Any

import pytest

from infra.rest_api import IMAGE_UPLOADS, INBOX_POST, PROXY_RESOURCE, ROUTES, explicit_route
from local import apigw
from local.rest_api import RestApi


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/inbox", (INBOX_POST, "/inbox", {})),
        ("post", "/inbox", (INBOX_POST, "/inbox", {})),
        ("POST", "/accounts/alice/inbox", (INBOX_POST, "/accounts/{name}/inbox", {"name": "alice"})),
        ("POST", "/video-channels/c_1/inbox", (INBOX_POST, "/video-channels/{name}/inbox", {"name": "c_1"})),
        ("POST", "/api/v1/users/me/avatar/pick", (IMAGE_UPLOADS, "/api/v1/users/me/avatar/pick", {})),
        (
            "POST",
            "/api/v1/video-channels/c_1/banner/pick",
            (IMAGE_UPLOADS, "/api/v1/video-channels/{handle}/banner/pick", {"handle": "c_1"}),
        ),
        (
            "POST",
            "/api/v1/config/instance-logo/favicon/pick",
            (IMAGE_UPLOADS, "/api/v1/config/instance-logo/{logo_type}/pick", {"logo_type": "favicon"}),
        ),
        ("POST", "/api/v1/video-playlists", (IMAGE_UPLOADS, "/api/v1/video-playlists", {})),
        (
            "PUT",
            "/api/v1/video-playlists/7",
            (IMAGE_UPLOADS, "/api/v1/video-playlists/{playlist_id}", {"playlist_id": "7"}),
        ),
    ],
)
def test_the_explicit_resources(method: str, path: str, expected: tuple[str, str, dict[str, str]]) -> None:
    found = explicit_route(method, path)
    assert found is not None
    route, params = found
    assert (route.function, route.resource, params) == expected


@pytest.mark.parametrize(
    ("method", "path"),
    [
        # Other methods on the same resources fall through to the proxy.
        ("GET", "/inbox"),
        ("GET", "/accounts/alice/inbox"),
        ("PUT", "/video-channels/c/inbox"),
        ("DELETE", "/api/v1/users/me/avatar/pick"),
        ("GET", "/api/v1/video-playlists"),
        ("GET", "/api/v1/video-playlists/7"),
        ("DELETE", "/api/v1/video-playlists/7"),
        # Paths that are not the resources: the intermediate ones, longer, emptier, others.
        ("POST", "/accounts/alice"),
        ("POST", "/accounts//inbox"),
        ("POST", "/accounts/a/b/inbox"),
        ("POST", "/inbox/"),
        ("POST", "/accounts/alice/outbox"),
        ("POST", "/api/v1/inbox"),
        ("POST", "inbox"),
        ("DELETE", "/api/v1/users/me/avatar"),
        ("POST", "/api/v1/video-playlists/7/videos"),
        ("POST", "/api/v1/video-channels/c/avatar"),
    ],
)
def test_the_proxy(method: str, path: str) -> None:
    assert explicit_route(method, path) is None


def test_the_image_uploads_are_the_api_apps_routes() -> None:
    """The image uploads function runs app.handler: each of its resources is a route of the
    app with that method, spelled the same (the event passes to Chalice as it is)."""
    import app

    for route in ROUTES:
        if route.function == IMAGE_UPLOADS:
            assert route.method in app.app.routes.get(route.resource, {}), route


class Recorder:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        return {"statusCode": 204}


def event(method: str, path: str) -> dict[str, Any]:
    request = apigw.HttpRequest(method, path, [], [("Content-Type", "application/activity+json")], b"{}", "203.0.113.9")
    return apigw.build_proxy_event(request, ["multipart/form-data"])


def test_the_events_name_the_resource_and_go_to_its_function() -> None:
    api, inbox_post, image_uploads = Recorder(), Recorder(), Recorder()
    rest = RestApi(api, inbox_post, image_uploads)

    for path in ("/inbox", "/accounts/alice/inbox", "/video-channels/c/inbox"):
        rest.invoke(event("POST", path))
    rest.invoke(event("POST", "/api/v1/video-channels/c/avatar/pick"))
    rest.invoke(event("PUT", "/api/v1/video-playlists/9"))
    for method, path in (("GET", "/inbox"), ("POST", "/api/v1/videos"), ("GET", "/accounts/alice"), ("POST", "/")):
        rest.invoke(event(method, path))

    assert [e["resource"] for e in inbox_post.events] == [
        "/inbox",
        "/accounts/{name}/inbox",
        "/video-channels/{name}/inbox",
    ]
    assert [e["pathParameters"] for e in inbox_post.events] == [None, {"name": "alice"}, {"name": "c"}]
    assert [e["requestContext"]["resourcePath"] for e in inbox_post.events] == [
        e["resource"] for e in inbox_post.events
    ]
    assert [(e["resource"], e["pathParameters"]) for e in image_uploads.events] == [
        ("/api/v1/video-channels/{handle}/avatar/pick", {"handle": "c"}),
        ("/api/v1/video-playlists/{playlist_id}", {"playlist_id": "9"}),
    ]
    assert {e["resource"] for e in api.events} == {PROXY_RESOURCE}
    assert [e["pathParameters"] for e in api.events] == [
        {"proxy": "inbox"},
        {"proxy": "api/v1/videos"},
        {"proxy": "accounts/alice"},
        {"proxy": ""},
    ]
