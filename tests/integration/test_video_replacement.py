"""Replacing a video's file (PeerTube's `/api/v1/videos/{id}/source/replace-resumable`): who
may, when, the quota, cancelling, and what the switch does to the video, its files and its
owner's quota. Over moto, through the API; the new file going through transcoding is
tests/e2e/test_replace_over_http.py."""

from __future__ import annotations

import json
import os

import pytest

from chalicelib import aws
from chalicelib.api.shapes import iso
from chalicelib.config import get_settings
from chalicelib.domain import video_replacements
from chalicelib.media import layout
from chalicelib.store import upload_sessions, users, videos
from chalicelib.store.models import User, Video
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.security.private_media_support import published_video

CUSTOM = "/api/v1/config/custom"
MIB = 1024 * 1024
NEW_FILE = os.urandom(6 * MIB + 4321)  # more than one S3 part
CHUNK = 4 * MIB
ORIGINAL = {"resolution": 240, "width": 426, "height": 240, "fps": 25, "size": 5}


@pytest.fixture
def root(api: ApiClient, people: dict[str, Member]) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def _enable(api: ApiClient, root: str, enabled: bool = True) -> None:
    document = api.get_as(CUSTOM, root).json()
    document["videoFile"]["update"]["enabled"] = enabled
    assert api.put_json(CUSTOM, document, root).status == 200


def _user_of(api: ApiClient, member: Member) -> User:
    user = users.get_user(int(api.get_as("/api/v1/users/me", member.token).json()["id"]))
    assert user is not None
    return user


def _published(api: ApiClient, owner: Member, stage: str = "done") -> Video:
    """A published video of `owner` with its source, an HLS file counted on its owner's quota."""
    video = published_video(owner)
    stored = videos.get_video(int(video.id))
    assert stored is not None
    stored.source_key = layout.source_key(video.uuid, "first.mp4")
    stored.input_filename = "first.mp4"
    stored.plan = {"original": ORIGINAL}
    stored.stage = stage
    stored.user_id = int(_user_of(api, owner).id)
    stored.info_hashes = {"a" * 40}
    stored.save()
    user = _user_of(api, owner)
    user.update(actions=[User.video_quota_used.set(videos.list_files(int(video.id))[0].size)])
    aws.s3().put_object(Bucket=get_settings().uploads_bucket, Key=stored.source_key, Body=b"old source")
    return stored


def _init(
    api: ApiClient,
    token: str,
    video: Video,
    size: int = len(NEW_FILE),
    name: str = "second.mp4",
    media_type: str = "video/mp4",
) -> ApiResponse:
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {token}",
        "X-Upload-Content-Length": str(size),
        "X-Upload-Content-Type": media_type,
    }
    body = json.dumps({"filename": name, "lastModified": 1700000000000}).encode()
    return api.request("POST", f"/api/v1/videos/{video.uuid}/source/replace-resumable", body=body, headers=headers)


def _put(api: ApiClient, token: str, location: str, start: int, data: bytes, total: int = len(NEW_FILE)) -> ApiResponse:
    path = "/" + location.split("//", 1)[1].split("/", 1)[1]
    headers = {
        "Content-Type": "application/octet-stream",
        "Authorization": f"Bearer {token}",
        "Content-Range": f"bytes {start}-{start + len(data) - 1}/{total}",
    }
    return api.request("PUT", path, body=data, headers=headers)


def _media_keys(video: Video) -> set[str]:
    bucket = get_settings().media_bucket
    listed = aws.s3().list_objects_v2(Bucket=bucket, Prefix=layout.hls_key(video.uuid, ""))
    return {item["Key"] for item in listed.get("Contents", [])}


def test_a_replaced_file_switches_the_video_once_it_has_fully_arrived(
    api: ApiClient, people: dict[str, Member], root: str
) -> None:
    alice = people["alice"]
    video = _published(api, alice)
    old_objects = _media_keys(video)
    assert old_objects  # its HLS files
    _enable(api, root)

    started = _init(api, alice.token, video)
    assert started.status == 201, started.body
    location = started.headers["location"]
    assert f"/api/v1/videos/{video.uuid}/source/replace-resumable?upload_id=" in location
    first = _put(api, alice.token, location, 0, NEW_FILE[:CHUNK])
    assert (first.status, first.headers["range"]) == (308, f"bytes=0-{CHUNK - 1}")
    # Until the last byte, the video plays from its old files.
    during = api.get(f"/api/v1/videos/{video.uuid}").json()
    assert during["state"]["id"] == 1 and during["streamingPlaylists"][0]["files"]
    assert _media_keys(video) == old_objects
    again = _init(api, alice.token, video)  # the client lost track: the same file resumes
    assert (again.status, again.headers["range"], again.headers["location"]) == (200, f"bytes=0-{CHUNK - 1}", location)

    done = _put(api, alice.token, location, CHUNK, NEW_FILE[CHUNK:])
    assert done.status == 200, done.body
    source = done.json()
    assert source["inputFilename"] == "second.mp4"

    stored = videos.get_video(int(video.id))
    assert stored is not None
    assert (stored.stage, stored.state, stored.input_filename) == ("uploaded", 2, "second.mp4")
    assert stored.source_key != video.source_key and stored.input_file_updated_at is not None
    assert source["createdAt"] == iso(stored.input_file_updated_at)
    uploads = aws.s3()
    body = uploads.get_object(Bucket=get_settings().uploads_bucket, Key=str(stored.source_key))["Body"].read()
    assert body == NEW_FILE
    old_source = uploads.list_objects_v2(Bucket=get_settings().uploads_bucket, Prefix=str(video.source_key))
    assert old_source.get("KeyCount") == 0  # the old source went
    assert _media_keys(video) == set()  # and every old HLS object
    assert videos.list_files(int(video.id)) == [] and stored.info_hashes is None
    shown = api.get_as(f"/api/v1/videos/{video.uuid}", alice.token).json()
    assert shown["state"]["id"] == 2 and shown["inputFileUpdatedAt"] is not None
    assert shown["streamingPlaylists"] == []
    # The quota: the old file is no longer used, the new one is reserved until published.
    owner = _user_of(api, alice)
    assert (int(owner.video_quota_used), int(owner.video_quota_reserved or 0)) == (0, len(NEW_FILE))
    assert stored.quota_reserved == len(NEW_FILE)
    # Being transcoded, it cannot be replaced again (PeerTube: 409).
    assert _init(api, alice.token, stored, name="third.mp4").status == 409


def test_refusals(api: ApiClient, people: dict[str, Member], root: str) -> None:
    alice, bob = people["alice"], people["bob"]
    video = _published(api, alice)
    refused = _init(api, alice.token, video)
    assert refused.status == 403  # PeerTube's default: off
    assert refused.json()["detail"] == video_replacements.DISABLED
    _enable(api, root)
    assert _init(api, bob.token, video).status == 403  # not his video
    assert _init(api, people["mod"].token, video).status == 201  # UPDATE_ANY_VIDEO
    assert api.request("POST", f"/api/v1/videos/{video.uuid}/source/replace-resumable").status == 401
    assert _init(api, alice.token, video, name="notes.txt", media_type="text/plain").status == 415
    missing = api.request(
        "POST",
        f"/api/v1/videos/{video.uuid}/source/replace-resumable",
        body=b"{}",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {alice.token}"},
    )
    assert missing.status == 400

    live = _published(api, alice, stage="live-ended")
    answer = _init(api, alice.token, live)
    assert (answer.status, answer.json()["detail"]) == (400, video_replacements.LIVE)
    encoding = _published(api, alice, stage="encoding")
    assert _init(api, alice.token, encoding).status == 409

    # A replacement's upload id is not an upload's.
    location = _init(api, alice.token, video, name="other.mp4").headers["location"]
    upload_id = location.split("upload_id=", 1)[1]
    headers = {"Authorization": f"Bearer {alice.token}", "Content-Range": "bytes 0-9/10"}
    plain = api.request(
        "PUT", f"/api/v1/videos/upload-resumable?upload_id={upload_id}", body=b"0" * 10, headers=headers
    )
    assert plain.status == 404
    assert _put(api, bob.token, location, 0, NEW_FILE[:CHUNK]).status == 403


def test_the_new_file_counts_against_the_owners_quota(api: ApiClient, people: dict[str, Member], root: str) -> None:
    alice = people["alice"]
    video = _published(api, alice)
    _enable(api, root)
    _user_of(api, alice).update(actions=[User.video_quota.set(len(NEW_FILE))])
    refused = _init(api, alice.token, video)
    assert refused.status == 413 and refused.json()["detail"] == "The user video quota is exceeded with this video"
    assert _init(api, alice.token, video, size=1000).status == 201


def test_a_cancelled_replacement_leaves_the_video_as_it_was(
    api: ApiClient, people: dict[str, Member], root: str
) -> None:
    alice = people["alice"]
    video = _published(api, alice)
    old_objects = _media_keys(video)
    _enable(api, root)
    location = _init(api, alice.token, video).headers["location"]
    assert _put(api, alice.token, location, 0, NEW_FILE[:CHUNK]).status == 308
    path = "/" + location.split("//", 1)[1].split("/", 1)[1]
    assert api.delete_as(path, people["bob"].token).status == 403
    assert api.delete_as(path, alice.token).status == 204
    assert upload_sessions.get_session(location.split("upload_id=", 1)[1]) is None
    assert _put(api, alice.token, location, CHUNK, NEW_FILE[CHUNK:]).status == 404
    stored = videos.get_video(int(video.id))
    assert stored is not None
    assert (stored.stage, stored.source_key, stored.input_file_updated_at) == ("done", video.source_key, None)
    assert _media_keys(video) == old_objects
    uploads = aws.s3().list_multipart_uploads(Bucket=get_settings().uploads_bucket)
    assert not [u for u in uploads.get("Uploads", []) if u["Key"].startswith(f"videos/{video.uuid}/")]
    assert api.delete_as(path, alice.token).status == 204  # already gone: fine
