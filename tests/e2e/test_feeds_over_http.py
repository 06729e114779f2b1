"""Feeds and oEmbed over real HTTP against `make run`'s stack: a video uploaded and
transcoded, then every feed fetched through the local gateway (the same routing lists as
CloudFront's), parsed by feedparser, and the enclosure downloaded."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
import requests

from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, wait_published

pytestmark = [pytest.mark.e2e, needs_ffmpeg]


def test_feeds_list_the_upload_over_http(stack: RunningStack, tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=4)
    stack.start()
    client = Client(stack)
    client.register("alice", "alice password")
    token = str(client.login("alice", "alice password")["access_token"])
    me = client.send("GET", "/api/v1/users/me", token).json()
    channel_id, account_id = me["videoChannels"][0]["id"], me["account"]["id"]
    with open(clip, "rb") as handle:
        form = {"name": "Feed me", "channelId": str(channel_id), "privacy": "1"}
        uploaded = client.send(
            "POST", "/api/v1/videos/upload", token, data=form, files={"videofile": ("c.mp4", handle, "video/mp4")}
        )
    assert uploaded.status_code == 200, uploaded.text
    video = wait_published(client, token, uploaded.json()["video"]["uuid"])
    private_form = {"name": "Hidden", "channelId": str(channel_id), "privacy": "3"}
    with open(clip, "rb") as handle:
        files = {"videofile": ("c.mp4", handle, "video/mp4")}
        assert client.send("POST", "/api/v1/videos/upload", token, data=private_form, files=files).status_code == 200

    for path in (
        "/feeds/videos.xml",
        "/feeds/videos.atom",
        f"/feeds/videos.rss?videoChannelId={channel_id}",
        f"/feeds/podcast/videos.xml?videoChannelId={channel_id}",
    ):
        response = stack.get(path)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["cache-control"] == "max-age=900"
        document = feedparser.parse(response.content)
        assert not document.bozo, (path, document.bozo_exception)
        assert [entry.title for entry in document.entries] == ["Feed me"], path
    rss = feedparser.parse(stack.get("/feeds/videos.xml").content)
    (enclosure,) = rss.entries[0].enclosures
    downloaded = requests.get(enclosure.href, timeout=30)
    assert downloaded.status_code == 200 and len(downloaded.content) == int(enclosure.length) > 0

    body = json.loads(stack.get(f"/feeds/videos.json?accountId={account_id}").content)
    assert body["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["title"] for item in body["items"]] == ["Feed me"]

    feed_token = client.send("GET", "/api/v1/users/scoped-tokens", token).json()["feedToken"]
    subscriptions = stack.get(f"/feeds/subscriptions.atom?accountId={account_id}&token={feed_token}")
    assert subscriptions.status_code == 200 and not feedparser.parse(subscriptions.content).bozo

    watch = f"http://{stack.host}/w/{video['shortUUID']}"
    oembed = stack.get("/services/oembed", params={"url": watch, "maxwidth": "400"})
    assert oembed.status_code == 200, oembed.text
    assert oembed.json()["width"] == 400 and f"/videos/embed/{video['shortUUID']}" in oembed.json()["html"]
    assert stack.get("/feeds/videos.xml", params={"sort": "nonsense"}).status_code == 400
