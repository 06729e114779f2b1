"""PeerTube's email flows: verifying an address (at sign-up, on request, after a change) and
resetting a forgotten password, plus the emails of notifications.

The ask-* requests never say whether an address is known: they check the body and queue one
work message, whatever the address (the same answer after the same work); the work function
(`run`) looks the address up, issues a link and sends the email. A refused email (SES down)
fails that work message alone, which SQS delivers again; the request has long answered 204.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from chalicelib.config import get_settings
from chalicelib.domain import passwords, validation
from chalicelib.domain.mail import letters, links
from chalicelib.domain.validation import Checks
from chalicelib.errors import ForbiddenError, NotFoundError
from chalicelib.observability import count, logger
from chalicelib.store import email_links, keys, mail, queues, registrations, tokens, users

if TYPE_CHECKING:
    from collections.abc import Sequence

    from chalicelib.config import Settings
    from chalicelib.domain.notifications.types import NotificationType
    from chalicelib.store.models import Registration, User

TASK = "mail"
INVALID_STRING = "Invalid verification string."


class EmailsNotSentError(Exception):
    """Some emails of a notification could not be handed over: the message is tried again
    (those already sent are not sent twice)."""


# --- Requests -----------------------------------------------------------------------------


def ask_verify_email(body: dict[str, Any]) -> None:
    """POST /users/ask-send-verify-email: queue the email (whether the address is known or not)."""
    queues.send_work([{"task": TASK, "what": links.VERIFY_EMAIL, "email": _checked_email(body)}])


def ask_reset_password(body: dict[str, Any]) -> None:
    """POST /users/ask-reset-password: queue the email (whether the address is known or not)."""
    queues.send_work([{"task": TASK, "what": links.RESET_PASSWORD, "email": _checked_email(body)}])


def queue_verification(user: User, *, pending: bool = False) -> None:
    """After a sign-up (to the address) or an email change (to the new, pending one)."""
    queues.send_work([{"task": TASK, "what": links.VERIFY_EMAIL, "user": int(user.id), "pending": pending}])


def queue_registration_verification(registration: Registration) -> None:
    """After a sign-up request (approval on): its address, before a moderator decides."""
    queues.send_work([{"task": TASK, "what": links.VERIFY_EMAIL, "registration": int(registration.id)}])


def verify_registration_email(registration_id: str, body: dict[str, Any], now: datetime) -> None:
    """POST /users/registrations/{id}/verify-email: the request's address is verified (and the
    user a moderator makes of it starts verified). 403 for a wrong, used or expired string."""
    string = _checked_string(registration_id, body, field="registrationId")
    registration = registrations.get_registration(int(registration_id))
    if registration is None:
        raise NotFoundError("Registration not found")
    if links.use(keys.registration_pk(int(registration.id)), links.VERIFY_EMAIL, string, now) is None:
        raise ForbiddenError(INVALID_STRING)
    registration.email_verified = True
    registration.updated_at = now
    registrations.save_registration(registration)


def verify_email(user_id: str, body: dict[str, Any], now: datetime) -> None:
    """POST /users/{id}/verify-email: the address is verified; for a link sent to a new
    address, that address becomes the user's. 403 for a wrong, used or expired string."""
    string = _checked_string(user_id, body)
    user = _user_or_404(user_id)
    link = links.use(keys.user_pk(int(user.id)), links.VERIFY_EMAIL, string, now)
    if link is None:
        raise ForbiddenError(INVALID_STRING)
    if link.pending_email is not None:
        if user.pending_email != link.pending_email:
            raise ForbiddenError(INVALID_STRING)  # another change was asked for since
        if user.email.lower() != link.pending_email.lower():
            users.change_email(user, link.pending_email)
        user.pending_email = None
    user.email_verified = True
    users.update_user(user, ["email_verified", "pending_email"])


def reset_password(user_id: str, body: dict[str, Any], now: datetime) -> None:
    """POST /users/{id}/reset-password: the new password, once per link; every session ends
    (whoever made the reset need not trust the sessions open before it)."""
    checks = Checks()
    checks.require(body, "password", validation.check_password)
    string = _checked_string(user_id, body, checks)
    user = _user_or_404(user_id)
    if links.use(keys.user_pk(int(user.id)), links.RESET_PASSWORD, string, now) is None:
        raise ForbiddenError(INVALID_STRING)
    user.password_hash = passwords.hash_password(body["password"])
    users.update_user(user, ["password_hash"])
    tokens.revoke_all(int(user.id))


# --- Work tasks ---------------------------------------------------------------------------


def run(task: dict[str, Any], now: datetime) -> None:
    """One mail task of the work queue. Raises MailError when the email could not be sent."""
    what = str(task.get("what"))
    settings = get_settings()
    registration = _registration_recipient(task) if what == links.VERIFY_EMAIL else None
    if registration is not None:
        string = links.issue(keys.registration_pk(int(registration.id)), links.VERIFY_EMAIL, now)
        url = _link(settings, "/verify-account/email", registrationId=int(registration.id), verificationString=string)
        letter = letters.verify_email(settings, str(registration.username), url, new_address=False)
        _send(settings, str(registration.email), letter)
        return
    user = _recipient(task)
    if user is None:
        logger.info("email asked for an unknown address, not sent", extra={"what": what})
        return
    if what == links.RESET_PASSWORD:
        string = links.issue(keys.user_pk(int(user.id)), links.RESET_PASSWORD, now)
        url = _link(settings, "/reset-password", userId=int(user.id), verificationString=string)
        _send(settings, user.email, letters.reset_password(settings, str(user.username), url))
    elif what == links.VERIFY_EMAIL:
        pending = bool(task.get("pending")) and user.pending_email is not None
        address = str(user.pending_email) if pending else str(user.email)
        string = links.issue(keys.user_pk(int(user.id)), links.VERIFY_EMAIL, now, address if pending else None)
        query: dict[str, Any] = {"userId": int(user.id), "verificationString": string}
        if pending:
            query["isPendingEmail"] = "true"
        url = _link(settings, "/verify-account/email", **query)
        _send(settings, address, letters.verify_email(settings, str(user.username), url, new_address=pending))
    else:
        logger.error("unknown mail task, dropped", extra={"what": what})


def send_notification_emails(
    recipients: Sequence[User], kind: NotificationType, subject: str, payload: dict[str, Any], now: datetime
) -> int:
    """Email a notification to each recipient once (a mark per user, kind and subject); the
    number sent. Raises EmailsNotSentError after trying them all if any failed."""
    settings = get_settings()
    letter = letters.notification(settings, kind, payload)
    sent = failed = 0
    for user in recipients:
        if user.email_verified is False or not email_links.claim_email(int(user.id), int(kind), subject, now):
            continue
        try:
            _send(settings, str(user.email), letter)
        except mail.MailError:
            email_links.release_email(int(user.id), int(kind), subject)
            logger.exception("notification email not sent", extra={"user": int(user.id), "kind": int(kind)})
            failed += 1
            continue
        sent += 1
    if sent:
        count("NotificationEmailsSent", sent)
    if failed:
        raise EmailsNotSentError(f"{failed} notification emails not sent")
    return sent


# --- Helpers ------------------------------------------------------------------------------


def _checked_email(body: dict[str, Any]) -> str:
    checks = Checks()
    checks.require(body, "email", validation.check_email)
    checks.raise_if_any()
    return str(body["email"])


def _checked_string(owner_id: str, body: dict[str, Any], checks: Checks | None = None, field: str = "id") -> str:
    checks = checks or Checks()
    if not owner_id.isdigit():
        checks.add(field, f"Should have a valid {field}")
    string = body.get("verificationString")
    if not isinstance(string, str) or not string:
        checks.add("verificationString", "Should have a valid verification string")
    checks.optional(body, "isPendingEmail", _check_boolean_like)
    checks.raise_if_any()
    return str(string)


def _check_boolean_like(value: Any) -> str | None:
    """PeerTube's toBooleanOrNull: a boolean, or its string."""
    if value is None or isinstance(value, bool) or value in ("true", "false", "1", "0"):
        return None
    return "Should have a valid isPendingEmail boolean"


def _user_or_404(user_id: str) -> User:
    user = users.get_user(int(user_id), consistent=True)
    if user is None or user.deleting_at is not None:
        raise NotFoundError("User not found")
    return user


def _recipient(task: dict[str, Any]) -> User | None:
    if "user" in task:
        user = users.get_user(int(task["user"]), consistent=True)
    else:
        user = users.find_user_by_login(str(task.get("email", "")))
    if user is None or user.deleting_at is not None:
        return None
    return user


def _registration_recipient(task: dict[str, Any]) -> Registration | None:
    """A pending sign-up request: named by the task, or, for an address no user has, asked
    for under that address (PeerTube looks for both)."""
    from chalicelib.store.models.registration import STATE_PENDING

    if "registration" in task:
        found = registrations.get_registration(int(task["registration"]))
    elif "email" in task and users.find_user_by_login(str(task["email"])) is None:
        found = registrations.find_by_login(str(task["email"]))
    else:
        return None
    return found if found is not None and int(found.state) == STATE_PENDING else None


def _link(settings: Settings, path: str, **query: Any) -> str:
    return f"{settings.instance_url}{path}?{urlencode(query)}"


def _send(settings: Settings, address: str, letter: letters.Letter) -> None:
    mail.send(letters.to_message(settings, address, letter))
