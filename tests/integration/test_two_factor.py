"""Two-factor login over HTTP, as PeerTube's clients drive it: request a seed, confirm it with a
code an authenticator app computes (pyotp), then log in with the code in `x-peertube-otp`."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from chalicelib.config import get_settings
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member

pyotp = pytest.importorskip("pyotp")

PASSWORD = "alice password"


def login(
    api: ApiClient, username: str, password: str, code: str | None = None, source_ip: str = "203.0.113.7"
) -> ApiResponse:
    fields = {
        "client_id": api.client_id,
        "client_secret": api.client_secret,
        "grant_type": "password",
        "username": username,
        "password": password,
    }
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if code is not None:
        headers["x-peertube-otp"] = code
    body = urlencode(fields).encode()
    return api.request("POST", "/api/v1/users/token", body=body, headers=headers, source_ip=source_ip)


def user_id(api: ApiClient, member: Member) -> int:
    return int(api.get_as("/api/v1/users/me", member.token).json()["id"])


def code_at(secret: str, offset_steps: int = 0) -> str:
    return str(pyotp.TOTP(secret).at(time.time() + 30 * offset_steps))


def enable(api: ApiClient, member: Member) -> str:
    """Turn two-factor on for `member`; its seed."""
    me = user_id(api, member)
    asked = api.post_json(f"/api/v1/users/{me}/two-factor/request", {"currentPassword": PASSWORD}, member.token)
    assert asked.status == 200, asked.body
    request = asked.json()["otpRequest"]
    secret = request["secret"]
    body = {"requestToken": request["requestToken"], "otpToken": code_at(secret)}
    confirmed = api.post_json(f"/api/v1/users/{me}/two-factor/confirm-request", body, member.token)
    assert confirmed.status == 204, confirmed.body
    return str(secret)


def test_enable_then_log_in_with_a_code(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    me = user_id(api, alice)
    assert api.get_as("/api/v1/users/me", alice.token).json()["twoFactorEnabled"] is False
    asked = api.post_json(f"/api/v1/users/{me}/two-factor/request", {"currentPassword": PASSWORD}, alice.token)
    request = asked.json()["otpRequest"]
    assert set(request) == {"requestToken", "secret", "uri"}
    uri = urlsplit(request["uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert parse_qs(uri.query) == {"secret": [request["secret"]], "issuer": [get_settings().instance_host]}
    # Not on until confirmed: a login needs no code yet.
    assert login(api, "alice", PASSWORD).status == 200
    wrong = {"requestToken": request["requestToken"], "otpToken": "000000"}
    assert api.post_json(f"/api/v1/users/{me}/two-factor/confirm-request", wrong, alice.token).status == 403
    forged = {"requestToken": "f" * 64, "otpToken": code_at(request["secret"])}
    assert api.post_json(f"/api/v1/users/{me}/two-factor/confirm-request", forged, alice.token).status == 403
    right = {"requestToken": request["requestToken"], "otpToken": code_at(request["secret"])}
    assert api.post_json(f"/api/v1/users/{me}/two-factor/confirm-request", right, alice.token).status == 204
    assert api.get_as("/api/v1/users/me", alice.token).json()["twoFactorEnabled"] is True

    # PeerTube's clients: the password alone gets 401 and the header that says a code is needed.
    missing = login(api, "alice", PASSWORD)
    assert missing.status == 401
    assert missing.headers["x-peertube-otp"] == "required; app"
    assert missing.json()["code"] == "missing_two_factor"
    bad = login(api, "alice", PASSWORD, "123456")
    assert (bad.status, bad.json()["code"]) == (400, "invalid_two_factor")
    # A wrong password stays the wrong password (the code is not even looked at).
    assert login(api, "alice", "not it", code_at(request["secret"], 1)).json()["code"] == "invalid_grant"

    # The code of the next step (clocks differ) is accepted, once.
    code = code_at(request["secret"], 1)
    assert login(api, "alice", PASSWORD, code).status == 200
    replayed = login(api, "alice", PASSWORD, code)
    assert (replayed.status, replayed.json()["code"]) == (400, "invalid_two_factor")
    # An older step than one already used is refused too.
    assert login(api, "alice", PASSWORD, code_at(request["secret"])).status == 400


def test_disable_by_the_user_or_an_administrator(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    secret = enable(api, alice)
    me = user_id(api, alice)
    # Bob may not, nor may alice without her password.
    by_bob = api.post_json(f"/api/v1/users/{me}/two-factor/disable", {"currentPassword": "bob password"}, bob.token)
    assert by_bob.status == 403
    assert api.post_json(f"/api/v1/users/{me}/two-factor/disable", {}, alice.token).status == 400
    refused = api.post_json(f"/api/v1/users/{me}/two-factor/disable", {"currentPassword": "nope"}, alice.token)
    assert refused.status == 401
    assert login(api, "alice", PASSWORD).status == 401  # still on

    # The administrator resets it (a lost phone): no password needed.
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    assert api.post_json(f"/api/v1/users/{me}/two-factor/disable", {}, root).status == 204
    assert login(api, "alice", PASSWORD).status == 200
    assert api.post_json(f"/api/v1/users/{me}/two-factor/disable", {}, root).status == 400  # not enabled
    assert login(api, "alice", PASSWORD, code_at(secret, 1)).status == 200  # a code is simply not needed

    # And the user again, with the password.
    enable(api, alice)
    assert (
        api.post_json(f"/api/v1/users/{me}/two-factor/disable", {"currentPassword": PASSWORD}, alice.token).status
        == 204
    )


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("request", {}, 400),  # currentPassword missing
        ("request", {"currentPassword": "wrong"}, 401),
        ("confirm-request", {"requestToken": "x"}, 400),  # otpToken missing
        ("confirm-request", {"requestToken": "x", "otpToken": 123456}, 400),
        ("confirm-request", {"requestToken": "x", "otpToken": "123456"}, 403),  # no request made
        ("disable", {"currentPassword": PASSWORD}, 400),  # not enabled
    ],
)
def test_bad_requests(api: ApiClient, people: dict[str, Member], path: str, body: dict[str, Any], status: int) -> None:
    alice = people["alice"]
    answer = api.post_json(f"/api/v1/users/{user_id(api, alice)}/two-factor/{path}", body, alice.token)
    assert answer.status == status, answer.body
    assert answer.content_type.startswith("application/problem+json")


def test_nobody_else_turns_it_on(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    me = user_id(api, alice)
    asked = api.post_json(f"/api/v1/users/{me}/two-factor/request", {"currentPassword": ROOT_PASSWORD}, root)
    assert asked.status == 403
    assert api.post_json("/api/v1/users/999999/two-factor/request", {"currentPassword": "x"}, alice.token).status == 404
    assert api.post_json(f"/api/v1/users/{me}/two-factor/request", {"currentPassword": PASSWORD}).status == 401


def test_wrong_codes_count_as_failed_logins(api: ApiClient, people: dict[str, Member]) -> None:
    secret = enable(api, people["alice"])
    # From many addresses (each address has its own limit): the account's limit is what holds.
    for number in range(20):
        assert login(api, "alice", PASSWORD, "000000", source_ip=f"198.51.100.{number}").status == 400
    limited = login(api, "alice", PASSWORD, code_at(secret, 1), source_ip="198.51.100.99")
    assert limited.status == 429  # 20 failed logins per 15 minutes, codes included
