"""The original file (PeerTube's kept original): offered for download to whoever manages
the video when the administrator's `transcoding.originalFile.keep` is on, deleted by an
administrator (`DELETE /api/v1/videos/{id}/source/file`), and `videoFile.update.enabled` in
the configuration. Over moto, through the API."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.domain import video_sources
from chalicelib.media import layout
from chalicelib.store import uploads_bucket, videos
from chalicelib.store.models import Video
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.security.private_media_support import published_video

CUSTOM = "/api/v1/config/custom"
ORIGINAL = {"resolution": 240, "width": 426, "height": 240, "fps": 25, "size": 5}


@pytest.fixture
def root(api: ApiClient, people: dict[str, Member]) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def _with_source(owner: Member, stage: str = "done") -> Video:
    video = published_video(owner)
    stored = videos.get_video(int(video.id))
    assert stored is not None
    stored.source_key = layout.source_key(video.uuid, "Holiday.MOV")
    stored.input_filename = "Holiday (final).MOV"
    stored.plan = {"original": ORIGINAL}
    stored.stage = stage
    stored.save()
    aws.s3().put_object(Bucket=get_settings().uploads_bucket, Key=stored.source_key, Body=b"bytes")
    return stored


def _configure(api: ApiClient, root: str, **changes: Any) -> None:
    document = api.get_as(CUSTOM, root).json()
    document["transcoding"]["originalFile"]["keep"] = changes.get("keep", False)
    document["videoFile"]["update"]["enabled"] = changes.get("update", False)
    answer = api.put_json(CUSTOM, document, root)
    assert answer.status == 200, answer.body


def test_the_kept_original_is_offered_to_those_who_manage_the_video(
    api: ApiClient, people: dict[str, Member], root: str
) -> None:
    alice, bob = people["alice"], people["bob"]
    video = _with_source(alice)
    source_path = f"/api/v1/videos/{video.uuid}/source"
    assert api.get_as(source_path, alice.token).json()["fileDownloadUrl"] is None  # not kept: PeerTube's default
    download = f"/download/original-video-files/{video.uuid}.mov"
    assert api.get_as(download, alice.token).status == 404

    _configure(api, root, keep=True, update=True)
    config = api.get("/api/v1/config").json()
    assert config["videoFile"] == {"update": {"enabled": True}}
    assert api.get_as(CUSTOM, root).json()["transcoding"]["originalFile"] == {"keep": True}
    source = api.get_as(source_path, alice.token).json()
    assert source["fileDownloadUrl"] == f"{get_settings().instance_url}{download}"
    answer = api.get_as(download, alice.token)
    assert answer.status == 302
    location = urlsplit(answer.headers["location"])
    assert location.path.endswith(str(video.source_key))
    assert "Holiday%20%28final%29.MOV" in parse_qs(location.query)["response-content-disposition"][0]
    assert api.get_as(download, people["mod"].token).status == 302  # UPDATE_ANY_VIDEO
    assert api.get_as(download, bob.token).status == 403
    assert api.get(download).status == 403
    assert api.get_as(f"/download/original-video-files/{video.uuid}.mp4", alice.token).status == 404
    assert api.get_as("/download/original-video-files/not-a-file", alice.token).status == 404


def test_an_administrator_deletes_the_original(api: ApiClient, people: dict[str, Member], root: str) -> None:
    alice = people["alice"]
    video = _with_source(alice)
    _configure(api, root, keep=True)
    path = f"/api/v1/videos/{video.uuid}/source/file"
    assert api.delete_as(path, None).status == 401
    assert api.delete_as(path, alice.token).status == 403  # the owner lacks MANAGE_VIDEO_FILES
    transcoding = _with_source(alice, stage="encoding")
    refused = api.delete_as(f"/api/v1/videos/{transcoding.uuid}/source/file", root)
    assert refused.status == 409 and uploads_bucket.source_exists(str(transcoding.source_key))

    assert api.delete_as(path, root).status == 204
    assert not uploads_bucket.source_exists(str(video.source_key))
    source = api.get_as(f"/api/v1/videos/{video.uuid}/source", alice.token).json()
    assert source["inputFilename"] == "Holiday (final).MOV"
    assert source["fileDownloadUrl"] is None and source["size"] is None and source["resolution"]["id"] is None
    assert api.get_as(f"/download/original-video-files/{video.uuid}.mov", alice.token).status == 404
    assert (
        video_sources.ORIGINAL_NOT_FOUND
        in api.get_as(f"/download/original-video-files/{video.uuid}.mov", alice.token).json()["detail"]
    )
