"""How a text is matched against watched words (PeerTube's wordsToRegExp) and found to link
elsewhere (PeerTube's hasExternalLinks, through linkify-it)."""

from __future__ import annotations

import pytest

from chalicelib.domain.automatic_tags import links_elsewhere
from chalicelib.domain.watched_words import matches

OURS = "cirrus.example"


@pytest.mark.parametrize(
    ("words", "text", "found"),
    [
        (["spam"], "SPAM!", True),
        (["spam"], "no spammer here", False),
        (["spam"], "spam2 counts: digits are not letters", True),
        (["spam"], "éspam", False),  # an accented letter touches it
        (["été"], "Un ÉTÉ chaud", True),
        (["buy now"], "please BUY  NOW", False),  # words are taken as they are written
        (["buy now"], "buy now!", True),
        (["a.b"], "axb", False),  # literal, not a regular expression
        (["a.b"], "see a.b", True),
        (["(x|y)"], "x", False),
        (["(x|y)"], "say (x|y)", True),
        ([" spaced "], "a spaced word", True),  # trimmed, as PeerTube's
        (["spam"], "", False),
    ],
)
def test_watched_words_match_whole_and_literally(words: list[str], text: str, found: bool) -> None:
    assert matches(words, text) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("see https://elsewhere.example/x", True),
        ("https://cirrus.example/videos/watch/1", False),
        ("http://CIRRUS.example/a", False),
        ("www.foo.org is nice", True),
        ("visit example.com today", True),
        ("a file.txt is no link", False),
        ("nothing here", False),
        ("", False),
        ("ftp://files.example.net/x", True),
    ],
)
def test_links_elsewhere(text: str, found: bool) -> None:
    assert links_elsewhere(text, OURS) is found
