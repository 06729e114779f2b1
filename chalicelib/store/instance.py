"""The instance's own items: its OAuth client (I1) and custom configuration (I2, I3 in docs/data-model.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.store import keys
from chalicelib.store.models import CustomConfig, OAuthClient
from chalicelib.store.writes import is_condition_failure

LOCAL_CLIENT = "local"


def get_local_client() -> OAuthClient | None:
    try:
        return OAuthClient.get(keys.oauth_client_pk(LOCAL_CLIENT), keys.ENTITY_SK)
    except OAuthClient.DoesNotExist:
        return None


def create_local_client(client: OAuthClient) -> bool:
    """Store the client unless one exists (two cold starts may race); True if stored."""
    from pynamodb.exceptions import PutError

    try:
        client.save(condition=OAuthClient.pk.does_not_exist())
    except PutError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def get_custom_config() -> dict[str, Any] | None:
    """The configuration the administrator saved, if any (consistent: a change shows at once)."""
    try:
        item = CustomConfig.get(keys.CUSTOM_CONFIG_PK, keys.ENTITY_SK, consistent_read=True)
    except CustomConfig.DoesNotExist:
        return None
    document = item.document
    return document if isinstance(document, dict) else None


def save_custom_config(document: dict[str, Any], now: datetime) -> None:
    CustomConfig(keys.CUSTOM_CONFIG_PK, keys.ENTITY_SK, document=document, updated_at=now).save()


def delete_custom_config() -> None:
    CustomConfig(keys.CUSTOM_CONFIG_PK, keys.ENTITY_SK).delete()
