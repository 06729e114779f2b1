"""Search for videos and channels: matching, ranking, paging, privacy, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.config import get_settings
from tests.api_client import ApiClient
from tests.members import Member
from tests.openapi import ACTOR_NULLS, VIDEO_NULLS, assert_conforms
from tests.video_seed import add_video


def names(response: Any) -> list[str]:
    assert response.status == 200, response.body
    return [item["name"] for item in response.json()["data"]]


@pytest.fixture
def catalogue(people: dict[str, Member]) -> dict[str, Any]:
    a, c = people["alice"].account_id, people["alice"].channel_id
    return {
        "bread": add_video(a, c, "Baking sourdough bread", minutes=1, tags={"baking"}),
        "brioche": add_video(a, c, "Brioche, the French bread", minutes=2, description="Butter and eggs."),
        "pasta": add_video(a, c, "Fresh pasta", minutes=3, tags={"Bread"}, description="No bread involved."),
        "crepes": add_video(a, c, "Crêpes Suzette", minutes=4, description="A classic dessert with orange butter"),
        "secret": add_video(a, c, "Secret bread recipe", minutes=5, privacy=3),
        "unlisted": add_video(a, c, "Unlisted bread", minutes=6, privacy=2),
        "internal": add_video(a, c, "Internal bread", minutes=7, privacy=4),
        "nsfw": add_video(a, c, "Spicy bread", minutes=8, nsfw=True),
    }


def test_videos_match_names_tags_and_descriptions_ranked(
    api: ApiClient, people: dict[str, Member], catalogue: dict[str, Any]
) -> None:
    found = api.get("/api/v1/search/videos?search=bread")
    assert found.json()["total"] == 3
    assert_conforms("VideoListResponse", {"total": found.json()["total"], "data": []})
    for item in found.json()["data"]:
        assert_conforms("Video", item, known_deviations=VIDEO_NULLS)
    # Name matches first, then a tag, then a description only.
    ranked = names(found)
    assert ranked[:2] == ["Baking sourdough bread", "Brioche, the French bread"]
    assert ranked[2] == "Fresh pasta"

    assert names(api.get("/api/v1/search/videos?search=crepe")) == ["Crêpes Suzette"]  # accents and case aside
    assert names(api.get("/api/v1/search/videos?search=sourdouh")) == ["Baking sourdough bread"]  # a typo
    assert names(api.get("/api/v1/search/videos?search=orange%20butter")) == ["Crêpes Suzette"]
    assert names(api.get("/api/v1/search/videos?search=baking")) == ["Baking sourdough bread"]
    uuid = catalogue["pasta"].uuid
    assert names(api.get(f"/api/v1/search/videos?search={uuid}")) == ["Fresh pasta"]
    assert names(api.get("/api/v1/search/videos?search=nothing%20like%20this")) == []

    # Logged-in users also find internal videos; nobody finds unlisted or private ones.
    assert "Internal bread" in names(api.get_as("/api/v1/search/videos?search=bread", people["bob"].token))
    assert "Secret bread recipe" not in names(api.get_as("/api/v1/search/videos?search=bread", people["alice"].token))
    assert "Spicy bread" in names(api.get("/api/v1/search/videos?search=bread&nsfw=both"))


def test_search_pages_sorts_and_filters(api: ApiClient, catalogue: dict[str, Any]) -> None:
    assert names(api.get("/api/v1/search/videos?search=bread&sort=-publishedAt")) == [
        "Fresh pasta",
        "Brioche, the French bread",
        "Baking sourdough bread",
    ]
    assert names(api.get("/api/v1/search/videos?search=bread&sort=name")) == [
        "Baking sourdough bread",
        "Brioche, the French bread",
        "Fresh pasta",
    ]
    page = api.get("/api/v1/search/videos?search=bread&start=1&count=1&sort=name")
    assert page.json()["total"] == 3 and names(page) == ["Brioche, the French bread"]
    assert names(api.get("/api/v1/search/videos?search=bread&tagsOneOf=baking")) == ["Baking sourdough bread"]
    everything = api.get("/api/v1/search/videos")  # no search: every listable video, oldest id first
    assert names(everything)[0] == "Baking sourdough bread" and everything.json()["total"] == 4
    assert names(api.get("/api/v1/search/videos?startDate=2026-01-01T00:03:00Z")) == ["Fresh pasta", "Crêpes Suzette"]
    short = catalogue["crepes"].uuid
    assert names(api.get(f"/api/v1/search/videos?uuids={short}")) == ["Crêpes Suzette"]


def test_videos_by_url(api: ApiClient, people: dict[str, Member], catalogue: dict[str, Any]) -> None:
    url = catalogue["brioche"].url
    assert names(api.get(f"/api/v1/search/videos?search={url}")) == ["Brioche, the French bread"]
    watch = url.replace("/videos/watch/", "/w/") + "?start=4"
    from urllib.parse import quote

    assert names(api.get(f"/api/v1/search/videos?search={quote(watch, safe='')}")) == ["Brioche, the French bread"]
    secret = catalogue["secret"].url
    assert api.get(f"/api/v1/search/videos?search={secret}").json() == {"total": 0, "data": []}
    assert names(api.get_as(f"/api/v1/search/videos?search={secret}", people["alice"].token)) == ["Secret bread recipe"]
    remote = api.get("/api/v1/search/videos?search=https://elsewhere.example/videos/watch/x")
    assert remote.json() == {"total": 0, "data": []}


def test_channels_match_display_names_handles_and_owners(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    created = api.post_json(
        "/api/v1/video-channels", {"name": "bakery_corner", "displayName": "The Bakery Corner"}, alice.token
    )
    assert created.status == 200
    found = api.get("/api/v1/search/video-channels?search=bakery")
    assert found.status == 200
    assert [c["name"] for c in found.json()["data"]] == ["bakery_corner"]
    for item in found.json()["data"]:
        assert_conforms("VideoChannel", item, known_deviations=ACTOR_NULLS)
    assert [c["name"] for c in api.get("/api/v1/search/video-channels?search=bakry%20corner").json()["data"]] == [
        "bakery_corner"
    ]
    # By owner display name: alice's two channels.
    owned = api.get("/api/v1/search/video-channels?search=alice&sort=createdAt").json()
    assert [c["name"] for c in owned["data"]] == ["alice_channel", "bakery_corner"]
    host = get_settings().instance_host
    by_handle = api.get(f"/api/v1/search/video-channels?search=bakery_corner@{host}").json()
    assert [c["name"] for c in by_handle["data"]] == ["bakery_corner"]
    assert api.get("/api/v1/search/video-channels?search=bakery_corner@far.example").json()["total"] == 0
    handles = api.get("/api/v1/search/video-channels?handles=bakery_corner&handles=alice_channel").json()
    assert sorted(c["name"] for c in handles["data"]) == ["alice_channel", "bakery_corner"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/search/videos?search=", "search"),
        ("/api/v1/search/videos?search=a&sort=trending", "sort"),
        ("/api/v1/search/videos?search=a&count=101", "count"),
        ("/api/v1/search/videos?search=a&searchTarget=search-index", "searchTarget"),
        ("/api/v1/search/videos?search=a&startDate=yesterday", "startDate"),
        ("/api/v1/search/videos?search=a&durationMin=hello", "durationMin"),
        ("/api/v1/search/videos?search=a&uuids=not-a-uuid", "uuids"),
        ("/api/v1/search/videos?search=a&categoryOneOf=x", "categoryOneOf"),
        ("/api/v1/search/video-channels?search=", "search"),
        ("/api/v1/search/video-channels?search=a&sort=name", "sort"),
        ("/api/v1/search/video-channels?handles=", "handles"),
    ],
)
def test_bad_search_parameters(api: ApiClient, path: str, field: str) -> None:
    response = api.get(path)
    assert response.status == 400, response.body
    assert field in response.json()["invalid-params"]


def dynamodb_calls(api: ApiClient, paths: list[str]) -> list[str]:
    """The DynamoDB operations the API function makes while answering `paths`."""
    from chalicelib.store.models import TableItem

    calls: list[str] = []
    client = TableItem._get_connection().connection.client

    def count(model: Any, **_: Any) -> None:
        calls.append(model.name)

    client.meta.events.register("before-call.dynamodb", count)
    try:
        for path in paths:
            assert api.get(path).status == 200
    finally:
        client.meta.events.unregister("before-call.dynamodb", count)
    return calls


def test_search_costs_one_catalogue_query(
    api: ApiClient, catalogue: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.store import catalog

    paths = ["/api/v1/search/videos?search=bread", "/api/v1/videos?sort=-views&categoryOneOf=1"]
    api.get(paths[0])  # warm
    monkeypatch.setattr(catalog, "FOLLOW_INTERVAL", 0.0)  # read the changes at every request
    assert dynamodb_calls(api, paths) == ["Query", "Query"]
    monkeypatch.setattr(catalog, "FOLLOW_INTERVAL", 3600.0)  # changes were just read: none now
    assert dynamodb_calls(api, paths) == []
