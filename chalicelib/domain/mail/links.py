"""Verification strings of emailed links: random, stored as their SHA-256 only, with a
lifetime, and used once (store/email_links.py compares in constant time and consumes)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from chalicelib.store import email_links

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"
# PeerTube's USER_EMAIL_VERIFY_LIFETIME and USER_PASSWORD_RESET_LIFETIME: 60 minutes each.
LIFETIMES = {VERIFY_EMAIL: timedelta(minutes=60), RESET_PASSWORD: timedelta(minutes=60)}
STRING_BYTES = 32
MAX_STRING_LENGTH = 200


def issue(owner_pk: str, purpose: str, now: datetime, pending_email: str | None = None) -> str:
    """A new link of `purpose` for a user or a registration request (its partition key),
    replacing the older one; its verification string."""
    string = secrets.token_urlsafe(STRING_BYTES)
    email_links.save_link(owner_pk, purpose, _hash(string), now + LIFETIMES[purpose], pending_email)
    return string


def use(owner_pk: str, purpose: str, string: str, now: datetime) -> email_links.EmailLink | None:
    """The link, used up, if `string` is its verification string and it is still valid."""
    if len(string) > MAX_STRING_LENGTH:
        return None
    return email_links.use_link(owner_pk, purpose, _hash(string), now)


def _hash(string: str) -> str:
    return hashlib.sha256(string.encode("utf-8")).hexdigest()
