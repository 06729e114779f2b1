"""L5: while the root administrator does not exist yet (production, no initial password),
nobody may take its name, nor the instance actor's, by sign-up, registration request or
channel creation; once the operator sets the password, root is created as usual."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.api_client import ApiClient


@pytest.fixture
def rootless(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiClient]:
    from chalicelib import aws as aws_clients
    from chalicelib.config import get_settings
    from chalicelib.domain.bootstrap import ensure_instance
    from chalicelib.domain.oauth import utcnow

    monkeypatch.setenv("CIRRUS_ENV", "production")
    monkeypatch.setenv("CIRRUS_SCHEME", "http")
    # A deployment seals actors' private keys with its KMS key (moto's here).
    monkeypatch.setenv("CIRRUS_ACTOR_KEY_ID", aws_clients.kms().create_key()["KeyMetadata"]["KeyId"])
    monkeypatch.setenv("PT_INITIAL_ROOT_PASSWORD", "")
    monkeypatch.setenv("CIRRUS_SIGNUP_ENABLED", "true")
    monkeypatch.setenv("CIRRUS_SIGNUP_REQUIRES_APPROVAL", "false")
    get_settings.cache_clear()
    instance = ensure_instance(get_settings(), utcnow())
    assert instance.generated_root_password is None
    yield ApiClient(instance.client.client_id, instance.client.client_secret)
    get_settings.cache_clear()


def _register(api: ApiClient, username: str, **extra: Any) -> Any:
    body = {"username": username, "password": f"{username} password", "email": f"{username}@example.org", **extra}
    return api.post_json("/api/v1/users/register", body)


@pytest.mark.parametrize("name", ["root", "peertube"])
def test_sign_up_cannot_take_a_reserved_name(rootless: ApiClient, name: str) -> None:
    answer = _register(rootless, name)
    assert answer.status == 409, answer.body
    assert answer.content_type.startswith("application/problem+json") or answer.json()["status"] == 409


def test_sign_up_cannot_take_root_as_channel_name(rootless: ApiClient) -> None:
    answer = _register(rootless, "mallory", channel={"name": "root", "displayName": "Root"})
    assert answer.status == 409, answer.body


def test_registration_request_cannot_take_root(rootless: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.config import get_settings

    monkeypatch.setenv("CIRRUS_SIGNUP_REQUIRES_APPROVAL", "true")
    get_settings.cache_clear()
    body = {
        "username": "root",
        "password": "root password!",
        "email": "r@example.org",
        "registrationReason": "I am the administrator, honest",
    }
    answer = rootless.post_json("/api/v1/users/registrations/request", body)
    assert answer.status == 409, answer.body


def test_a_channel_cannot_be_named_root(rootless: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.config import get_settings
    from chalicelib.domain.bootstrap import ensure_instance
    from chalicelib.domain.oauth import utcnow

    assert _register(rootless, "mallory").status == 204
    token = rootless.login("mallory", "mallory password")["access_token"]
    answer = rootless.post_json("/api/v1/video-channels", {"name": "root", "displayName": "Root"}, token)
    assert answer.status == 409, answer.body

    # The operator sets the password later: root is created, nothing stood in its way.
    monkeypatch.setenv("PT_INITIAL_ROOT_PASSWORD", "the real root password")
    get_settings.cache_clear()
    ensure_instance(get_settings(), utcnow())
    root = rootless.login("root", "the real root password")["access_token"]
    assert rootless.get_as("/api/v1/users/me", root).json()["role"]["id"] == 0
