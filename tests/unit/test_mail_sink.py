"""The local mail sink (store/mail.py, DirectoryMailer) keeps messages in the order they were
sent: readers (the e2e tests, a developer's `ls`) take the newest as the last file by name."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from chalicelib.store.mail import DirectoryMailer
from tests.mailbox import in_sink


def _message(subject: str) -> EmailMessage:
    message = EmailMessage()
    message["To"] = "nora@example.org"
    message["From"] = "noreply@cirrus.test"
    message["Subject"] = subject
    message.set_content(subject)
    message.add_alternative(f"<p>{subject}</p>", subtype="html")
    return message


def test_messages_sent_within_one_second_sort_in_the_order_they_were_sent(tmp_path: Path) -> None:
    mailer = DirectoryMailer(tmp_path)
    subjects = [f"message {n}" for n in range(40)]  # well within a second
    for subject in subjects:
        mailer.send(_message(subject))
    assert [letter.subject for letter in in_sink(tmp_path)] == subjects
