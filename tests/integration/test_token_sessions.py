"""Token sessions (PeerTube 7's users/{id}/token-sessions): each login is a session with the
device and address it came from, its last activity written at most every few minutes, and
revoking one ends its access and refresh tokens. A user sees their own; those who manage
users see the users they may manage."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib.domain import oauth
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.openapi import assert_conforms

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
PHONE = "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36"


def grant(api: ApiClient, fields: dict[str, str], device: str, ip: str) -> ApiResponse:
    body = urlencode({"client_id": api.client_id, "client_secret": api.client_secret, **fields}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": device}
    return api.request("POST", "/api/v1/users/token", body=body, headers=headers, source_ip=ip)


def log_in(api: ApiClient, username: str, device: str, ip: str) -> dict[str, Any]:
    fields = {"grant_type": "password", "username": username, "password": f"{username} password"}
    answer = grant(api, fields, device, ip)
    assert answer.status == 200, answer.body
    return dict(answer.json())


def call(api: ApiClient, method: str, path: str, token: str, device: str = FIREFOX, ip: str = "203.0.113.7") -> Any:
    headers = {"Authorization": f"Bearer {token}", "User-Agent": device}
    return api.request(method, path, headers=headers, source_ip=ip)


def me(api: ApiClient, token: str) -> int:
    return int(api.get_as("/api/v1/users/me", token).json()["id"])


def test_a_user_lists_their_sessions(api: ApiClient, people: dict[str, Member]) -> None:
    laptop = log_in(api, "alice", FIREFOX, "198.51.100.4")["access_token"]
    log_in(api, "alice", PHONE, "2001:db8::7")
    alice = me(api, laptop)
    answer = call(api, "GET", f"/api/v1/users/{alice}/token-sessions", laptop)
    assert answer.status == 200, answer.body
    body = answer.json()
    # The fixture's own login is a third session.
    assert body["total"] == 3 and len(body["data"]) == 3
    keys = {
        "id",
        "currentSession",
        "loginDevice",
        "loginIP",
        "loginDate",
        "lastActivityDevice",
        "lastActivityIP",
        "lastActivityDate",
        "createdAt",
    }
    assert all(set(s) == keys for s in body["data"])
    for found in body["data"]:
        # The file says ipv4; PeerTube stores whatever address the client came from (v6 too),
        # and null for a client that sent no User-Agent (the fixture's login).
        deviations = (r"(login|lastActivity)IP: '2001", r"(login|lastActivity)Device: None")
        assert_conforms("TokenSession", found, known_deviations=deviations)
    assert all(isinstance(s["id"], int) and 0 < s["id"] < 2**53 for s in body["data"])
    current = [s for s in body["data"] if s["currentSession"]]
    assert len(current) == 1
    assert (current[0]["loginDevice"], current[0]["loginIP"]) == (FIREFOX, "198.51.100.4")
    phone = next(s for s in body["data"] if s["loginDevice"] == PHONE)
    assert phone["loginIP"] == "2001:db8::7" and phone["currentSession"] is False
    assert phone["lastActivityDate"] >= phone["loginDate"]
    # Most recently active first by default; the other orders and paging work too.
    dates = [s["lastActivityDate"] for s in body["data"]]
    assert dates == sorted(dates, reverse=True)
    paged = call(api, "GET", f"/api/v1/users/{alice}/token-sessions?start=1&count=1&sort=createdAt", laptop).json()
    assert paged["total"] == 3 and len(paged["data"]) == 1
    assert call(api, "GET", f"/api/v1/users/{alice}/token-sessions?sort=nope", laptop).status == 400
    assert call(api, "GET", f"/api/v1/users/{alice}/token-sessions?count=-1", laptop).status == 400


def test_rights(api: ApiClient, people: dict[str, Member]) -> None:
    alice_id, bob_id = me(api, people["alice"].token), me(api, people["bob"].token)
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    root_id = me(api, root)
    alice_sessions = f"/api/v1/users/{alice_id}/token-sessions"
    assert api.get(alice_sessions).status == 401
    assert api.get_as(alice_sessions, people["bob"].token).status == 403
    assert api.get_as(f"/api/v1/users/{bob_id}/token-sessions", people["alice"].token).status == 403
    # A moderator manages plain users, not administrators; an administrator anyone.
    listed = api.get_as(alice_sessions, people["mod"].token)
    assert listed.status == 200 and listed.json()["total"] == 1
    assert listed.json()["data"][0]["currentSession"] is False
    assert api.get_as(f"/api/v1/users/{root_id}/token-sessions", people["mod"].token).status == 403
    assert api.get_as(alice_sessions, root).status == 200
    assert api.get_as("/api/v1/users/999999/token-sessions", root).status == 404
    assert api.get_as("/api/v1/users/abc/token-sessions", root).status == 400
    # Revoking: the same rights, and only sessions of the user named.
    session_id = listed.json()["data"][0]["id"]
    bob_revokes = f"/api/v1/users/{alice_id}/token-sessions/{session_id}/revoke"
    assert api.post_json(bob_revokes, {}, people["bob"].token).status == 403
    assert api.post_json(f"/api/v1/users/{bob_id}/token-sessions/{session_id}/revoke", {}, root).status == 404
    assert api.get_as("/api/v1/users/me", people["alice"].token).status == 200


def test_revoking_a_session_ends_both_tokens(api: ApiClient, people: dict[str, Member]) -> None:
    laptop = log_in(api, "alice", FIREFOX, "198.51.100.4")
    phone = log_in(api, "alice", PHONE, "198.51.100.5")
    alice = me(api, laptop["access_token"])
    sessions = call(api, "GET", f"/api/v1/users/{alice}/token-sessions", laptop["access_token"]).json()["data"]
    target = next(s for s in sessions if s["loginDevice"] == PHONE)
    path = f"/api/v1/users/{alice}/token-sessions/{target['id']}/revoke"
    assert call(api, "POST", f"/api/v1/users/{alice}/token-sessions/12x/revoke", laptop["access_token"]).status == 400
    assert call(api, "POST", f"/api/v1/users/{alice}/token-sessions/1/revoke", laptop["access_token"]).status == 404
    revoked = call(api, "POST", path, laptop["access_token"])
    assert revoked.status == 204, revoked.body
    assert api.get_as("/api/v1/users/me", phone["access_token"]).status == 401
    refreshed = grant(api, {"grant_type": "refresh_token", "refresh_token": phone["refresh_token"]}, PHONE, "1.2.3.4")
    assert refreshed.status == 400
    assert call(api, "POST", path, laptop["access_token"]).status == 404  # gone
    left = call(api, "GET", f"/api/v1/users/{alice}/token-sessions", laptop["access_token"]).json()
    assert target["id"] not in {s["id"] for s in left["data"]}
    assert api.get_as("/api/v1/users/me", laptop["access_token"]).status == 200


def test_a_refresh_keeps_the_session_login(api: ApiClient, people: dict[str, Member]) -> None:
    first = log_in(api, "alice", PHONE, "198.51.100.5")
    alice = me(api, first["access_token"])
    before = call(api, "GET", f"/api/v1/users/{alice}/token-sessions", first["access_token"]).json()["data"]
    login = next(s for s in before if s["currentSession"])
    fields = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    renewed = grant(api, fields, FIREFOX, "198.51.100.9").json()
    after = call(api, "GET", f"/api/v1/users/{alice}/token-sessions", renewed["access_token"]).json()
    assert after["total"] == len(before)  # the same session, under a new pair
    carried = next(s for s in after["data"] if s["currentSession"])
    assert (carried["loginDevice"], carried["loginIP"], carried["loginDate"]) == (
        PHONE,
        "198.51.100.5",
        login["loginDate"],
    )


def test_last_activity_is_written_every_few_minutes(
    api: ApiClient, people: dict[str, Member], dynamodb_calls: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = log_in(api, "alice", PHONE, "198.51.100.5")["access_token"]
    alice = me(api, token)
    start = oauth.utcnow()
    for minutes in (1, 2, 4):
        monkeypatch.setattr(oauth, "utcnow", lambda m=minutes: start + timedelta(minutes=m))
        dynamodb_calls.clear()
        assert call(api, "GET", "/api/v1/users/me", token, FIREFOX, "192.0.2.1").status == 200
        assert "UpdateItem" not in dynamodb_calls  # a request is no write
    sessions = call(api, "GET", f"/api/v1/users/{alice}/token-sessions", token, PHONE, "198.51.100.5").json()["data"]
    mine = next(s for s in sessions if s["currentSession"])
    assert (mine["lastActivityDevice"], mine["lastActivityIP"]) == (PHONE, "198.51.100.5")  # the login's

    monkeypatch.setattr(oauth, "utcnow", lambda: start + timedelta(minutes=6))
    dynamodb_calls.clear()
    assert call(api, "GET", "/api/v1/users/me", token, FIREFOX, "192.0.2.1").status == 200
    assert dynamodb_calls["UpdateItem"] == 1
    sessions = call(api, "GET", f"/api/v1/users/{alice}/token-sessions", token, PHONE, "198.51.100.5").json()["data"]
    mine = next(s for s in sessions if s["currentSession"])
    assert (mine["lastActivityDevice"], mine["lastActivityIP"]) == (FIREFOX, "192.0.2.1")
    assert mine["lastActivityDate"] > mine["loginDate"]
    assert (mine["loginDevice"], mine["loginIP"]) == (PHONE, "198.51.100.5")
