"""The instance's own items: its OAuth client (I1 in docs/data-model.md)."""

from __future__ import annotations

from chalicelib.store import keys
from chalicelib.store.models import OAuthClient
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
