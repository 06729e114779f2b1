"""The feed writers on hostile text: markup and control characters in titles and texts stay
text, and every format still parses."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import feedparser

from chalicelib.api import feed_formats as ff

HOSTILE = "a <b>bold</b> & \x00\x07\x1b]]> \ud7ff\ud800\uffff end"


def _feed() -> ff.Feed:
    item = ff.Item(
        id="https://tube.example/w/1",
        title=HOSTILE,
        link="https://tube.example/w/1",
        date=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        summary=HOSTILE,
        content_html="<p>&lt;script&gt;</p>",
        authors=[ff.Link("Chan <nel>", "https://tube.example/c/chan")],
        enclosure=ff.Enclosure("https://tube.example/download/x.mp4", 42, "video/mp4", "720p"),
        media=[ff.Enclosure("https://tube.example/download/x.mp4", 42, "video/mp4", "720p")],
        torrents=[ff.Enclosure("https://tube.example/t.torrent", 0, "application/x-bittorrent", "720p")],
        duration=61,
    )
    return ff.Feed(
        title=HOSTILE,
        description="",
        link="https://tube.example",
        self_url="https://tube.example/feeds/videos.xml",
        alternates={},
        generator="Cirrus",
        copyright="c",
        items=[item],
        guid="https://tube.example/video-channels/chan",
        podcast_url="https://tube.example/feeds/podcast/videos.xml?videoChannelId=1",
    )


def test_xml_formats_parse_and_keep_the_text() -> None:
    for write, version in ((ff.rss2, "rss20"), (ff.atom1, "atom10"), (ff.podcast, "rss20")):
        document = feedparser.parse(write(_feed()))
        assert not document.bozo, (write.__name__, document.bozo_exception)
        assert document.version == version
        (entry,) = document.entries
        assert entry.title == "a <b>bold</b> & ]]> \ud7ff end", write.__name__
        assert entry.enclosures[0].href == "https://tube.example/download/x.mp4"
        assert entry.published_parsed[:6] == (2026, 1, 2, 3, 4, 5)


def test_json_feed_keeps_the_text_and_its_fields() -> None:
    body = json.loads(ff.json1(_feed()))
    assert body["version"] == "https://jsonfeed.org/version/1.1"
    (item,) = body["items"]
    assert item["title"] == HOSTILE  # JSON carries any character
    assert item["date_published"] == "2026-01-02T03:04:05Z"
    assert [a["mime_type"] for a in item["attachments"]] == ["video/mp4", "application/x-bittorrent"]
