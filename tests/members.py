"""Users with a channel, made through the admin API, for tests that need several people."""

from __future__ import annotations

from dataclasses import dataclass

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD


@dataclass
class Member:
    token: str
    account_id: int
    channel_id: int
    channel_name: str


def make_member(api: ApiClient, root: str, username: str, role: int = 2) -> Member:
    created = api.post_json(
        "/api/v1/users",
        {"username": username, "password": f"{username} password", "email": f"{username}@example.org", "role": role},
        root,
    )
    assert created.status == 200, created.body
    token = api.login(username, f"{username} password")["access_token"]
    me = api.get_as("/api/v1/users/me", token).json()
    channel = me["videoChannels"][0]
    return Member(token, me["account"]["id"], channel["id"], channel["name"])


def standard_people(api: ApiClient) -> dict[str, Member]:
    """alice and bob (users) and moddy (a moderator)."""
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    return {
        "alice": make_member(api, root, "alice"),
        "bob": make_member(api, root, "bob"),
        "mod": make_member(api, root, "moddy", role=1),
    }
