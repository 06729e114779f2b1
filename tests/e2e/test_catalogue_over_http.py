"""The catalogue as a PeerTube client meets it, over real HTTP against `make run`'s stack:
one upload, then every endpoint that lists, finds, edits, rates, comments on, counts views of,
follows and collects it, each JSON answer checked against PeerTube's OpenAPI schemas.

One stack serves the whole module (starting it and transcoding the clip is the slow part).
Tests that change the video (edit, privacy) put it back as they found it, so each test may
rely on the published, public video described by the constants below.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, wait_published
from tests.e2e.openapi_paths import assert_answers
from tests.openapi import (
    ACTOR_NULLS,
    ELEMENT_NULLS,
    LIST_DEVIATIONS,
    PLAYLIST_NULLS,
    POST_DEVIATIONS,
    TREE_DEVIATIONS,
    USER_NULLS,
    VIDEO_NULLS,
    assert_conforms,
)

pytestmark = [pytest.mark.e2e, needs_ffmpeg]

NAME = "Sunrise over the harbour"
DESCRIPTION = "Gulls, boats and the **first light** on the water."
TAGS = ["boats", "harbour"]
CATEGORY = 15  # Science & Technology
CLIP_SECONDS = 12  # past PeerTube's 10 s rule for counting a view, so the clock check matters
CHANNEL = ("harbour_watch", "Harbour Watch")

# Known deviations of lists: the same as for their items, under data/<n>/.
VIDEO_LIST_NULLS = tuple(rf"data/\d+/{pattern}" for pattern in VIDEO_NULLS)
CHANNEL_LIST_NULLS = tuple(rf"data/\d+/{pattern}" for pattern in ACTOR_NULLS)
PLAYLIST_LIST_NULLS = tuple(rf"data/\d+/{pattern}" for pattern in PLAYLIST_NULLS)
# The file describes a playlist's elements inline (PlaylistElement with an id), with no null
# timestamps; the video in them is a Video.
ELEMENT_LIST_NULLS = (
    *(rf"data/\d+/{pattern}" for pattern in ELEMENT_NULLS),
    *(rf"data/\d+/video/{pattern}" for pattern in VIDEO_NULLS),
)
# The file's GetMeVideoRating names the video `id`; PeerTube answers `{videoId, rating}`
# (its FormattedUserVideoRate), which the clients read.
RATING_DEVIATIONS = (": 'id' is a required property",)
# The file says GET /videos/{id}/description answers a bare string; PeerTube answers an
# object, {"description": ...}, as clients expect.
DESCRIPTION_DEVIATIONS = (r": \{'description': .*\} is not of type 'string'",)


@dataclass(frozen=True)
class Member:
    name: str
    token: str
    account_id: int
    channel_id: int
    channel_name: str


@dataclass(frozen=True)
class World:
    stack: RunningStack
    client: Client
    alice: Member
    bob: Member
    video: dict[str, Any]  # the details once published

    @property
    def uuid(self) -> str:
        return str(self.video["uuid"])

    def send(self, method: str, path: str, who: Member | None = None, **kwargs: Any) -> requests.Response:
        return self.client.send(method, path, who.token if who else None, **kwargs)

    def get(self, path: str, who: Member | None = None) -> Any:
        """The JSON of a GET that must answer 200."""
        response = self.send("GET", path, who)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        assert response.headers["content-type"].startswith("application/json")
        return response.json()

    def handle(self, channel_name: str) -> str:
        return f"{channel_name}@{self.stack.host}"


def _sign_up(client: Client, username: str, channel: tuple[str, str] | None = None) -> Member:
    password = f"{username} password"
    body: dict[str, Any] = {"username": username, "password": password, "email": f"{username}@example.org"}
    if channel is not None:
        body["channel"] = {"name": channel[0], "displayName": channel[1]}
    registered = client.send("POST", "/api/v1/users/register", json=body)
    assert registered.status_code == 204, registered.text
    token = str(client.login(username, password)["access_token"])
    me = client.send("GET", "/api/v1/users/me", token)
    assert me.status_code == 200
    assert_conforms("User", me.json(), known_deviations=USER_NULLS + ACTOR_NULLS)
    assert me.json()["username"] == username
    channel_json = me.json()["videoChannels"][0]
    if channel is not None:
        assert (channel_json["name"], channel_json["displayName"]) == channel
    return Member(username, token, me.json()["account"]["id"], channel_json["id"], channel_json["name"])


def _upload(client: Client, alice: Member, clip: Path) -> dict[str, Any]:
    form = {
        "name": NAME,
        "channelId": str(alice.channel_id),
        "privacy": "1",
        "description": DESCRIPTION,
        "category": str(CATEGORY),
        "tags[]": TAGS,
    }
    with open(clip, "rb") as handle:
        files = {"videofile": ("harbour.mp4", handle, "video/mp4")}
        uploaded = client.send("POST", "/api/v1/videos/upload", alice.token, data=form, files=files)
    assert uploaded.status_code == 200, uploaded.text
    assert_conforms("VideoUploadResponse", uploaded.json())
    return dict(uploaded.json()["video"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("catalogue")
    stack = RunningStack(folder / "data")
    clip = make_clip(folder / "harbour.mp4", seconds=CLIP_SECONDS)
    try:
        stack.start()
        client = Client(stack)
        alice = _sign_up(client, "alice", CHANNEL)
        bob = _sign_up(client, "bob")
        created = _upload(client, alice, clip)
        video = wait_published(client, alice.token, created["uuid"])
        assert (video["id"], video["shortUUID"]) == (created["id"], created["shortUUID"])
        yield World(stack, client, alice, bob, video)
    finally:
        if stack.process is not None:
            stack.stop()


def _video_list(body: Any) -> list[dict[str, Any]]:
    assert_conforms("VideoListResponse", body, known_deviations=VIDEO_LIST_NULLS)
    return list(body["data"])


def _problem(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = dict(response.json())
    assert body["status"] == status
    return body


def _invalid(response: requests.Response, field: str) -> str:
    """The message of a 400 about one field."""
    return str(_problem(response, 400)["invalid-params"][field]["msg"])


def test_the_upload_is_published_with_its_metadata(world: World) -> None:
    video = world.video
    assert_conforms("VideoDetails", video, known_deviations=VIDEO_NULLS)
    assert (video["name"], video["description"], video["tags"]) == (NAME, DESCRIPTION, TAGS)
    categories = world.get("/api/v1/videos/categories")
    assert video["category"] == {"id": CATEGORY, "label": categories[str(CATEGORY)]}
    assert video["privacy"] == {"id": 1, "label": "Public"}
    assert video["state"] == {"id": 1, "label": "Published"}
    assert video["duration"] == CLIP_SECONDS
    assert video["isLocal"] is True
    assert (video["account"]["name"], video["channel"]["name"]) == ("alice", CHANNEL[0])
    assert (video["channel"]["displayName"], video["channel"]["host"]) == (CHANNEL[1], world.stack.host)
    assert video["url"] == f"http://{world.stack.host}/videos/watch/{world.uuid}"
    assert [f["resolution"]["id"] for f in video["streamingPlaylists"][0]["files"]] == [180, 144]

    # The same details by UUID, short UUID and id, anonymously.
    for reference in (video["uuid"], video["shortUUID"], video["id"]):
        details = world.get(f"/api/v1/videos/{reference}")
        assert_conforms("VideoDetails", details, known_deviations=VIDEO_NULLS)
        assert (details["id"], details["uuid"], details["name"]) == (video["id"], video["uuid"], NAME)

    description = world.get(f"/api/v1/videos/{video['shortUUID']}/description")
    assert_answers("GET", "/api/v1/videos/{id}/description", description, known_deviations=DESCRIPTION_DEVIATIONS)
    assert description == {"description": DESCRIPTION}


def test_video_lists_filters_sorts_and_pages(world: World) -> None:
    listed = world.get("/api/v1/videos")
    items = _video_list(listed)
    assert listed["total"] == 1
    assert [(v["uuid"], v["name"]) for v in items] == [(world.uuid, NAME)]
    assert items[0]["channel"]["name"] == CHANNEL[0] and items[0]["category"]["id"] == CATEGORY
    assert "state" not in items[0]  # only owners' lists carry the state

    by_views = world.get("/api/v1/videos?sort=-views")
    assert [v["uuid"] for v in _video_list(by_views)] == [world.uuid]
    assert [v["uuid"] for v in _video_list(world.get(f"/api/v1/videos?categoryOneOf={CATEGORY}"))] == [world.uuid]
    assert world.get(f"/api/v1/videos?categoryOneOf={CATEGORY + 1}") == {"total": 0, "data": []}
    tagged = world.get("/api/v1/videos?tagsOneOf=HARBOUR&tagsOneOf=lighthouse")  # tags match without case
    assert [v["uuid"] for v in _video_list(tagged)] == [world.uuid]
    assert world.get("/api/v1/videos?tagsOneOf=lighthouse") == {"total": 0, "data": []}

    first_page = world.get("/api/v1/videos?start=0&count=1&sort=-publishedAt")
    assert (first_page["total"], len(_video_list(first_page))) == (1, 1)
    past_the_end = world.get("/api/v1/videos?start=1&count=1")
    assert past_the_end == {"total": 1, "data": []}


def test_owner_account_and_channel_lists(world: World) -> None:
    alice, bob = world.alice, world.bob
    mine = world.get("/api/v1/users/me/videos", alice)
    assert [v["uuid"] for v in _video_list(mine)] == [world.uuid]
    assert mine["data"][0]["state"] == {"id": 1, "label": "Published"}
    assert world.get("/api/v1/users/me/videos", bob) == {"total": 0, "data": []}
    assert _problem(world.send("GET", "/api/v1/users/me/videos"), 401)["detail"]

    for path in (f"/api/v1/accounts/{alice.name}/videos", f"/api/v1/video-channels/{alice.channel_name}/videos"):
        body = world.get(path)
        assert [v["uuid"] for v in _video_list(body)] == [world.uuid], path
        assert body["total"] == 1
    assert world.get(f"/api/v1/accounts/{bob.name}/videos") == {"total": 0, "data": []}
    assert world.get(f"/api/v1/video-channels/{bob.channel_name}/videos") == {"total": 0, "data": []}


def _ping(world: World, position: int, session: str) -> requests.Response:
    return world.send(
        "POST", f"/api/v1/videos/{world.uuid}/views", json={"currentTime": position, "sessionId": session}
    )


def test_views_count_after_ten_seconds_watched_within_what_the_clock_allows(world: World) -> None:
    # A script claiming 12 s at once: only 5 s of slack count, no view.
    assert _ping(world, 0, "script").status_code == 204
    assert _ping(world, CLIP_SECONDS, "script").status_code == 204
    # A player: 10 s of the video after 1.5 s of real time is within 4x speed plus slack.
    watched = _ping(world, 0, "player")
    assert (watched.status_code, watched.content) == (204, b"")
    time.sleep(1.5)
    assert _ping(world, 10, "player").status_code == 204

    # The views queue is consumed by the stack's event pump.
    deadline = time.monotonic() + 10
    while (views := world.get(f"/api/v1/videos/{world.uuid}")["views"]) == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert views == 1  # the player's view; the script's pings made none
    assert world.get("/api/v1/videos?sort=-views")["data"][0]["views"] == 1

    beyond = _ping(world, CLIP_SECONDS + 1, "player")
    assert _problem(beyond, 400)["detail"] == (
        f"Current time {CLIP_SECONDS + 1} is invalid (video {world.uuid} duration: {CLIP_SECONDS})"
    )


def test_a_like(world: World) -> None:
    bob, video_id = world.bob, world.video["id"]
    rating_path = f"/api/v1/users/me/videos/{world.uuid}/rating"
    before = world.get(rating_path, bob)
    assert_conforms("GetMeVideoRating", before, known_deviations=RATING_DEVIATIONS)
    assert before == {"videoId": video_id, "rating": "none"}

    liked = world.send("PUT", f"/api/v1/videos/{world.uuid}/rate", bob, json={"rating": "like"})
    assert liked.status_code == 204, liked.text
    after = world.get(rating_path, bob)
    assert_conforms("GetMeVideoRating", after, known_deviations=RATING_DEVIATIONS)
    assert after == {"videoId": video_id, "rating": "like"}
    details = world.get(f"/api/v1/videos/{world.uuid}")
    assert (details["likes"], details["dislikes"]) == (1, 0)
    assert world.get(rating_path, world.alice)["rating"] == "none"  # one account's rating

    # Refusals change nothing.
    loved = world.send("PUT", f"/api/v1/videos/{world.uuid}/rate", bob, json={"rating": "love"})
    assert _invalid(loved, "rating") == "Invalid value"
    anonymous = world.send("PUT", f"/api/v1/videos/{world.uuid}/rate", json={"rating": "dislike"})
    refused = _problem(anonymous, 401)
    assert (refused["detail"], refused["code"]) == ("Token is invalid", "unauthorized_request")  # no token given
    assert world.get(rating_path, bob)["rating"] == "like"
    details = world.get(f"/api/v1/videos/{world.uuid}")
    assert (details["likes"], details["dislikes"]) == (1, 0)


def _tree(world: World, thread_id: int) -> dict[str, Any]:
    tree = world.get(f"/api/v1/videos/{world.uuid}/comment-threads/{thread_id}")
    assert_conforms("VideoCommentThreadTree", tree, known_deviations=TREE_DEVIATIONS)
    return dict(tree)


def test_a_comment_thread_with_a_deleted_reply(world: World) -> None:
    alice, bob = world.alice, world.bob
    threads_path = f"/api/v1/videos/{world.uuid}/comment-threads"
    started = world.send("POST", threads_path, bob, json={"text": "Lovely light on the water"})
    assert started.status_code == 200, started.text
    assert_conforms("CommentThreadPostResponse", started.json(), known_deviations=POST_DEVIATIONS)
    thread = started.json()["comment"]
    assert (thread["text"], thread["account"]["name"], thread["videoId"]) == (
        "Lovely light on the water",
        "bob",
        world.video["id"],
    )
    assert thread["threadId"] == thread["id"] and thread["inReplyToCommentId"] is None

    answered = world.send(
        "POST", f"/api/v1/videos/{world.uuid}/comments/{thread['id']}", alice, json={"text": "Thanks, 6 am!"}
    )
    assert answered.status_code == 200, answered.text
    assert_conforms("CommentThreadPostResponse", answered.json(), known_deviations=POST_DEVIATIONS)
    answer = answered.json()["comment"]
    assert (answer["threadId"], answer["inReplyToCommentId"]) == (thread["id"], thread["id"])

    listed = world.get(threads_path)
    assert_conforms("CommentThreadResponse", listed, known_deviations=LIST_DEVIATIONS)
    assert (listed["total"], listed["totalNotDeletedComments"]) == (1, 2)  # threads; comments with replies
    assert [c["id"] for c in listed["data"]] == [thread["id"]]
    assert (listed["data"][0]["totalReplies"], listed["data"][0]["totalRepliesFromVideoAuthor"]) == (1, 1)
    assert world.get(f"/api/v1/videos/{world.uuid}")["comments"] == 2

    tree = _tree(world, thread["id"])
    assert tree["comment"]["id"] == thread["id"]
    assert [(c["comment"]["id"], c["comment"]["text"], c["children"]) for c in tree["children"]] == [
        (answer["id"], "Thanks, 6 am!", [])
    ]

    # Too long a comment is refused and stores nothing.
    too_long = world.send("POST", threads_path, bob, json={"text": "a" * 10001})
    assert _invalid(too_long, "text") == "Invalid value"
    # Only its author or the video's owner (or a moderator) may delete a comment.
    reply_path = f"/api/v1/videos/{world.uuid}/comments/{answer['id']}"
    assert _problem(world.send("DELETE", reply_path, bob), 403)
    deleted = world.send("DELETE", reply_path, alice)
    assert deleted.status_code == 204, deleted.text

    tombstone = _tree(world, thread["id"])["children"][0]["comment"]
    assert (tombstone["id"], tombstone["isDeleted"], tombstone["text"], tombstone["account"]) == (
        answer["id"],
        True,
        "",
        None,
    )
    assert tombstone["deletedAt"] is not None
    listed = world.get(threads_path)
    assert (listed["total"], listed["totalNotDeletedComments"]) == (1, 1)
    assert world.get(f"/api/v1/videos/{world.uuid}")["comments"] == 1


def test_search_finds_the_video_and_the_channel(world: World) -> None:
    found = world.get("/api/v1/search/videos?search=sunrise")
    assert [v["uuid"] for v in _video_list(found)] == [world.uuid]
    assert world.get("/api/v1/search/videos?search=lighthouse") == {"total": 0, "data": []}

    channels = world.get("/api/v1/search/video-channels?search=watch")  # a word of its display name
    assert_conforms("VideoChannelList", channels, known_deviations=CHANNEL_LIST_NULLS)
    assert [c["name"] for c in channels["data"]] == [CHANNEL[0]]
    for item in channels["data"]:
        assert_conforms("VideoChannel", item, known_deviations=ACTOR_NULLS)
    assert channels["data"][0]["displayName"] == CHANNEL[1]
    assert channels["data"][0]["ownerAccount"]["name"] == "alice"


def test_subscribing_to_a_channel(world: World) -> None:
    bob, handle = world.bob, world.handle(world.alice.channel_name)
    subscribed = world.send("POST", "/api/v1/users/me/subscriptions", bob, json={"uri": handle})
    assert subscribed.status_code == 204, subscribed.text

    listed = world.get("/api/v1/users/me/subscriptions", bob)
    assert_conforms("VideoChannelList", listed, known_deviations=CHANNEL_LIST_NULLS)
    assert listed["total"] == 1
    channel = listed["data"][0]
    assert_conforms("VideoChannel", channel, known_deviations=ACTOR_NULLS)
    assert (channel["id"], channel["name"], channel["followersCount"]) == (world.alice.channel_id, CHANNEL[0], 1)

    feed = world.get("/api/v1/users/me/subscriptions/videos", bob)
    assert [v["uuid"] for v in _video_list(feed)] == [world.uuid]
    elsewhere = world.handle(bob.channel_name)
    exist = world.get(f"/api/v1/users/me/subscriptions/exist?uris={quote(handle)}&uris={quote(elsewhere)}", bob)
    assert_answers("GET", "/api/v1/users/me/subscriptions/exist", exist)
    assert exist == {handle: True, elsewhere: False}

    unsubscribed = world.send("DELETE", f"/api/v1/users/me/subscriptions/{quote(handle)}", bob)
    assert unsubscribed.status_code == 204, unsubscribed.text
    assert world.get("/api/v1/users/me/subscriptions", bob) == {"total": 0, "data": []}
    assert world.get("/api/v1/users/me/subscriptions/videos", bob)["total"] == 0
    assert world.get(f"/api/v1/video-channels/{world.alice.channel_name}")["followersCount"] == 0


def _elements(world: World, playlist_id: int, who: Member | None = None) -> list[dict[str, Any]]:
    body = world.get(f"/api/v1/video-playlists/{playlist_id}/videos", who)
    assert_answers("GET", "/api/v1/video-playlists/{playlistId}/videos", body, known_deviations=ELEMENT_LIST_NULLS)
    assert sorted(body) == ["data", "total"]
    assert [e["position"] for e in body["data"]] == list(range(1, body["total"] + 1))  # dense
    return list(body["data"])


def _add(world: World, playlist_id: int, who: Member, **extra: Any) -> int:
    added = world.send(
        "POST", f"/api/v1/video-playlists/{playlist_id}/videos", who, json={"videoId": world.uuid, **extra}
    )
    assert added.status_code == 200, added.text
    assert_answers("POST", "/api/v1/video-playlists/{playlistId}/videos", added.json())
    assert sorted(added.json()["videoPlaylistElement"]) == ["id"]
    return int(added.json()["videoPlaylistElement"]["id"])


def test_playlists_and_watch_later(world: World) -> None:
    alice = world.alice
    body = {"displayName": "Harbour mornings", "privacy": 1, "videoChannelId": alice.channel_id}
    created = world.send("POST", "/api/v1/video-playlists", alice, json=body)
    assert created.status_code == 200, created.text
    assert_answers("POST", "/api/v1/video-playlists", created.json())
    playlist = created.json()["videoPlaylist"]
    assert sorted(playlist) == ["id", "shortUUID", "uuid"]

    whole = _add(world, playlist["id"], alice, stopTimestamp=6)
    tail = _add(world, playlist["id"], alice, startTimestamp=6)  # the same video twice
    elements = _elements(world, playlist["id"])
    assert [(e["id"], e["startTimestamp"], e["stopTimestamp"]) for e in elements] == [
        (whole, None, 6),
        (tail, 6, None),
    ]
    assert all(e["type"] == 0 and e["video"]["uuid"] == world.uuid for e in elements)

    details = world.get(f"/api/v1/video-playlists/{playlist['shortUUID']}")
    assert_conforms("VideoPlaylist", details, known_deviations=PLAYLIST_NULLS)
    assert (details["displayName"], details["videosLength"], details["videoChannel"]["id"]) == (
        "Harbour mornings",
        2,
        alice.channel_id,
    )
    public = world.get("/api/v1/video-playlists")
    assert_answers("GET", "/api/v1/video-playlists", public, known_deviations=PLAYLIST_LIST_NULLS)
    assert [p["uuid"] for p in public["data"]] == [playlist["uuid"]]

    reorder = {"startPosition": 2, "insertAfterPosition": 0}
    moved = world.send("POST", f"/api/v1/video-playlists/{playlist['id']}/videos/reorder", alice, json=reorder)
    assert moved.status_code == 204, moved.text
    assert [e["id"] for e in _elements(world, playlist["id"])] == [tail, whole]
    removed = world.send("DELETE", f"/api/v1/video-playlists/{playlist['id']}/videos/{tail}", alice)
    assert removed.status_code == 204, removed.text
    assert [(e["id"], e["position"]) for e in _elements(world, playlist["id"])] == [(whole, 1)]

    # Watch later: private, created with the account, listed to its owner only.
    theirs = world.get(f"/api/v1/accounts/{alice.name}/video-playlists?playlistType=2", alice)
    assert_answers("GET", "/api/v1/accounts/{name}/video-playlists", theirs, known_deviations=PLAYLIST_LIST_NULLS)
    watch_later = theirs["data"][0]
    assert (theirs["total"], watch_later["displayName"], watch_later["privacy"]["id"]) == (1, "Watch later", 3)
    assert watch_later["type"] == {"id": 2, "label": "Watch later"}
    anonymous = world.get(f"/api/v1/accounts/{alice.name}/video-playlists")
    assert_answers("GET", "/api/v1/accounts/{name}/video-playlists", anonymous, known_deviations=PLAYLIST_LIST_NULLS)
    assert [p["uuid"] for p in anonymous["data"]] == [playlist["uuid"]]
    _add(world, watch_later["id"], alice)
    assert [e["video"]["uuid"] for e in _elements(world, watch_later["id"], alice)] == [world.uuid]
    assert _problem(world.send("GET", f"/api/v1/video-playlists/{watch_later['id']}/videos"), 401)


def test_bad_input_gets_peertubes_answers(world: World) -> None:
    too_many = world.send("GET", "/api/v1/videos?count=101")
    assert _invalid(too_many, "count") == "Should have a number count (max: 100)"
    assert _invalid(world.send("GET", "/api/v1/videos?sort=bogus"), "sort") == "Invalid value"
    assert _invalid(world.send("GET", "/api/v1/search/videos?search=sunrise&count=101"), "count")

    unknown = world.send("GET", "/api/v1/videos/987654")
    assert _problem(unknown, 404)["detail"] == "Video not found"
    unknown_uuid = world.send("GET", "/api/v1/videos/6a1f0b59-7a64-4b62-a7e6-3c4a1b2c3d4e")
    assert _problem(unknown_uuid, 404)["detail"] == "Video not found"
    nowhere = world.send("PUT", "/api/v1/videos/987654/rate", world.bob, json={"rating": "like"})
    assert _problem(nowhere, 404)["detail"] == "Video not found"
    assert world.get("/api/v1/videos")["total"] == 1


def test_the_owner_edits_the_video(world: World) -> None:
    alice, path = world.alice, f"/api/v1/videos/{world.uuid}"
    refused = world.send("PUT", path, world.bob, json={"name": "Bob's harbour"})
    assert _problem(refused, 403)["detail"] == "Cannot manage a video of another user."

    edited = world.send("PUT", path, alice, json={"name": "Harbour at dawn", "tags": ["dawn"], "privacy": 2})
    assert edited.status_code == 204, edited.text
    details = world.get(path)  # unlisted: anyone with the link sees it
    assert_conforms("VideoDetails", details, known_deviations=VIDEO_NULLS)
    assert (details["name"], details["tags"], details["privacy"]["id"]) == ("Harbour at dawn", ["dawn"], 2)
    assert details["description"] == DESCRIPTION  # absent keys stay
    assert world.get("/api/v1/videos") == {"total": 0, "data": []}
    assert world.get("/api/v1/search/videos?search=dawn")["total"] == 0

    assert world.send("PUT", path, alice, json={"privacy": 1}).status_code == 204
    listed = _video_list(world.get("/api/v1/videos?tagsOneOf=dawn"))
    assert [(v["uuid"], v["name"]) for v in listed] == [(world.uuid, "Harbour at dawn")]
    assert world.get("/api/v1/videos?tagsOneOf=harbour")["total"] == 0

    restored = world.send("PUT", path, alice, json={"name": NAME, "tags": TAGS})
    assert restored.status_code == 204
    assert (world.get(path)["name"], world.get(path)["tags"]) == (NAME, TAGS)
    assert [v["name"] for v in world.get("/api/v1/videos?tagsOneOf=harbour")["data"]] == [NAME]  # lists omit tags


def test_a_private_video_leaves_everything_but_its_owners_list(world: World) -> None:
    alice, bob, path = world.alice, world.bob, f"/api/v1/videos/{world.uuid}"
    assert world.send("PUT", path, alice, json={"privacy": 3}).status_code == 204

    assert _problem(world.send("GET", path), 401)["detail"] == "Authentication is required"
    forbidden = _problem(world.send("GET", path, bob), 403)
    assert forbidden["detail"] == "Cannot fetch information of private/internal/blocked video"
    assert world.get(path, alice)["privacy"] == {"id": 3, "label": "Private"}
    assert world.get("/api/v1/videos") == {"total": 0, "data": []}
    assert world.get("/api/v1/videos", bob) == {"total": 0, "data": []}
    assert world.get("/api/v1/search/videos?search=sunrise") == {"total": 0, "data": []}
    assert world.get(f"/api/v1/accounts/{alice.name}/videos")["total"] == 0
    mine = _video_list(world.get("/api/v1/users/me/videos", alice))
    assert [(v["uuid"], v["privacy"]["id"]) for v in mine] == [(world.uuid, 3)]

    assert world.send("PUT", path, alice, json={"privacy": 1}).status_code == 204
    assert [v["uuid"] for v in world.get("/api/v1/videos")["data"]] == [world.uuid]
