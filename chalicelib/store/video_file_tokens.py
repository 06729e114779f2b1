"""Video file tokens (VF1 in docs/data-model.md): a claim per token, by its hash, naming the
video whose private files it opens, until it expires. Only hashes are stored."""

from __future__ import annotations

from datetime import datetime

from chalicelib.store import keys
from chalicelib.store.models import Claim


def save(token_hash: str, video_uuid: str, expires_at: datetime) -> None:
    Claim(
        keys.claim_pk(keys.VIDEO_FILE_TOKEN, token_hash), keys.CLAIM_SK, target=video_uuid, expires_at=expires_at
    ).save()


def find(token_hash: str) -> tuple[str, datetime | None] | None:
    """VF1: the UUID a token opens and when it expires (one GetItem); None if unknown."""
    try:
        claim = Claim.get(keys.claim_pk(keys.VIDEO_FILE_TOKEN, token_hash), keys.CLAIM_SK)
    except Claim.DoesNotExist:
        return None
    return str(claim.target), claim.expires_at
