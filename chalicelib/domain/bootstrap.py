"""First start of an instance: its OAuth client, its own actor, and the `root` administrator.

Idempotent and safe to race: every item is created with a condition, so two Lambda cold
starts (or a restart of the local stack) never create anything twice.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.accounts import ROOT_USERNAME, NewUser, create_local_user, create_server_actor
from chalicelib.domain.roles import Role
from chalicelib.errors import ConflictError
from chalicelib.observability import logger
from chalicelib.store import instance as instance_store
from chalicelib.store import keys, users
from chalicelib.store.models import OAuthClient

if TYPE_CHECKING:
    from chalicelib.config import Settings

ROOT_EMAIL = "admin@example.com"
CLIENT_ID_ALPHABET = string.ascii_lowercase + string.digits
CLIENT_SECRET_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class Bootstrap:
    client: OAuthClient
    generated_root_password: str | None


def ensure_instance(settings: Settings, now: datetime) -> Bootstrap:
    client = instance_store.get_local_client()
    if client is None:
        candidate = OAuthClient(
            keys.oauth_client_pk(instance_store.LOCAL_CLIENT),
            keys.ENTITY_SK,
            client_id=_random(CLIENT_ID_ALPHABET, 32),
            client_secret=_random(CLIENT_SECRET_ALPHABET, 32),
            created_at=now,
        )
        instance_store.create_local_client(candidate)
        client = instance_store.get_local_client() or candidate
    create_server_actor(settings, now)
    return Bootstrap(client, _ensure_root(settings, now))


def _ensure_root(settings: Settings, now: datetime) -> str | None:
    root = users.find_user_by_login(ROOT_USERNAME)
    if root is not None:
        if root.gsi2pk is None and int(root.role) in users.STAFF_ROLES:
            # Made before the staff list existed (notifications for moderators read it).
            users.place_in_staff_list(root)
            users.update_user(root, ["gsi2pk", "gsi2sk"])
        return None
    password = settings.initial_root_password
    generated = None
    if not password:
        if settings.production:
            # A generated password could only be shown in the logs, which must hold no secret.
            logger.error("PT_INITIAL_ROOT_PASSWORD is not set: the root administrator was not created")
            return None
        password = generated = _random(string.ascii_letters + string.digits, 20)
    request = NewUser(
        username=ROOT_USERNAME,
        password=password,
        email=ROOT_EMAIL,
        role=Role.ADMINISTRATOR,
        email_verified=True,
    )
    try:
        create_local_user(settings, request, now, bootstrap=True)
    except ConflictError:
        return None  # another cold start created it first
    return generated


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))
