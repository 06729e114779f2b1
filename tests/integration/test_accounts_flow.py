"""A PeerTube client's account journey, driven through the API function as a client would."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.openapi import ACTOR_NULLS, USER_NULLS, assert_conforms


@pytest.fixture
def open_signup(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.config import get_settings

    monkeypatch.setenv("CIRRUS_SIGNUP_ENABLED", "true")
    monkeypatch.setenv("CIRRUS_SIGNUP_REQUIRES_APPROVAL", "false")
    get_settings.cache_clear()


def _refresh(api: ApiClient, refresh_token: str) -> Any:
    return api.post_form(
        "/api/v1/users/token",
        {
            "client_id": api.client_id,
            "client_secret": api.client_secret,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        },
    )


def test_register_login_refresh_channels_revoke(api: ApiClient, open_signup: None) -> None:
    client = api.get("/api/v1/oauth-clients/local")
    assert client.status == 200
    assert client.json() == {"client_id": api.client_id, "client_secret": api.client_secret}

    registered = api.post_json(
        "/api/v1/users/register",
        {"username": "alice", "password": "correct horse", "email": "alice@example.org", "displayName": "Alice"},
    )
    assert registered.status == 204, registered.body

    tokens = api.login("alice", "correct horse")
    assert tokens["token_type"] == "Bearer"
    assert len(tokens["access_token"]) == 40 and len(tokens["refresh_token"]) == 40
    assert 86390 <= tokens["expires_in"] <= 86400
    assert 1209590 <= tokens["refresh_token_expires_in"] <= 1209600

    me = api.get_as("/api/v1/users/me", tokens["access_token"])
    assert me.status == 200
    assert_conforms("User", me.json(), known_deviations=USER_NULLS + ACTOR_NULLS)
    body = me.json()
    assert body["username"] == "alice" and body["role"] == {"id": 2, "label": "User"}
    assert body["account"]["displayName"] == "Alice"
    assert [c["name"] for c in body["videoChannels"]] == ["alice_channel"]
    assert body["videoChannels"][0]["displayName"] == "Main alice channel"

    refreshed = _refresh(api, tokens["refresh_token"])
    assert refreshed.status == 200
    new_tokens = refreshed.json()
    assert api.get_as("/api/v1/users/me", tokens["access_token"]).status == 401  # the old pair is gone
    token = new_tokens["access_token"]

    created = api.post_json(
        "/api/v1/video-channels", {"name": "alice_music", "displayName": "Alice plays music"}, token
    )
    assert created.status == 200, created.body
    channel_id = created.json()["videoChannel"]["id"]

    updated = api.put_json(
        "/api/v1/video-channels/alice_music", {"displayName": "Alice's music", "description": "Songs and more"}, token
    )
    assert updated.status == 204

    channel = api.get("/api/v1/video-channels/alice_music")
    assert channel.status == 200
    assert_conforms("VideoChannel", channel.json(), known_deviations=ACTOR_NULLS)
    assert channel.json()["id"] == channel_id
    assert (channel.json()["displayName"], channel.json()["description"]) == ("Alice's music", "Songs and more")
    assert channel.json()["ownerAccount"]["name"] == "alice"

    listed = api.get("/api/v1/accounts/alice/video-channels")
    assert listed.status == 200
    assert [c["name"] for c in listed.json()["data"]] == ["alice_channel", "alice_music"]
    for item in listed.json()["data"]:
        assert_conforms("VideoChannel", item, known_deviations=ACTOR_NULLS)

    account = api.get("/api/v1/accounts/alice")
    assert account.status == 200
    assert_conforms("Account", account.json(), known_deviations=ACTOR_NULLS)

    revoked = api.request("POST", "/api/v1/users/revoke-token", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status == 200 and revoked.json() == {"success": True}
    refused = api.get_as("/api/v1/users/me", token)
    assert refused.status == 401
    assert refused.json()["code"] == "invalid_token"
    assert _refresh(api, new_tokens["refresh_token"]).status == 400


def test_root_administers_users(api: ApiClient) -> None:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    created = api.post_json(
        "/api/v1/users",
        {"username": "mod", "password": "moderator pw", "email": "mod@example.org", "role": 1, "videoQuota": 1000},
        root,
    )
    assert created.status == 200, created.body
    user_id = created.json()["user"]["id"]

    one = api.get_as(f"/api/v1/users/{user_id}", root)
    assert one.status == 200
    assert_conforms("User", one.json(), known_deviations=USER_NULLS + ACTOR_NULLS)
    assert one.json()["role"] == {"id": 1, "label": "Moderator"} and one.json()["videoQuota"] == 1000

    listed = api.get_as("/api/v1/users?sort=-createdAt", root)
    assert listed.status == 200
    assert [u["username"] for u in listed.json()["data"]] == ["mod", "root"]
    assert listed.json()["total"] == 2

    # PeerTube's `search` (username or email, case ignored) and `blocked` filters, paged.
    found = api.get_as("/api/v1/users?search=MOD%40example", root).json()
    assert ([u["username"] for u in found["data"]], found["total"]) == (["mod"], 1)
    assert api.get_as("/api/v1/users?search=o&count=1", root).json()["total"] == 2
    second = api.get_as("/api/v1/users?search=o&count=1&start=1&sort=createdAt", root).json()
    assert [u["username"] for u in second["data"]] == ["mod"]
    assert api.get_as("/api/v1/users?search=nobody", root).json() == {"total": 0, "data": []}
    assert api.get_as("/api/v1/users?blocked=true", root).json()["total"] == 0
    refused = api.get_as("/api/v1/users?blocked=maybe", root)
    assert refused.status == 400 and "blocked" in refused.json()["invalid-params"]

    assert api.put_json(f"/api/v1/users/{user_id}", {"videoQuotaDaily": 500}, root).status == 204
    assert api.get_as(f"/api/v1/users/{user_id}", root).json()["videoQuotaDaily"] == 500

    moderator = api.login("mod", "moderator pw")["access_token"]
    assert api.post_json(f"/api/v1/users/{user_id}/block", {"reason": "testing"}, root).status == 204
    assert api.get_as("/api/v1/users/me", moderator).status == 401  # blocking logs out
    blocked_login = api.post_form(
        "/api/v1/users/token",
        {
            "client_id": api.client_id,
            "client_secret": api.client_secret,
            "grant_type": "password",
            "username": "mod",
            "password": "moderator pw",
        },
    )
    assert (blocked_login.status, blocked_login.json()["code"]) == (400, "account_blocked")
    assert [u["username"] for u in api.get_as("/api/v1/users?blocked=true", root).json()["data"]] == ["mod"]
    assert api.post_json(f"/api/v1/users/{user_id}/unblock", {}, root).status == 204
    api.login("mod", "moderator pw")

    assert api.delete_as(f"/api/v1/users/{user_id}", root).status == 204
    assert api.get_as(f"/api/v1/users/{user_id}", root).status == 404
    stats = api.get("/api/v1/server/stats").json()
    assert (stats["totalUsers"], stats["totalModerators"]) == (1, 0)


def test_users_edit_and_delete_themselves(api: ApiClient, open_signup: None) -> None:
    api.post_json("/api/v1/users/register", {"username": "bob", "password": "bob password", "email": "bob@example.org"})
    token = api.login("bob", "bob password")["access_token"]

    assert api.put_json("/api/v1/users/me", {"nsfwPolicy": "blur", "displayName": "Bobby"}, token).status == 204
    me = api.get_as("/api/v1/users/me", token).json()
    assert (me["nsfwPolicy"], me["account"]["displayName"]) == ("blur", "Bobby")

    changed = api.put_json(
        "/api/v1/users/me", {"password": "new bob password", "currentPassword": "bob password"}, token
    )
    assert changed.status == 204
    api.login("bob", "new bob password")

    quota = api.get_as("/api/v1/users/me/video-quota-used", token)
    assert quota.json() == {"videoQuotaUsed": 0, "videoQuotaUsedDaily": 0}

    assert api.delete_as("/api/v1/users/me", token).status == 204
    assert api.get("/api/v1/accounts/bob").status == 404
    again = api.post_json(
        "/api/v1/users/register", {"username": "bob", "password": "bob password", "email": "bob@example.org"}
    )
    assert again.status == 409  # a deleted actor's name is never given to someone else
