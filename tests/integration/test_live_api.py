"""The live API as PeerTube's clients call it (/api/v1/videos/live...): every validator with
its status and message, who sees the stream key, the instance's limits, the configuration,
and the Video JSON and ActivityPub document of a live. In-process, over moto."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.domain import events
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.openapi import VIDEO_NULLS, assert_conforms


@pytest.fixture
def lives_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lives enabled (PeerTube's default is off); listed before `api`, which reads the settings."""
    monkeypatch.setenv("CIRRUS_LIVE_ENABLED", "true")
    monkeypatch.setenv("CIRRUS_LIVE_RTMP_URL", "rtmp://live.example.org:1935/live")
    monkeypatch.setenv("CIRRUS_LIVE_RTMPS_URL", "rtmps://live.example.org:443/live")


@pytest.fixture
def emitted() -> Iterator[list[Any]]:
    with events.isolated(), events.recording() as seen:
        yield seen


def _create(api: ApiClient, member: Member, **fields: Any) -> ApiResponse:
    body = {"channelId": member.channel_id, "name": "My live", "privacy": 1, **fields}
    return api.post_json("/api/v1/videos/live", body, member.token)


def _created(api: ApiClient, member: Member, **fields: Any) -> dict[str, Any]:
    response = _create(api, member, **fields)
    assert response.status == 200, response.body
    return dict(response.json()["video"])


def _problem(response: ApiResponse, status: int) -> dict[str, Any]:
    assert response.status == status, response.body
    assert response.content_type.startswith("application/problem+json"), response.content_type
    return dict(response.json())


def _multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# Creating


def test_a_live_is_created_waiting_for_its_encoder(lives_on: None, api: ApiClient, people: Any, emitted: list) -> None:
    alice = people["alice"]
    video = _created(api, alice, saveReplay=True, permanentLive=False, latencyMode=3, replaySettings={"privacy": 2})
    assert set(video) == {"id", "uuid", "shortUUID"}
    details = api.get_as(f"/api/v1/videos/{video['uuid']}", alice.token).json()
    assert details["isLive"] is True
    assert details["state"] == {"id": 4, "label": "Waiting for livestream"}
    assert details["streamingPlaylists"] == [] and details["duration"] == 0
    live = api.get_as(f"/api/v1/videos/live/{video['id']}", alice.token).json()
    assert live["rtmpUrl"] == "rtmp://live.example.org:1935/live"
    assert live["rtmpsUrl"] == "rtmps://live.example.org:443/live"
    uuid.UUID(live["streamKey"])
    assert (live["saveReplay"], live["permanentLive"], live["latencyMode"]) == (True, False, 3)
    assert live["replaySettings"] == {"privacy": 2} and live["schedules"] == []
    assert_conforms("LiveVideoResponse", live)
    assert_conforms("VideoDetails", details, known_deviations=VIDEO_NULLS)
    # A public live is federated at once, as PeerTube does.
    assert [type(event).__name__ for event in emitted] == ["VideoPublished", "LiveCreated"]


def test_multipart_creates_the_same_live(lives_on: None, api: ApiClient, people: Any) -> None:
    alice = people["alice"]
    fields = {
        "channelId": str(alice.channel_id),
        "name": "Multipart live",
        "privacy": "2",
        "saveReplay": "true",
        "replaySettings[privacy]": "3",
        "permanentLive": "true",
        "tags[0]": "music",
    }
    body, content_type = _multipart(fields)
    response = api.request(
        "POST", "/api/v1/videos/live", body=body, headers={"Content-Type": content_type, **_auth(alice.token)}
    )
    assert response.status == 200, response.body
    video_id = response.json()["video"]["id"]
    live = api.get_as(f"/api/v1/videos/live/{video_id}", alice.token).json()
    assert (live["saveReplay"], live["permanentLive"], live["replaySettings"]) == (True, True, {"privacy": 3})
    details = api.get_as(f"/api/v1/videos/{video_id}", alice.token).json()
    assert (details["privacy"]["id"], details["tags"]) == (2, ["music"])


def test_a_saved_replay_takes_the_lives_privacy_unless_told(lives_on: None, api: ApiClient, people: Any) -> None:
    alice = people["alice"]
    video = _created(api, alice, saveReplay=True, privacy=4)
    assert api.get_as(f"/api/v1/videos/live/{video['id']}", alice.token).json()["replaySettings"] == {"privacy": 4}
    unsaved = _created(api, alice, saveReplay=False)
    assert "replaySettings" not in api.get_as(f"/api/v1/videos/live/{unsaved['id']}", alice.token).json()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "ab"}, "name", "Should have a video name between 3 and 120 characters long"),
        ({"channelId": "x"}, "channelId", "Invalid value"),
        ({"saveReplay": "maybe"}, "saveReplay", "Should have a valid saveReplay boolean"),
        ({"permanentLive": 3}, "permanentLive", "Should have a valid permanentLive boolean"),
        ({"latencyMode": 4}, "latencyMode", "Invalid value"),
        ({"latencyMode": "fast"}, "latencyMode", "Invalid value"),
        ({"replaySettings": {"privacy": 5}}, "replaySettings.privacy", "Invalid value"),
        ({"replaySettings": {"privacy": 9}}, "replaySettings.privacy", "Invalid value"),
        ({"replaySettings": "public"}, "replaySettings.privacy", "Invalid value"),
        ({"schedules": [{"startAt": "tomorrow"}]}, "schedules", "Should have a valid schedules array"),
        ({"schedules": "soon"}, "schedules", "Should have a valid schedules array"),
        ({"privacy": 8}, "privacy", "Invalid value"),
    ],
)
def test_each_invalid_field_is_refused_with_its_message(
    lives_on: None, api: ApiClient, people: Any, fields: dict[str, Any], field: str, message: str
) -> None:
    problem = _problem(_create(api, people["alice"], **fields), 400)
    assert problem["invalid-params"][field]["msg"] == message
    assert _lives() == 0


def test_a_password_protected_live_needs_its_passwords(lives_on: None, api: ApiClient, people: Any) -> None:
    problem = _problem(_create(api, people["alice"], privacy=5), 400)
    assert problem["detail"] == "Video passwords are missing."
    assert _create(api, people["alice"], privacy=5, videoPasswords=["secret"]).status == 200


def test_creating_needs_a_user_and_a_channel_of_ones_own(lives_on: None, api: ApiClient, people: Any) -> None:
    assert api.post_json("/api/v1/videos/live", {"channelId": 1, "name": "Nobody's"}).status == 401
    alice, bob = people["alice"], people["bob"]
    problem = _problem(_create(api, alice, channelId=bob.channel_id), 403)
    assert problem["detail"] == "This user cannot manage this channel"
    assert _problem(_create(api, alice, channelId=999999), 404)["detail"] == "Video channel not found"
    assert _lives() == 0


def test_lives_disabled_are_refused_after_the_fields_are_checked(api: ApiClient, people: Any) -> None:
    # PeerTube's default: lives off.
    assert _problem(_create(api, people["alice"], name="ab"), 400)
    problem = _problem(_create(api, people["alice"]), 403)
    assert (problem["detail"], problem["code"]) == ("Live is not enabled on this instance", "live_not_enabled")
    assert api.get("/api/v1/config").json()["live"]["enabled"] is False


def test_the_instances_rules_on_replays_and_latency(
    lives_on: None, monkeypatch: pytest.MonkeyPatch, api: ApiClient, people: Any
) -> None:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["live"]["allowReplay"] = False
    custom["live"]["latencySetting"]["enabled"] = False
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200
    problem = _problem(_create(api, people["alice"], saveReplay=True), 403)
    assert (problem["detail"], problem["code"]) == (
        "Saving live replay is not enabled on this instance",
        "live_not_allowing_replay",
    )
    problem = _problem(_create(api, people["alice"], latencyMode=3), 403)
    assert problem["detail"] == "Custom latency mode is not allowed by this instance"
    assert _create(api, people["alice"], latencyMode=1, saveReplay=False).status == 200
    config = api.get("/api/v1/config").json()["live"]
    assert (config["allowReplay"], config["latencySetting"]) == (False, {"enabled": False})


def test_lives_not_ended_are_limited_per_user_and_per_instance(lives_on: None, api: ApiClient, people: Any) -> None:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["live"].update({"maxUserLives": 2, "maxInstanceLives": 3})
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200
    alice, bob = people["alice"], people["bob"]
    first = _created(api, alice)
    _created(api, alice)
    problem = _problem(_create(api, alice), 403)
    assert (problem["detail"], problem["code"]) == (
        "Cannot create this live because the max user lives limit is reached.",
        "max_user_lives_limit_reached",
    )
    _created(api, bob)
    problem = _problem(_create(api, bob), 403)
    assert (problem["detail"], problem["code"]) == (
        "Cannot create this live because the max instance lives limit is reached.",
        "max_instance_lives_limit_reached",
    )
    # An ended live no longer counts.
    _end(first["id"])
    assert _create(api, bob).status == 200


# Reading and changing


def test_only_those_who_manage_a_live_see_its_key(lives_on: None, api: ApiClient, people: Any) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = _created(api, alice)
    url = f"/api/v1/videos/live/{video['uuid']}"
    for token in (None, bob.token):
        seen = api.get_as(url, token)
        assert seen.status == 200
        assert not {"streamKey", "rtmpUrl", "rtmpsUrl"} & set(seen.json())
        assert seen.json()["permanentLive"] is False
    # PeerTube's GET_ANY_LIVE: administrators, not moderators.
    assert "streamKey" not in api.get_as(url, mod.token).json()
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    assert "streamKey" in api.get_as(url, root).json()
    private = _created(api, alice, privacy=3)
    assert _problem(api.get(f"/api/v1/videos/live/{private['uuid']}"), 401)
    assert _problem(api.get_as(f"/api/v1/videos/live/{private['uuid']}", bob.token), 403)
    assert "streamKey" in api.get_as(f"/api/v1/videos/live/{private['uuid']}", alice.token).json()


def test_a_video_that_is_no_live_has_no_live(lives_on: None, api: ApiClient, people: Any) -> None:
    from tests.video_seed import add_video

    plain = add_video(people["alice"].account_id, people["alice"].channel_id, "not a live")
    assert api.get(f"/api/v1/videos/live/{plain.uuid}").status == 404
    assert _problem(api.get("/api/v1/videos/live/not-an-id"), 400)["invalid-params"]["videoId"]
    assert api.get(f"/api/v1/videos/live/{uuid.uuid4()}").status == 404


def test_settings_change_while_the_live_waits_with_peertubes_checks(
    lives_on: None, api: ApiClient, people: Any, emitted: list
) -> None:
    alice, bob = people["alice"], people["bob"]
    video = _created(api, alice)
    url = f"/api/v1/videos/live/{video['id']}"
    assert _problem(api.put_json(url, {"latencyMode": 9}, alice.token), 400)["invalid-params"]["latencyMode"]
    assert _problem(api.put_json(url, {"saveReplay": "x"}, alice.token), 400)
    assert _problem(api.put_json(url, {"saveReplay": True}, alice.token), 400)["detail"] == (
        "Replay settings are missing now the live replay is saved"
    )
    assert _problem(api.put_json(url, {"saveReplay": True, "replaySettings": {}}, alice.token), 400)["detail"] == (
        "Privacy replay setting is missing now the live replay is saved"
    )
    assert _problem(api.put_json(url, {"replaySettings": {"privacy": 1}}, alice.token), 400)["detail"] == (
        "Cannot save replay settings since live replay is not enabled"
    )
    assert _problem(api.put_json(url, {"permanentLive": True}, bob.token), 403)
    assert api.put_json(url, {"permanentLive": True}, None).status == 401
    settings = {"saveReplay": True, "replaySettings": {"privacy": 3}, "permanentLive": True, "latencyMode": 2}
    changed = api.put_json(url, settings, alice.token)
    assert changed.status == 204, changed.body
    live = api.get_as(url, alice.token).json()
    assert (live["saveReplay"], live["replaySettings"], live["permanentLive"], live["latencyMode"]) == (
        True, {"privacy": 3}, True, 2,
    )  # fmt: skip
    assert api.put_json(url, {"saveReplay": False}, alice.token).status == 204
    assert "replaySettings" not in api.get_as(url, alice.token).json()
    assert "VideoChanged" in [type(event).__name__ for event in emitted]
    _go_live(video["id"])
    assert _problem(api.put_json(url, {"latencyMode": 1}, alice.token), 400)["detail"] == (
        "Cannot update a live that has already started"
    )


def test_sessions_are_listed_to_those_who_manage_the_live(lives_on: None, api: ApiClient, people: Any) -> None:
    alice, bob = people["alice"], people["bob"]
    video = _created(api, alice, saveReplay=True)
    url = f"/api/v1/videos/live/{video['id']}/sessions"
    assert api.get_as(url, alice.token).json() == {"total": 0, "data": []}
    _go_live(video["id"])
    _end(video["id"])
    listed = api.get_as(url, alice.token).json()
    assert listed["total"] == 1
    (session,) = listed["data"]
    assert session["id"] == video["id"] * 100_000 + 1 and session["endDate"] is not None
    assert (session["saveReplay"], session["replaySettings"], session["error"]) == (True, {"privacy": 1}, None)
    assert "replayVideo" not in session
    # The file says `error` is nullable, but its enum lacks null (OpenAPI 3.0 needs both).
    assert_conforms("LiveVideoSessionResponse", session, known_deviations=("error",))
    assert _problem(api.get_as(url, bob.token), 403)
    assert api.get(url).status == 401
    assert _problem(api.get_as(f"{url}?sort=name", alice.token), 400)["invalid-params"]["sort"]
    assert api.get_as(f"{url}?sort=-startDate", alice.token).status == 200


def test_a_replays_session_is_found_from_the_replay(lives_on: None, api: ApiClient, people: Any) -> None:
    from chalicelib.store import lives, videos

    alice = people["alice"]
    video = _created(api, alice, saveReplay=True)
    assert _problem(api.get(f"/api/v1/videos/{video['id']}/live-session"), 404)["detail"] == "No live replay found"
    _go_live(video["id"])
    _end(video["id"])
    stored = videos.get_video(video["id"])
    session = lives.get_session(video["id"], 1)
    assert stored is not None and session is not None
    lives.become_replay(stored, "work/x/replay.mp4", 1, f"{video['id']}#1", datetime.now(UTC))
    lives.set_replay_video(session, video["id"])
    found = api.get(f"/api/v1/videos/{video['uuid']}/live-session").json()
    assert found["replayVideo"] == {"id": video["id"], "uuid": video["uuid"], "shortUUID": video["shortUUID"]}
    assert found["id"] == session.id
    # The replay is no live any more.
    assert api.get(f"/api/v1/videos/{video['uuid']}").json()["isLive"] is False


# What lists, the configuration and federation say


def test_lists_filter_lives(lives_on: None, api: ApiClient, people: Any) -> None:
    from tests.video_seed import add_video

    alice = people["alice"]
    add_video(alice.account_id, alice.channel_id, "a plain video")
    live = _created(api, alice)
    _go_live(live["id"])  # listed once streaming (PUBLISHED), as PeerTube lists
    names = {v["name"]: v["isLive"] for v in api.get("/api/v1/videos").json()["data"]}
    assert names == {"a plain video": False, "My live": True}
    assert [v["name"] for v in api.get("/api/v1/videos?isLive=true").json()["data"]] == ["My live"]
    assert [v["name"] for v in api.get("/api/v1/videos?isLive=false").json()["data"]] == ["a plain video"]


def test_the_configuration_shows_lives_settings(lives_on: None, api: ApiClient) -> None:
    live = api.get("/api/v1/config").json()["live"]
    assert live == {
        "enabled": True,
        "allowReplay": True,
        "latencySetting": {"enabled": True},
        "maxDuration": -1,
        "maxInstanceLives": 20,
        "maxUserLives": 3,
        "transcoding": {
            "enabled": True,
            "remoteRunners": {"enabled": False},
            "enabledResolutions": [240, 360, 480, 720, 1080],
            "profile": "default",
            "availableProfiles": ["default"],
        },
        "rtmp": {"port": 1935},
    }
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    custom = api.get_as("/api/v1/config/custom", root).json()
    assert custom["live"]["transcoding"]["resolutions"]["720p"] is True
    custom["live"]["maxDuration"] = "long"
    assert _problem(api.put_json("/api/v1/config/custom", custom, root), 400)["invalid-params"]["live.maxDuration"]
    custom["live"]["maxDuration"] = 3_600_000
    custom["transcoding"]["enabled"] = False
    assert _problem(api.put_json("/api/v1/config/custom", custom, root), 400)["detail"] == (
        "You cannot allow live replay if transcoding is not enabled"
    )
    custom["transcoding"]["enabled"] = True
    custom["live"]["enabled"] = False
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200
    live = api.get("/api/v1/config").json()["live"]
    assert (live["enabled"], live["maxDuration"]) == (False, 3_600_000)


def test_a_lives_activitypub_document_says_it_is_one(lives_on: None, api: ApiClient, people: Any) -> None:
    alice = people["alice"]
    video = _created(api, alice, saveReplay=True, permanentLive=True, latencyMode=2)
    headers = {"Accept": "application/activity+json"}
    document = json.loads(api.request("GET", f"/videos/watch/{video['uuid']}", headers=headers).body)
    assert (document["isLiveBroadcast"], document["liveSaveReplay"], document["permanentLive"]) == (True, True, True)
    assert (document["latencyMode"], document["state"]) == (2, 4)
    assert not [link for link in document["url"] if link.get("mediaType") == "application/x-mpegURL"]
    _go_live(video["id"])
    document = json.loads(api.request("GET", f"/videos/watch/{video['uuid']}", headers=headers).body)
    (playlist,) = [link for link in document["url"] if link.get("mediaType") == "application/x-mpegURL"]
    base = f"http://localhost:9000/static/streaming-playlists/hls/live/{video['uuid']}/"
    assert playlist["href"] == f"{base}master.m3u8"
    assert playlist["tag"] == [
        {"type": "Link", "name": "sha256", "mediaType": "application/json", "href": f"{base}segments-sha256.json"}
    ]
    details = api.get(f"/api/v1/videos/{video['uuid']}").json()
    assert details["state"]["id"] == 1
    assert details["streamingPlaylists"][0]["playlistUrl"] == f"{base}master.m3u8"


def test_deleting_a_live_frees_its_key(lives_on: None, api: ApiClient, people: Any) -> None:
    from chalicelib.store import lives

    alice = people["alice"]
    video = _created(api, alice)
    key = api.get_as(f"/api/v1/videos/live/{video['id']}", alice.token).json()["streamKey"]
    assert lives.find_by_stream_key(key)[0] is not None
    assert api.delete_as(f"/api/v1/videos/{video['id']}", alice.token).status == 204
    assert lives.find_by_stream_key(key) == (None, None)
    assert lives.get_live(video["id"]) is None


def test_blocking_a_user_marks_their_lives(lives_on: None, api: ApiClient, people: Any) -> None:
    from chalicelib.store import lives

    alice = people["alice"]
    video = _created(api, alice)
    me = api.get_as("/api/v1/users/me", alice.token).json()
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    assert api.post_json(f"/api/v1/users/{me['id']}/block", {}, root).status == 204
    assert (lives.get_live(video["id"]) or pytest.fail("no live")).owner_blocked is True
    assert api.post_json(f"/api/v1/users/{me['id']}/unblock", {}, root).status == 204
    assert (lives.get_live(video["id"]) or pytest.fail("no live")).owner_blocked is False


# Helpers


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _lives() -> int:
    from chalicelib.store.models import LiveVideo

    return sum(1 for _ in LiveVideo.scan())


def _go_live(video_id: int) -> None:
    from chalicelib.domain import live_ingest

    live_ingest.record_state(video_id, 1)


def _end(video_id: int) -> None:
    from chalicelib.domain import live_ingest

    live_ingest.record_state(video_id, 5)
    live_ingest.session_ended(video_id, live_ingest.SessionEnd(started_at=datetime.now(UTC).timestamp()))


def test_simulcast_targets_are_checked_and_shown_to_the_lives_managers_only(
    lives_on: None, api: ApiClient, people: Any
) -> None:
    """Cirrus's `simulcastTargets` (beyond PeerTube): rtmp(s) URLs the ingest pushes the
    stream on to. Other platforms' stream keys are in them, so only managers see them; a URL
    the address policy would refuse is refused at once, with the reason."""
    from chalicelib.domain import live_ingest

    alice, bob = people["alice"], people["bob"]
    targets = ["rtmp://a.rtmp.example.com/live2/yt-key", "rtmps://live.example.net:443/app/tw-key"]
    video = _created(api, alice, simulcastTargets=[*targets, targets[0]])
    path = f"/api/v1/videos/live/{video['id']}"
    assert api.get_as(path, alice.token).json()["simulcastTargets"] == targets, "kept once each, in order"
    assert "simulcastTargets" not in api.get_as(path, bob.token).json()
    assert "simulcastTargets" not in api.get(path).json()
    key = api.get_as(path, alice.token).json()["streamKey"]
    grant = live_ingest.authorise(key)
    assert isinstance(grant, live_ingest.Grant) and grant.simulcast == tuple(targets), "the ingest is told"

    refused = {
        "ftp://example.com/live/key": "must start with rtmp:// or rtmps://",
        "rtmp://user:secret@example.com/live/key": "may not contain credentials",
        "rtmp://10.0.0.7/live/key": "may not name a private address",
        "rtmp://[::1]/live/key": "may not name a loopback address",
        "rtmp://169.254.169.254/live/key": "may not name a link-local address",
        "rtmp://example.com": "must name the application and the stream key",
        "rtmp://bad_host!/live/key": "must have a valid host and port",
        "rtmp://example.com:99999/live/key": "must have a valid host and port",
        "rtmp://example.com/live/key with space": "may not contain spaces or control characters",
    }
    for url, message in refused.items():
        problem = _problem(_create(api, alice, simulcastTargets=[url]), 400)
        assert message in json.dumps(problem), (url, problem)
    too_many = [f"rtmp://example.com/live/{n}" for n in range(6)]
    assert _create(api, alice, simulcastTargets=too_many).status == 400
    assert _create(api, alice, simulcastTargets="rtmp://example.com/live/key").status == 400

    # Changed while the live waits; null clears them.
    assert api.put_json(path, {"simulcastTargets": [targets[1]]}, alice.token).status == 204
    assert api.get_as(path, alice.token).json()["simulcastTargets"] == [targets[1]]
    assert api.put_json(path, {"simulcastTargets": None}, alice.token).status == 204
    assert api.get_as(path, alice.token).json()["simulcastTargets"] == []
    assert api.put_json(path, {"simulcastTargets": ["rtmp://127.0.0.1/x/y"]}, alice.token).status == 400
