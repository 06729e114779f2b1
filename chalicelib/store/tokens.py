"""Access patterns of OAuth tokens (T1-T3 in docs/data-model.md). Only hashes are stored."""

from __future__ import annotations

from pynamodb.transactions import TransactWrite

from chalicelib.store import keys
from chalicelib.store.models import Claim, OAuthToken
from chalicelib.store.writes import connection


def save_token(token: OAuthToken) -> None:
    """Store a token pair and the claim that finds it by its refresh token, atomically."""
    refresh = Claim(
        keys.claim_pk(keys.REFRESH_TOKEN, token.refresh_token_hash),
        keys.CLAIM_SK,
        target=token.pk,
        expires_at=token.refresh_expires_at,
    )
    with TransactWrite(connection=connection()) as transaction:
        transaction.save(token, condition=OAuthToken.pk.does_not_exist())
        transaction.save(refresh, condition=Claim.pk.does_not_exist())


def get_by_access_hash(access_hash: str) -> OAuthToken | None:
    """T1: the hot path of every authenticated request, one GetItem."""
    try:
        return OAuthToken.get(keys.token_pk(access_hash), keys.ENTITY_SK)
    except OAuthToken.DoesNotExist:
        return None


def get_by_refresh_hash(refresh_hash: str) -> OAuthToken | None:
    """T2: claim, then token."""
    try:
        claim = Claim.get(keys.claim_pk(keys.REFRESH_TOKEN, refresh_hash), keys.CLAIM_SK)
    except Claim.DoesNotExist:
        return None
    try:
        return OAuthToken.get(claim.target, keys.ENTITY_SK)
    except OAuthToken.DoesNotExist:
        return None


def revoke(token: OAuthToken) -> None:
    with TransactWrite(connection=connection()) as transaction:
        transaction.delete(token)
        transaction.delete(Claim(keys.claim_pk(keys.REFRESH_TOKEN, token.refresh_token_hash), keys.CLAIM_SK))


def list_user_tokens(user_id: int) -> list[OAuthToken]:
    """T3: every token of a user (a handful: one per logged-in client)."""
    return [t for t in OAuthToken.by_gsi1.query(keys.user_tokens_gsi1pk(user_id)) if isinstance(t, OAuthToken)]


def revoke_all(user_id: int) -> int:
    """Revoke every token of a user (password change, block, deletion); return how many."""
    tokens = list_user_tokens(user_id)
    for token in tokens:
        revoke(token)
    return len(tokens)
