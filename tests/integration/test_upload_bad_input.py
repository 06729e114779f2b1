"""Uploads that must be refused, each with PeerTube's status, leaving no video behind."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD


def _multipart(fields: dict[str, str], file: tuple[str, bytes, str] | None) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    if file is not None:
        filename, data, content_type = file
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="videofile"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def world(api: ApiClient) -> dict[str, Any]:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    api.post_json(
        "/api/v1/users",
        {"username": "uma", "password": "uma password", "email": "u@example.org", "role": 2, "videoQuota": 1000},
        root,
    )
    uma = api.login("uma", "uma password")["access_token"]
    channels = {
        name: api.get_as("/api/v1/users/me", token).json()["videoChannels"][0]["id"]
        for name, token in (("root", root), ("uma", uma))
    }
    return {"api": api, "tokens": {"root": root, "uma": uma}, "channels": channels}


def _legacy(
    world: dict[str, Any], who: str, fields: dict[str, str], file: tuple[str, bytes, str] | None
) -> ApiResponse:
    body, content_type = _multipart(fields, file)
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {world['tokens'][who]}"}
    return world["api"].request("POST", "/api/v1/videos/upload", body=body, headers=headers)


def _videos(world: dict[str, Any]) -> int:
    from chalicelib.store.models import Video

    return sum(1 for _ in Video.scan())


CLIP = ("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200, "video/mp4")


@pytest.mark.parametrize(
    ("who", "fields", "file", "status", "expect"),
    [
        ("root", {"name": "Empty", "channelId": "{root}"}, ("e.mp4", b"", "video/mp4"), 400, "param=videofile"),
        ("root", {"name": "No file", "channelId": "{root}"}, None, 400, "param=videofile"),
        (
            "root",
            {"name": "A text", "channelId": "{root}"},
            ("notes.txt", b"hello", "text/plain"),
            415,
            "not supported",
        ),
        ("root", {"channelId": "{root}"}, CLIP, 400, "param=name"),
        ("root", {"name": "ab", "channelId": "{root}"}, CLIP, 400, "param=name"),
        ("root", {"name": "No channel"}, CLIP, 400, "param=channelId"),
        ("root", {"name": "Bad privacy", "channelId": "{root}", "privacy": "9"}, CLIP, 400, "param=privacy"),
        ("root", {"name": "Bad category", "channelId": "{root}", "category": "99"}, CLIP, 400, "param=category"),
        ("root", {"name": "Bad flag", "channelId": "{root}", "nsfw": "maybe"}, CLIP, 400, "param=nsfw"),
        ("root", {"name": "Unknown channel", "channelId": "99999"}, CLIP, 404, "Video channel not found"),
        ("uma", {"name": "Not my channel", "channelId": "{root}"}, CLIP, 403, "cannot manage this channel"),
        (
            "uma",
            {"name": "Too big for me", "channelId": "{uma}"},
            ("big.mp4", b"\x00" * 2000, "video/mp4"),
            413,
            "code=quota_reached",
        ),
    ],
)
def test_legacy_uploads_refused(
    world: dict[str, Any], who: str, fields: dict[str, str], file: Any, status: int, expect: str
) -> None:
    before = _videos(world)
    fields = {k: v.format(**world["channels"]) for k, v in fields.items()}
    response = _legacy(world, who, fields, file)
    assert response.status == status, response.body
    problem = response.json()
    kind, _, value = expect.partition("=")
    if kind == "param":
        assert value in problem["invalid-params"]
    elif kind == "code":
        assert problem["code"] == value
    else:
        assert expect in problem["detail"]
    assert _videos(world) == before


def _start(world: dict[str, Any], who: str, **overrides: Any) -> ApiResponse:
    body = {
        "name": "Direct",
        "channelId": world["channels"][who],
        "filename": "clip.mp4",
        "size": 500,
        "mimeType": "video/mp4",
        **overrides,
    }
    return world["api"].post_json("/api/v1/videos/upload-s3", body, world["tokens"][who])


@pytest.mark.parametrize(
    ("overrides", "status", "expect"),
    [
        ({"size": 0}, 400, "size"),
        ({"size": "big"}, 400, "size"),
        ({"filename": ""}, 400, "filename"),
        ({"mimeType": "application/pdf"}, 415, "not supported"),
        ({"size": 5000}, 413, "quota"),
    ],
)
def test_direct_uploads_refused_at_start(
    world: dict[str, Any], overrides: dict[str, Any], status: int, expect: str
) -> None:
    before = _videos(world)
    response = _start(world, "uma", **overrides)
    assert response.status == status, response.body
    assert expect in str(response.json())
    assert _videos(world) == before


def test_a_real_size_over_quota_is_refused_after_upload(world: dict[str, Any]) -> None:
    import requests  # noqa: F401  (parts go to S3; moto intercepts in-process)

    from chalicelib import aws

    started = _start(world, "uma", size=500).json()
    upload, video = started["upload"], started["video"]
    # The client lies about the size: 1,500 bytes against a quota of 1,000.
    s3 = aws.s3()
    from chalicelib.config import get_settings
    from chalicelib.store import videos as store

    stored = store.get_video(video["id"])
    assert stored is not None
    part = s3.upload_part(
        Bucket=get_settings().uploads_bucket,
        Key=stored.source_key,
        UploadId=upload["uploadId"],
        PartNumber=1,
        Body=b"\x00" * 1500,
    )
    response = world["api"].post_json(
        f"/api/v1/videos/upload-s3/{video['id']}/complete",
        {"parts": [{"partNumber": 1, "etag": part["ETag"]}]},
        world["tokens"]["uma"],
    )
    assert (response.status, response.json()["code"]) == (413, "quota_reached")
    assert store.get_video(video["id"]) is None
    assert s3.list_objects_v2(Bucket=get_settings().uploads_bucket, Prefix=stored.source_key).get("KeyCount", 0) == 0


def test_wrong_parts_and_cancel(world: dict[str, Any]) -> None:
    started = _start(world, "uma").json()
    video_id = started["video"]["id"]
    wrong = world["api"].post_json(
        f"/api/v1/videos/upload-s3/{video_id}/complete",
        {"parts": [{"partNumber": 1, "etag": '"nope"'}]},
        world["tokens"]["uma"],
    )
    assert wrong.status == 400
    stranger = world["api"].delete_as(f"/api/v1/videos/upload-s3/{video_id}", world["tokens"]["root"]).status
    assert stranger == 204  # an administrator may remove any video
    assert world["api"].get_as(f"/api/v1/videos/{video_id}", world["tokens"]["uma"]).status == 404


def test_private_videos_are_hidden(world: dict[str, Any]) -> None:
    started = _start(world, "uma", privacy=3).json()["video"]
    api = world["api"]
    assert api.get(f"/api/v1/videos/{started['uuid']}").status == 401
    assert api.get_as(f"/api/v1/videos/{started['shortUUID']}", world["tokens"]["uma"]).status == 200
    assert api.get("/api/v1/videos/not-an-id").status == 400
    assert api.get("/api/v1/videos/9c9de5e8-0a1e-44df-a3a4-d0ba2c3e7a1c").status == 404


def test_a_file_larger_than_s3_allows_is_refused(world: dict[str, Any]) -> None:
    response = _start(world, "root", size=6 * 1024**4)
    assert (response.status, response.json()["code"]) == (413, "max_file_size_reached")


def test_completing_without_a_parts_list_uses_what_s3_holds(world: dict[str, Any]) -> None:
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.store import videos as store

    started = _start(world, "uma", size=600).json()
    upload, video = started["upload"], started["video"]
    empty = world["api"].post_json(f"/api/v1/videos/upload-s3/{video['id']}/complete", {}, world["tokens"]["uma"])
    assert empty.status == 400 and "no part was uploaded" in empty.json()["detail"]
    stored = store.get_video(video["id"])
    assert stored is not None and stored.upload_id == upload["uploadId"]  # still waiting for its parts

    bucket = get_settings().uploads_bucket
    aws.s3().upload_part(
        Bucket=bucket, Key=stored.source_key, UploadId=upload["uploadId"], PartNumber=1, Body=b"\x01" * 600
    )
    done = world["api"].post_json(f"/api/v1/videos/upload-s3/{video['id']}/complete", {}, world["tokens"]["uma"])
    assert done.status == 200, done.body
    assert aws.s3().head_object(Bucket=bucket, Key=stored.source_key)["ContentLength"] == 600


def test_an_upload_resumes_with_the_parts_s3_holds(world: dict[str, Any]) -> None:
    from chalicelib import aws
    from chalicelib.api.uploads import MIN_PART_BYTES
    from chalicelib.config import get_settings
    from chalicelib.store import videos as store

    api, token = world["api"], world["tokens"]["root"]
    size = 2 * MIN_PART_BYTES + 1000  # parts of 8 MiB, 8 MiB and 1,000 bytes
    started = _start(world, "root", size=size).json()
    upload, video = started["upload"], started["video"]
    assert [p["partNumber"] for p in upload["parts"]] == [1, 2, 3]
    stored = store.get_video(video["id"])
    assert stored is not None
    s3, bucket = aws.s3(), get_settings().uploads_bucket
    for number, length in ((1, MIN_PART_BYTES), (2, 10), (3, 1000)):  # part 2 cut short
        s3.upload_part(
            Bucket=bucket, Key=stored.source_key, UploadId=upload["uploadId"], PartNumber=number, Body=b"\x02" * length
        )

    resumed = api.get_as(f"/api/v1/videos/upload-s3/{video['id']}", token)
    assert resumed.status == 200, resumed.body
    state = resumed.json()
    assert state["video"] == video
    assert {k: v for k, v in state["upload"].items() if k != "parts"} == {
        "uploadId": upload["uploadId"],
        "partSize": MIN_PART_BYTES,
        "size": size,
        "uploadedParts": [{"partNumber": 1, "size": MIN_PART_BYTES}, {"partNumber": 3, "size": 1000}],
    }
    assert [p["partNumber"] for p in state["upload"]["parts"]] == [2]
    assert "partNumber=2" in state["upload"]["parts"][0]["url"]

    s3.upload_part(
        Bucket=bucket,
        Key=stored.source_key,
        UploadId=upload["uploadId"],
        PartNumber=2,
        Body=b"\x02" * MIN_PART_BYTES,
    )
    assert api.get_as(f"/api/v1/videos/upload-s3/{video['id']}", token).json()["upload"]["parts"] == []
    done = api.post_json(f"/api/v1/videos/upload-s3/{video['id']}/complete", {}, token)
    assert done.status == 200, done.body
    assert s3.head_object(Bucket=bucket, Key=stored.source_key)["ContentLength"] == size


def test_resuming_refused(world: dict[str, Any]) -> None:
    from chalicelib.store import videos as store

    api = world["api"]
    root = world["tokens"]["root"]
    api.post_json(
        "/api/v1/users",
        {"username": "val", "password": "val password", "email": "v@example.org", "role": 2, "videoQuota": -1},
        root,
    )
    val = api.login("val", "val password")["access_token"]
    video = _start(world, "uma").json()["video"]
    finished = _start(world, "uma", size=300).json()
    from chalicelib import aws
    from chalicelib.config import get_settings

    finished_video = store.get_video(finished["video"]["id"])
    assert finished_video is not None
    aws.s3().upload_part(
        Bucket=get_settings().uploads_bucket,
        Key=finished_video.source_key,
        UploadId=finished["upload"]["uploadId"],
        PartNumber=1,
        Body=b"\x03" * 300,
    )
    assert (
        api.post_json(f"/api/v1/videos/upload-s3/{finished['video']['id']}/complete", {}, world["tokens"]["uma"]).status
        == 200
    )
    before = store.get_video(video["id"])
    assert before is not None

    cases = [
        (api.get(f"/api/v1/videos/upload-s3/{video['id']}"), 401, "Token is invalid"),
        (api.get_as(f"/api/v1/videos/upload-s3/{video['id']}", val), 403, "another user"),
        (api.get_as("/api/v1/videos/upload-s3/99999", val), 404, "Video not found"),
        (api.get_as("/api/v1/videos/upload-s3/not-an-id", val), 400, ""),
        (
            api.get_as(f"/api/v1/videos/upload-s3/{finished['video']['id']}", world["tokens"]["uma"]),
            409,
            "no upload in progress",
        ),
    ]
    for response, status, expect in cases:
        assert response.status == status, response.body
        assert response.content_type.startswith("application/problem+json")
        assert expect in str(response.json())
    after = store.get_video(video["id"])
    assert after is not None and after.upload_id == before.upload_id and after.updated_at == before.updated_at
