"""Access patterns of OAuth tokens (T1-T3 in docs/data-model.md). Only hashes are stored."""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.store import claims, keys
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
    return _get(keys.token_pk(access_hash))


def get_by_refresh_hash(refresh_hash: str) -> OAuthToken | None:
    """T2: claim, then token."""
    return claims.resolve(keys.REFRESH_TOKEN, refresh_hash, _get)


def _get(token_pk: str) -> OAuthToken | None:
    try:
        return OAuthToken.get(token_pk, keys.ENTITY_SK)
    except OAuthToken.DoesNotExist:
        return None


def revoke(token: OAuthToken) -> None:
    with TransactWrite(connection=connection()) as transaction:
        transaction.delete(token)
        transaction.delete(Claim(keys.claim_pk(keys.REFRESH_TOKEN, token.refresh_token_hash), keys.CLAIM_SK))


def consume(token: OAuthToken) -> bool:
    """Delete a token pair only if it is still there; False when another request consumed it
    first (two refreshes racing with one refresh token: only one may win)."""
    claim = Claim(keys.claim_pk(keys.REFRESH_TOKEN, token.refresh_token_hash), keys.CLAIM_SK)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.delete(token, condition=OAuthToken.pk.exists())
            transaction.delete(claim, condition=Claim.pk.exists())
    except TransactWriteError:
        return False
    return True


def list_user_tokens(user_id: int) -> list[OAuthToken]:
    """T3: every token of a user (a handful: one per logged-in client)."""
    return [t for t in OAuthToken.by_gsi1.query(keys.user_tokens_gsi1pk(user_id)) if isinstance(t, OAuthToken)]


def revoke_all(user_id: int, keep: OAuthToken | None = None) -> int:
    """Revoke every token of a user (password change, block, deletion), but `keep`; return how
    many. The listing reads an eventually consistent index and can miss a token issued a moment
    ago: callers that must lock a user out also check the user at each use (domain/oauth.py)."""
    tokens = [t for t in list_user_tokens(user_id) if keep is None or t.pk != keep.pk]
    for token in tokens:
        revoke(token)
    return len(tokens)
