"""Runner jobs: work handed to PeerTube-style remote runners (docs/runners.md), one module
per job type, and one life cycle for all of them, as Mastodon keeps one module per activity
and Takahē keeps its state graphs as data.

- lifecycle.py: the protocol's calls (request, accept, update, success, error, abort), the
  sweeper's (stalled jobs, the Lambda fallback) and the administrators' (cancel, delete,
  list), the same for every type.
- store/models/runner_job_states.py: the states and the moves between them, as data; the
  store refuses any other move.
- registry.py: the one table of the types Cirrus makes, each a JobType (base.py): its result
  files, its input, what its success does and what its end without a result does.
- vod_hls.py (the pipeline's chunk steps, as whole renditions or chunks), studio_edit.py,
  transcription.py, storyboard.py: each type's jobs, its payload and its result.
- files.py: the result files (in the body or uploaded, domain/runner_uploads.py) and their
  checks; base.py: what the types share.

This module is the package's public face: callers (api/runners.py, the transcoder, the
sweeper, domain/studio.py, domain/transcriptions.py) use the names below.
"""

from chalicelib.domain.runner_jobs import files
from chalicelib.domain.runner_jobs.base import Result
from chalicelib.domain.runner_jobs.lifecycle import (
    abort,
    accept,
    accepted_payload,
    cancel,
    delete,
    error,
    fall_back_to_lambda,
    input_file_url,
    list_jobs,
    request,
    success,
    sweep_stalled,
    update,
)
from chalicelib.domain.runner_jobs.storyboard import take as take_storyboard
from chalicelib.domain.runner_jobs.studio_edit import create_job as create_studio_job
from chalicelib.domain.runner_jobs.studio_edit import enabled as studio_enabled
from chalicelib.domain.runner_jobs.studio_edit import fail_jobs as fail_studio_jobs
from chalicelib.domain.runner_jobs.studio_edit import task_file_url as studio_task_file_url
from chalicelib.domain.runner_jobs.transcription import cancel as cancel_transcription
from chalicelib.domain.runner_jobs.transcription import create_job as create_transcription_job
from chalicelib.domain.runner_jobs.vod_hls import job_uuid, take_steps
from chalicelib.store import runners as store
from chalicelib.store.models.runner_job_states import COMPLETING, PROCESSING, STATE_LABELS

__all__ = [
    "COMPLETING",
    "PROCESSING",
    "STATE_LABELS",
    "Result",
    "abort",
    "accept",
    "accepted_payload",
    "cancel",
    "cancel_transcription",
    "create_studio_job",
    "create_transcription_job",
    "delete",
    "error",
    "fail_studio_jobs",
    "fall_back_to_lambda",
    "files",
    "input_file_url",
    "job_uuid",
    "list_jobs",
    "request",
    "store",
    "studio_enabled",
    "studio_task_file_url",
    "success",
    "sweep_stalled",
    "take_steps",
    "take_storyboard",
    "update",
]
