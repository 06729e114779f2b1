"""The instance's settings as its administrator sets them (PeerTube's /api/v1/config/custom)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.openapi import SERVER_CONFIG_DEVIATIONS, assert_conforms

CUSTOM = "/api/v1/config/custom"
# PeerTube's default publication licence is null (none chosen); the file says integer.
DEVIATIONS = ("defaults/publish/licence",)


@pytest.fixture
def root(api: ApiClient) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def _custom(api: ApiClient, root: str) -> dict[str, Any]:
    response = api.get_as(CUSTOM, root)
    assert response.status == 200, response.body
    return dict(response.json())


def _changed(document: dict[str, Any], **sections: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    for section, values in sections.items():
        changed.setdefault(section, {}).update(values)
    return changed


def test_the_custom_configuration_has_peertubes_shape(api: ApiClient, root: str) -> None:
    document = _custom(api, root)
    assert_conforms("ServerConfigCustom", document, known_deviations=DEVIATIONS)
    assert document["instance"]["name"] == "Cirrus"
    assert document["signup"] == {
        "enabled": False,
        "limit": 10,
        "requiresApproval": True,
        "requiresEmailVerification": False,
        "minimumAge": 16,
    }
    assert document["user"] == {"videoQuota": -1, "videoQuotaDaily": -1}


def test_changes_show_at_once_and_delete_restores_the_defaults(api: ApiClient, root: str) -> None:
    original = _custom(api, root)
    wanted = _changed(
        original,
        instance={
            "name": "Cumulus",
            "shortDescription": "Videos about clouds",
            "description": "We film **clouds**.",
            "terms": "Be kind.",
            "futureField": {"kept": True},
        },
        signup={"enabled": True, "limit": 5, "requiresApproval": False, "minimumAge": 18},
    )
    wanted["aSectionCirrusDoesNotKnow"] = [1, 2]
    saved = api.put_json(CUSTOM, wanted, root)
    assert saved.status == 200, saved.body
    assert saved.json() == wanted  # unknown fields are kept and echoed
    assert_conforms("ServerConfigCustom", saved.json(), known_deviations=DEVIATIONS)
    assert _custom(api, root) == wanted

    config = api.get("/api/v1/config").json()
    assert_conforms("ServerConfig", config, known_deviations=SERVER_CONFIG_DEVIATIONS)
    assert (config["instance"]["name"], config["instance"]["shortDescription"]) == ("Cumulus", "Videos about clouds")
    assert config["signup"] == {
        "allowed": True,
        "allowedForCurrentIP": True,
        "minimumAge": 18,
        "requiresApproval": False,
        "requiresEmailVerification": False,
    }
    about = api.get("/api/v1/config/about").json()
    assert_conforms("ServerConfigAbout", about)
    assert {key: about["instance"][key] for key in ("name", "shortDescription", "description", "terms")} == {
        "name": "Cumulus",
        "shortDescription": "Videos about clouds",
        "description": "We film **clouds**.",
        "terms": "Be kind.",
    }

    # Sign-up now opens without approval.
    registered = api.post_json(
        "/api/v1/users/register", {"username": "newcomer", "password": "a password", "email": "n@example.org"}
    )
    assert registered.status == 204, registered.body

    reset = api.delete_as(CUSTOM, root)
    assert reset.status == 200
    assert reset.json() == original
    assert _custom(api, root) == original
    assert api.get("/api/v1/config").json()["instance"]["name"] == "Cirrus"
    assert api.get("/api/v1/config").json()["signup"]["allowed"] is False
    closed = api.post_json(
        "/api/v1/users/register", {"username": "latecomer", "password": "a password", "email": "l@example.org"}
    )
    assert closed.status == 403


def test_the_signup_limit_applies(api: ApiClient, root: str) -> None:
    document = _changed(_custom(api, root), signup={"enabled": True, "limit": 2, "requiresApproval": False})
    assert api.put_json(CUSTOM, document, root).status == 200
    first = api.post_json("/api/v1/users/register", {"username": "one", "password": "a password", "email": "o@e.org"})
    assert first.status == 204
    second = api.post_json("/api/v1/users/register", {"username": "two", "password": "a password", "email": "t@e.org"})
    assert second.status == 403 and "limit" in second.json()["detail"]


def _without(document: dict[str, Any], path: str) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    *parents, last = path.split(".")
    node = changed
    for part in parents:
        node = node[part]
    del node[last]
    return changed


def _with(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    *parents, last = path.split(".")
    node = changed
    for part in parents:
        node = node[part]
    node[last] = value
    return changed


@pytest.mark.parametrize(
    ("change", "status", "expect"),
    [
        (lambda d: _without(d, "instance.name"), 400, "instance.name"),
        (lambda d: _with(d, "instance.name", "  "), 400, "instance.name"),
        (lambda d: _with(d, "instance.description", 12), 400, "instance.description"),
        (lambda d: _without(d, "signup.enabled"), 400, "signup.enabled"),
        (lambda d: _with(d, "signup.enabled", "yes"), 400, "signup.enabled"),
        (lambda d: _with(d, "signup.limit", "ten"), 400, "signup.limit"),
        (lambda d: _with(d, "signup.limit", -2), 400, "signup.limit"),
        (lambda d: _with(d, "signup.minimumAge", -1), 400, "signup.minimumAge"),
        (lambda d: _with(d, "signup.requiresApproval", None), 400, "signup.requiresApproval"),
        (lambda d: _with(d, "user.videoQuota", -5), 400, "user.videoQuota"),
        (lambda d: _with(d, "instance.defaultNSFWPolicy", "hide"), 400, "instance.defaultNSFWPolicy"),
        (lambda d: _with(d, "transcoding.resolutions", {"720p": "on"}), 400, "transcoding.resolutions.720p"),
        (
            lambda d: _changed(d, signup={"enabled": True, "requiresEmailVerification": True}),
            400,
            "SMTP is not configured",
        ),
        (
            lambda d: _changed(d, transcoding={"hls": {"enabled": False}, "web_videos": {"enabled": False}}),
            400,
            "at least web_videos transcoding or hls",
        ),
        (lambda d: _with(d, "instance.customizations", {"css": "x" * 400_000, "javascript": ""}), 413, "too large"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(
    api: ApiClient, root: str, change: Any, status: int, expect: str
) -> None:
    before = _custom(api, root)
    response = api.put_json(CUSTOM, change(before), root)
    assert response.status == status, response.body
    assert response.content_type.startswith("application/problem+json")
    assert expect in str(response.json())
    assert _custom(api, root) == before
    assert api.get("/api/v1/config").json()["instance"]["name"] == "Cirrus"


def test_only_the_administrator_manages_the_configuration(api: ApiClient, root: str, people: dict[str, Member]) -> None:
    before = _custom(api, root)
    changed = _changed(before, instance={"name": "Taken over"})
    for token in (people["alice"].token, people["mod"].token):
        assert api.get_as(CUSTOM, token).status == 403
        refused = api.put_json(CUSTOM, changed, token)
        assert refused.status == 403 and "does not have right (No. 8)" in refused.json()["detail"]
        assert api.delete_as(CUSTOM, token).status == 403
    assert api.get(CUSTOM).status == 401
    assert api.put_json(CUSTOM, changed, None).status == 401
    not_json = api.request(
        "PUT", CUSTOM, body=b"[1]", headers={"Content-Type": "application/json", "Authorization": f"Bearer {root}"}
    )
    assert not_json.status == 400
    assert _custom(api, root) == before


def test_what_uploads_become_is_the_administrators_choice(api: ApiClient, root: str, people: dict[str, Member]) -> None:
    import json

    from chalicelib.store import videos

    config = api.get("/api/v1/config").json()["transcoding"]
    assert (config["web_videos"], config["hls"]) == ({"enabled": False}, {"enabled": True}), "PeerTube's defaults"

    def upload(name: str) -> tuple[bool | None, bool | None]:
        alice = people["alice"]
        body = {"name": name, "channelId": alice.channel_id, "filename": f"{name}.mp4"}
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {alice.token}",
            "X-Upload-Content-Length": "1000",
            "X-Upload-Content-Type": "video/mp4",
        }
        response = api.request(
            "POST", "/api/v1/videos/upload-resumable", body=json.dumps(body).encode(), headers=headers
        )
        assert response.status == 201, response.body
        (video,) = [v for v in api.get_as("/api/v1/users/me/videos", alice.token).json()["data"] if v["name"] == name]
        stored = videos.get_video(int(video["id"]))
        assert stored is not None
        return stored.make_web_videos, stored.make_hls

    assert upload("before") == (False, True)
    document = _custom(api, root)
    wanted = _changed(document, transcoding={**document["transcoding"], "web_videos": {"enabled": True}})
    assert api.put_json(CUSTOM, wanted, root).status == 200
    config = api.get("/api/v1/config").json()["transcoding"]
    assert (config["web_videos"], config["hls"]) == ({"enabled": True}, {"enabled": True})
    assert upload("after") == (True, True), "a video follows the settings of its upload"
