"""The studio's request and hand-over, over moto (domain/studio.py): a JSON edit without
files moves the video to TO_EDIT and queues its tasks; what the API refuses changes nothing;
the hand-over of the edited file gives back what publication counted and enters the video
in the pipeline again; a failed edit leaves the video published as it was. The ffmpeg work,
the file checks and the publication are the e2e test's (tests/e2e/test_studio_over_http.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.domain import studio, studio_results
from chalicelib.media import layout
from chalicelib.store import keys, queues, uploads_bucket, videos
from chalicelib.store.models import User, Video
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.multipart_body import form_body
from tests.queue_runner import drain
from tests.security.private_media_support import HLS_NAME, MEDIA_BYTES, published_video

SIZE = len(MEDIA_BYTES)


@pytest.fixture
def enabled(api: ApiClient) -> None:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["videoStudio"]["enabled"] = True
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200


def _video(api: ApiClient, owner: Member) -> Video:
    """A published 10 s video of `owner`, with its source, counted as publication counts."""
    video = published_video(owner)
    user_id = int(api.get_as("/api/v1/users/me", owner.token).json()["id"])
    stored = videos.get_video(int(video.id))
    assert stored is not None
    stored.user_id, stored.duration = user_id, 10
    stored.source_key = layout.source_key(video.uuid, "clip.mp4")
    stored.save()
    aws.s3().put_object(Bucket=get_settings().uploads_bucket, Key=stored.source_key, Body=b"source")
    User(keys.user_pk(user_id), keys.ENTITY_SK).update(actions=[User.video_quota_used.add(SIZE)])
    return stored


def _queued() -> list[dict[str, Any]]:
    url = queues.queue_url(get_settings().queues.transcode)
    messages = aws.sqs().receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def _edit(api: ApiClient, video: Video, token: str, tasks: Any) -> Any:
    return api.post_json(f"/api/v1/videos/{video.uuid}/studio/edit", {"tasks": tasks}, token)


def test_an_edit_without_files_is_queued_and_bad_ones_change_nothing(
    api: ApiClient, people: dict[str, Member], enabled: None
) -> None:
    alice = people["alice"]
    video = _video(api, alice)
    refused = [
        ([], 400),
        ([{"name": "cut", "options": {"start": 1}}] * 11, 400),
        ([{"name": "cut", "options": {}}], 400),
        ([{"name": "cut", "options": {"start": 4, "end": 4}}], 400),
        ([{"name": "cut", "options": {"end": 11}}], 400),
        ([{"name": "cut", "options": {"start": 1.5}}], 400),
        ([{"name": "remove-segments", "options": {"segments": []}}], 400),
        ([{"name": "remove-segments", "options": {"segments": [{"start": 1, "end": 2}] * 11}}], 400),
        ([{"name": "add-intro", "options": {}}], 400),  # no file
        ([{"name": "blur"}], 400),
    ]
    for tasks, status in refused:
        answer = _edit(api, video, alice.token, tasks)
        assert answer.status == status, (tasks, answer.body)
    assert _edit(api, video, people["bob"].token, [{"name": "cut", "options": {"start": 1}}]).status == 403
    stored = videos.get_video(int(video.id))
    assert stored is not None and (stored.stage, stored.state) == ("done", 1)
    assert _queued() == []

    tasks = [
        {"name": "cut", "options": {"start": 2}},
        {"name": "remove-segments", "options": {"segments": [{"start": "1", "end": "2"}]}},
    ]
    assert _edit(api, video, alice.token, tasks).status == 204
    stored = videos.get_video(int(video.id))
    assert stored is not None and (stored.stage, stored.state) == ("editing", 9)
    assert api.get_as(f"/api/v1/videos/{video.uuid}", alice.token).json()["state"] == {"id": 9, "label": "To edit"}
    assert _queued() == [
        {
            "kind": "studio-edit",
            "video": video.uuid,
            "tasks": [
                {"name": "cut", "options": {"start": 2, "end": 10}},
                {"name": "remove-segments", "options": {"segments": [[1, 2]]}},
            ],
        }
    ]
    busy = _edit(api, video, alice.token, tasks)
    assert busy.status == 409 and "already waiting" in busy.json()["detail"]


def _stats(api: ApiClient) -> tuple[int, int]:
    stats = api.get("/api/v1/server/stats").json()
    return int(stats["totalLocalVideos"]), int(stats["totalLocalVideoFilesSize"])


def test_the_hand_over_gives_back_what_publication_counted_and_a_failed_edit_changes_nothing(
    api: ApiClient, people: dict[str, Member], enabled: None
) -> None:
    alice = people["alice"]
    video = _video(api, alice)
    assert _edit(api, video, alice.token, [{"name": "cut", "options": {"start": 2}}]).status == 204
    editing = videos.get_video(int(video.id))
    assert editing is not None
    before = _stats(api)
    uploads_bucket.put_work_file(video.uuid, studio_results.RESULT_NAME, b"edited")

    studio.edited(editing)  # the transcoder's word, to the work function
    studio.edited(editing)  # twice: the second finds it handed over
    assert drain("work") == 2
    assert not studio.hand_over(editing)
    moved = videos.get_video(int(video.id))
    assert moved is not None
    assert (moved.stage, moved.state, moved.studio_edits) == ("uploaded", 2, 1)
    assert moved.source_key == layout.source_key(video.uuid, "studio-1.mp4")
    assert videos.list_files(int(video.id)) == []
    assert api.get_as("/api/v1/users/me/video-quota-used", alice.token).json()["videoQuotaUsed"] == 0
    assert _stats(api) == (before[0] - 1, before[1] - SIZE)
    bucket = get_settings().uploads_bucket
    assert aws.s3().get_object(Bucket=bucket, Key=moved.source_key)["Body"].read() == b"edited"
    assert not uploads_bucket.source_exists(layout.source_key(video.uuid, "clip.mp4"))
    media = aws.s3().list_objects_v2(Bucket=get_settings().media_bucket, Prefix="streaming-playlists/")
    assert not [o["Key"] for o in media.get("Contents", []) if HLS_NAME in o["Key"]]

    other = _video(api, alice)
    assert _edit(api, other, alice.token, [{"name": "cut", "options": {"start": 2}}]).status == 204
    failing = videos.get_video(int(other.id))
    assert failing is not None
    assert studio_results.give_up(failing, "ffmpeg said no")
    restored = videos.get_video(int(other.id))
    assert restored is not None and (restored.stage, restored.state) == ("done", 1)
    assert len(videos.list_files(int(other.id))) == 1


def test_with_studio_runners_an_edit_is_a_runner_job_whose_result_is_handed_over(
    api: ApiClient, people: dict[str, Member], enabled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.integration.test_runners import JOBS, MP4, _accept, _register, _success

    root = api.login("root", ROOT_PASSWORD)["access_token"]
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["videoStudio"]["remoteRunners"]["enabled"] = True
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200
    runner = _register(api, root)
    # The file check is the transcoder's (the e2e test's): here it passes.
    monkeypatch.setattr(studio, "verdict", lambda prepared: "")
    alice = people["alice"]
    video = _video(api, alice)
    body, content_type = _form(
        {"tasks[0][name]": "cut", "tasks[0][options][start]": "2", "tasks[1][name]": "add-watermark"},
        {"tasks[1][options][file]": b"\x89PNG mark"},
    )
    answer = api.request(
        "POST", f"/api/v1/videos/{video.uuid}/studio/edit", body=body,
        headers={"Content-Type": content_type, "Authorization": f"Bearer {alice.token}"},
    )  # fmt: skip
    assert answer.status == 204, answer.body
    assert [m["kind"] for m in _queued()] == ["studio-check"]  # no edit for the transcoder

    offered = api.post_json(f"{JOBS}/request", {"runnerToken": runner, "jobTypes": ["video-studio-transcoding"]})
    jobs = offered.json()["availableJobs"]
    assert [j["type"] for j in jobs] == ["video-studio-transcoding"]
    payload = jobs[0]["payload"]
    assert payload["input"]["videoFileUrl"].endswith(f"/files/videos/{video.uuid}/max-quality")
    cut, mark = payload["tasks"]
    assert cut == {"name": "cut", "options": {"start": 2, "end": 10}}
    assert mark["name"] == "add-watermark" and mark["options"]["watermarkSizeRatio"] == 0.1
    accepted = _accept(api, runner, jobs[0]["uuid"]).json()["job"]
    file_path = mark["options"]["file"].split("/api/v1/", 1)[1]
    form = {"runnerToken": runner, "jobToken": accepted["jobToken"]}
    fetched = api.post_json(f"/api/v1/{file_path}", form)
    assert fetched.status == 302 and "studio" in fetched.headers["location"]
    assert api.post_json(f"/api/v1/{file_path}-other", form).status == 404

    assert _success(api, runner, accepted, MP4).status == 204
    assert drain("work") == 1
    moved = videos.get_video(int(video.id))
    assert moved is not None and (moved.stage, moved.studio_edits) == ("uploaded", 1)
    bucket = get_settings().uploads_bucket
    assert aws.s3().get_object(Bucket=bucket, Key=str(moved.source_key))["Body"].read() == MP4


def _form(fields: dict[str, str], files: dict[str, bytes]) -> tuple[bytes, str]:
    return form_body(fields, files, "mark.png", "image/png")


def test_save_as_new_video_edits_into_a_copy_which_goes_if_the_edit_fails(
    api: ApiClient, people: dict[str, Member], enabled: None
) -> None:
    alice = people["alice"]
    video = _video(api, alice)
    tasks = [{"name": "cut", "options": {"start": 2}}]
    bad = api.post_json(
        f"/api/v1/videos/{video.uuid}/studio/edit", {"tasks": tasks, "saveAsNewVideo": "maybe"}, alice.token
    )
    assert bad.status == 400
    answer = api.post_json(
        f"/api/v1/videos/{video.uuid}/studio/edit", {"tasks": tasks, "saveAsNewVideo": True}, alice.token
    )
    assert answer.status == 204, answer.body
    original = videos.get_video(int(video.id))
    assert original is not None and (original.stage, original.state) == ("done", 1)
    [message] = _queued()
    assert message["video"] == video.uuid and message["target"] != video.uuid
    copy = videos.find_video_by_uuid(message["target"])
    assert copy is not None and (copy.stage, copy.state, copy.name) == ("editing", 9, original.name)
    assert (copy.channel_id, copy.user_id, copy.published_at) == (original.channel_id, original.user_id, None)
    before = _stats(api)

    assert studio_results.give_up(copy, "ffmpeg said no")
    assert drain("work") == 1
    assert videos.find_video_by_uuid(copy.uuid) is None
    assert videos.get_video(int(video.id)) is not None
    assert _stats(api) == before


def test_the_sweeper_gives_up_an_edit_stuck_in_editing_and_errors_its_runner_job(
    api: ApiClient, people: dict[str, Member], enabled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta

    from chalicelib.store import runners
    from functions.transcoder.sweeper import sweep
    from tests.integration.test_runners import JOBS, _accept, _register

    root = api.login("root", ROOT_PASSWORD)["access_token"]
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["videoStudio"]["remoteRunners"]["enabled"] = True
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200
    runner = _register(api, root)
    alice = people["alice"]
    video = _video(api, alice)
    assert _edit(api, video, alice.token, [{"name": "cut", "options": {"start": 2}}]).status == 204
    offered = api.post_json(f"{JOBS}/request", {"runnerToken": runner, "jobTypes": ["video-studio-transcoding"]})
    job_uuid = offered.json()["availableJobs"][0]["uuid"]
    assert _accept(api, runner, job_uuid).status == 200
    # The runner goes silent and nothing hands the edit over: the video stays editing.
    assert sweep(datetime.now(UTC)) == {}  # not stalled yet
    assert drain("work") == 0
    later = datetime.now(UTC) + timedelta(seconds=get_settings().transcoding_stall_seconds + 60)
    assert sweep(later) == {"abandoned": 1}
    assert drain("work") == 1
    back = videos.get_video(int(video.id))
    assert back is not None and (back.stage, int(back.state)) == ("done", 1)  # published as it was
    job = runners.get_job(job_uuid)
    assert job is not None and int(job.state) == runners.ERRORED
    assert job.error == "The edit did not finish in time"
    # Off the sweeper's list: a later sweep finds nothing.
    assert sweep(later + timedelta(hours=3)) == {}
    # The video may be edited again.
    assert _edit(api, video, alice.token, [{"name": "cut", "options": {"start": 1}}]).status == 204


def test_two_edits_of_one_video_keep_to_their_own_files(
    api: ApiClient, people: dict[str, Member], enabled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(studio, "verdict", lambda prepared: "")  # the transcoder's check: passed
    alice = people["alice"]
    video = _video(api, alice)

    def edit(fields: dict[str, str]) -> Any:
        body, content_type = _form(
            {"tasks[0][name]": "cut", "tasks[0][options][start]": "2", "tasks[1][name]": "add-watermark", **fields},
            {"tasks[1][options][file]": b"\x89PNG mark"},
        )
        headers = {"Content-Type": content_type, "Authorization": f"Bearer {alice.token}"}
        return api.request("POST", f"/api/v1/videos/{video.uuid}/studio/edit", body=body, headers=headers)

    def task_files() -> list[str]:
        listed = aws.s3().list_objects_v2(Bucket=get_settings().uploads_bucket, Prefix=f"work/{video.uuid}/studio/")
        return sorted(item["Key"] for item in listed.get("Contents", []))

    # A saveAsNewVideo edit waits for the transcoder; the video stays published, so an edit
    # of the video itself may start meanwhile: each has its own folder.
    assert edit({"saveAsNewVideo": "true"}).status == 204
    copy_edit = next(m for m in _queued() if m.get("kind") == "studio-edit")
    [copy_file] = task_files()
    assert edit({}).status == 204
    in_place = next(m for m in _queued() if m.get("kind") == "studio-edit" and "target" not in m)
    files = task_files()
    assert len(files) == 2 and copy_file in files
    # A third edit while the video is being edited: PeerTube's 409, nothing stored.
    busy = edit({})
    assert busy.status == 409, busy.body
    assert busy.json()["detail"] == "Cannot edit video that is already waiting for transcoding/edition"
    assert len(task_files()) == 2

    # The in-place edit fails: the video is back, and only its own files went.
    editing = videos.get_video(int(video.id))
    assert editing is not None
    uploads_bucket.put_work_file(video.uuid, studio_results.RESULT_NAME, b"half an edit")
    assert studio_results.give_up(editing, "ffmpeg said no", in_place["tasks"])
    assert task_files() == [copy_file]
    assert uploads_bucket.work_file_size(video.uuid, studio_results.RESULT_NAME) is None
    restored = videos.get_video(int(video.id))
    assert restored is not None and (restored.stage, int(restored.state)) == ("done", 1)
    assert copy_edit["tasks"][1]["options"]["file"] == copy_file.split(f"work/{video.uuid}/", 1)[1]


def test_a_studio_file_too_large_for_a_request_goes_through_s3_and_is_taken_as_a_forms(
    api: ApiClient, people: dict[str, Member], enabled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import requests

    from chalicelib.domain import studio_uploads

    checked: list[Any] = []

    def verdict(prepared: Any) -> str:
        checked.append(prepared)
        return ""  # the transcoder's probe (the e2e test's): here it passes

    monkeypatch.setattr(studio, "verdict", verdict)
    alice, bob = people["alice"], people["bob"]
    video = _video(api, alice)
    start = f"/api/v1/videos/{video.uuid}/studio/upload-s3"
    assert api.post_json(start, {"task": "add-intro"}, bob.token).status == 403  # not bob's video
    assert api.post_json(start, {"task": "cut"}, alice.token).status == 400  # cut takes no file
    started = api.post_json(start, {"task": "add-intro"}, alice.token)
    assert started.status == 200, started.body
    body = started.json()
    assert body["maxSize"] == studio_uploads.MAX_BYTES["add-intro"] and body["expiresIn"] == 3600
    intro = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 12 * 1024 * 1024  # larger than a request carries
    form = body["upload"]
    posted = requests.post(form["url"], data=form["fields"], files={"file": ("intro.mp4", intro)}, timeout=60)
    assert posted.status_code in (200, 204), posted.text

    tasks: list[dict[str, Any]] = [{"name": "add-intro", "options": {"fileUploadId": "0" * 32}}]
    unknown = _edit(api, video, alice.token, tasks)
    assert unknown.status == 400 and "not found" in unknown.json()["detail"]
    # Another task than the one it was posted for: not found either.
    wrong = _edit(api, video, alice.token, [{"name": "add-outro", "options": {"fileUploadId": body["uploadId"]}}])
    assert wrong.status == 400
    # The quota counts it as a form's file.
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    alice_id = int(api.get_as("/api/v1/users/me", alice.token).json()["id"])
    assert api.put_json(f"/api/v1/users/{alice_id}", {"videoQuota": SIZE + len(intro) // 2}, root).status == 204
    tasks = [{"name": "add-intro", "options": {"fileUploadId": body["uploadId"]}}]
    over = _edit(api, video, alice.token, tasks)
    assert over.status == 413, over.body
    assert api.put_json(f"/api/v1/users/{alice_id}", {"videoQuota": -1}, root).status == 204
    assert videos.get_video(int(video.id)).stage == "done"  # type: ignore[union-attr]

    answer = _edit(api, video, alice.token, tasks)
    assert answer.status == 204, answer.body
    [prepared] = checked[-1:]
    [message] = [m for m in _queued() if m.get("kind") == "studio-edit"]
    name = message["tasks"][0]["options"]["file"]
    assert name.startswith(prepared.folder) and name.endswith("0-add-intro")
    bucket = get_settings().uploads_bucket
    moved = aws.s3().get_object(Bucket=bucket, Key=layout.work_key(video.uuid, name))["Body"].read()
    assert moved == intro
    # The upload served once: it is gone.
    assert uploads_bucket.work_file_size(video.uuid, studio_uploads.work_name("add-intro", body["uploadId"])) is None
