"""PeerTube's remote runner protocol (`/api/v1/runners`): registration tokens and runners
for administrators (MANAGE_RUNNERS), and the calls a runner makes with its runner token.

A runner's calls come as JSON or as multipart/form-data (the success call may carry files
as `payload[videoFile]`, ...); both are read the same way. Result files go to S3 over the
presigned URLs the accepted job names (PeerTube's `*CustomUpload` fields,
domain/runner_uploads.py), never through here for a runner that reads them: API Gateway
refuses bodies over 10 MB and Lambda over 6 MB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, media_type, multipart_form, pagination, source_ip
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import iso
from chalicelib.domain import runner_jobs, runners
from chalicelib.domain.roles import Right
from chalicelib.errors import ValidationError
from chalicelib.store import runners as runners_store

if TYPE_CHECKING:
    from chalice.app import Request

    from chalicelib.api.request import UploadedFile
    from chalicelib.store.models import Runner, RunnerJob, RunnerRegistrationToken

runners_api = ApiBlueprint(__name__)
# A runner sends JSON, or multipart/form-data when it carries files.
RUNNER_BODIES = ["application/json", "multipart/form-data"]


def _admin(path: str) -> Request:
    request = runners_api.current_request
    require_right(session(request), Right.MANAGE_RUNNERS, path)
    return request


def _body(request: Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    if media_type(request) == "multipart/form-data":
        return multipart_form(request)
    return json_object(request), {}


def _runner(request: Request) -> tuple[Runner, dict[str, Any], dict[str, UploadedFile]]:
    body, files = _body(request)
    runner = runners.authenticate(body)
    version = body.get("version") if isinstance(body.get("version"), str) else None
    runners.contact(runner, source_ip(request), runners.now(), version)
    return runner, body, files


# Registration tokens


@runners_api.route("/api/v1/runners/registration-tokens/generate", methods=["POST"])
def generate_registration_token() -> Response:
    _admin("/runners/registration-tokens/generate")
    runners.generate_registration_token(runners.now())
    return no_content()


@runners_api.route("/api/v1/runners/registration-tokens", methods=["GET"])
def list_registration_tokens() -> dict[str, Any]:
    request = _admin("/runners/registration-tokens")
    page = pagination(request, ("createdAt",), "createdAt")
    found = runners_store.list_registration_tokens(page.start, page.count, newest_first=page.sort.startswith("-"))
    counts: dict[int, int] = {}
    for runner in runners_store.list_runners(0, 1000, newest_first=False):
        counts[int(runner.registration_token_id)] = counts.get(int(runner.registration_token_id), 0) + 1
    return {
        "total": runners_store.count_registration_tokens(),
        "data": [_registration_json(item, counts.get(int(item.id), 0)) for item in found],
    }


@runners_api.route("/api/v1/runners/registration-tokens/{token_id}", methods=["DELETE"])
def delete_registration_token(token_id: str) -> Response:
    _admin(f"/runners/registration-tokens/{token_id}")
    runners.delete_registration_token(_id(token_id, "registrationTokenId"))
    return no_content()


def _registration_json(item: RunnerRegistrationToken, registered: int) -> dict[str, Any]:
    return {
        "id": int(item.id),
        "registrationToken": runners.registration_token_value(item),
        "createdAt": iso(item.created_at),
        "updatedAt": iso(item.updated_at),
        "registeredRunnersCount": registered,
    }


# Runners


@runners_api.route("/api/v1/runners/register", methods=["POST"], content_types=RUNNER_BODIES)
def register() -> dict[str, Any]:
    request = runners_api.current_request
    body, _ = _body(request)
    runner, token = runners.register(body, source_ip(request), runners.now())
    return {"id": int(runner.id), "runnerToken": token}


@runners_api.route("/api/v1/runners/unregister", methods=["POST"], content_types=RUNNER_BODIES)
def unregister() -> Response:
    runner, _, _ = _runner(runners_api.current_request)
    runners.unregister(runner)
    return no_content()


@runners_api.route("/api/v1/runners", methods=["GET"])
def list_runners() -> dict[str, Any]:
    request = _admin("/runners")
    page = pagination(request, ("createdAt",), "createdAt")
    found = runners_store.list_runners(page.start, page.count, newest_first=page.sort.startswith("-"))
    return {"total": runners_store.count_runners(), "data": [_runner_json(r) for r in found]}


@runners_api.route("/api/v1/runners/{runner_id}", methods=["DELETE"])
def delete_runner(runner_id: str) -> Response:
    _admin(f"/runners/{runner_id}")
    runners.delete_runner(_id(runner_id, "runnerId"))
    return no_content()


def _runner_json(runner: Runner) -> dict[str, Any]:
    return {
        "id": int(runner.id),
        "name": runner.name,
        "description": runner.description,
        "ip": runner.ip,
        "lastContact": iso(runner.last_contact),
        "version": runner.version,
        "createdAt": iso(runner.created_at),
        "updatedAt": iso(runner.updated_at),
    }


# Jobs: the runner's calls


@runners_api.route("/api/v1/runners/jobs/request", methods=["POST"], content_types=RUNNER_BODIES)
def request_jobs() -> dict[str, Any]:
    runner, body, _ = _runner(runners_api.current_request)
    return {"availableJobs": runner_jobs.request(runner, body)}


@runners_api.route("/api/v1/runners/jobs/{job_uuid}/accept", methods=["POST"], content_types=RUNNER_BODIES)
def accept_job(job_uuid: str) -> dict[str, Any]:
    runner, _, _ = _runner(runners_api.current_request)
    job, token = runner_jobs.accept(runner, job_uuid, runners.now())
    return {"job": {**job_json(job), "payload": runner_jobs.accepted_payload(job), "jobToken": token}}


@runners_api.route("/api/v1/runners/jobs/{job_uuid}/update", methods=["POST"], content_types=RUNNER_BODIES)
def update_job(job_uuid: str) -> Response:
    runner, body, _ = _runner(runners_api.current_request)
    if isinstance(body.get("progress"), str) and body["progress"].isdigit():
        body["progress"] = int(body["progress"])  # a multipart field
    runner_jobs.update(runner, job_uuid, body, runners.now())
    return no_content()


@runners_api.route("/api/v1/runners/jobs/{job_uuid}/success", methods=["POST"], content_types=RUNNER_BODIES)
def job_success(job_uuid: str) -> Response:
    runner, body, files = _runner(runners_api.current_request)
    video_file, vtt_file = files.get("payload[videoFile]"), files.get("payload[vttFile]")
    playlist, sheet = files.get("payload[resolutionPlaylistFile]"), files.get("payload[storyboardFile]")
    result = runner_jobs.Result(
        video_file.data if video_file is not None else None,
        vtt_file.data if vtt_file is not None else None,
        playlist.data if playlist is not None else None,
        sheet.data if sheet is not None else None,
    )
    runner_jobs.success(runner, job_uuid, body, result, runners.now())
    return no_content()


@runners_api.route("/api/v1/runners/jobs/{job_uuid}/error", methods=["POST"], content_types=RUNNER_BODIES)
def job_error(job_uuid: str) -> Response:
    runner, body, _ = _runner(runners_api.current_request)
    runner_jobs.error(runner, job_uuid, body, runners.now())
    return no_content()


@runners_api.route("/api/v1/runners/jobs/{job_uuid}/abort", methods=["POST"], content_types=RUNNER_BODIES)
def job_abort(job_uuid: str) -> Response:
    runner, body, _ = _runner(runners_api.current_request)
    runner_jobs.abort(runner, job_uuid, body, runners.now())
    return no_content()


@runners_api.route(
    "/api/v1/runners/jobs/{job_uuid}/files/videos/{video_id}/max-quality", methods=["POST"], content_types=RUNNER_BODIES
)
def job_input(job_uuid: str, video_id: str) -> Response:
    """The input, by a redirect to S3 (a body through the API would be capped at 6 MB)."""
    return _input(job_uuid, video_id)


@runners_api.route(
    "/api/v1/runners/jobs/{job_uuid}/files/videos/{video_id}/max-quality/audio",
    methods=["POST"],
    content_types=RUNNER_BODIES,
)
def job_audio_input(job_uuid: str, video_id: str) -> Response:
    """A transcription's input: a file with the video's sound (PeerTube's route)."""
    return _input(job_uuid, video_id)


def _input(job_uuid: str, video_id: str) -> Response:
    runner, body, _ = _runner(runners_api.current_request)
    url = runner_jobs.input_file_url(runner, job_uuid, video_id, body)
    return Response(body="", status_code=302, headers={"Location": url, "Cache-Control": "no-store"})


@runners_api.route(
    "/api/v1/runners/jobs/{job_uuid}/files/videos/{video_id}/studio/task-files/{filename}",
    methods=["POST"],
    content_types=RUNNER_BODIES,
)
def job_studio_task_file(job_uuid: str, video_id: str, filename: str) -> Response:
    """A studio job's intro, outro or watermark, by a redirect to S3."""
    runner, body, _ = _runner(runners_api.current_request)
    url = runner_jobs.studio_task_file_url(runner, job_uuid, video_id, filename, body)
    return Response(body="", status_code=302, headers={"Location": url, "Cache-Control": "no-store"})


# Jobs: administration


@runners_api.route("/api/v1/runners/jobs", methods=["GET"])
def list_jobs() -> dict[str, Any]:
    request = _admin("/runners/jobs")
    page = pagination(request, ("createdAt", "updatedAt"), "-updatedAt")
    total, found = runner_jobs.list_jobs(page.start, page.count, page.sort.startswith("-"), _states(request))
    return {"total": total, "data": [{**job_json(job), "privatePayload": job.private_payload} for job in found]}


@runners_api.route("/api/v1/runners/jobs/{job_uuid}/cancel", methods=["POST", "GET"])
def cancel_job(job_uuid: str) -> Response:
    _admin(f"/runners/jobs/{job_uuid}/cancel")
    runner_jobs.cancel(job_uuid, runners.now())
    return no_content()


@runners_api.route("/api/v1/runners/jobs/{job_uuid}", methods=["DELETE"])
def delete_job(job_uuid: str) -> Response:
    _admin(f"/runners/jobs/{job_uuid}")
    runner_jobs.delete(job_uuid, runners.now())
    return no_content()


def job_json(job: RunnerJob) -> dict[str, Any]:
    state = int(job.state)
    runner = (
        {"id": int(job.runner_id), "name": job.runner_name, "description": job.runner_description}
        if job.runner_id is not None
        else None
    )
    return {
        "uuid": job.uuid,
        "type": job.type,
        "state": {"id": state, "label": runner_jobs.STATE_LABELS.get(state, "Unknown")},
        "payload": job.payload,
        "failures": int(job.failures or 0),
        "error": job.error,
        "progress": None if job.progress is None else int(job.progress),
        "priority": int(job.priority or 0),
        "createdAt": iso(job.created_at),
        "updatedAt": iso(job.updated_at),
        "startedAt": iso(job.started_at),
        "finishedAt": iso(job.finished_at),
        "parent": None,
        "runner": runner,
    }


def _states(request: Request) -> set[int] | None:
    multi = request.to_original_event().get("multiValueQueryStringParameters") or {}
    raw = [str(v) for v in list(multi.get("stateOneOf") or []) + list(multi.get("stateOneOf[]") or [])]
    if not raw:
        return None
    if not all(value.isdigit() and int(value) in runner_jobs.STATE_LABELS for value in raw):
        raise ValidationError({"stateOneOf": "Invalid value"}, location="query")
    return {int(value) for value in raw}


def _id(value: str, name: str) -> int:
    if not value.isdigit():
        raise ValidationError({name: "Invalid value"}, location="params")
    return int(value)
