"""Feeds written as RSS 2.0 (with Media RSS), Atom 1.0, JSON Feed 1.1 and the podcast RSS
(Podcasting 2.0 and iTunes namespaces), from one neutral description.

Written with the standard library's ElementTree rather than a generator library: none covers
the four (feedgen has no JSON Feed nor the podcast namespace and needs lxml at import), and
this module costs nothing on the import path of other routes (it is imported on the first
feed request).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from xml.etree import ElementTree as ET

MEDIA = "http://search.yahoo.com/mrss/"
ATOM = "http://www.w3.org/2005/Atom"
PODCAST = "https://podcastindex.org/namespace/1.0"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
for _prefix, _uri in (("media", MEDIA), ("atom", ATOM), ("podcast", PODCAST), ("itunes", ITUNES), ("content", CONTENT)):
    ET.register_namespace(_prefix, _uri)


@dataclass(frozen=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True)
class Enclosure:
    url: str
    length: int
    type: str
    title: str = ""


@dataclass(frozen=True)
class Thumbnail:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    link: str
    date: datetime
    summary: str = ""  # plain text
    content_html: str = ""
    authors: list[Link] = field(default_factory=list)
    thumbnail: Thumbnail | None = None
    enclosure: Enclosure | None = None
    media: list[Enclosure] = field(default_factory=list)  # Media RSS, podcast alternates
    torrents: list[Enclosure] = field(default_factory=list)
    embed_url: str | None = None
    player_url: str | None = None
    views: int | None = None
    nsfw: bool = False
    category: str | None = None
    duration: int | None = None
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Feed:
    title: str
    description: str
    link: str  # the page the feed is about
    self_url: str  # this feed, in this format
    alternates: dict[str, str]  # format ("rss", "atom", "json") -> URL
    generator: str
    copyright: str
    items: list[Item]
    image: str | None = None
    author: Link | None = None
    language: str | None = None
    category: str | None = None
    guid: str | None = None  # podcast:guid
    podcast_url: str | None = None  # podcast:txt p20url (a channel's podcast feed)


def rss2(feed: Feed) -> str:
    root = ET.Element("rss", {"version": "2.0"})
    channel = _rss_channel(root, feed)
    if feed.podcast_url:
        _sub(channel, f"{{{PODCAST}}}txt", feed.podcast_url, purpose="p20url")
    for item in feed.items:
        element = _rss_item(channel, item)
        _media_rss(element, item)
    return _xml(root)


def podcast(feed: Feed) -> str:
    """RSS 2.0 with the podcast namespace: one item per video, its files as podcast:alternateEnclosure."""
    root = ET.Element("rss", {"version": "2.0"})
    channel = _rss_channel(root, feed)
    _sub(channel, f"{{{ITUNES}}}author", feed.author.name if feed.author else feed.title)
    _sub(channel, f"{{{ITUNES}}}explicit", "false")
    if feed.image:
        ET.SubElement(channel, f"{{{ITUNES}}}image", {"href": feed.image})
    if feed.category:
        ET.SubElement(channel, f"{{{ITUNES}}}category", {"text": feed.category})
    if feed.guid:
        _sub(channel, f"{{{PODCAST}}}guid", feed.guid)
    _sub(channel, f"{{{PODCAST}}}medium", "video")
    if feed.podcast_url:
        _sub(channel, f"{{{PODCAST}}}txt", feed.podcast_url, purpose="p20url")
    for item in feed.items:
        element = _rss_item(channel, item)
        if item.duration is not None:
            _sub(element, f"{{{ITUNES}}}duration", str(item.duration))
        if item.thumbnail:
            ET.SubElement(element, f"{{{ITUNES}}}image", {"href": item.thumbnail.url})
        _sub(element, f"{{{ITUNES}}}explicit", "true" if item.nsfw else "false")
        for media in item.media:
            alternate = ET.SubElement(
                element,
                f"{{{PODCAST}}}alternateEnclosure",
                {"type": media.type, "length": str(media.length), "title": media.title},
            )
            ET.SubElement(alternate, f"{{{PODCAST}}}source", {"uri": media.url})
            for torrent in item.torrents:
                if torrent.title == media.title:
                    ET.SubElement(alternate, f"{{{PODCAST}}}source", {"uri": torrent.url, "contentType": torrent.type})
        for author in item.authors:
            _sub(element, f"{{{PODCAST}}}person", author.name, href=author.url)
    return _xml(root)


def atom1(feed: Feed) -> str:
    root = ET.Element(f"{{{ATOM}}}feed")
    _sub(root, f"{{{ATOM}}}id", feed.link)
    _sub(root, f"{{{ATOM}}}title", feed.title)
    _sub(root, f"{{{ATOM}}}updated", _rfc3339(_updated(feed)))
    _sub(root, f"{{{ATOM}}}subtitle", feed.description)
    _sub(root, f"{{{ATOM}}}generator", feed.generator)
    _sub(root, f"{{{ATOM}}}rights", feed.copyright)
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "alternate", "href": feed.link})
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "self", "href": feed.self_url})
    if feed.image:
        _sub(root, f"{{{ATOM}}}logo", feed.image)
    if feed.author:
        _atom_person(root, feed.author)
    for item in feed.items:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        _sub(entry, f"{{{ATOM}}}title", item.title, type="text")
        _sub(entry, f"{{{ATOM}}}id", item.id)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"href": item.link})
        _sub(entry, f"{{{ATOM}}}updated", _rfc3339(item.date))
        _sub(entry, f"{{{ATOM}}}published", _rfc3339(item.date))
        if item.summary:
            _sub(entry, f"{{{ATOM}}}summary", item.summary, type="text")
        if item.content_html:
            _sub(entry, f"{{{ATOM}}}content", item.content_html, type="html")
        for author in item.authors:
            _atom_person(entry, author)
        if item.enclosure:
            ET.SubElement(
                entry,
                f"{{{ATOM}}}link",
                {
                    "rel": "enclosure",
                    "href": item.enclosure.url,
                    "type": item.enclosure.type,
                    "length": str(item.enclosure.length),
                },
            )
        if item.category:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": item.category})
    return _xml(root)


def json1(feed: Feed) -> str:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    body: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.link,
        "feed_url": feed.self_url,
        "description": feed.description,
    }
    if feed.image:
        body["icon"] = feed.image
    if feed.author:
        body["authors"] = [{"name": feed.author.name, "url": feed.author.url}]
    if feed.language:
        body["language"] = feed.language
    body["items"] = [_json_item(item) for item in feed.items]
    # ASCII with escapes: a lone surrogate in stored text still makes a body that encodes.
    return json.dumps(body)


# Private


def _json_item(item: Item) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": item.id, "url": item.link, "title": item.title}
    entry["content_html"] = item.content_html or "<p></p>"
    if item.summary:
        entry["summary"] = item.summary
    if item.thumbnail:
        entry["image"] = item.thumbnail.url
    entry["date_published"] = _rfc3339(item.date)
    if item.authors:
        entry["authors"] = [{"name": a.name, "url": a.url} for a in item.authors]
    if item.tags:
        entry["tags"] = item.tags
    attachments = [item.enclosure] if item.enclosure else []
    attachments += item.torrents
    if attachments:
        entry["attachments"] = [
            {"url": a.url, "mime_type": a.type, "size_in_bytes": a.length, **({"title": a.title} if a.title else {})}
            for a in attachments
        ]
    return entry


def _rss_channel(root: ET.Element, feed: Feed) -> ET.Element:
    channel = ET.SubElement(root, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.link)
    _sub(channel, "description", feed.description or feed.title)
    _sub(channel, "lastBuildDate", format_datetime(_updated(feed), usegmt=True))
    _sub(channel, "docs", "https://validator.w3.org/feed/docs/rss2.html")
    _sub(channel, "generator", feed.generator)
    _sub(channel, "copyright", feed.copyright)
    if feed.language:
        _sub(channel, "language", feed.language)
    if feed.category:
        _sub(channel, "category", feed.category)
    if feed.image:
        image = ET.SubElement(channel, "image")
        _sub(image, "title", feed.title)
        _sub(image, "url", feed.image)
        _sub(image, "link", feed.link)
    ET.SubElement(channel, f"{{{ATOM}}}link", {"href": feed.self_url, "rel": "self", "type": "application/rss+xml"})
    return channel


def _rss_item(channel: ET.Element, item: Item) -> ET.Element:
    element = ET.SubElement(channel, "item")
    _sub(element, "title", item.title)
    _sub(element, "link", item.link)
    _sub(element, "guid", item.id, isPermaLink="false")
    _sub(element, "pubDate", format_datetime(item.date.astimezone(UTC), usegmt=True))
    if item.summary or item.content_html:
        _sub(element, "description", item.summary or item.content_html)
    if item.content_html:
        _sub(element, f"{{{CONTENT}}}encoded", item.content_html)
    if item.category:
        _sub(element, "category", item.category)
    for author in item.authors:
        _sub(element, "{http://purl.org/dc/elements/1.1/}creator", author.name)
    if item.enclosure:
        ET.SubElement(
            element,
            "enclosure",
            {"url": item.enclosure.url, "length": str(item.enclosure.length), "type": item.enclosure.type},
        )
    return element


def _media_rss(element: ET.Element, item: Item) -> None:
    if item.media:
        group = ET.SubElement(element, f"{{{MEDIA}}}group")
        for media in item.media:
            ET.SubElement(
                group,
                f"{{{MEDIA}}}content",
                {"url": media.url, "type": media.type, "fileSize": str(media.length), "medium": "video"},
            )
    for torrent in item.torrents:
        ET.SubElement(element, f"{{{MEDIA}}}peerLink", {"type": torrent.type, "href": torrent.url})
    if item.embed_url:
        ET.SubElement(element, f"{{{MEDIA}}}embed", {"url": item.embed_url, "allowFullscreen": "true"})
    if item.player_url:
        ET.SubElement(element, f"{{{MEDIA}}}player", {"url": item.player_url})
    _sub(element, f"{{{MEDIA}}}title", item.title, type="plain")
    if item.summary:
        _sub(element, f"{{{MEDIA}}}description", item.summary, type="plain")
    _sub(element, f"{{{MEDIA}}}rating", "adult" if item.nsfw else "nonadult")
    if item.thumbnail:
        ET.SubElement(
            element,
            f"{{{MEDIA}}}thumbnail",
            {"url": item.thumbnail.url, "width": str(item.thumbnail.width), "height": str(item.thumbnail.height)},
        )
    if item.views is not None:
        community = ET.SubElement(element, f"{{{MEDIA}}}community")
        ET.SubElement(community, f"{{{MEDIA}}}statistics", {"views": str(item.views)})


def _atom_person(parent: ET.Element, person: Link) -> None:
    author = ET.SubElement(parent, f"{{{ATOM}}}author")
    _sub(author, f"{{{ATOM}}}name", person.name)
    _sub(author, f"{{{ATOM}}}uri", person.url)


def _sub(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = _xml_safe(text)
    return element


def _xml_safe(text: str) -> str:
    """XML 1.0 has no way to carry most control characters, lone surrogates nor U+FFFE and
    U+FFFF, even escaped: they go."""
    return "".join(ch for ch in text if ch in "\t\n\r" or _is_xml_char(ord(ch)))


def _is_xml_char(code: int) -> bool:
    return 0x20 <= code < 0xD800 or 0xE000 <= code < 0xFFFE or code >= 0x10000


def _updated(feed: Feed) -> datetime:
    return max((item.date for item in feed.items), default=datetime(1970, 1, 1, tzinfo=UTC))


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _xml(root: ET.Element) -> str:
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")
