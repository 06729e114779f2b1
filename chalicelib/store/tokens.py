"""Access patterns of OAuth tokens (T1-T4 in docs/data-model.md). Only hashes are stored."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.store import claims, keys
from chalicelib.store.models import Claim, OAuthToken
from chalicelib.store.writes import connection, is_condition_failure, set_actions

if TYPE_CHECKING:
    from datetime import datetime


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


def record_activity(token: OAuthToken, at: datetime, ip: str | None, device: str | None) -> None:
    """T4: note where and when a session was last used; a token revoked meanwhile is left gone
    (the write is conditioned on the item still being there)."""
    token.last_activity_at = at
    token.last_activity_ip = ip
    token.last_activity_device = device
    names = ("last_activity_at", "last_activity_ip", "last_activity_device")
    try:
        token.update(actions=set_actions(token, names), condition=OAuthToken.pk.exists())
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise


def session_id(token: OAuthToken) -> int:
    """A token session's public id (PeerTube's is an integer): 52 bits of the access token's
    hash, which the key already holds, so an id needs no counter and fits a JavaScript number."""
    return int(str(token.pk)[len(keys.token_pk("")) :][:13], 16)


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
