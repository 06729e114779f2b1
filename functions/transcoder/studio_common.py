"""What a studio edit's steps in the transcoder share, whether the edit runs in one pass
(studio_edit.py) or in chunks (studio_chunks.py): its source and its failure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain import media_privacy, studio_results
from chalicelib.media import layout
from chalicelib.media.probe import ProbeError
from chalicelib.media.transcode import TranscodeError
from chalicelib.observability import count, logger
from chalicelib.store import media, uploads_bucket, videos

if TYPE_CHECKING:
    from chalicelib.store.models import Video

URL_SECONDS = 3600


def source(video: Any) -> tuple[str, bool]:
    """What the edit starts from: the uploaded source (read as an upload), or, when it was
    deleted, the best rendition the video plays (one of the transcoder's MP4s)."""
    if video.source_key and uploads_bucket.source_exists(str(video.source_key)):
        return uploads_bucket.source_url(str(video.source_key), URL_SECONDS), True
    _, files, web_files = videos.get_video_with_all_files(int(video.id))
    private = media_privacy.is_private(video)
    if files:
        best = max(files, key=lambda f: int(f.resolution))
        return media.presigned_url(layout.hls_key(video.uuid, str(best.media_name), private), URL_SECONDS), False
    renditions = [f for f in web_files if not f.original]
    if not renditions:
        raise TranscodeError("The video has no file to edit.")
    top = max(renditions, key=lambda f: int(f.resolution))
    return media.presigned_url(layout.web_video_key(str(top.file_name), private), URL_SECONDS), False


def failed(
    error: Exception, attempts: int, max_attempts: int, edited_uuid: str | None, target: Video, tasks: Any
) -> None:
    """A step of the edit failed: raised again to be retried, but on its last attempt the
    edit is given up (the video published as it was, a saveAsNewVideo copy deleted)."""
    logger.warning("studio edit failed", extra={"video": target.uuid, "attempt": attempts, "reason": str(error)})
    if attempts < max_attempts:
        raise error
    reason = str(error) if isinstance(error, (TranscodeError, ProbeError)) else type(error).__name__
    tasks = tasks if isinstance(tasks, list) else []
    if edited_uuid is not None and edited_uuid != target.uuid:
        studio_results.remove_task_files(edited_uuid, tasks)  # a saveAsNewVideo edit's, in the edited area
    if studio_results.give_up(target, reason, tasks if edited_uuid == target.uuid else ()):
        count("StudioEditsFailed")
