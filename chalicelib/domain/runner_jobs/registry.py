"""The one table of the job types Cirrus makes, in the order a runner's request reads them
(transcoding first, as PeerTube's priorities put it), and PeerTube's other type names, which a
runner may ask for and gets nothing of.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.runner_jobs import storyboard, studio_edit, transcription, vod_hls

if TYPE_CHECKING:
    from chalicelib.domain.runner_jobs.base import JobType
    from chalicelib.store.models import RunnerJob

TYPES: dict[str, JobType] = {
    job_type.name: job_type for job_type in (vod_hls.TYPE, studio_edit.TYPE, transcription.TYPE, storyboard.TYPE)
}
OFFERED_TYPES = tuple(TYPES)
# Web videos are made from the packaged HLS, an audio-only upload's rendition is Lambda's
# packaging, and lives are Cirrus's own: none of these becomes a job (docs/runners.md).
NOT_MADE = ("vod-web-video-transcoding", "vod-audio-merge-transcoding", "live-rtmp-hls-transcoding")
JOB_TYPES = (*OFFERED_TYPES, *NOT_MADE)  # every name PeerTube's runner may ask for


def type_of(job: RunnerJob) -> JobType:
    """The job's type (every stored job is of a type Cirrus makes)."""
    return TYPES[str(job.type)]
