"""PeerTube's remote runner protocol through the API function (moto): registration tokens,
runners, and runner jobs made from the pipeline's chunk steps, with their bad inputs."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from chalicelib.domain import runner_jobs, transcoding
from chalicelib.media.probe import MediaInfo
from chalicelib.store import uploads_bucket, videos
from chalicelib.store.models import Video
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.multipart_body import form_body
from tests.openapi import assert_conforms
from tests.video_seed import add_video

RUNNERS = "/api/v1/runners"
MP4 = b"\x00\x00\x00\x18ftypisom"  # the start of an MP4 (its file type box)
JOBS = f"{RUNNERS}/jobs"
SOURCE = MediaInfo(
    duration=10.0, width=426, height=240, fps=25.0, bitrate=400_000,
    video_codec="h264", audio_codec="aac", audio_bitrate=128_000,
)  # fmt: skip


@pytest.fixture
def root(api: ApiClient) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def _registration_token(api: ApiClient, root: str) -> str:
    assert api.post_json(f"{RUNNERS}/registration-tokens/generate", {}, token=root).status == 204
    listed = api.get_as(f"{RUNNERS}/registration-tokens?sort=-createdAt", root).json()
    return str(listed["data"][0]["registrationToken"])


def _register(api: ApiClient, root: str, name: str = "gpu-box") -> str:
    answer = api.post_json(f"{RUNNERS}/register", {"registrationToken": _registration_token(api, root), "name": name})
    assert answer.status == 200, answer.body
    return str(answer.json()["runnerToken"])


def _enable_runners(api: ApiClient, root: str, **extra: Any) -> None:
    document = api.get_as("/api/v1/config/custom", root).json()
    changed = copy.deepcopy(document)
    changed["transcoding"]["remoteRunners"] = {"enabled": True, "cirrusChunks": True, **extra}
    assert api.put_json("/api/v1/config/custom", changed, token=root).status == 200


def _encoding_video() -> tuple[Video, list[transcoding.Step]]:
    video = add_video(1, 1, "For runners", stage="uploaded", state=2, published_at=None)
    video.source_key = f"videos/{video.uuid}/clip.mp4"
    video.save()
    planned = transcoding.start(video, SOURCE, hls_name=str(uuid.uuid4()), chunk_length=4.0)
    assert planned
    return videos.get_video(int(video.id)) or video, planned


def _send(planned: list[transcoding.Step]) -> None:
    from functions.transcoder.handler import send_steps

    send_steps(planned)


def _accept(api: ApiClient, runner: str, job_uuid: str) -> ApiResponse:
    return api.post_json(f"{JOBS}/{job_uuid}/accept", {"runnerToken": runner})


def _success(api: ApiClient, runner: str, job: dict[str, Any], data: bytes | None) -> ApiResponse:
    fields = {"runnerToken": runner, "jobToken": str(job["jobToken"])}
    body, content_type = form_body(fields, {"payload[videoFile]": data} if data is not None else {})
    return api.request("POST", f"{JOBS}/{job['uuid']}/success", body=body, headers={"Content-Type": content_type})


def test_registration_tokens_and_runners_as_peertube_has_them(api: ApiClient, root: str, people: Any) -> None:
    alice: Member = people["alice"]
    assert api.post_json(f"{RUNNERS}/registration-tokens/generate", {}, token=alice.token).status == 403
    assert api.post_json(f"{RUNNERS}/registration-tokens/generate", {}).status == 401
    token = _registration_token(api, root)
    assert token.startswith("ptrrt-")
    listed = api.get_as(f"{RUNNERS}/registration-tokens", root).json()
    assert listed["total"] == 1 and listed["data"][0]["registeredRunnersCount"] == 0
    assert_conforms("RunnerRegistrationToken", listed["data"][0])

    refused = api.post_json(f"{RUNNERS}/register", {"registrationToken": "ptrrt-nope", "name": "x"})
    assert refused.status == 404
    assert api.post_json(f"{RUNNERS}/register", {"registrationToken": token}).status == 400
    registered = api.post_json(f"{RUNNERS}/register", {"registrationToken": token, "name": "box", "description": "d"})
    assert registered.status == 200
    runner_token = registered.json()["runnerToken"]
    assert runner_token.startswith("ptrt-") and isinstance(registered.json()["id"], int)
    again = api.post_json(f"{RUNNERS}/register", {"registrationToken": token, "name": "box"})
    assert again.status == 400

    runners = api.get_as(RUNNERS, root).json()
    assert runners["total"] == 1
    assert {k: runners["data"][0][k] for k in ("name", "description", "ip")} == {
        "name": "box", "description": "d", "ip": "203.0.113.7",
    }  # fmt: skip
    assert_conforms("Runner", runners["data"][0])
    assert api.get_as(RUNNERS, alice.token).status == 403
    assert api.get_as(f"{RUNNERS}/registration-tokens", root).json()["data"][0]["registeredRunnersCount"] == 1

    assert api.post_json(f"{JOBS}/request", {"runnerToken": runner_token}).json() == {"availableJobs": []}
    unknown = api.post_json(f"{JOBS}/request", {"runnerToken": "ptrt-unknown"})
    assert unknown.status == 404
    assert api.post_json(f"{RUNNERS}/unregister", {"runnerToken": runner_token}).status == 204
    assert api.post_json(f"{JOBS}/request", {"runnerToken": runner_token}).status == 404

    second = api.post_json(f"{RUNNERS}/register", {"registrationToken": token, "name": "other"})
    token_id = api.get_as(f"{RUNNERS}/registration-tokens", root).json()["data"][0]["id"]
    assert api.delete_as(f"{RUNNERS}/registration-tokens/{token_id}", root).status == 204
    assert api.post_json(f"{JOBS}/request", {"runnerToken": second.json()["runnerToken"]}).status == 404
    assert api.get_as(RUNNERS, root).json()["total"] == 0
    assert api.delete_as(f"{RUNNERS}/registration-tokens/{token_id}", root).status == 404


def test_without_remote_runners_every_step_goes_to_lambda(api: ApiClient, root: str) -> None:
    runner = _register(api, root)
    _, planned = _encoding_video()
    _send(planned)
    assert api.post_json(f"{JOBS}/request", {"runnerToken": runner}).json() == {"availableJobs": []}


def test_chunk_steps_become_jobs_one_runner_each_and_results_count(api: ApiClient, root: str) -> None:
    _enable_runners(api, root)
    runner, other = _register(api, root, "one"), _register(api, root, "two")
    video, planned = _encoding_video()
    chunk_steps = [s for s in planned if s.kind == transcoding.CHUNK]
    assert len(chunk_steps) >= 2
    _send(planned)
    _send(planned)  # sent again (a redelivery, the sweeper): the same jobs, not new ones

    offered = api.post_json(f"{JOBS}/request", {"runnerToken": runner, "jobTypes": ["vod-hls-transcoding"]}).json()
    jobs = offered["availableJobs"]
    assert len(jobs) == len(chunk_steps)
    assert {j["type"] for j in jobs} == {"vod-hls-transcoding"}
    first = jobs[0]
    assert first["payload"]["input"]["videoFileUrl"].endswith(f"/files/videos/{video.uuid}/max-quality")
    assert "videoFileCustomUpload" not in first["payload"]["output"]  # only for the runner that accepts
    none_of_them = api.post_json(f"{JOBS}/request", {"runnerToken": runner, "jobTypes": ["video-transcription"]})
    assert none_of_them.json() == {"availableJobs": []}
    assert api.post_json(f"{JOBS}/request", {"runnerToken": runner, "jobTypes": ["nope"]}).status == 400

    accepted = _accept(api, runner, first["uuid"])
    assert accepted.status == 200, accepted.body
    job = accepted.json()["job"]
    assert job["jobToken"].startswith("ptrjt-") and job["state"] == {"id": 2, "label": "Processing"}
    upload = job["payload"]["output"]["videoFileCustomUpload"]
    assert upload["method"] == "PUT" and f"/work/{video.uuid}/runner/{first['uuid']}/1/videoFile.mp4?" in upload["url"]
    taken = _accept(api, other, first["uuid"])
    assert (taken.status, taken.json()["code"]) == (409, "runner_job_not_in_pending_state")
    assert len(api.post_json(f"{JOBS}/request", {"runnerToken": other}).json()["availableJobs"]) == len(jobs) - 1

    _input_and_progress(api, runner, other, job, video)

    # Success from another runner, or without a result, changes nothing.
    assert _success(api, other, job, MP4).status == 404
    assert _success(api, runner, job, None).status == 400
    assert _success(api, runner, job, b"#EXTM3U\n#EXT-X-ENDLIST\n").status == 400  # not an MP4
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner_jobs.files, "MAX_RESULT_BYTES", 20)
        assert _success(api, runner, job, MP4 + b"more than twenty bytes").status == 413
    assert _success(api, runner, job, MP4 + b"first chunk").status == 204
    assert _success(api, runner, job, MP4).status == 400  # no longer processing
    step = _chunk_of(first["uuid"])
    assert uploads_bucket.read_work_file(video.uuid, _chunk_name(step)) == MP4 + b"first chunk"
    assert step.name in (videos.get_video(int(video.id)).done_steps or ())  # type: ignore[union-attr]

    # The second through the custom upload URL: the file itself, PUT as Cirrus's runner does.
    second = _accept(api, other, jobs[1]["uuid"]).json()["job"]
    put = requests.put(second["payload"]["output"]["videoFileCustomUpload"]["url"], data=MP4 + b"uploaded", timeout=30)
    assert put.status_code == 200, put.text
    assert _success(api, other, second, None).status == 204
    assert uploads_bucket.work_file_size(video.uuid, f"runner/{second['uuid']}/1/videoFile.mp4") is None  # moved
    assert uploads_bucket.read_work_file(video.uuid, _chunk_name(_chunk_of(second["uuid"]))) == MP4 + b"uploaded"

    listed = api.get_as(f"{JOBS}?stateOneOf=3", root).json()
    for listed_job in listed["data"]:
        # PeerTube sends null for a job that has none (its behaviour wins over the file).
        assert_conforms("RunnerJobAdmin", listed_job, known_deviations=("runner/description",))
    assert listed["total"] == 2 and {j["runner"]["name"] for j in listed["data"]} == {"one", "two"}
    assert listed["data"][0]["privatePayload"]["videoUUID"] == video.uuid


def _chunk_of(job_uuid: str) -> transcoding.Step:
    from chalicelib.store import runners as runners_store

    stored = runners_store.get_job(job_uuid)
    assert stored is not None
    return transcoding.Step.from_message(stored.private_payload["step"])


def _chunk_name(step: transcoding.Step) -> str:
    return transcoding.chunk_work_name(int(step.resolution or 0), int(step.chunk or 0))


def test_by_default_each_rendition_is_one_peertube_job_whose_result_counts_its_chunks(
    api: ApiClient, root: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.store import realtime

    pushed: list[str] = []
    monkeypatch.setattr(realtime, "publish_to_runners", pushed.append)
    _enable_runners(api, root, cirrusChunks=False)  # PeerTube's field alone
    runner = _register(api, root)
    video, planned = _encoding_video()
    chunk_steps = [s for s in planned if s.kind == transcoding.CHUNK]
    resolutions = sorted({int(s.resolution or 0) for s in chunk_steps})
    assert len(chunk_steps) > len(resolutions) >= 2
    _send(planned)
    assert pushed == ["available-jobs"]  # PeerTube's runner asks when told (socket.io /runners)
    _send(planned)  # sent again: the same jobs
    assert pushed == ["available-jobs"]

    # PeerTube's runner names no type (or every type it has): it gets them.
    jobs = api.post_json(f"{JOBS}/request", {"runnerToken": runner}).json()["availableJobs"]
    assert sorted(j["payload"]["output"]["resolution"] for j in jobs) == resolutions
    first = next(j for j in jobs if j["payload"]["output"]["resolution"] == resolutions[0])
    assert first["type"] == "vod-hls-transcoding"
    assert first["payload"]["output"] == {"resolution": resolutions[0], "fps": 25, "separatedAudio": False}
    job = _accept(api, runner, first["uuid"]).json()["job"]
    # Its two files may go to S3 (below); PeerTube's 0.0.x runners send them in the body.
    uploads = {k: v["method"] for k, v in job["payload"]["output"].items() if k.endswith("CustomUpload")}
    assert uploads == {"videoFileCustomUpload": "PUT", "resolutionPlaylistFileCustomUpload": "PUT"}

    def success(files: dict[str, bytes]) -> ApiResponse:
        body, content_type = form_body({"runnerToken": runner, "jobToken": str(job["jobToken"])}, files)
        return api.request("POST", f"{JOBS}/{job['uuid']}/success", body=body, headers={"Content-Type": content_type})

    playlist = b"#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-ENDLIST\n"
    assert success({"payload[videoFile]": MP4}).status == 400  # no playlist
    assert success({"payload[videoFile]": b"not a video", "payload[resolutionPlaylistFile]": playlist}).status == 400
    assert success({"payload[videoFile]": MP4, "payload[resolutionPlaylistFile]": b"<html>"}).status == 400
    assert not set(videos.get_video(int(video.id)).done_steps or ()) - {"original", "audio", "images"}  # type: ignore[union-attr]
    assert success({"payload[videoFile]": MP4 + b"whole", "payload[resolutionPlaylistFile]": playlist}).status == 204
    assert success({"payload[videoFile]": MP4, "payload[resolutionPlaylistFile]": playlist}).status == 400  # done

    name = transcoding.rendition_work_name(resolutions[0])
    assert uploads_bucket.read_work_file(video.uuid, name) == MP4 + b"whole"
    done = set(videos.get_video(int(video.id)).done_steps or ())  # type: ignore[union-attr]
    assert done == {s.name for s in chunk_steps if s.resolution == resolutions[0]}

    # Its error puts it back for another runner, who is told.
    other_job = next(j for j in jobs if j["uuid"] != first["uuid"])
    second = _accept(api, runner, other_job["uuid"]).json()["job"]
    tokens = {"runnerToken": runner, "jobToken": second["jobToken"]}
    assert api.post_json(f"{JOBS}/{second['uuid']}/error", {**tokens, "message": "ffmpeg died"}).status == 204
    assert pushed == ["available-jobs"] * 2


def _form_put(url: str, data: bytes, filename: str = "out.mp4", part: str = "file") -> None:
    """A custom upload as PeerTube's runner sends it: PUT, multipart/form-data, one `file`
    part. S3 keeps such a body as it came; moto keeps only the part's content, so the
    object is then set to what S3 would hold (the body, sent as bytes: moto keeps those)."""
    from urllib.parse import urlsplit

    from chalicelib import aws

    request = requests.Request("PUT", url, files={part: (filename, data, "application/octet-stream")}).prepare()
    with requests.Session() as session:
        put = session.send(request, timeout=60)
    assert put.status_code == 200, put.text
    address = urlsplit(url)
    bucket, key = address.netloc.split(".", 1)[0], address.path.lstrip("/")
    aws.s3().put_object(Bucket=bucket, Key=key, Body=request.body)  # type: ignore[arg-type]


def test_a_rendition_uploaded_as_peertube_runner_sends_it_is_unwrapped_checked_and_kept(
    api: ApiClient, root: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _enable_runners(api, root, cirrusChunks=False)
    runner, other = _register(api, root, "one"), _register(api, root, "two")
    video, planned = _encoding_video()
    _send(planned)
    offered = api.post_json(f"{JOBS}/request", {"runnerToken": runner}).json()["availableJobs"]
    first = min(offered, key=lambda j: j["payload"]["output"]["resolution"])
    resolution = int(first["payload"]["output"]["resolution"])
    stale = _accept(api, runner, first["uuid"]).json()["job"]
    playlist = b"#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-ENDLIST\n"

    def success(runner_token: str, job: dict[str, Any]) -> ApiResponse:
        body, content_type = form_body({"runnerToken": runner_token, "jobToken": str(job["jobToken"])}, {})
        return api.request("POST", f"{JOBS}/{job['uuid']}/success", body=body, headers={"Content-Type": content_type})

    def uploaded(attempt: int) -> set[str]:
        names = (f"runner/{first['uuid']}/{attempt}/{f}" for f in ("videoFile.mp4", "resolutionPlaylistFile.m3u8"))
        return {name for name in names if uploads_bucket.work_file_size(video.uuid, name) is not None}

    # Success claimed with nothing uploaded: 400, and the job stays the runner's.
    assert success(runner, stale).status == 400
    # The runner stalls; the job goes to another, whose URLs are its own attempt's.
    assert runner_jobs.sweep_stalled(datetime.now(UTC) + timedelta(seconds=121)) == 1
    job = _accept(api, other, first["uuid"]).json()["job"]
    urls = {k: v["url"] for k, v in job["payload"]["output"].items() if k.endswith("CustomUpload")}
    assert f"/runner/{first['uuid']}/2/videoFile.mp4?" in urls["videoFileCustomUpload"]
    # The first runner comes back late: it writes where nobody reads, and its success is refused.
    _form_put(stale["payload"]["output"]["videoFileCustomUpload"]["url"], MP4 + b"stale")
    _form_put(stale["payload"]["output"]["resolutionPlaylistFileCustomUpload"]["url"], playlist, "out.m3u8")
    assert success(runner, stale).status == 404
    assert success(other, job).status == 400  # the stale attempt's files are not this one's
    assert uploaded(1) == {
        f"runner/{first['uuid']}/1/videoFile.mp4",
        f"runner/{first['uuid']}/1/resolutionPlaylistFile.m3u8",
    }

    # Not a video, too large, or not a form with one `file` part: 400, the object deleted.
    _form_put(urls["resolutionPlaylistFileCustomUpload"], playlist, "out.m3u8")
    _form_put(urls["videoFileCustomUpload"], b"<html>not a video</html>")
    refused = success(other, job)
    assert (refused.status, refused.json()["detail"]) == (400, "payload[videoFile] is not an MP4 file.")
    assert uploaded(2) == {f"runner/{first['uuid']}/2/resolutionPlaylistFile.m3u8"}
    _form_put(urls["videoFileCustomUpload"], MP4 + b"x" * 64)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner_jobs.files, "MAX_WHOLE_RESULT_BYTES", 32)
        assert success(other, job).status == 400
    assert uploaded(2) == {f"runner/{first['uuid']}/2/resolutionPlaylistFile.m3u8"}
    _form_put(urls["videoFileCustomUpload"], MP4, part="video")  # not PeerTube's `file` part
    assert "cannot be read" in success(other, job).json()["detail"]
    assert uploaded(2) == {f"runner/{first['uuid']}/2/resolutionPlaylistFile.m3u8"}
    assert not set(videos.get_video(int(video.id)).done_steps or ()) - {"original", "audio", "images"}  # type: ignore[union-attr]

    # The rendition, larger than API Gateway's 10 MB: unwrapped inside S3 (a ranged multipart
    # copy, here in 5 MB parts, S3's smallest), kept, counted.
    rendition = MP4 + bytes(range(256)) * (11 * 4096)
    _form_put(urls["videoFileCustomUpload"], rendition)
    monkeypatch.setattr(uploads_bucket, "COPY_PART_BYTES", 5 * 1024 * 1024)
    assert success(other, job).status == 204
    assert uploads_bucket.read_work_file(video.uuid, transcoding.rendition_work_name(resolution)) == rendition
    assert uploaded(2) == set()
    done = set(videos.get_video(int(video.id)).done_steps or ())  # type: ignore[union-attr]
    assert done >= {s.name for s in planned if s.kind == transcoding.CHUNK and s.resolution == resolution}
    tokens = {"runnerToken": other, "jobToken": job["jobToken"]}
    late = api.post_json(f"{JOBS}/{first['uuid']}/update", {**tokens, "progress": 99})
    assert (late.status, late.json()["code"]) == (400, "runner_job_not_in_processing_state")


def _input_and_progress(api: ApiClient, runner: str, other: str, job: dict[str, Any], video: Video) -> None:
    # The input: a redirect to S3, for the runner holding the job only.
    tokens = {"runnerToken": runner, "jobToken": job["jobToken"]}
    source = api.post_json(f"{JOBS}/{job['uuid']}/files/videos/{video.uuid}/max-quality", tokens)
    assert source.status == 302 and "Signature=" in source.headers["location"]
    stolen = {"runnerToken": other, "jobToken": job["jobToken"]}
    assert api.post_json(f"{JOBS}/{job['uuid']}/files/videos/{video.uuid}/max-quality", stolen).status == 404

    assert api.post_json(f"{JOBS}/{job['uuid']}/update", {**tokens, "progress": 50}).status == 204
    assert api.post_json(f"{JOBS}/{job['uuid']}/update", {**tokens, "progress": 500}).status == 400
    wrong = {"runnerToken": runner, "jobToken": "ptrjt-wrong"}
    assert api.post_json(f"{JOBS}/{job['uuid']}/update", wrong).status == 404


def test_a_stalled_job_goes_back_to_pending_and_its_old_token_is_refused(api: ApiClient, root: str) -> None:
    _enable_runners(api, root)
    runner, other = _register(api, root, "one"), _register(api, root, "two")
    _, planned = _encoding_video()
    _send(planned)
    first = api.post_json(f"{JOBS}/request", {"runnerToken": runner}).json()["availableJobs"][0]
    job = _accept(api, runner, first["uuid"]).json()["job"]
    later = datetime.now(UTC) + timedelta(seconds=60)
    assert runner_jobs.sweep_stalled(later) == 0  # two minutes, PeerTube's
    assert runner_jobs.sweep_stalled(later + timedelta(seconds=61)) == 1
    tokens = {"runnerToken": runner, "jobToken": job["jobToken"]}
    assert api.post_json(f"{JOBS}/{first['uuid']}/update", tokens).status == 404
    assert _accept(api, other, first["uuid"]).status == 200


def test_five_errors_fail_the_job_and_the_video_abort_does_not_count(api: ApiClient, root: str) -> None:
    _enable_runners(api, root)
    runner = _register(api, root)
    video, planned = _encoding_video()
    _send(planned)
    job_uuid = api.post_json(f"{JOBS}/request", {"runnerToken": runner}).json()["availableJobs"][0]["uuid"]
    job = _accept(api, runner, job_uuid).json()["job"]
    aborted = api.post_json(f"{JOBS}/{job_uuid}/abort", {"runnerToken": runner, "jobToken": job["jobToken"]})
    assert aborted.status == 400  # a reason is required
    body = {"runnerToken": runner, "jobToken": job["jobToken"], "reason": "shutting down"}
    assert api.post_json(f"{JOBS}/{job_uuid}/abort", body).status == 204
    for attempt in range(5):
        job = _accept(api, runner, job_uuid).json()["job"]
        failed = {"runnerToken": runner, "jobToken": job["jobToken"], "message": f"ffmpeg died {attempt}"}
        assert api.post_json(f"{JOBS}/{job_uuid}/error", failed).status == 204
    listed = api.get_as(f"{JOBS}?stateOneOf=4", root).json()["data"]
    assert [(j["uuid"], j["failures"], j["error"]) for j in listed] == [(job_uuid, 5, "ffmpeg died 4")]
    current = videos.get_video(int(video.id))
    assert current is not None and current.stage == "failed"
    assert "remote runners" in str(current.failure)


def test_administrators_cancel_and_delete_jobs(api: ApiClient, root: str, people: Any) -> None:
    _enable_runners(api, root)
    runner = _register(api, root)
    video, planned = _encoding_video()
    _send(planned)
    jobs = api.post_json(f"{JOBS}/request", {"runnerToken": runner}).json()["availableJobs"]
    assert api.post_json(f"{JOBS}/{jobs[0]['uuid']}/cancel", {}, token=people["alice"].token).status == 403
    assert api.post_json(f"{JOBS}/{jobs[0]['uuid']}/cancel", {}, token=root).status == 204
    assert api.post_json(f"{JOBS}/{jobs[0]['uuid']}/cancel", {}, token=root).status == 400
    assert _accept(api, runner, jobs[0]["uuid"]).status == 409
    assert videos.get_video(int(video.id)).stage == "failed"  # type: ignore[union-attr]
    assert api.delete_as(f"{JOBS}/{jobs[1]['uuid']}", root).status == 204
    assert api.delete_as(f"{JOBS}/{jobs[1]['uuid']}", root).status == 404
    # The video failed with the cancelled job: its other jobs are nobody's to take.
    assert _accept(api, runner, jobs[2]["uuid"]).status == 409
    left = api.get_as(f"{JOBS}?stateOneOf=6", root).json()["data"]
    assert {j["uuid"] for j in left} == {jobs[0]["uuid"], jobs[2]["uuid"]}
    assert api.post_json(f"{JOBS}/not-a-uuid/accept", {"runnerToken": runner}).status == 404
    assert json.loads(api.get_as(f"{JOBS}?stateOneOf=42", root).body)["status"] == 400


def _queued_steps() -> list[dict[str, Any]]:
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.store import queues

    url = queues.queue_url(get_settings().queues.transcode)
    bodies: list[dict[str, Any]] = []
    while messages := aws.sqs().receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        bodies += [json.loads(m["Body"]) for m in messages]
        for message in messages:
            aws.sqs().delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def test_with_a_lambda_fallback_jobs_no_runner_took_go_to_the_transcoder(api: ApiClient, root: str) -> None:
    document = api.get_as("/api/v1/config/custom", root).json()
    document["transcoding"]["remoteRunners"] = {"enabled": True, "lambdaFallbackSeconds": "soon"}
    assert api.put_json("/api/v1/config/custom", document, token=root).status == 400
    _enable_runners(api, root, lambdaFallbackSeconds=30)
    runner = _register(api, root)
    _, planned = _encoding_video()
    _send(planned)
    assert {step["kind"] for step in _queued_steps()} == {"audio", "images"}
    jobs = api.post_json(f"{JOBS}/request", {"runnerToken": runner}).json()["availableJobs"]
    held = _accept(api, runner, jobs[0]["uuid"]).json()["job"]

    now = datetime.now(UTC)
    assert runner_jobs.fall_back_to_lambda(now) == []  # not yet
    taken = runner_jobs.fall_back_to_lambda(now + timedelta(seconds=31))
    assert len(taken) == len(jobs) - 1 and all(step.kind == transcoding.CHUNK for step in taken)
    assert _accept(api, runner, jobs[1]["uuid"]).status == 409  # Lambda's now
    tokens = {"runnerToken": runner, "jobToken": held["jobToken"]}
    assert api.post_json(f"{JOBS}/{held['uuid']}/update", tokens).status == 204  # the runner's still

    # Sent again (the sweeper), a step taken back goes to Lambda, one a runner holds does not.
    _send(planned)
    again = [step for step in _queued_steps() if step["kind"] == "chunk"]
    assert len(again) == len(taken)


def test_with_a_lambda_fallback_a_whole_rendition_no_runner_took_goes_back_as_its_chunk_steps(
    api: ApiClient, root: str
) -> None:
    _enable_runners(api, root, cirrusChunks=False, lambdaFallbackSeconds=30)
    runner = _register(api, root)
    _, planned = _encoding_video()
    _send(planned)
    _queued_steps()
    jobs = api.post_json(f"{JOBS}/request", {"runnerToken": runner}).json()["availableJobs"]
    held = _accept(api, runner, jobs[0]["uuid"]).json()["job"]
    held_resolution = held["payload"]["output"]["resolution"]

    taken = runner_jobs.fall_back_to_lambda(datetime.now(UTC) + timedelta(seconds=31))
    chunks = [s for s in planned if s.kind == transcoding.CHUNK]
    assert sorted(s.name for s in taken) == sorted(s.name for s in chunks if s.resolution != held_resolution)
    _send(planned)  # the sweeper: the held rendition stays the runner's, the others go to Lambda
    again = {step["resolution"] for step in _queued_steps() if step["kind"] == "chunk"}
    assert held_resolution not in again and again == {s.resolution for s in taken}


def test_a_step_sent_again_after_its_success_died_half_way_goes_to_lambda(api: ApiClient, root: str) -> None:
    _enable_runners(api, root)
    runner = _register(api, root)
    _, planned = _encoding_video()
    _send(planned)
    _queued_steps()
    jobs = api.post_json(f"{JOBS}/request", {"runnerToken": runner}).json()["availableJobs"]
    held = _accept(api, runner, jobs[0]["uuid"]).json()["job"]
    stored = runner_jobs.store.get_job(held["uuid"])
    assert stored is not None
    # The success moved it to completing, then its function died before counting the chunk.
    assert runner_jobs.store.move_job(
        stored, from_states=(runner_jobs.PROCESSING,), to_state=runner_jobs.COMPLETING, now=datetime.now(UTC)
    )
    _send(planned)  # the sweeper, hours later
    again = [transcoding.Step.from_message(step) for step in _queued_steps() if step["kind"] == "chunk"]
    assert [runner_jobs.job_uuid(step) for step in again] == [held["uuid"]]


def test_a_registered_runner_may_join_the_runners_namespace(api: ApiClient, root: str) -> None:
    """socket.io `/runners` (PeerTube's runner listens there for available-jobs) takes the
    token of a registered runner, once the realtime function has loaded."""
    import functions.realtime.handler  # noqa: F401  (it registers the lookup)
    from chalicelib.domain import realtime as rules
    from chalicelib.errors import UnauthorizedError

    token = _register(api, root, "listener")
    assert rules.runner_for_token(token) == "listener"
    for unknown in ("ptrt-unknown", "x" * 300):
        with pytest.raises(UnauthorizedError):
            rules.runner_for_token(unknown)
    assert api.post_json(f"{RUNNERS}/unregister", {"runnerToken": token}).status == 204
    with pytest.raises(UnauthorizedError):
        rules.runner_for_token(token)
