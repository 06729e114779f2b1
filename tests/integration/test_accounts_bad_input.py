"""Every bad request about accounts gets PeerTube's status and a problem document saying
why, and changes nothing. One table, one row per rule."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD

PASSWORD = "a fine password"


@dataclass
class World:
    api: ApiClient
    tokens: dict[str, str]
    ids: dict[str, int]


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    """One instance for the whole table: root, a moderator, and users alice and bob."""
    from moto import mock_aws

    from chalicelib import aws as aws_clients
    from chalicelib import caches
    from chalicelib.config import get_settings
    from chalicelib.domain import passwords
    from chalicelib.domain.bootstrap import ensure_instance
    from chalicelib.domain.oauth import utcnow
    from local import resources

    with pytest.MonkeyPatch.context() as patch, mock_aws():
        patch.setattr(passwords, "COST", passwords.ScryptCost(log2_n=10, r=8, p=1))
        patch.setenv("PT_INITIAL_ROOT_PASSWORD", ROOT_PASSWORD)
        patch.setenv("CIRRUS_MAX_CHANNELS_PER_USER", "3")
        caches.reset_all()
        resources.provision(get_settings(), aws_clients.s3(), aws_clients.sqs())
        boot = ensure_instance(get_settings(), utcnow())
        api = ApiClient(boot.client.client_id, boot.client.client_secret)
        root = api.login("root", ROOT_PASSWORD)["access_token"]
        ids: dict[str, int] = {"root": 1}
        for name, role in (("moderator", 1), ("alice", 2), ("bob", 2), ("admin2", 0)):
            created = api.post_json(
                "/api/v1/users",
                {"username": name, "password": PASSWORD, "email": f"{name}@example.org", "role": role},
                root,
            )
            assert created.status == 200, created.body
            ids[name] = created.json()["user"]["id"]
        tokens = {"root": root, **{n: api.login(n, PASSWORD)["access_token"] for n in ("moderator", "alice", "bob")}}
        yield World(api, tokens, ids)
        caches.reset_all()


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    status: int
    expect: str = ""  # a fragment of `detail`, or `code=<code>`, or `param=<field>`
    body: Any = None
    form: dict[str, str] | None = None
    who: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None


def _form(**fields: str) -> dict[str, str]:
    return {"client_id": "{client_id}", "client_secret": "{client_secret}", **fields}


def _user(username: str, **extra: Any) -> dict[str, Any]:
    return {"username": username, "password": PASSWORD, "email": f"{username}@example.net", **extra}


OPEN = {"CIRRUS_SIGNUP_ENABLED": "true", "CIRRUS_SIGNUP_REQUIRES_APPROVAL": "false", "CIRRUS_SIGNUP_LIMIT": "-1"}

CASES = [
    # OAuth -------------------------------------------------------------------------------
    Case("token as JSON", "POST", "/api/v1/users/token", 400, "code=invalid_request", body={"grant_type": "password"}),
    Case(
        "token without client",
        "POST",
        "/api/v1/users/token",
        400,
        "code=invalid_client",
        form={"grant_type": "password"},
    ),
    Case(
        "token with a wrong secret",
        "POST",
        "/api/v1/users/token",
        400,
        "code=invalid_client",
        form={"client_id": "{client_id}", "client_secret": "nope", "grant_type": "password"},
    ),
    Case("token without grant", "POST", "/api/v1/users/token", 400, "code=invalid_request", form=_form()),
    Case(
        "token with another grant",
        "POST",
        "/api/v1/users/token",
        400,
        "code=unsupported_grant_type",
        form=_form(grant_type="client_credentials"),
    ),
    Case(
        "wrong password",
        "POST",
        "/api/v1/users/token",
        400,
        "code=invalid_grant",
        form=_form(grant_type="password", username="alice", password="not it at all"),
    ),
    Case(
        "unknown user",
        "POST",
        "/api/v1/users/token",
        400,
        "code=invalid_grant",
        form=_form(grant_type="password", username="nobody", password=PASSWORD),
    ),
    Case(
        "missing username",
        "POST",
        "/api/v1/users/token",
        400,
        "code=invalid_request",
        form=_form(grant_type="password", password=PASSWORD),
    ),
    Case(
        "unknown refresh token",
        "POST",
        "/api/v1/users/token",
        400,
        "code=invalid_grant",
        form=_form(grant_type="refresh_token", refresh_token="0" * 40),
    ),
    Case("no token", "GET", "/api/v1/users/me", 401, "code=unauthorized_request"),
    Case(
        "not a bearer", "GET", "/api/v1/users/me", 400, "code=invalid_request", headers={"Authorization": "Basic Zm9v"}
    ),
    Case(
        "unknown token",
        "GET",
        "/api/v1/users/me",
        401,
        "code=invalid_token",
        headers={"Authorization": "Bearer " + "f" * 40},
    ),
    Case("revoke without token", "POST", "/api/v1/users/revoke-token", 401, "code=unauthorized_request"),
    # Registration ------------------------------------------------------------------------
    Case("signup closed", "POST", "/api/v1/users/register", 403, "not allowed", body=_user("carol")),
    Case(
        "signup needs approval",
        "POST",
        "/api/v1/users/register",
        403,
        "requires approval",
        body=_user("carol"),
        env={"CIRRUS_SIGNUP_ENABLED": "true"},
    ),
    Case(
        "user limit reached",
        "POST",
        "/api/v1/users/register",
        403,
        "limit is reached",
        body=_user("carol"),
        env={**OPEN, "CIRRUS_SIGNUP_LIMIT": "5"},
    ),
    Case("taken username", "POST", "/api/v1/users/register", 409, "already exists", body=_user("alice"), env=OPEN),
    Case(
        "taken email",
        "POST",
        "/api/v1/users/register",
        409,
        "already exists",
        body={**_user("carol"), "email": "Alice@Example.org"},
        env=OPEN,
    ),
    Case(
        "the instance's own name",
        "POST",
        "/api/v1/users/register",
        409,
        "Another actor",
        body=_user("peertube"),
        env=OPEN,
    ),
    Case(
        "a channel's name",
        "POST",
        "/api/v1/users/register",
        409,
        "Another actor",
        body=_user("alice_channel"),
        env=OPEN,
    ),
    Case("upper-case username", "POST", "/api/v1/users/register", 400, "param=username", body=_user("Carol"), env=OPEN),
    Case("username too long", "POST", "/api/v1/users/register", 400, "param=username", body=_user("c" * 51), env=OPEN),
    Case(
        "username with a space", "POST", "/api/v1/users/register", 400, "param=username", body=_user("ca rol"), env=OPEN
    ),
    Case(
        "password too short",
        "POST",
        "/api/v1/users/register",
        400,
        "param=password",
        body={**_user("carol"), "password": "short"},
        env=OPEN,
    ),
    Case(
        "password too long",
        "POST",
        "/api/v1/users/register",
        400,
        "param=password",
        body={**_user("carol"), "password": "p" * 51},
        env=OPEN,
    ),
    Case(
        "password too many bytes",
        "POST",
        "/api/v1/users/register",
        400,
        "param=password",
        body={**_user("carol"), "password": "é" * 40},
        env=OPEN,
    ),
    Case(
        "bad email",
        "POST",
        "/api/v1/users/register",
        400,
        "param=email",
        body={**_user("carol"), "email": "carol"},
        env=OPEN,
    ),
    Case(
        "missing email",
        "POST",
        "/api/v1/users/register",
        400,
        "param=email",
        body={"username": "carol", "password": PASSWORD},
        env=OPEN,
    ),
    Case(
        "empty display name",
        "POST",
        "/api/v1/users/register",
        400,
        "param=displayName",
        body=_user("carol", displayName=""),
        env=OPEN,
    ),
    Case(
        "display name too long",
        "POST",
        "/api/v1/users/register",
        400,
        "param=displayName",
        body=_user("carol", displayName="x" * 121),
        env=OPEN,
    ),
    Case(
        "channel named like the user",
        "POST",
        "/api/v1/users/register",
        400,
        "cannot be the same",
        body=_user("carol", channel={"name": "carol", "displayName": "Carol"}),
        env=OPEN,
    ),
    Case(
        "channel without display name",
        "POST",
        "/api/v1/users/register",
        400,
        "channel.displayName",
        body=_user("carol", channel={"name": "carol_tv"}),
        env=OPEN,
    ),
    Case(
        "channel name taken",
        "POST",
        "/api/v1/users/register",
        409,
        "Channel with name bob_channel",
        body=_user("carol", channel={"name": "bob_channel", "displayName": "Bob's?"}),
        env=OPEN,
    ),
    Case("body not JSON", "POST", "/api/v1/users/register", 400, "not valid JSON", raw=b"{username", env=OPEN),
    Case("body not an object", "POST", "/api/v1/users/register", 400, "JSON object", body=["carol"], env=OPEN),
    # The caller's own user ---------------------------------------------------------------
    Case(
        "new password without the current one",
        "PUT",
        "/api/v1/users/me",
        400,
        "currentPassword parameter is missing",
        body={"password": "another password"},
        who="alice",
    ),
    Case(
        "wrong current password",
        "PUT",
        "/api/v1/users/me",
        401,
        "code=current_password_is_invalid",
        body={"password": "another password", "currentPassword": "wrong one"},
        who="alice",
    ),
    Case(
        "email taken by another user",
        "PUT",
        "/api/v1/users/me",
        409,
        "already exists",
        body={"email": "bob@example.org", "currentPassword": PASSWORD},
        who="alice",
    ),
    Case(
        "unknown NSFW policy",
        "PUT",
        "/api/v1/users/me",
        400,
        "param=nsfwPolicy",
        body={"nsfwPolicy": "maybe"},
        who="alice",
    ),
    Case("not a boolean", "PUT", "/api/v1/users/me", 400, "param=p2pEnabled", body={"p2pEnabled": "yes"}, who="alice"),
    Case(
        "description too short",
        "PUT",
        "/api/v1/users/me",
        400,
        "param=description",
        body={"description": "x"},
        who="alice",
    ),
    Case("root deleting itself", "DELETE", "/api/v1/users/me", 400, "root account", who="root"),
    # Administration ----------------------------------------------------------------------
    Case("a user listing users", "GET", "/api/v1/users", 403, "does not have right", who="alice"),
    Case(
        "a user creating users",
        "POST",
        "/api/v1/users",
        403,
        "does not have right",
        body=_user("carol", role=2),
        who="alice",
    ),
    Case(
        "a moderator creating an admin",
        "POST",
        "/api/v1/users",
        403,
        "You can only create users",
        body=_user("carol", role=0),
        who="moderator",
    ),
    Case("role out of range", "POST", "/api/v1/users", 400, "param=role", body=_user("carol", role=7), who="root"),
    Case(
        "quota below -1",
        "POST",
        "/api/v1/users",
        400,
        "param=videoQuota",
        body=_user("carol", role=2, videoQuota=-5),
        who="root",
    ),
    Case(
        "quota below -1 on update",
        "PUT",
        "/api/v1/users/{alice}",
        400,
        "param=videoQuota",
        body={"videoQuota": -2},
        who="root",
    ),
    Case(
        "daily quota not a number",
        "PUT",
        "/api/v1/users/{alice}",
        400,
        "param=videoQuotaDaily",
        body={"videoQuotaDaily": "lots"},
        who="root",
    ),
    Case(
        "a moderator deleting an admin", "DELETE", "/api/v1/users/{admin2}", 403, "can only be managed", who="moderator"
    ),
    Case(
        "a moderator blocking an admin",
        "POST",
        "/api/v1/users/{admin2}/block",
        403,
        "can only be managed",
        body={},
        who="moderator",
    ),
    Case(
        "a moderator updating a moderator",
        "PUT",
        "/api/v1/users/{moderator}",
        403,
        "can only be managed",
        body={"videoQuota": 5},
        who="moderator",
    ),
    Case("deleting root", "DELETE", "/api/v1/users/1", 400, "Cannot remove the root user", who="root"),
    Case("blocking root", "POST", "/api/v1/users/1/block", 400, "Cannot block the root user", body={}, who="root"),
    Case(
        "changing root's role", "PUT", "/api/v1/users/1", 400, "Cannot change root role", body={"role": 2}, who="root"
    ),
    Case(
        "block reason too short",
        "POST",
        "/api/v1/users/{bob}/block",
        400,
        "param=reason",
        body={"reason": "x"},
        who="root",
    ),
    Case("unknown user id", "GET", "/api/v1/users/999", 404, "User not found", who="root"),
    Case("not a user id", "GET", "/api/v1/users/abc", 400, "param=id", who="root"),
    Case("count over 100", "GET", "/api/v1/users?count=500", 400, "param=count", who="root"),
    Case("negative start", "GET", "/api/v1/users?start=-1", 400, "param=start", who="root"),
    Case("unknown sort", "GET", "/api/v1/users?sort=password", 400, "param=sort", who="root"),
    # Channels ----------------------------------------------------------------------------
    Case(
        "updating another user's channel",
        "PUT",
        "/api/v1/video-channels/bob_channel",
        403,
        "cannot manage this channel",
        body={"displayName": "Mine now"},
        who="alice",
    ),
    Case(
        "deleting another user's channel",
        "DELETE",
        "/api/v1/video-channels/bob_channel",
        403,
        "owner rights",
        who="alice",
    ),
    Case("deleting one's last channel", "DELETE", "/api/v1/video-channels/bob_channel", 409, "last channel", who="bob"),
    Case(
        "a channel name taken by a user",
        "POST",
        "/api/v1/video-channels",
        409,
        "Another actor",
        body={"name": "bob", "displayName": "Bob"},
        who="alice",
    ),
    Case(
        "a channel name taken by a channel",
        "POST",
        "/api/v1/video-channels",
        409,
        "Another actor",
        body={"name": "bob_channel", "displayName": "Bob"},
        who="alice",
    ),
    Case(
        "invalid channel name",
        "POST",
        "/api/v1/video-channels",
        400,
        "param=name",
        body={"name": "Not Valid", "displayName": "x"},
        who="alice",
    ),
    Case(
        "channel without display name",
        "POST",
        "/api/v1/video-channels",
        400,
        "param=displayName",
        body={"name": "alice_two"},
        who="alice",
    ),
    Case(
        "channel support too short",
        "POST",
        "/api/v1/video-channels",
        400,
        "param=support",
        body={"name": "alice_two", "displayName": "Two", "support": "x"},
        who="alice",
    ),
    Case(
        "creating a channel anonymously",
        "POST",
        "/api/v1/video-channels",
        401,
        "code=unauthorized_request",
        body={"name": "x1", "displayName": "x"},
    ),
    Case("unknown channel", "GET", "/api/v1/video-channels/nothing_here", 404, "Video channel not found"),
    Case(
        "a channel on another host",
        "GET",
        "/api/v1/video-channels/bob_channel@elsewhere.example",
        404,
        "Video channel not found",
    ),
    Case("an account is not a channel", "GET", "/api/v1/video-channels/bob", 404, "Video channel not found"),
    Case("unknown account", "GET", "/api/v1/accounts/nobody", 404, "Account not found"),
    Case("a channel is not an account", "GET", "/api/v1/accounts/bob_channel", 404, "Account not found"),
    Case("unknown account's channels", "GET", "/api/v1/accounts/nobody/video-channels", 404, "Account not found"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(world: World, case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.config import get_settings

    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    before = _snapshot(world)
    response = _send(world, case, source_ip=f"198.51.100.{CASES.index(case) % 250 + 1}")
    get_settings.cache_clear()

    assert response.status == case.status, response.body
    assert response.content_type == "application/problem+json; charset=utf-8"
    problem = response.json()
    assert problem["status"] == case.status
    kind, _, expected = case.expect.partition("=")
    if kind == "code":
        assert problem.get("code") == expected
    elif kind == "param":
        assert expected in problem.get("invalid-params", {}), problem
    else:
        assert case.expect in problem["detail"]
    assert _snapshot(world) == before, "a refused request changed what is stored"


def test_a_channel_beyond_the_limit_is_refused(world: World) -> None:
    api, token = world.api, world.tokens["bob"]
    for n in (1, 2):
        assert (
            api.post_json("/api/v1/video-channels", {"name": f"bob_extra{n}", "displayName": "x"}, token).status == 200
        )
    refused = api.post_json("/api/v1/video-channels", {"name": "bob_extra3", "displayName": "x"}, token)
    assert (refused.status, refused.json()["detail"]) == (400, "You cannot create more than 3 channels")


def test_login_attempts_are_limited_per_address(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    from chalicelib.api import oauth

    # The limit counts in fixed five-minute windows: the attempts are made at one moment early
    # in a window, so that a slow machine cannot spread them over two windows.
    early_in_a_window = (int(time.time()) // 300) * 300 + 5
    monkeypatch.setattr(oauth, "time", types.SimpleNamespace(time=lambda: early_in_a_window))
    form = {
        "client_id": world.api.client_id,
        "client_secret": world.api.client_secret,
        "grant_type": "password",
        "username": "alice",
        "password": "wrong password!",
    }
    statuses = [_post_form(world, form, "192.0.2.200").status for _ in range(16)]
    assert statuses == [400] * 15 + [429]
    limited = _post_form(world, form, "192.0.2.200")
    assert int(limited.headers["retry-after"]) > 0
    assert _post_form(world, form, "192.0.2.201").status == 400  # another address is not limited


def _post_form(world: World, form: dict[str, str], ip: str) -> ApiResponse:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return world.api.request(
        "POST", "/api/v1/users/token", body=urlencode(form).encode(), headers=headers, source_ip=ip
    )


def _send(world: World, case: Case, source_ip: str) -> ApiResponse:
    path = case.path.format(**world.ids)
    headers = dict(case.headers)
    if case.who:
        headers["Authorization"] = f"Bearer {world.tokens[case.who]}"
    if case.form is not None:
        form = {
            k: v.format(client_id=world.api.client_id, client_secret=world.api.client_secret)
            for k, v in case.form.items()
        }
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode(form).encode()
    elif case.raw is not None or case.body is not None:
        headers["Content-Type"] = "application/json"
        body = case.raw if case.raw is not None else json.dumps(case.body).encode()
    else:
        body = b""
    return world.api.request(case.method, path, body=body, headers=headers, source_ip=source_ip)


def _snapshot(world: World) -> Any:
    """What a refused request must not change: every item but rate-limit counters and tokens' last use."""
    from chalicelib.store.models import TableItem, Throttle, User

    items = []
    for item in TableItem.scan():
        if isinstance(item, Throttle):
            continue
        attributes = item.to_simple_dict()
        if isinstance(item, User):
            attributes.pop("last_login_at", None)
        items.append(json.dumps(attributes, sort_keys=True, default=str))
    return sorted(items)
