"""Comment text rendered to HTML: PeerTube's Markdown subset, nothing that can run."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from chalicelib.domain.comment_text import render_html

REL = 'rel="noopener noreferrer nofollow"'


def test_the_markdown_subset() -> None:
    html = render_html("**bold** _em_ `code` see https://example.org/x\nnext line\n\n- one\n- two\n\n1. first")
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<code>code</code>" in html
    assert f'<a href="https://example.org/x" {REL}>https://example.org/x</a>' in html
    assert "<br>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n</ol>" in html
    assert render_html('[site](http://example.org "title")') == f'<p><a href="http://example.org" {REL}>site</a></p>'
    assert render_html("a<br>b<BR />c") == "<p>a<br>\nb<br>\nc</p>"  # remote notes' breaks


def test_what_the_subset_leaves_out() -> None:
    assert render_html("# Title") == "<p># Title</p>"
    assert "<img" not in render_html("![alt](https://example.org/a.png)")
    assert "<h1" not in render_html("Title\n=====")
    assert "<table" not in render_html("| a |\n|---|\n| b |")


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#x73;cript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](vbscript:msgbox(1))",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#60;img src=x onerror=alert(1)&#62;",
        "<svg onload=alert(1)>",
        "<iframe src=https://evil.example></iframe>",
        '[x](https://example.org" onmouseover="alert(1))',
        "<<script>script>alert(1)<</script>/script>",
        "`<script>alert(1)</script>`",
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_attacks_are_neutralised(attack: str) -> None:
    """Whatever comes in, what a browser would parse out is only the allowed tags, with no
    attribute but a web link's href and rel: the rest is text."""
    elements = Elements()
    elements.feed(render_html(attack))
    for tag, attributes in elements.found:
        assert tag in {"a", "p", "br", "strong", "em", "ul", "ol", "li", "code"}, tag
        assert set(attributes) <= ({"href", "rel"} if tag == "a" else set()), attributes
        href = attributes.get("href")
        assert href is None or href.startswith(("http://", "https://")), href


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))

    def handle_comment(self, data: str) -> None:
        self.found.append(("!--", {}))


def test_escaped_markup_stays_text() -> None:
    assert render_html("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert render_html("&lt;b&gt; &amp; &#60;i&#62;") == "<p>&lt;b&gt; &amp; &lt;i&gt;</p>"
    assert render_html("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>"


def test_links_keep_only_web_schemes() -> None:
    assert "href" not in render_html("[x](ftp://example.org/file)")
    assert "href" not in render_html("write to someone@example.org")
    assert render_html("<https://example.org>") == f'<p><a href="https://example.org" {REL}>https://example.org</a></p>'
