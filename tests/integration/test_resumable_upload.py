"""PeerTube's resumable upload protocol, over S3 multipart uploads."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD

MIB = 1024 * 1024
FILE = os.urandom(11 * MIB + 12345)
CHUNK = 4 * MIB


@pytest.fixture
def root(api: ApiClient) -> dict[str, Any]:
    token = api.login("root", ROOT_PASSWORD)["access_token"]
    channel = api.get_as("/api/v1/users/me", token).json()["videoChannels"][0]["id"]
    return {"token": token, "channel": channel}


def _init(api: ApiClient, root: dict[str, Any], size: int = len(FILE), **extra: Any) -> ApiResponse:
    body = {
        "name": "Resumed",
        "channelId": root["channel"],
        "filename": "big.mp4",
        "lastModified": 1700000000000,
        **extra,
    }
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {root['token']}",
        "X-Upload-Content-Length": str(size),
        "X-Upload-Content-Type": "video/mp4",
    }
    return api.request("POST", "/api/v1/videos/upload-resumable", body=json.dumps(body).encode(), headers=headers)


def _path(location: str) -> str:
    return "/" + location.split("//", 1)[1].split("/", 1)[1]


def test_a_file_arrives_in_chunks_and_resumes(api: ApiClient, root: dict[str, Any]) -> None:
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.store import videos

    started = _init(api, root)
    assert started.status == 201, started.body
    location = started.headers["location"]
    assert location.startswith("//") and "upload_id=" in location
    path = _path(location)

    def put(start: int, data: bytes) -> ApiResponse:
        headers = {
            "Content-Type": "application/octet-stream",
            "Authorization": f"Bearer {root['token']}",
            "Content-Range": f"bytes {start}-{start + len(data) - 1}/{len(FILE)}",
        }
        return api.request("PUT", path, body=data, headers=headers)

    first = put(0, FILE[:CHUNK])
    assert (first.status, first.headers["range"]) == (308, f"bytes=0-{CHUNK - 1}")
    assert put(0, FILE[:CHUNK]).status == 308  # the same chunk again changes nothing
    assert put(2 * CHUNK, FILE[2 * CHUNK : 3 * CHUNK]).status == 409  # a gap is refused

    again = _init(api, root)  # the client lost track: the same file resumes its upload
    assert (again.status, again.headers["range"], again.headers["location"]) == (200, f"bytes=0-{CHUNK - 1}", location)

    assert put(CHUNK, FILE[CHUNK : 2 * CHUNK]).status == 308
    done = put(2 * CHUNK, FILE[2 * CHUNK :])
    assert done.status == 200, done.body
    video = done.json()["video"]
    stored = videos.get_video(video["id"])
    assert stored is not None and stored.upload_id is None
    body = aws.s3().get_object(Bucket=get_settings().uploads_bucket, Key=stored.source_key)["Body"].read()
    assert body == FILE


def test_refusals(api: ApiClient, root: dict[str, Any]) -> None:
    missing = api.request(
        "POST",
        "/api/v1/videos/upload-resumable",
        body=b'{"name": "x", "channelId": 1, "filename": "a.mp4"}',
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {root['token']}"},
    )
    assert missing.status == 400
    assert "x-upload-content-length" in missing.json()["invalid-params"]
    assert _init(api, root, filename="").status == 400

    path = _path(_init(api, root, name="Second file").headers["location"])
    headers = {"Content-Type": "application/octet-stream", "Authorization": f"Bearer {root['token']}"}
    too_long = api.request(
        "PUT", path, body=b"x" * 10, headers={**headers, "Content-Range": f"bytes 0-9/{len(FILE) + 1}"}
    )
    assert too_long.status == 409
    no_range = api.request("PUT", path, body=b"x" * 10, headers=headers)
    assert no_range.status == 400
    unknown = api.request(
        "PUT",
        "/api/v1/videos/upload-resumable?upload_id=nope",
        body=b"x",
        headers={**headers, "Content-Range": "bytes 0-0/1"},
    )
    assert unknown.status == 404

    cancelled = api.request("DELETE", path, headers={"Authorization": f"Bearer {root['token']}"})
    assert cancelled.status == 204
    assert api.request("PUT", path, body=b"x", headers={**headers, "Content-Range": "bytes 0-0/1"}).status == 404
    assert api.request("DELETE", path, headers={"Authorization": f"Bearer {root['token']}"}).status == 204


def test_the_declared_size_counts_against_the_quota(api: ApiClient, root: dict[str, Any]) -> None:
    api.put_json("/api/v1/users/1", {"videoQuota": 1000}, root["token"])
    refused = _init(api, root, size=5000)
    assert (refused.status, refused.json()["code"]) == (413, "quota_reached")


def test_config_advertises_a_chunk_size_that_fits_lambda(api: ApiClient) -> None:
    config = api.get("/api/v1/config").json()
    assert config["client"]["videos"]["resumableUpload"]["maxChunkSize"] == 4 * MIB
