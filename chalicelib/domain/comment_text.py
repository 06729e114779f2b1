"""A comment's text as safe HTML (for the ActivityPub Note `content` and other renderers).

PeerTube stores and serves comment text verbatim; its web client renders it as a small
Markdown subset and sanitises the result. This module does the same on the server side:
markdown-it renders only emphasis, links (also bare URLs), line breaks, lists and inline
code, with raw HTML disabled (shown as text), then nh3 (the Ammonia sanitiser) keeps only
the tags that subset produces and http(s) links, whatever the renderer let through.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

# The rules of PeerTube's comment renderer (markdown-it's "zero" preset plus these), with
# inline code added; raw HTML is left out on purpose: it is escaped, never interpreted.
MARKDOWN_RULES = ["linkify", "autolink", "emphasis", "link", "newline", "entity", "list", "backticks"]
ALLOWED_TAGS = {"a", "p", "br", "strong", "em", "ul", "ol", "li", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https"}
LINK_REL = "noopener noreferrer nofollow"
# Remote comments (Mastodon notes) often carry <br> tags; PeerTube's client turns them into
# line breaks before rendering, so they survive the escaping of raw HTML.
HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)

_markdown = MarkdownIt("zero", {"breaks": True, "html": False, "linkify": True}).enable(MARKDOWN_RULES)
# Only web links: an address would become a mailto: link, which the sanitiser then strips.
if _markdown.linkify is not None:  # always set with the linkify option
    _markdown.linkify.set({"fuzzy_email": False})


def render_html(text: str) -> str:
    """The comment as sanitised HTML: only ALLOWED_TAGS, http(s) links with LINK_REL."""
    rendered = _markdown.render(HTML_BREAK.sub("\r\n", text))
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_allowed_attributes,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def _only_allowed_attributes(tag: str, attribute: str, value: str) -> str | None:
    # Ammonia also keeps a few generic attributes (title, lang) on every tag: drop them,
    # but not the rel it adds to links itself.
    if attribute in ALLOWED_ATTRIBUTES.get(tag, ()) or (tag == "a" and attribute == "rel"):
        return value
    return None
