"""A remote comment (Note), checked as PeerTube checks it: public, with an author, a parent
(a video or another comment) and some text. Markdown is kept as written; HTML (Mastodon's)
is reduced to its text, since comments are stored as text and rendered when shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.activitypub.remote.parse.checks import InvalidDocument, as_list, date, reference, url

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
MAX_TEXT = 10_000


@dataclass(frozen=True)
class RemoteNote:
    url: str
    in_reply_to: str
    author_url: str
    text: str
    published: datetime


def parse_note(document: Any) -> RemoteNote:
    if not isinstance(document, dict) or document.get("type") != "Note":
        raise InvalidDocument("not a Note")
    note_url = url(document.get("id"), "id")
    to = as_list(document.get("to"))
    if not isinstance(document.get("to"), list) or PUBLIC not in to + as_list(document.get("cc")):
        raise InvalidDocument("only public comments are accepted")
    content = document.get("content")
    if not isinstance(content, str) or not content.strip():
        raise InvalidDocument("a comment needs text")
    text = content if document.get("mediaType") == "text/markdown" else _text_of(content)
    if not text.strip():
        raise InvalidDocument("a comment needs text")
    return RemoteNote(
        url=note_url,
        in_reply_to=reference(document.get("inReplyTo"), "inReplyTo"),
        author_url=reference(_single(document.get("attributedTo")), "attributedTo"),
        text=text[:MAX_TEXT],
        published=date(document.get("published"), "published"),
    )


def _single(value: Any) -> Any:
    """One author, also when given as a one-item list (as the signed form of a forwarded Note
    gives it)."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _text_of(html: str) -> str:
    import re

    import nh3

    with_breaks = re.sub(r"(?i)<br\s*/?>|</p>\s*<p>", "\n", html)
    cleaned = nh3.clean(with_breaks, tags=set())
    return cleaned.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').strip()
