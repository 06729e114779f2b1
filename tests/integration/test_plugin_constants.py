"""PeerTube's video constant managers: a plugin's categories, licences and languages, added
or deleted, and its deleted privacies, in the API's tables and in the checks of uploads and
updates."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member, make_member


@pytest.fixture
def uma(api: ApiClient, install_plugins: Any) -> Member:
    install_plugins("constants")
    return make_member(api, api.login("root", ROOT_PASSWORD)["access_token"], "uma")


def _upload(api: ApiClient, member: Member, **fields: Any) -> ApiResponse:
    body = {"name": "Cooked", "channelId": member.channel_id, "filename": "a.mp4", "size": 9, "mimeType": "video/mp4"}
    return api.post_json("/api/v1/videos/upload-s3", {**body, **fields}, member.token)


def test_the_managers_answer_as_peertubes(uma: Member) -> None:
    answers = sys.modules["cirrus_constants_plugin"].ANSWERS
    assert answers == {
        "add category": True,
        "add existing category": False,
        "delete category": True,
        "delete missing category": False,
        "add licence": True,
        "add language": True,
        "delete language": True,
        "delete privacy": True,
        "category 100": "Cooking",
        "add privacy": "PeerTube's videoPrivacyManager has no addConstant: privacies can only be deleted",
    }


def test_the_tables_show_the_plugins_changes(api: ApiClient, uma: Member) -> None:
    categories = api.get("/api/v1/videos/categories").json()
    assert categories["100"] == "Cooking" and "1" not in categories and categories["2"] == "Films"
    assert api.get("/api/v1/videos/licences").json()["42"] == "Plugin licence"
    languages = api.get("/api/v1/videos/languages").json()
    assert languages["qya"] == "Quenya" and "fr" not in languages
    assert api.get("/api/v1/videos/privacies").json() == {
        "1": "Public",
        "2": "Unlisted",
        "3": "Private",
        "5": "Password protected",
    }


def test_uploads_and_updates_are_checked_against_the_changed_tables(api: ApiClient, uma: Member) -> None:
    created = _upload(api, uma, category=100, licence=42, language="qya")
    assert created.status == 200, created.body
    video = api.get_as(f"/api/v1/videos/{created.json()['video']['uuid']}", uma.token).json()
    assert (video["category"], video["licence"], video["language"]) == (
        {"id": 100, "label": "Cooking"},
        {"id": 42, "label": "Plugin licence"},
        {"id": "qya", "label": "Quenya"},
    )
    for refused in ({"category": 1}, {"language": "fr"}, {"privacy": 4}):
        answer = _upload(api, uma, **refused)
        assert answer.status == 400, (refused, answer.body)
    path = f"/api/v1/videos/{video['uuid']}"
    assert api.send_json("PUT", path, {"category": 1}, uma.token).status == 400
    assert api.send_json("PUT", path, {"privacy": 4}, uma.token).status == 400
    assert api.send_json("PUT", path, {"category": 2, "language": "qya"}, uma.token).status == 204


def test_without_the_plugin_the_tables_are_peertubes(api: ApiClient, install_plugins: Any) -> None:
    install_plugins()
    assert api.get("/api/v1/videos/categories").json()["1"] == "Music"
    assert "4" in api.get("/api/v1/videos/privacies").json()
