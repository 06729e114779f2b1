"""Every way a request can fail ends in PeerTube's problem+json, through the real entry point."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice.app import Chalice

from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.entry import make_api_handler, problem_middleware
from chalicelib.errors import ConflictError, NotFoundError, ValidationError
from local import apigw
from local.lambda_runtime import LocalLambdaContext

things = ApiBlueprint(__name__)


@things.route("/api/v1/things/{name}", methods=["GET"])
def get_thing(name: str) -> dict[str, Any]:
    if name == "missing":
        raise NotFoundError("Thing not found")
    return {"name": name}


@things.route("/api/v1/things", methods=["POST"])
def create_thing() -> dict[str, Any]:
    body = things.current_request.json_body
    if not isinstance(body, dict) or not body.get("name"):
        raise ValidationError({"name": "Should have a name"})
    if body["name"] == "taken":
        raise ConflictError("A thing with this name already exists.", code="thing_taken")
    return {"name": body["name"]}


def _handler() -> Any:
    app = Chalice(app_name="test")
    app.register_blueprint(things)
    app.register_middleware(problem_middleware, "http")
    return make_api_handler(app)


HANDLER = _handler()


def call(method: str, path: str, body: bytes = b"", content_type: str | None = None) -> tuple[int, dict[str, str], Any]:
    headers = [("Content-Type", content_type)] if content_type else []
    request = apigw.HttpRequest(method, path, [], headers, body, "192.0.2.1")
    event = apigw.build_proxy_event(request, [])
    response = apigw.response_from_result(HANDLER(event, LocalLambdaContext("api", 128, 3, "us-east-1")))
    return response.status, {k.lower(): v for k, v in response.headers}, json.loads(response.body or b"null")


CASES = [
    # (method, path, body, content type, status, detail fragment)
    ("GET", "/api/v1/nope", b"", None, 400, "Unknown API route"),
    ("GET", "/elsewhere", b"", None, 404, "Nothing at /elsewhere"),
    ("GET", "/api/v1/things/missing", b"", None, 404, "Thing not found"),
    ("DELETE", "/api/v1/things/a", b"", None, 400, "Unsupported method"),
    ("POST", "/api/v1/things", b"{not json", "application/json", 400, "JSON"),
    ("POST", "/api/v1/things", b"{}", "application/json", 400, "Incorrect request parameters: name"),
    ("POST", "/api/v1/things", b'{"name": "x"}', "text/plain", 415, "Unsupported media type"),
    ("POST", "/api/v1/things", b'{"name": "taken"}', "application/json", 409, "already exists"),
]


@pytest.mark.parametrize(("method", "path", "body", "content_type", "status", "detail"), CASES)
def test_errors_are_problem_documents(
    method: str, path: str, body: bytes, content_type: str | None, status: int, detail: str
) -> None:
    got_status, headers, problem = call(method, path, body, content_type)
    assert got_status == status
    assert headers["content-type"] == "application/problem+json; charset=utf-8"
    assert problem["status"] == status
    assert detail in problem["detail"]


def test_a_problem_without_code_is_about_blank_with_a_title() -> None:
    _, _, problem = call("GET", "/api/v1/things/missing")
    assert problem == {"type": "about:blank", "title": "Not Found", "detail": "Thing not found", "status": 404}


def test_a_problem_with_a_code_points_at_its_documentation_and_has_no_title() -> None:
    _, _, problem = call("POST", "/api/v1/things", b'{"name": "taken"}', "application/json")
    assert problem["code"] == "thing_taken"
    assert problem["type"].endswith("#section/Errors/thing_taken")
    assert "title" not in problem


def test_validation_errors_list_the_invalid_params() -> None:
    _, _, problem = call("POST", "/api/v1/things", b"{}", "application/json")
    assert problem["invalid-params"]["name"]["msg"] == "Should have a name"
    assert problem["instance"] == "/api/v1/things"


def test_a_wrong_method_names_the_allowed_ones() -> None:
    _, headers, _ = call("DELETE", "/api/v1/things/a")
    assert headers["allow"] == "GET"


def test_a_get_ignores_its_content_type() -> None:
    status, _, body = call("GET", "/api/v1/things/a", content_type="text/plain")
    assert (status, body) == (200, {"name": "a"})


def test_path_parameters_are_url_decoded() -> None:
    status, _, body = call("GET", "/api/v1/things/chan%40example.org")
    assert (status, body) == (200, {"name": "chan@example.org"})


def test_errors_are_counted_in_embedded_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    call("GET", "/api/v1/things/missing")
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    assert any(doc.get("ApiClientErrors") == [1.0] for doc in emitted)
