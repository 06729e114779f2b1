"""Sign-up with approval, PeerTube's default policy once sign-up is opened."""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.openapi import assert_conforms

REGISTRATION_NULLS = (
    "moderationResponse",
    "emailVerified",
    "user",
    "accountDisplayName",
    "channelHandle",
    "channelDisplayName",
)


@pytest.fixture
def approval(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.config import get_settings

    monkeypatch.setenv("CIRRUS_SIGNUP_ENABLED", "true")
    get_settings.cache_clear()


def _request(api: ApiClient, username: str, **extra: object) -> object:
    body = {
        "username": username,
        "password": f"{username} password",
        "email": f"{username}@example.org",
        "registrationReason": "I make videos about birds",
        **extra,
    }
    return api.post_json("/api/v1/users/registrations/request", body)


def _login_code(api: ApiClient, username: str) -> str:
    response = api.post_form(
        "/api/v1/users/token",
        {
            "client_id": api.client_id,
            "client_secret": api.client_secret,
            "grant_type": "password",
            "username": username,
            "password": f"{username} password",
        },
    )
    return str(response.json().get("code"))


def test_a_request_is_accepted_and_becomes_a_user(api: ApiClient, approval: None) -> None:
    direct = api.post_json(
        "/api/v1/users/register", {"username": "dora", "password": "dora password", "email": "dora@example.org"}
    )
    assert (direct.status, direct.json()["detail"]) == (403, "User registration requires approval")

    requested = _request(api, "dora", channel={"name": "dora_birds", "displayName": "Birds"})
    assert requested.status == 200, requested.body
    registration = requested.json()
    assert_conforms("UserRegistration", registration, known_deviations=REGISTRATION_NULLS)
    assert registration["state"] == {"id": 1, "label": "Pending"}
    assert "password" not in str(registration).lower()
    assert _login_code(api, "dora") == "account_waiting_for_approval"

    root = api.login("root", ROOT_PASSWORD)["access_token"]
    listed = api.get_as("/api/v1/users/registrations", root).json()
    assert (listed["total"], listed["data"][0]["username"]) == (1, "dora")

    accepted = api.post_json(
        f"/api/v1/users/registrations/{registration['id']}/accept", {"moderationResponse": "Welcome!"}, root
    )
    assert accepted.status == 204
    token = api.login("dora", "dora password")["access_token"]
    me = api.get_as("/api/v1/users/me", token).json()
    assert [c["name"] for c in me["videoChannels"]] == ["dora_birds"]
    decided = api.get_as("/api/v1/users/registrations", root).json()["data"][0]
    assert decided["state"]["label"] == "Accepted" and decided["user"] == {"id": me["id"]}

    again = api.post_json(
        f"/api/v1/users/registrations/{registration['id']}/accept", {"moderationResponse": "Twice?"}, root
    )
    assert again.status == 409


def test_a_rejected_request_is_told_so_at_login(api: ApiClient, approval: None) -> None:
    registration = _request(api, "eric").json()
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    rejected = api.post_json(
        f"/api/v1/users/registrations/{registration['id']}/reject", {"moderationResponse": "Not now"}, root
    )
    assert rejected.status == 204
    assert _login_code(api, "eric") == "account_approval_rejected"
    assert api.delete_as(f"/api/v1/users/registrations/{registration['id']}", root).status == 204
    assert _login_code(api, "eric") == "invalid_grant"
    assert _request(api, "eric").status == 200  # a deleted request frees its name


@pytest.mark.parametrize(
    ("change", "status", "fragment"),
    [
        ({"registrationReason": None}, 400, "registrationReason"),
        ({"registrationReason": "x"}, 400, "registrationReason"),
        ({"username": "root"}, 409, "already exists"),
        ({"username": "fred", "email": "fred@example.org"}, 409, "Registration with this username"),
        ({"channel": {"name": "root_channel", "displayName": "Mine"}}, 409, "Channel with name root_channel"),
    ],
)
def test_bad_requests(api: ApiClient, approval: None, change: dict[str, object], status: int, fragment: str) -> None:
    assert _request(api, "fred").status == 200
    body = {"username": "gina", **change}
    response = _request(api, str(body.pop("username")), **body)
    assert response.status == status, response.body
    problem = response.json()
    assert fragment in problem["detail"] or fragment in problem.get("invalid-params", {})


def test_requests_need_approval_mode(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.config import get_settings

    assert _request(api, "hugo").status == 403  # sign-up closed
    monkeypatch.setenv("CIRRUS_SIGNUP_ENABLED", "true")
    monkeypatch.setenv("CIRRUS_SIGNUP_REQUIRES_APPROVAL", "false")
    get_settings.cache_clear()
    response = _request(api, "hugo")
    assert (response.status, response.json()["detail"]) == (400, "Signup approval is not enabled on this instance")


def test_only_moderators_decide(api: ApiClient, approval: None) -> None:
    registration = _request(api, "ivan").json()
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    api.post_json(
        "/api/v1/users", {"username": "jo", "password": "jo password", "email": "jo@example.org", "role": 2}, root
    )
    jo = api.login("jo", "jo password")["access_token"]
    assert api.get_as("/api/v1/users/registrations", jo).status == 403
    refused = api.post_json(
        f"/api/v1/users/registrations/{registration['id']}/accept", {"moderationResponse": "ok"}, jo
    )
    assert refused.status == 403
    missing = api.post_json(f"/api/v1/users/registrations/{registration['id']}/accept", {}, root)
    assert missing.status == 400 and "moderationResponse" in missing.json()["invalid-params"]
    assert api.post_json("/api/v1/users/registrations/999/reject", {"moderationResponse": "no"}, root).status == 404


def test_config_tells_clients_the_signup_rules(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.config import get_settings

    closed = api.get("/api/v1/config").json()["signup"]
    assert (closed["allowed"], closed["requiresApproval"]) == (False, True)
    monkeypatch.setenv("CIRRUS_SIGNUP_ENABLED", "true")
    monkeypatch.setenv("CIRRUS_SIGNUP_REQUIRES_APPROVAL", "false")
    monkeypatch.setenv("CIRRUS_SIGNUP_MINIMUM_AGE", "18")
    get_settings.cache_clear()
    signup = api.get("/api/v1/config").json()["signup"]
    assert signup == {
        "allowed": True,
        "allowedForCurrentIP": True,
        "minimumAge": 18,
        "requiresApproval": False,
        "requiresEmailVerification": False,
    }
