"""L7: one refresh token may be exchanged once, even by two requests racing each other.

Two Lambda environments can both read the refresh token before either consumes it. The test
reproduces that interleaving: right after this request has read the token, the other
environment's refresh runs to completion (one environment serves one request at a time, so the
other one is driven through the same domain call its request makes). This request must then get
PeerTube's answer to a spent refresh token, 400 invalid_grant, and no second pair."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.security.sessions_support import problem, refresh


def test_two_concurrent_refreshes_with_one_token_only_one_succeeds(
    api: ApiClient, people: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.domain import oauth
    from chalicelib.store import tokens

    session = api.login("alice", "alice password")
    read = tokens.get_by_refresh_hash
    other: list[oauth.IssuedTokens] = []

    def read_then_lose_the_race(refresh_hash: str) -> Any:
        found = read(refresh_hash)
        if not other:
            monkeypatch.setattr(tokens, "get_by_refresh_hash", read)
            other.append(oauth.refresh_grant(api.client_id, session["refresh_token"], oauth.utcnow()))
        return found

    monkeypatch.setattr(tokens, "get_by_refresh_hash", read_then_lose_the_race)

    response = refresh(api, session["refresh_token"])

    assert response.status == 400, response.body
    assert problem(response)["code"] == "invalid_grant"
    assert api.get_as("/api/v1/users/me", other[0].access_token).status == 200


def test_a_spent_refresh_token_is_refused(api: ApiClient, people: Any) -> None:
    session = api.login("bob", "bob password")
    assert refresh(api, session["refresh_token"]).status == 200
    again = refresh(api, session["refresh_token"])
    assert again.status == 400
    assert problem(again)["code"] == "invalid_grant"
