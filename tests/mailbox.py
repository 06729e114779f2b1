"""Reading the emails Cirrus sent: from moto's SES (integration tests) or from the local
stack's sink directory (end-to-end tests), and the link each carries, as a user would follow it."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Letter:
    to: str
    subject: str
    text: str
    html: str

    def link(self) -> tuple[str, dict[str, str]]:
        """The first link of the text part: its path and query values."""
        found = LINK.search(self.text)
        assert found is not None, self.text
        parts = urlsplit(found.group(0))
        return parts.path, {name: values[0] for name, values in parse_qs(parts.query).items()}


def parse(raw: bytes | str) -> Letter:
    data = raw.encode() if isinstance(raw, str) else raw
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    assert text_part is not None and html_part is not None, "both a text and an HTML part"
    return Letter(str(message["To"]), str(message["Subject"]), text_part.get_content(), html_part.get_content())


def sent_through_ses() -> list[Letter]:
    """Every message moto's SES accepted so far, oldest first."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    return [parse(message.raw_data) for message in backend.sent_messages if hasattr(message, "raw_data")]


def in_sink(directory: Path) -> list[Letter]:
    """Every .eml the local sink wrote, oldest first."""
    return [parse(path.read_bytes()) for path in sorted(directory.glob("*.eml"))]
