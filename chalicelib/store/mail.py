"""Sending email: one MIME message (built by domain/mail/letters.py) to one address.

The port has two doors. On AWS, Amazon SES (sesv2 SendEmail with the raw message, from the
instance's address, CIRRUS_MAIL_FROM). Under `make run`, a sink that writes each message as an
.eml file under the data directory and logs its path (local/stack.py installs it with
`use_mailer`): no real mail leaves a laptop, and what a user would receive can be opened.
Both send the same bytes.
"""

from __future__ import annotations

import itertools
import logging
import re
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from chalicelib import caches

log = logging.getLogger("cirrus.mail")


class MailError(Exception):
    """The message could not be handed over; sending it again later may work."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Hand `message` over; an id for the logs. Raises MailError."""


class SesMailer:
    """Amazon SES v2: the raw message, so that the text and HTML parts are ours."""

    def send(self, message: EmailMessage) -> str:
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

        from chalicelib import aws

        try:
            answer = aws.sesv2().send_email(
                FromEmailAddress=str(message["From"]),
                Destination={"ToAddresses": [str(message["To"])]},
                Content={"Raw": {"Data": message.as_bytes()}},
            )
        except (BotoCoreError, ClientError) as exc:
            raise MailError(f"SES refused or failed: {exc}") from exc
        return str(answer["MessageId"])


_SENT = itertools.count()


class DirectoryMailer:
    """The local sink: every message an .eml file in `directory`, named by time and recipient."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: EmailMessage) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        recipient = re.sub(r"[^A-Za-z0-9@._-]", "_", str(message["To"]))[:100]
        # Names sort in the order messages were sent, within a second too: the time to the
        # microsecond, then this process's count (readers take the last name as the newest).
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        message_id = f"{stamp}-{next(_SENT):06d}-{uuid.uuid4().hex[:8]}"
        path = self.directory / f"{message_id}-{recipient}.eml"
        try:
            partial = path.with_suffix(".part")
            partial.write_bytes(message.as_bytes())
            partial.replace(path)  # readers never see half a message
        except OSError as exc:
            raise MailError(f"cannot write {path}: {exc}") from exc
        log.warning("email to %s kept at %s (local sink, not sent)", message["To"], path)
        return message_id


class _Ports:
    mailer: Mailer | None = None


_ports = _Ports()


def use_mailer(mailer: Mailer | None) -> None:
    """Install another door (the local sink, tests); None for SES."""
    _ports.mailer = mailer


@caches.register
def reset() -> None:
    use_mailer(None)


def mailer() -> Mailer:
    if _ports.mailer is None:
        _ports.mailer = SesMailer()
    return _ports.mailer


def send(message: EmailMessage) -> str:
    return mailer().send(message)
