"""Access patterns of emailed links and sent notification emails (EM1-EM4 in
docs/data-model.md): one item in the user's partition each."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError, PutError

from chalicelib.store import keys
from chalicelib.store.models import EmailLink, EmailSent

__all__ = ["EmailLink", "claim_email", "release_email", "save_link", "use_link"]
from chalicelib.store.writes import is_condition_failure

# A sent-email mark outlives any redelivery of the message that sent it (SQS keeps a message
# 14 days at most).
EMAILED_MARK_LIFETIME = timedelta(days=15)


def save_link(owner_pk: str, purpose: str, token_hash: str, expires_at: datetime, pending_email: str | None) -> None:
    """EM1: the link of `purpose` of a user or a registration request (`owner_pk`, its
    partition; PutItem: a newer one replaces it)."""
    EmailLink(
        owner_pk,
        keys.email_link_sk(purpose),
        token_hash=token_hash,
        pending_email=pending_email,
        expires_at=expires_at,
    ).save()


def use_link(owner_pk: str, purpose: str, token_hash: str, now: datetime) -> EmailLink | None:
    """EM2: the link, used up, if `token_hash` is its hash and it has not expired; None if not.
    One consistent GetItem, a constant-time comparison, then a DeleteItem on condition that the
    link is still that one, so two requests racing with one link cannot both pass."""
    try:
        link = EmailLink.get(owner_pk, keys.email_link_sk(purpose), consistent_read=True)
    except EmailLink.DoesNotExist:
        return None
    if not hmac.compare_digest(str(link.token_hash).encode(), token_hash.encode()):
        return None
    if link.expires_at is None or link.expires_at <= now:
        return None
    try:
        link.delete(condition=EmailLink.token_hash == token_hash)
    except DeleteError as exc:
        if is_condition_failure(exc):
            return None
        raise
    return link


def claim_email(user_id: int, kind: int, subject: str, now: datetime) -> bool:
    """EM3: mark the email of this notification as sent to this user; False if it was."""
    mark = EmailSent(keys.user_pk(user_id), keys.emailed_sk(kind, subject), expires_at=now + EMAILED_MARK_LIFETIME)
    try:
        mark.save(condition=EmailSent.pk.does_not_exist())
    except PutError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def release_email(user_id: int, kind: int, subject: str) -> None:
    """EM4: forget the mark of an email that could not be sent, so a retry sends it."""
    EmailSent(keys.user_pk(user_id), keys.emailed_sk(kind, subject)).delete()
