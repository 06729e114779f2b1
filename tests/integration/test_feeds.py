"""PeerTube's feeds and oEmbed, read as feed readers and sites read them: every document
parsed by feedparser (JSON Feed checked against its 1.1 fields), filters honoured, private
and unlisted videos absent, bad filters refused."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import feedparser
import pytest

from chalicelib.config import get_settings
from chalicelib.domain.short_uuid import to_short
from chalicelib.store import keys
from chalicelib.store.models import VideoFile
from tests.api_client import ApiClient
from tests.members import Member
from tests.video_seed import add_video

PLAN = {"renditions": [{"resolution": 720, "width": 1280, "height": 720, "fps": 30, "max_bitrate": 1}]}


def parsed(api: ApiClient, url: str, content_type: str) -> Any:
    response = api.get(url)
    assert response.status == 200, response.body
    assert response.headers["content-type"].startswith(content_type)
    assert response.headers["cache-control"] == "max-age=900"
    document = feedparser.parse(response.body)
    assert not document.bozo, document.bozo_exception
    return document


def titles(document: Any) -> list[str]:
    return [entry.title for entry in document.entries]


@pytest.fixture
def seeded(people: dict[str, Member]) -> dict[str, Any]:
    alice, bob = people["alice"], people["bob"]
    public = add_video(alice.account_id, alice.channel_id, "Alice & the <sea>", minutes=1, plan=PLAN, has_images=True)
    VideoFile(
        keys.video_pk(int(public.id)),
        keys.video_file_sk(720),
        video_id=int(public.id),
        resolution=720,
        width=1280,
        height=720,
        fps=30,
        size=123456,
        duration=60,
        bandwidth=1,
        codecs="avc1",
        playlist_name="p.m3u8",
        media_name="m.mp4",
    ).save()
    add_video(alice.account_id, alice.channel_id, "unlisted one", minutes=2, privacy=2)
    add_video(alice.account_id, alice.channel_id, "private one", minutes=3, privacy=3)
    add_video(bob.account_id, bob.channel_id, "bob's", minutes=4)
    return {"public": public}


@pytest.mark.parametrize(
    ("suffix", "content_type", "version"),
    [
        ("xml", "application/xml", "rss20"),
        ("rss", "application/rss+xml", "rss20"),
        ("atom", "application/atom+xml", "atom10"),
    ],
)
def test_video_feeds_parse_and_list_public_videos(
    api: ApiClient, people: dict[str, Member], seeded: dict[str, Any], suffix: str, content_type: str, version: str
) -> None:
    document = parsed(api, f"/feeds/videos.{suffix}", content_type)
    assert document.version == version
    assert titles(document) == ["bob's", "Alice & the <sea>"]
    alice_entry = document.entries[1]
    short = to_short(seeded["public"].uuid)
    assert alice_entry.link == f"{get_settings().instance_url}/w/{short}"
    enclosures = [link for link in alice_entry.links if link.rel == "enclosure"]
    assert enclosures, alice_entry
    assert enclosures[0].href.endswith(f"{seeded['public'].uuid}-720-fragmented.mp4")
    assert enclosures[0].length == "123456"

    alice = people["alice"]
    by_channel = parsed(api, f"/feeds/videos.{suffix}?videoChannelId={alice.channel_id}", content_type)
    assert titles(by_channel) == ["Alice & the <sea>"]
    by_account = parsed(api, "/feeds/videos.xml?accountName=bob", "application/xml")
    assert titles(by_account) == ["bob's"]
    by_name = parsed(api, f"/feeds/videos.xml?videoChannelName={alice.channel_name}", "application/xml")
    assert titles(by_name) == ["Alice & the <sea>"]
    oldest_first = parsed(api, "/feeds/videos.xml?sort=publishedAt", "application/xml")
    assert titles(oldest_first) == ["Alice & the <sea>", "bob's"]
    atom_by_query = api.get("/feeds/videos.xml?format=atom")
    assert feedparser.parse(atom_by_query.body).version == "atom10"


def test_json_feed_has_the_spec_fields(api: ApiClient, seeded: dict[str, Any]) -> None:
    response = api.get("/feeds/videos.json")
    assert response.status == 200 and response.headers["content-type"].startswith("application/json")
    body = json.loads(response.body)
    assert body["version"] == "https://jsonfeed.org/version/1.1"
    assert body["title"] and body["feed_url"].endswith("/feeds/videos.json")
    assert [item["title"] for item in body["items"]] == ["bob's", "Alice & the <sea>"]
    for item in body["items"]:
        assert item["id"] and item["url"] and ("content_html" in item or "content_text" in item)
        assert item["date_published"].endswith("Z")
    (attachment,) = body["items"][1]["attachments"]
    assert attachment["size_in_bytes"] == 123456 and attachment["mime_type"] == "video/mp4"


def test_podcast_feed(api: ApiClient, people: dict[str, Member], seeded: dict[str, Any]) -> None:
    alice = people["alice"]
    document = parsed(api, f"/feeds/podcast/videos.xml?videoChannelId={alice.channel_id}", "application/rss+xml")
    assert titles(document) == ["Alice & the <sea>"]
    assert document.namespaces.get("podcast") == "https://podcastindex.org/namespace/1.0"
    # An HLS-only video is enclosed as the generated MP4 of its top file, as PeerTube's podcast feed.
    public = seeded["public"]
    (enclosure,) = document.entries[0].enclosures
    file_id = int(public.id) * 10000 + 720
    generate = f"{get_settings().instance_url}/download/videos/generate/{public.uuid}"
    assert enclosure.href == f"{generate}?videoFileIds={file_id}"
    assert (enclosure.length, enclosure.type) == ("123456", "video/mp4")
    assert api.get("/feeds/podcast/videos.xml").status == 400
    assert api.get("/feeds/podcast/videos.xml?videoChannelId=999999").status == 404


def test_bad_filters_and_formats(api: ApiClient, seeded: dict[str, Any]) -> None:
    for url in (
        "/feeds/videos.xml?accountId=abc",
        "/feeds/videos.xml?sort=nonsense",
        "/feeds/videos.xml?nsfw=maybe",
        "/feeds/videos.pdf",
        "/feeds/videos.xml?format=pdf",
        "/feeds/video-comments.xml?videoId=not-a-video",
    ):
        response = api.get(url)
        assert response.status == 400, url
        assert response.headers["content-type"].startswith("application/problem+json"), url
    assert api.get("/feeds/videos.xml?accountId=999999").status == 404
    assert api.get("/feeds/videos.xml?videoChannelName=nobody").status == 404
    refused = api.get("/feeds/videos.json", headers={"Accept": "application/xml"})
    assert refused.status == 406


def test_comment_feed(api: ApiClient, people: dict[str, Member], seeded: dict[str, Any]) -> None:
    bob = people["bob"]
    video = seeded["public"]
    posted = api.post_json(f"/api/v1/videos/{video.uuid}/comment-threads", {"text": "Nice <b>one</b>"}, bob.token)
    assert posted.status == 200, posted.body
    for url in (f"/feeds/video-comments.xml?videoId={video.uuid}", "/feeds/video-comments.atom"):
        document = parsed(api, url, "application/")
        assert len(document.entries) == 1
        assert document.entries[0].title.startswith("Alice & the <sea> - ")
    private = add_video(people["alice"].account_id, people["alice"].channel_id, "secret", privacy=3)
    assert api.get(f"/feeds/video-comments.xml?videoId={private.uuid}").status == 401
    assert (
        api.get(f"/feeds/video-comments.xml?videoId={video.uuid}&videoChannelId={people['alice'].channel_id}").status
        == 400
    )

    # The instance blocks bob: his comments leave the feeds.
    blocked = api.post_json("/api/v1/server/blocklist/accounts", {"accountName": "bob"}, people["mod"].token)
    assert blocked.status == 204, blocked.body
    assert parsed(api, f"/feeds/video-comments.xml?videoId={video.uuid}", "application/").entries == []


def test_subscription_feed_needs_the_feed_token(
    api: ApiClient, people: dict[str, Member], seeded: dict[str, Any]
) -> None:
    alice, bob = people["alice"], people["bob"]
    host = get_settings().instance_host
    assert (
        api.post_json("/api/v1/users/me/subscriptions", {"uri": f"{alice.channel_name}@{host}"}, bob.token).status
        == 204
    )
    token = api.get_as("/api/v1/users/scoped-tokens", bob.token).json()["feedToken"]
    assert api.get_as("/api/v1/users/scoped-tokens", bob.token).json()["feedToken"] == token
    url = f"/feeds/subscriptions.xml?accountId={bob.account_id}&token={token}"
    assert titles(parsed(api, url, "application/xml")) == ["Alice & the <sea>"]
    assert api.get(f"/feeds/subscriptions.xml?accountId={bob.account_id}&token=wrong").status == 403
    assert api.get(f"/feeds/subscriptions.xml?accountId={bob.account_id}").status == 400

    renewed = api.request("POST", "/api/v1/users/scoped-tokens", headers={"Authorization": f"Bearer {bob.token}"})
    assert renewed.status == 200 and renewed.json()["feedToken"] != token
    assert api.get(url).status == 403
    assert api.get("/api/v1/users/scoped-tokens").status == 401


def test_oembed(api: ApiClient, seeded: dict[str, Any], people: dict[str, Member]) -> None:
    video = seeded["public"]
    base = get_settings().instance_url
    watch = f"{base}/w/{to_short(video.uuid)}?start=10&evil=1"
    response = api.get(f"/services/oembed?url={watch.replace('&', '%26').replace('?', '%3F')}")
    assert response.status == 200, response.body
    body = response.json()
    assert body["type"] == "video" and body["version"] == "1.0" and body["provider_url"] == base
    assert (body["width"], body["height"]) == (560, 315)
    assert f'src="{base}/videos/embed/{to_short(video.uuid)}?start=10"' in body["html"]
    assert "evil" not in body["html"] and "&amp; the &lt;sea&gt;" in body["html"]
    assert body["thumbnail_url"].startswith(base) and body["thumbnail_width"] == 850

    small = api.get(f"/services/oembed?url={base}/videos/watch/{video.uuid}&maxwidth=300&maxheight=200").json()
    assert (small["width"], small["height"]) == (300, 200) and "thumbnail_url" not in small

    assert api.get(f"/services/oembed?url={base}/w/{video.uuid}&format=xml").status == 501
    assert api.get(f"/services/oembed?url={base}/w/9c4d6a3e-0000-4000-8000-000000000000").status == 404
    private = add_video(people["alice"].account_id, people["alice"].channel_id, "secret", privacy=3)
    assert api.get(f"/services/oembed?url={base}/w/{private.uuid}").status == 403
    assert api.get("/services/oembed?url=https://elsewhere.example/w/abc").status == 400
    assert api.get(f"/services/oembed?url={base}/w/{video.uuid}&maxwidth=wide").status == 400


def _feed_calls(api: ApiClient, calls: Counter[str], path: str) -> dict[str, int]:
    assert api.get(path).status == 200  # the catalogue follows the new videos here
    calls.clear()
    assert api.get(path).status == 200
    return dict(calls)


def test_a_feed_costs_the_same_whatever_the_videos(
    api: ApiClient, people: dict[str, Member], dynamodb_calls: Counter[str]
) -> None:
    alice = people["alice"]
    add_video(alice.account_id, alice.channel_id, "first", plan=PLAN)
    paths = ["/feeds/videos.xml", f"/feeds/podcast/videos.xml?videoChannelId={alice.channel_id}"]
    before = {path: _feed_calls(api, dynamodb_calls, path) for path in paths}
    for n in range(30):
        add_video(alice.account_id, alice.channel_id, f"more {n}", minutes=n + 1, plan=PLAN)
    after = {path: _feed_calls(api, dynamodb_calls, path) for path in paths}
    assert after == before
    assert "Scan" not in str(after)
    # The videos whole, then their top files: two BatchGetItems for a feed of 20.
    assert before["/feeds/videos.xml"].get("BatchGetItem") == 2
