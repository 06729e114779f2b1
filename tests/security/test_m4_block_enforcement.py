"""M4: a block must hold even when token revocation misses a session, and a password change
must end the other sessions.

Revocation lists a user's tokens through a global secondary index, which DynamoDB keeps
eventually consistent: a token issued just before the block can be missing from the listing.
`lagging_token_index` reproduces that lag (the listing does not see the tokens yet)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.security.sessions_support import problem, refresh


@pytest.fixture
def lagging_token_index(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.store import tokens

    monkeypatch.setattr(tokens, "list_user_tokens", lambda user_id: [])


def _block(api: ApiClient, account_id: int) -> None:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    users = api.get_as("/api/v1/users?count=100", root).json()["data"]
    user_id = next(u["id"] for u in users if u["account"]["id"] == account_id)
    blocked = api.request("POST", f"/api/v1/users/{user_id}/block", headers={"Authorization": f"Bearer {root}"})
    assert blocked.status == 204, blocked.body


def test_blocked_user_access_token_refused_even_if_revocation_missed_it(
    api: ApiClient, people: Any, lagging_token_index: None
) -> None:
    alice = people["alice"]
    assert api.get_as("/api/v1/users/me", alice.token).status == 200
    _block(api, alice.account_id)

    response = api.get_as("/api/v1/users/me", alice.token)

    assert response.status == 401
    assert problem(response)["code"] == "invalid_token"


def test_blocked_user_cannot_refresh_a_session_revocation_missed(
    api: ApiClient, people: Any, lagging_token_index: None
) -> None:
    session = api.login("bob", "bob password")
    _block(api, people["bob"].account_id)

    response = refresh(api, session["refresh_token"])

    assert response.status == 400
    assert problem(response)["code"] == "invalid_grant"


def test_password_change_ends_the_other_sessions_and_keeps_this_one(api: ApiClient, people: Any) -> None:
    current = api.login("alice", "alice password")
    stolen = api.login("alice", "alice password")

    changed = api.put_json(
        "/api/v1/users/me",
        {"currentPassword": "alice password", "password": "a brand new password"},
        current["access_token"],
    )
    assert changed.status == 204, changed.body

    assert api.get_as("/api/v1/users/me", stolen["access_token"]).status == 401
    assert refresh(api, stolen["refresh_token"]).status == 400
    assert api.get_as("/api/v1/users/me", people["alice"].token).status == 401
    # The session that changed the password stays, as PeerTube never logs the caller out here.
    assert api.get_as("/api/v1/users/me", current["access_token"]).status == 200
    assert refresh(api, current["refresh_token"]).status == 200
