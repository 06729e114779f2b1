"""The local gateway builds the proxy events API Gateway builds, and honours its limits."""

from __future__ import annotations

import base64

from local import apigw


def _request(**overrides: object) -> apigw.HttpRequest:
    fields: dict[str, object] = {
        "method": "POST",
        "path": "/api/v1/videos/upload",
        "query": [("a", "1"), ("a", "2"), ("b", "")],
        "headers": [("Content-Type", "image/png"), ("X-Multi", "1"), ("X-Multi", "2")],
        "body": b"\x89PNG\x00\xff",
        "source_ip": "198.51.100.4",
    }
    fields.update(overrides)
    return apigw.HttpRequest(**fields)  # type: ignore[arg-type]


def test_binary_bodies_are_base64_and_multi_values_kept() -> None:
    event = apigw.build_proxy_event(_request(), ["image/png"])
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x89PNG\x00\xff"
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": [""]}
    assert event["queryStringParameters"] == {"a": "2", "b": ""}
    assert event["multiValueHeaders"]["X-Multi"] == ["1", "2"]
    assert event["requestContext"]["identity"]["sourceIp"] == "198.51.100.4"
    assert event["requestContext"]["resourcePath"] == "/{proxy+}"


def test_text_bodies_stay_text() -> None:
    event = apigw.build_proxy_event(_request(headers=[("Content-Type", "application/json")], body=b"{}"), ["image/*"])
    assert (event["body"], event["isBase64Encoded"]) == ("{}", False)


def test_results_become_responses() -> None:
    result = {
        "statusCode": 201,
        "headers": {"Location": "/x"},
        "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
        "body": base64.b64encode(b"\x00\x01").decode(),
        "isBase64Encoded": True,
    }
    response = apigw.response_from_result(result)
    assert response.status == 201
    assert response.body == b"\x00\x01"
    assert ("Set-Cookie", "a=1") in response.headers and ("Set-Cookie", "b=2") in response.headers
    assert ("Content-Type", "application/json") in response.headers


def test_malformed_and_oversized_results_are_502() -> None:
    assert apigw.response_from_result(None).status == 502
    huge = {"statusCode": 200, "body": "x" * (apigw.MAX_RESPONSE_BYTES + 1)}
    assert apigw.response_from_result(huge).status == 502
