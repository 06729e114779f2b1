"""PeerTube's job list for administrators (MANAGE_JOBS): `GET /api/v1/jobs/{state}`,
`POST /api/v1/jobs/pause` and `resume`, and Cirrus's `POST /api/v1/jobs/retry {id}` for a
failed job. What each state can show over SQS is in chalicelib/domain/jobs.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import iso
from chalicelib.domain import jobs
from chalicelib.domain.roles import Right
from chalicelib.errors import ValidationError
from chalicelib.observability import audit

if TYPE_CHECKING:
    from chalice.app import Request, Response

jobs_api = ApiBlueprint(__name__)


def _admin(path: str) -> Request:
    request = jobs_api.current_request
    require_right(session(request), Right.MANAGE_JOBS, path)
    return request


@jobs_api.route("/api/v1/jobs", methods=["GET"])
def list_all_jobs() -> dict[str, Any]:
    return _list(None)


@jobs_api.route("/api/v1/jobs/{state}", methods=["GET"])
def list_jobs(state: str) -> dict[str, Any]:
    return _list(state)


@jobs_api.route("/api/v1/jobs/pause", methods=["POST"])
def pause_jobs() -> Response:
    request = _admin("/jobs/pause")
    jobs.pause()
    audit(session(request).user.username, "jobs", "update", paused=True)
    return no_content()


@jobs_api.route("/api/v1/jobs/resume", methods=["POST"])
def resume_jobs() -> Response:
    request = _admin("/jobs/resume")
    jobs.resume()
    audit(session(request).user.username, "jobs", "update", paused=False)
    return no_content()


@jobs_api.route("/api/v1/jobs/retry", methods=["POST"])
def retry_job() -> Response:
    request = _admin("/jobs/retry")
    job_id = json_object(request).get("id")
    if not isinstance(job_id, str) or not job_id:
        raise ValidationError({"id": "Should be the id of a failed job"})
    jobs.retry(job_id)
    audit(session(request).user.username, "jobs", "update", id=job_id, retried=True)
    return no_content()


def _list(state: str | None) -> dict[str, Any]:
    request = _admin(f"/jobs/{state or ''}")
    if state is not None and state not in jobs.JOB_STATES:
        raise ValidationError({"state": "Invalid value"}, location="params")
    query: dict[str, str] = dict(request.query_params or {})
    job_type = query.get("jobType")
    if job_type is not None and job_type not in jobs.JOB_TYPES:
        raise ValidationError({"jobType": "Invalid value"}, location="query")
    page = pagination(request, ("createdAt",), "-createdAt")
    found = jobs.list_jobs(state, job_type, page.start, page.count, oldest_first=page.sort == "createdAt")
    return {"total": found.total, "data": [_job_json(job) for job in found.jobs]}


def _job_json(job: jobs.Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "state": job.state,
        "type": job.type,
        "data": job.data,
        "error": job.error,
        "createdAt": iso(job.created_at),
        "processedOn": iso(job.processed_on),
        "finishedOn": iso(job.finished_on),
    }
