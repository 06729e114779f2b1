"""Captions larger than a PUT carries on AWS, sent straight to S3 with a presigned POST
(domain/caption_uploads.py): stored exactly as a PUT's, checked the same, refused above
PeerTube's 20 MB by S3's policy and again by the API. Over moto, through the API."""

from __future__ import annotations

from typing import Any

import requests

from chalicelib.domain import caption_uploads
from chalicelib.media import subtitles
from chalicelib.store import uploads_bucket
from tests.api_client import ApiClient, ApiResponse
from tests.integration.test_captions import _published
from tests.members import Member


def _srt(cues: int, text: str) -> bytes:
    def stamp(seconds: int) -> str:
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d},000"

    blocks = [f"{n + 1}\n{stamp(n)} --> {stamp(n + 1)}\n{text}\n" for n in range(cues)]
    return "\n".join(blocks).encode()


def _start(api: ApiClient, video: Any, language: str, token: str | None) -> ApiResponse:
    return api.request(
        "POST",
        f"/api/v1/videos/{video.uuid}/captions/{language}/upload-s3",
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )


def _post_to_s3(started: dict[str, Any], data: bytes) -> requests.Response:
    form = started["upload"]
    return requests.post(form["url"], data=form["fields"], files={"file": ("caption.srt", data)}, timeout=30)


def _complete(api: ApiClient, video: Any, language: str, upload_id: str, token: str | None) -> ApiResponse:
    path = f"/api/v1/videos/{video.uuid}/captions/{language}/upload-s3/{upload_id}/complete"
    return api.request("POST", path, headers={"Authorization": f"Bearer {token}"} if token else {})


def test_a_caption_larger_than_a_put_carries_on_aws_goes_through_s3(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = _published(alice)
    # 3,600 cues of long lines: about 5.6 MB, more than a multipart PUT carries on AWS.
    big = _srt(3600, "A long line of dialogue that goes on and on. " * 33)
    assert len(big) > caption_uploads.MULTIPART_CAP_ON_AWS
    started = _start(api, video, "en", alice.token)
    assert started.status == 200, started.body
    body = started.json()
    assert body["maxSize"] == subtitles.MAX_BYTES == 20 * 1024 * 1024
    posted = _post_to_s3(body, big)
    assert posted.status_code in (200, 204), posted.text
    done = _complete(api, video, "en", body["uploadId"], alice.token)
    assert done.status == 204, done.body
    (listed,) = api.get(f"/api/v1/videos/{video.uuid}/captions").json()["data"]
    assert listed["language"]["id"] == "en"
    stored = uploads_bucket.work_file_size(video.uuid, f"caption-en-{body['uploadId']}.upload")
    assert stored is None  # the upload went once read
    # Completing again finds nothing.
    assert _complete(api, video, "en", body["uploadId"], alice.token).status == 404


def test_uploads_are_checked_as_puts_are(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    video = _published(alice)
    assert _start(api, video, "en", None).status == 401
    assert _start(api, video, "en", bob.token).status == 403
    assert _start(api, video, "not-a-language", alice.token).status == 400
    body = _start(api, video, "fr", alice.token).json()
    # Not a caption: refused as a PUT of it is, and nothing is stored.
    assert _post_to_s3(body, b"\x00\x01binary" * 1000).status_code in (200, 204)
    refused = _complete(api, video, "fr", body["uploadId"], alice.token)
    assert refused.status == 400 and "captionfile" in refused.body.decode()
    assert api.get(f"/api/v1/videos/{video.uuid}/captions").json()["total"] == 0
    # Someone else's, an unknown or malformed id, another language.
    body = _start(api, video, "fr", alice.token).json()
    assert _post_to_s3(body, _srt(3, "Bonjour")).status_code in (200, 204)
    assert _complete(api, video, "fr", body["uploadId"], bob.token).status == 403
    assert _complete(api, video, "de", body["uploadId"], alice.token).status == 404
    assert _complete(api, video, "fr", "../../videos/x", alice.token).status in (400, 404)
    assert _complete(api, video, "fr", "0" * 32, alice.token).status == 404
    assert _complete(api, video, "fr", body["uploadId"], alice.token).status == 204
    assert api.get(f"/api/v1/videos/{video.uuid}/captions").json()["total"] == 1


def test_a_file_over_peertubes_cap_is_refused(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = _published(alice)
    body = _start(api, video, "en", alice.token).json()
    # Stored all the same (were S3's policy not to hold): the API refuses it too.
    uploads_bucket.put_work_file(video.uuid, f"caption-en-{body['uploadId']}.upload", b"1" * (subtitles.MAX_BYTES + 1))
    refused = _complete(api, video, "en", body["uploadId"], alice.token)
    assert refused.status == 413
    assert uploads_bucket.work_file_size(video.uuid, f"caption-en-{body['uploadId']}.upload") is None
