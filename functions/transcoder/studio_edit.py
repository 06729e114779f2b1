"""A studio edit in the transcoder (domain/studio.py, docs/studio.md): the queued tasks run
with ffmpeg on the video's source, the result goes to the work area, and the work function
hands it over as the video's new source (this function may not write sources nor delete
published files); the pipeline takes it from there. A video longer than
`studio_chunked_from_seconds` is edited in chunks instead (studio_chunks.py). A failure is
retried by the queue; the last attempt leaves the video published as it was.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from chalicelib.config import get_settings
from chalicelib.domain import studio, studio_results
from chalicelib.domain import studio_chunks as chunked
from chalicelib.media import studio as edits
from chalicelib.media.transcode import TranscodeError
from chalicelib.observability import count, logger
from chalicelib.store import uploads_bucket, videos
from chalicelib.store.models.video_stages import STAGE_EDITING
from functions.transcoder import studio_chunks, studio_common


def is_edit(body: dict[str, Any]) -> bool:
    return body.get("kind") in (studio_results.EDIT, studio.CHECK, *chunked.KINDS)


def run(body: dict[str, Any], attempts: int, max_attempts: int) -> None:
    """One studio message (an edit, or the check of an edit's files for the API); raises to
    have it retried, but not past its last attempt."""
    if body.get("kind") == studio.CHECK:
        _check(body, attempts, max_attempts)
        return
    if body.get("kind") in chunked.KINDS:
        studio_chunks.run_step(body, attempts, max_attempts)
        return
    tasks = body.get("tasks")
    if not isinstance(body.get("video"), str) or not isinstance(tasks, list) or not tasks:
        logger.warning("malformed studio message, dropped", extra={"body": str(body)[:200]})
        return
    edited = videos.find_video_by_uuid(str(body["video"]))
    # saveAsNewVideo: the result goes to a new video, the edited one stays as it is.
    target = videos.find_video_by_uuid(str(body["target"])) if isinstance(body.get("target"), str) else edited
    if target is None or target.stage != STAGE_EDITING:
        logger.info("studio edit of a deleted or settled video, dropped", extra={"video": body["video"]})
        return
    try:
        if edited is None:
            raise TranscodeError("The video to edit was deleted.")
        if chunked.is_chunked(float(edited.duration or 0), get_settings()):
            studio_chunks.plan(edited, target, tasks)  # its steps, then its join, do the rest
            return
        with tempfile.TemporaryDirectory(prefix="cirrus-studio-") as directory:
            workdir = Path(directory)
            files = _task_files(edited.uuid, tasks, workdir)
            source, is_upload = studio_common.source(edited)
            planned = studio.tasks_of(tasks, float(edited.duration or 0), files)
            result = edits.apply(source, planned, workdir, source_is_upload=is_upload)
            uploads_bucket.upload_work_file(target.uuid, studio_results.RESULT_NAME, result)
        studio_results.remove_task_files(edited.uuid, tasks)
        studio.edited(target)
        count("StudioEdits")
    except Exception as error:
        studio_common.failed(error, attempts, max_attempts, edited.uuid if edited else None, target, tasks)


def _check(body: dict[str, Any], attempts: int, max_attempts: int) -> None:
    folder, files = body.get("folder"), body.get("files")
    if not isinstance(body.get("video"), str) or not isinstance(folder, str) or not isinstance(files, list):
        logger.warning("malformed studio check, dropped", extra={"body": str(body)[:200]})
        return
    if not folder.startswith(studio.TASK_FILE_PREFIX) or ".." in folder:
        return
    try:
        studio.check_files(str(body["video"]), folder, files)
    except Exception as error:
        logger.warning("studio check failed", extra={"attempt": attempts, "reason": str(error)})
        if attempts < max_attempts:
            raise


def _task_files(video_uuid: str, tasks: list[Any], workdir: Path) -> dict[str, Path]:
    """The intro, outro and watermark files the API stored, copied next to ffmpeg."""
    files: dict[str, Path] = {}
    for index, task in enumerate(tasks):
        name = (task.get("options") or {}).get("file") if isinstance(task, dict) else None
        if isinstance(name, str) and name.startswith(studio.TASK_FILE_PREFIX):
            path = workdir / f"input-{index}"
            path.write_bytes(uploads_bucket.read_work_file(video_uuid, name))
            files[name] = path
    return files
