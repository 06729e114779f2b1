"""H2: a moderator may manage plain users, but must never hand out the moderator or
administrator role (PeerTube: only an administrator assigns a role other than User)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ROOT_PASSWORD
from tests.members import make_member

pytestmark = pytest.mark.usefixtures("aws")

ADMINISTRATOR, MODERATOR, USER = 0, 1, 2


def _role_of(api: Any, root: str, user_id: int) -> int:
    return int(api.get_as(f"/api/v1/users/{user_id}", root).json()["role"]["id"])


@pytest.mark.parametrize("role", [ADMINISTRATOR, MODERATOR])
def test_moderator_cannot_promote_a_user(api: Any, people: Any, role: int) -> None:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    created = api.post_json(
        "/api/v1/users",
        {"username": "sidekick", "password": "sidekick password", "email": "s@example.org", "role": USER},
        people["mod"].token,
    )
    assert created.status == 200, created.body
    user_id = created.json()["user"]["id"]

    answer = api.put_json(f"/api/v1/users/{user_id}", {"role": role}, people["mod"].token)

    assert answer.status == 403, answer.body
    assert answer.json()["status"] == 403
    assert _role_of(api, root, user_id) == USER
    # And the sidekick's token still works: nothing was written, no session revoked.
    token = api.login("sidekick", "sidekick password")["access_token"]
    assert api.get_as("/api/v1/users/me", token).json()["role"]["id"] == USER


def test_moderator_may_still_edit_a_user_with_role_user(api: Any, people: Any) -> None:
    alice = api.get_as("/api/v1/users/me", people["alice"].token).json()
    answer = api.put_json(f"/api/v1/users/{alice['id']}", {"role": USER, "videoQuota": 1000}, people["mod"].token)
    assert answer.status == 204, answer.body


def test_administrator_may_promote(api: Any, people: Any) -> None:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    bob = make_member(api, root, "bobby")
    me = api.get_as("/api/v1/users/me", bob.token).json()
    assert api.put_json(f"/api/v1/users/{me['id']}", {"role": MODERATOR}, root).status == 204
    assert _role_of(api, root, me["id"]) == MODERATOR
