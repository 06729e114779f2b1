"""Automatic transcription through the API (moto): `POST .../captions/generate` with
PeerTube's statuses, the `video-transcription` runner job (offered only to runners that ask
for it, its sound input, its success storing an automatically generated caption in the master
playlist and setting the video's language), failures that leave the video alone, and the
upload's automatic transcription."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import pytest
import requests

from chalicelib import aws as aws_clients
from chalicelib.config import get_settings
from chalicelib.domain import transcriptions
from chalicelib.errors import ValidationError
from chalicelib.media import layout
from chalicelib.store import keys, videos
from chalicelib.store.models import Video, VideoFile
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.openapi import assert_conforms
from tests.queue_runner import drain
from tests.video_seed import add_video

RUNNERS = "/api/v1/runners"
JOBS = f"{RUNNERS}/jobs"
PREFIX = "f00dfeed01"
VTT = b"WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nHello there\n\n00:00:02.500 --> 00:00:04.000\nGeneral\n"
SOURCE = {
    "duration": 10.0, "width": 426, "height": 240, "fps": 25.0, "bitrate": 400_000,
    "video_codec": "h264", "audio_codec": "aac", "audio_bitrate": 128_000,
}  # fmt: skip


@pytest.fixture
def root(api: ApiClient) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def _enable(api: ApiClient, root: str, *, runners: bool = False) -> None:
    document = copy.deepcopy(api.get_as("/api/v1/config/custom", root).json())
    document["videoTranscription"] = {"enabled": True, "remoteRunners": {"enabled": runners}}
    assert api.put_json("/api/v1/config/custom", document, token=root).status == 200


def _published(owner: Member, *, audio: bool = True, **fields: Any) -> Video:
    """A published video with an audio-only rendition and a 240p one (items and the audio file)."""
    plan = {"source": {**SOURCE, "audio_codec": "aac" if audio else None}, "renditions": [], "chunks": []}
    video = add_video(owner.account_id, owner.channel_id, "Spoken", hls_prefix=PREFIX, plan=plan, **fields)
    for resolution in (0, 240) if audio else (240,):
        videos.save_file(
            VideoFile(
                keys.video_pk(int(video.id)),
                keys.video_file_sk(resolution),
                video_id=int(video.id),
                resolution=resolution,
                width=426 if resolution else 0,
                height=resolution,
                fps=25 if resolution else 0,
                size=1000,
                duration=10,
                bandwidth=100_000,
                codecs="mp4a.40.2" if not resolution else "avc1.64001f",
                playlist_name=f"{PREFIX}-{resolution}.m3u8",
                media_name=f"{PREFIX}-{resolution}-fragmented.mp4",
            )
        )
    audio_key = layout.hls_key(video.uuid, f"{PREFIX}-0-fragmented.mp4")
    aws_clients.s3().put_object(Bucket=get_settings().media_bucket, Key=audio_key, Body=b"sound")
    return video


def _generate(api: ApiClient, video: Any, token: str | None, body: dict[str, Any] | None = None) -> ApiResponse:
    path = f"/api/v1/videos/{video.uuid}/captions/generate"
    if body is not None:
        return api.post_json(path, body, token=token)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return api.request("POST", path, headers=headers)


def _register(api: ApiClient, root: str, name: str = "whisper-box") -> str:
    assert api.post_json(f"{RUNNERS}/registration-tokens/generate", {}, token=root).status == 204
    token = api.get_as(f"{RUNNERS}/registration-tokens?sort=-createdAt", root).json()["data"][0]["registrationToken"]
    answer = api.post_json(f"{RUNNERS}/register", {"registrationToken": token, "name": name})
    return str(answer.json()["runnerToken"])


def _jobs(api: ApiClient, root: str) -> list[dict[str, Any]]:
    return list(api.get_as(f"{JOBS}?count=100", root).json()["data"])


def _success(api: ApiClient, runner: str, job: dict[str, Any], language: str, vtt: bytes | None) -> ApiResponse:
    boundary = "cirrus-transcription"
    fields = {"runnerToken": runner, "jobToken": str(job["jobToken"]), "payload[inputLanguage]": language}
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    if vtt is not None:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="payload[vttFile]"; filename="a.vtt"\r\n'
        parts.append(head.encode() + b"Content-Type: text/vtt\r\n\r\n" + vtt + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    return api.request("POST", f"{JOBS}/{job['uuid']}/success", body=body, headers=headers)


def _take(api: ApiClient, runner: str) -> dict[str, Any]:
    offered = api.post_json(f"{JOBS}/request", {"runnerToken": runner, "jobTypes": ["video-transcription"]})
    jobs = offered.json()["availableJobs"]
    assert len(jobs) == 1, jobs
    accepted = api.post_json(f"{JOBS}/{jobs[0]['uuid']}/accept", {"runnerToken": runner})
    assert accepted.status == 200, accepted.body
    return dict(accepted.json()["job"])


def test_generate_answers_with_peertube_statuses(api: ApiClient, root: str, people: Any) -> None:
    alice, bob = people["alice"], people["bob"]
    video = _published(alice)
    disabled = _generate(api, video, alice.token)
    assert disabled.status == 400
    assert disabled.json()["detail"] == "Video transcription is disabled on this instance"
    assert api.get("/api/v1/config").json()["videoTranscription"] == {
        "enabled": False, "remoteRunners": {"enabled": False},
    }  # fmt: skip

    _enable(api, root)
    # The deployment's engine is runners (the local default): runner jobs, whatever the setting.
    assert api.get("/api/v1/config").json()["videoTranscription"] == {
        "enabled": True, "remoteRunners": {"enabled": True},
    }  # fmt: skip
    assert _generate(api, video, None).status == 401
    assert _generate(api, video, alice.token, {"forceTranscription": "maybe"}).status == 400
    assert _generate(api, Video(uuid=str(uuid.uuid4())), alice.token).status == 404
    assert _generate(api, Video(uuid="not-a-video"), alice.token).status == 400
    assert _generate(api, video, bob.token).status == 403
    remote = add_video(alice.account_id, alice.channel_id, "Far away", is_local=False)
    far = _generate(api, remote, root)
    assert far.status == 400 and far.json()["detail"] == "Cannot run transcription job on a remote video"

    silent = _published(alice, audio=False)
    assert _generate(api, silent, alice.token).status == 204  # PeerTube: nothing to do, no job
    assert _jobs(api, root) == []

    assert _generate(api, video, alice.token).status == 204
    (job,) = _jobs(api, root)
    assert job["type"] == "video-transcription" and job["state"]["id"] == 1
    assert job["priority"] == 200 and job["privatePayload"] == {"videoUUID": video.uuid}
    assert job["payload"]["input"]["videoFileUrl"].endswith(f"/files/videos/{video.uuid}/max-quality/audio")
    busy = _generate(api, video, alice.token)
    assert busy.status == 409 and busy.json()["code"] == "video_already_being_transcribed"
    forced_by_owner = _generate(api, video, alice.token, {"forceTranscription": True})
    assert forced_by_owner.status == 403 and forced_by_owner.json()["detail"] == "Only admins can force transcription"

    assert _generate(api, video, root, {"forceTranscription": True}).status == 204
    states = {j["uuid"]: j["state"]["id"] for j in _jobs(api, root)}
    assert states[job["uuid"]] == 6 and sorted(states.values()) == [1, 6]  # the old one cancelled

    captioned = _published(alice)
    document = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nSalut\n"
    boundary = "b0undary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="captionfile"; filename="c.vtt"\r\n'
            "Content-Type: text/vtt\r\n\r\n"
        ).encode()
        + document
        + f"\r\n--{boundary}--\r\n".encode()
    )
    put = api.request(
        "PUT",
        f"/api/v1/videos/{captioned.uuid}/captions/fr",
        body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {alice.token}"},
    )
    assert put.status == 204
    already = _generate(api, captioned, alice.token)
    assert already.status == 400 and already.json()["detail"] == "This video already has captions"


def test_a_runner_transcribes_and_the_caption_is_stored_as_generated(api: ApiClient, root: str, people: Any) -> None:
    alice = people["alice"]
    _enable(api, root)
    runner = _register(api, root)
    video = _published(alice, language=None)
    assert _generate(api, video, alice.token).status == 204

    # Not offered to a runner that did not name the type (it may have no Whisper engine).
    assert api.post_json(f"{JOBS}/request", {"runnerToken": runner}).json() == {"availableJobs": []}
    hls_only = api.post_json(f"{JOBS}/request", {"runnerToken": runner, "jobTypes": ["vod-hls-transcoding"]})
    assert hls_only.json() == {"availableJobs": []}
    job = _take(api, runner)
    upload = job["payload"]["output"]["vttFileCustomUpload"]  # PeerTube's field: the WebVTT may go to S3
    assert job["payload"] == {"input": {"videoFileUrl": job["payload"]["input"]["videoFileUrl"]}, "output": {
        "vttFileCustomUpload": {"url": upload["url"], "method": "PUT"}
    }}  # fmt: skip

    tokens = {"runnerToken": runner, "jobToken": job["jobToken"]}
    audio_route = f"{JOBS}/{job['uuid']}/files/videos/{video.uuid}/max-quality/audio"
    assert api.post_json(audio_route, {"runnerToken": runner}).status == 400  # no job token
    assert api.post_json(audio_route, {"runnerToken": runner, "jobToken": "ptrjt-wrong"}).status == 404
    found = api.post_json(audio_route, tokens)
    assert found.status == 302
    location = urlparse(found.headers["location"])
    assert location.path.endswith(f"/{video.uuid}/{PREFIX}-0-fragmented.mp4")  # the sound only

    assert _success(api, runner, job, "en", None).status == 400
    assert _success(api, runner, job, "en", b"\x00\x01 not a caption").status == 400
    assert _success(api, runner, job, "", VTT).status == 400
    assert api.get(f"/api/v1/videos/{video.uuid}/captions").json()["total"] == 0  # nothing stored yet

    # Through the upload URL: an unreadable file is refused and deleted; the caption is taken.
    assert requests.put(upload["url"], data=b"\x00\x01 not a caption", timeout=30).status_code == 200
    assert _success(api, runner, job, "en", None).status == 400
    assert _success(api, runner, job, "en", None).json()["detail"].startswith("No result")  # deleted
    assert requests.put(upload["url"], data=VTT, timeout=30).status_code == 200
    assert _success(api, runner, job, "en", None).status == 204
    listed = api.get(f"/api/v1/videos/{video.uuid}/captions").json()
    assert listed["total"] == 1
    caption = listed["data"][0]
    assert caption["language"] == {"id": "en", "label": "English"} and caption["automaticallyGenerated"] is True
    assert_conforms("VideoCaption", caption)
    assert api.get(f"/api/v1/videos/{video.uuid}").json()["language"]["id"] == "en"  # it had none
    master = (
        aws_clients.s3()
        .get_object(Bucket=get_settings().media_bucket, Key=layout.hls_key(video.uuid, f"{PREFIX}-master.m3u8"))["Body"]
        .read()
        .decode()
    )
    assert "TYPE=SUBTITLES" in master and 'LANGUAGE="en"' in master
    assert _success(api, runner, job, "en", VTT).status == 400  # once
    drain("work")  # the owner's notification (PeerTube's MY_VIDEO_TRANSCRIPTION_GENERATED)
    notified = api.get_as("/api/v1/users/me/notifications?count=100", alice.token).json()["data"]
    generated = [n for n in notified if n["type"] == 22]
    assert len(generated) == 1
    assert generated[0]["videoCaption"]["language"] == {"id": "en", "label": "English"}
    assert generated[0]["videoCaption"]["video"]["uuid"] == video.uuid
    assert_conforms("Notification", generated[0])
    assert (videos.get_video(int(video.id)) or video).transcription_job is None
    assert {j["uuid"]: j["state"]["id"] for j in _jobs(api, root)}[job["uuid"]] == 3

    again = _generate(api, video, alice.token)
    assert again.status == 400 and again.json()["detail"] == "This video already has captions"


def test_a_transcription_keeps_the_language_set_and_an_uploaded_caption(api: ApiClient, root: str, people: Any) -> None:
    alice = people["alice"]
    _enable(api, root)
    runner = _register(api, root)
    video = _published(alice, language="fr")
    assert _generate(api, video, alice.token).status == 204
    job = _take(api, runner)
    # Someone uploads an English caption while the runner works: the transcription, in
    # English too, does not replace it (PeerTube's rule), and the video stays French.
    boundary = "b0undary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="captionfile"; filename="c.vtt"\r\n'
            "Content-Type: text/vtt\r\n\r\n"
        ).encode()
        + b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nBy hand\n"
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {alice.token}"}
    assert api.request("PUT", f"/api/v1/videos/{video.uuid}/captions/en", body=body, headers=headers).status == 204
    assert _success(api, runner, job, "en", VTT).status == 204
    (caption,) = api.get(f"/api/v1/videos/{video.uuid}/captions").json()["data"]
    assert caption["automaticallyGenerated"] is False
    assert api.get(f"/api/v1/videos/{video.uuid}").json()["language"]["id"] == "fr"


def test_a_failed_transcription_leaves_the_video_alone(api: ApiClient, root: str, people: Any) -> None:
    alice = people["alice"]
    _enable(api, root)
    runner = _register(api, root)
    video = _published(alice)
    assert _generate(api, video, alice.token).status == 204
    for _ in range(5):
        job = _take(api, runner)
        body = {"runnerToken": runner, "jobToken": job["jobToken"], "message": "whisper crashed"}
        assert api.post_json(f"{JOBS}/{job['uuid']}/error", body).status == 204
    assert [j["state"]["id"] for j in _jobs(api, root)] == [4]  # errored
    shown = api.get(f"/api/v1/videos/{video.uuid}").json()
    assert shown["state"]["id"] == 1  # still published
    assert _generate(api, video, alice.token).status == 204  # and may be transcribed again

    # An administrator's cancel ends it the same way.
    pending = next(j for j in _jobs(api, root) if j["state"]["id"] == 1)
    assert api.post_json(f"{JOBS}/{pending['uuid']}/cancel", {}, token=root).status == 204
    assert api.get(f"/api/v1/videos/{video.uuid}").json()["state"]["id"] == 1
    assert _generate(api, video, alice.token).status == 204


def test_uploads_are_transcribed_unless_they_say_not_to(api: ApiClient, root: str, people: Any) -> None:
    alice = people["alice"]
    video = _published(alice)
    now = datetime.now(UTC)
    assert not transcriptions.start_after_upload(video, now)  # transcription is off
    _enable(api, root)
    assert transcriptions.start_after_upload(video, now)
    fresh = videos.get_video(int(video.id)) or video
    assert not transcriptions.start_after_upload(fresh, now)  # a redelivered publication: the same job
    assert len(_jobs(api, root)) == 1

    declined = _published(alice, generate_transcription=False)
    assert not transcriptions.start_after_upload(declined, now)
    assert len(_jobs(api, root)) == 1


def test_the_upload_form_reads_generate_transcription(api: ApiClient, people: Any) -> None:
    from chalicelib.domain.videos import read_form

    base = {"name": "Clip", "channelId": str(people["alice"].channel_id)}
    assert read_form(base).generate_transcription is True
    assert read_form({**base, "generateTranscription": "false"}).generate_transcription is False
    assert read_form({**base, "generateTranscription": True}).generate_transcription is True
    with pytest.raises(ValidationError):
        read_form({**base, "generateTranscription": "sometimes"})
