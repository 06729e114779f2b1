"""The REST API's routing (infra/rest_api.py) as the local gateway and the tests' client apply
it: the inbox POSTs reach the inbox POST function through their own resources, every other
request the API function through /{proxy+}, as API Gateway resolves the pair of resource and
method."""

from __future__ import annotations

from typing import Any

import pytest

from infra.rest_api import INBOX_RESOURCES, PROXY_RESOURCE, inbox_resource
from local import apigw
from local.rest_api import RestApi


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/inbox", ("/inbox", {})),
        ("post", "/inbox", ("/inbox", {})),
        ("POST", "/accounts/alice/inbox", ("/accounts/{name}/inbox", {"name": "alice"})),
        ("POST", "/video-channels/alice_channel/inbox", ("/video-channels/{name}/inbox", {"name": "alice_channel"})),
        # Other methods on the same resources fall through to the proxy.
        ("GET", "/inbox", None),
        ("GET", "/accounts/alice/inbox", None),
        ("PUT", "/video-channels/c/inbox", None),
        # Paths that are not the resources: the intermediate ones, longer, emptier, outboxes.
        ("POST", "/accounts/alice", None),
        ("POST", "/accounts//inbox", None),
        ("POST", "/accounts/a/b/inbox", None),
        ("POST", "/inbox/", None),
        ("POST", "/accounts/alice/outbox", None),
        ("POST", "/api/v1/inbox", None),
        ("POST", "inbox", None),
    ],
)
def test_which_resource_a_request_reaches(method: str, path: str, expected: Any) -> None:
    assert inbox_resource(method, path) == expected


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
    api, inbox_post = Recorder(), Recorder()
    rest = RestApi(api, inbox_post)

    for path in ("/inbox", "/accounts/alice/inbox", "/video-channels/c/inbox"):
        rest.invoke(event("POST", path))
    for method, path in (("GET", "/inbox"), ("POST", "/api/v1/videos"), ("GET", "/accounts/alice"), ("POST", "/")):
        rest.invoke(event(method, path))

    assert [e["resource"] for e in inbox_post.events] == list(INBOX_RESOURCES)
    assert [e["pathParameters"] for e in inbox_post.events] == [None, {"name": "alice"}, {"name": "c"}]
    assert [e["requestContext"]["resourcePath"] for e in inbox_post.events] == list(INBOX_RESOURCES)
    assert {e["resource"] for e in api.events} == {PROXY_RESOURCE}
    assert [e["pathParameters"] for e in api.events] == [
        {"proxy": "inbox"},
        {"proxy": "api/v1/videos"},
        {"proxy": "accounts/alice"},
        {"proxy": ""},
    ]
