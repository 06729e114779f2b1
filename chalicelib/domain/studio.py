"""The video studio (PeerTube's `POST /api/v1/videos/{id}/studio/edit`): a published video is
cut, has segments removed, gets an intro, an outro or a watermark, and the result replaces
it through the transcoding pipeline. docs/studio.md.

The request is checked whole before the video changes (PeerTube's
videoStudioAddEditionValidator): the studio enabled (`videoStudio.enabled`), 1 to 10 known
tasks, cut and segment bounds inside the video, the video the user's to manage, published
and not already being edited, the quota with the clips' sizes; then its files, stored in a
folder of the video's work area, are probed by the transcoder (the API has no ffprobe): an
intro/outro must be a video, a watermark a PNG, JPEG or WebP picture (`prepare_edit`,
`verdict`). Then the video moves done → editing (TO_EDIT) and one `studio-edit` message goes
to the transcode queue, or a runner job is made (`start_edit`).

The transcoder (functions/transcoder/studio_edit.py) runs the tasks on the video's source (its
best rendition when the source was deleted) and the work function's `hand_over` puts the
result in as the video's new source: the published renditions go (items, quota and
statistics in one transaction, then their objects), the video enters the pipeline again
(editing → uploaded) and its publication tells the owner (MY_VIDEO_STUDIO_EDITION_FINISHED)
and federates an Update. A failed edit puts the video back as it was (editing → done).
With saveAsNewVideo the result goes to a new video instead. docs/studio.md.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import custom_config, studio_results, studio_uploads, video_edits
from chalicelib.domain import videos as video_cases
from chalicelib.domain.studio_results import RESULT_NAME, queue_edit
from chalicelib.errors import BadRequestError, ConflictError
from chalicelib.media import layout
from chalicelib.observability import logger
from chalicelib.store import media, queues, uploads_bucket, videos
from chalicelib.store.models.video import STATE_TO_TRANSCODE
from chalicelib.store.models.video_stages import LIVE_STAGES, STAGE_DONE, STAGE_EDITING

if TYPE_CHECKING:
    from pathlib import Path

    from chalicelib.config import Settings
    from chalicelib.domain.studio_uploads import UploadedFile
    from chalicelib.media.studio import Task
    from chalicelib.store.models import User, Video, VideoFile, WebVideoFile

CHECK = "studio-check"
VERDICT_NAME = "verdict.json"
URL_SECONDS = 600
STATE_TO_EDIT = 9  # PeerTube's VideoState.TO_EDIT
MAX_TASKS = 10  # PeerTube's CONSTRAINTS_FIELDS.VIDEO_STUDIO.TASKS
MAX_SEGMENTS = 10
TASK_NAMES = ("cut", "add-intro", "add-outro", "add-watermark", "remove-segments")
FILE_TASKS = ("add-intro", "add-outro", "add-watermark")
TASK_FILE_PREFIX = studio_results.TASK_FILE_PREFIX  # an edit's own folder: studio/<random id>/

DISABLED = "Video studio is disabled on this instance"
BAD_TASKS = "Should have a valid array of tasks"
BUSY = "Cannot edit video that is already waiting for transcoding/edition"
LIVE = "Cannot edit a live video"
_KEY_PART = re.compile(r"\[([^\]]*)\]")


@dataclass(frozen=True)
class TaskFile:
    data: bytes
    filename: str


def nested(fields: dict[str, Any], files: dict[str, TaskFile]) -> dict[str, Any]:
    """Multipart fields named like `tasks[0][options][start]` as nested objects (lists where
    the keys are numbers), with each file under its field's place."""
    root: dict[str, Any] = {}
    for name, value in [*fields.items(), *files.items()]:
        head = name.split("[", 1)[0]
        parts = [head, *_KEY_PART.findall(name[len(head) :])]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = value
    listed: dict[str, Any] = _listed(root)
    return listed


def _listed(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _listed(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


@dataclass(frozen=True)
class PreparedEdit:
    """An edit checked for everything but its files' contents, with its files stored in a
    folder of its own; `checked` says whether the transcoder was asked to probe them."""

    video: Video
    folder: str
    tasks: tuple[dict[str, Any], ...]
    checked: bool
    save_as_new: bool = False  # PeerTube's saveAsNewVideo: the result is a new video


def prepare_edit(settings: Settings, video: Video, user: User, body: dict[str, Any], now: datetime) -> PreparedEdit:
    """Check the edit (all but its files' contents), store its files, and ask the transcoder,
    which has ffprobe (the API has not), to probe them (`verdict` reads its answer)."""
    if not custom_config.current(settings).custom["videoStudio"]["enabled"]:
        raise BadRequestError(DISABLED)
    tasks = body.get("tasks")
    if not isinstance(tasks, list) or not 1 <= len(tasks) <= MAX_TASKS:
        raise BadRequestError(BAD_TASKS)
    video_edits.check_can_manage(video, user)
    if video.stage in LIVE_STAGES:
        raise BadRequestError(LIVE)
    if video.stage != STAGE_DONE:
        raise ConflictError(BUSY)
    save_as_new = _flag(body.get("saveAsNewVideo"))
    duration = float(video.duration or 0)
    planned = [_checked_task(task, index, duration, video.uuid) for index, task in enumerate(tasks)]
    added = sum(_size(upload) for name, _, upload in planned if upload is not None and name != "add-watermark")
    if save_as_new:
        # A new video counts whole on the quota once published: about the video's size.
        _, hls_files, web_files = videos.get_video_with_all_files(int(video.id))
        sizes = [int(f.size) for f in hls_files] + [int(f.size) for f in web_files if not f.original]
        added += max(sizes, default=0)
    if added:
        video_cases.check_quota(user, added, now)
    folder = f"{TASK_FILE_PREFIX}{secrets.token_hex(8)}/"
    messages: list[dict[str, Any]] = []
    for index, (name, options, upload) in enumerate(planned):
        stored = dict(options)
        if isinstance(upload, TaskFile):
            stored["file"] = f"{folder}{index}-{name}"
            uploads_bucket.put_work_file(video.uuid, stored["file"], upload.data)
        elif upload is not None:  # posted to S3 (domain/studio_uploads.py): moved into the folder
            stored["file"] = f"{folder}{index}-{name}"
            uploads_bucket.copy_work_file(video.uuid, upload.name, stored["file"])
            uploads_bucket.delete_work_file(video.uuid, upload.name)
        messages.append({"name": name, "options": stored})
    to_check = [[m["options"]["file"], m["name"]] for m in messages if "file" in m["options"]]
    if to_check:
        queues.send_transcode_steps([{"kind": CHECK, "video": video.uuid, "folder": folder, "files": to_check}])
    return PreparedEdit(video, folder, tuple(messages), bool(to_check), save_as_new)


def _flag(value: Any) -> bool:
    """A boolean from JSON or a form's text (PeerTube's toBooleanOrNull)."""
    if value is None or value is False or value in ("", "false", "0"):
        return False
    if value is True or value in ("true", "1"):
        return True
    raise BadRequestError("Should have a valid saveAsNewVideo boolean")


def verdict(prepared: PreparedEdit) -> str | None:
    """The transcoder's answer on the edit's files: "" when they are fine, the refusal's
    message otherwise; None while it has not answered."""
    if not prepared.checked:
        return ""
    name = prepared.folder + VERDICT_NAME
    if uploads_bucket.work_file_size(prepared.video.uuid, name) is None:
        return None
    answer = json.loads(uploads_bucket.read_work_file(prepared.video.uuid, name))
    return str(answer.get("refusal") or "")


def abandon(prepared: PreparedEdit) -> None:
    """A refused (or unanswered) edit leaves nothing behind."""
    uploads_bucket.delete_work_prefix(prepared.video.uuid, prepared.folder)


def start_edit(prepared: PreparedEdit) -> None:
    """The files passed: the video moves to TO_EDIT and the edit is queued; with
    saveAsNewVideo, a new video (TO_EDIT) receives the result and this one stays as it is."""
    video = prepared.video
    if prepared.save_as_new:
        target = _new_video(video, datetime.now(UTC))
        # On Lambda only: a runner job's input is the video it edits (not done for a copy).
        queue_edit(video.uuid, list(prepared.tasks), target=target.uuid)
        logger.info("studio edit queued as a new video", extra={"video": video.uuid, "new": target.uuid})
        return
    if not videos.transition(video, STAGE_DONE, STAGE_EDITING, [_state(STATE_TO_EDIT)]):
        abandon(prepared)
        raise ConflictError(BUSY)
    tasks = list(prepared.tasks)
    from chalicelib.domain import runner_jobs

    if runner_jobs.studio_enabled():
        # PeerTube's video_studio.remote_runners: a `video-studio-transcoding` job instead.
        runner_jobs.create_studio_job(video, tasks, datetime.now(UTC))
    else:
        queue_edit(video.uuid, tasks)
    logger.info("studio edit queued", extra={"video": video.uuid, "tasks": [t["name"] for t in tasks]})


def _new_video(video: Video, now: datetime) -> Video:
    """saveAsNewVideo: a video with the edited one's metadata, waiting for the edit's result."""
    from chalicelib.config import get_settings
    from chalicelib.store import counters, keys
    from chalicelib.store.models import Video as VideoItem

    video_id = counters.next_id("video")
    video_uuid = str(uuid.uuid4())
    copy = VideoItem(
        keys.video_pk(video_id),
        keys.ENTITY_SK,
        id=video_id,
        uuid=video_uuid,
        name=video.name,
        channel_id=int(video.channel_id),
        account_id=int(video.account_id),
        user_id=video.user_id,
        url=f"{get_settings().instance_url}/videos/watch/{video_uuid}",
        privacy=int(video.privacy),
        state=STATE_TO_EDIT,
        stage=STAGE_EDITING,
        category=video.category,
        licence=video.licence,
        language=video.language,
        description=video.description,
        support=video.support,
        tags=video.tags,
        nsfw=bool(video.nsfw),
        wait_transcoding=True,
        comments_policy=int(video.comments_policy or 1),
        download_enabled=bool(video.download_enabled),
        input_filename=video.input_filename,
        created_at=now,
        updated_at=now,
    )
    videos.create_video(copy)
    return copy


def check_files(video_uuid: str, folder: str, files: list[Any]) -> None:
    """In the transcoder: ffprobe the edit's files over presigned URLs (the upload
    whitelists) and leave the verdict for the API. An intro or outro must hold a video
    stream (the concat filter needs one), a watermark must be a PNG, JPEG or WebP picture."""
    from chalicelib.media.probe import ProbeError, probe
    from chalicelib.media.studio import probe_image

    refusal = ""
    for name, task in files:
        if not isinstance(name, str) or not name.startswith(folder) or task not in FILE_TASKS:
            refusal = BAD_TASKS
            break
        url = uploads_bucket.work_url(video_uuid, name, URL_SECONDS)
        if task == "add-watermark":
            if probe_image(url) is None:
                refusal = str(_invalid(task, "the file is not a PNG, JPEG or WebP image").detail)
                break
            continue
        try:
            info = probe(url)
        except ProbeError as error:
            refusal = str(_invalid(task, f"the file is not a video ({error})").detail)
            break
        if not info.has_video:
            refusal = str(_invalid(task, "file does not contain a video stream").detail)
            break
    document = json.dumps({"refusal": refusal}).encode()
    uploads_bucket.put_work_file(video_uuid, folder + VERDICT_NAME, document)


def _state(state: int) -> Any:
    from chalicelib.store.models import Video as VideoItem

    return VideoItem.state.set(state)


def _invalid(name: object, reason: str = "") -> BadRequestError:
    return BadRequestError(f"Task {name} is invalid{': ' + reason if reason else ''}")


def _size(upload: TaskFile | UploadedFile) -> int:
    return len(upload.data) if isinstance(upload, TaskFile) else upload.size


def _checked_task(
    task: Any, index: int, duration: float, video_uuid: str
) -> tuple[str, dict[str, Any], TaskFile | UploadedFile | None]:
    """(name, options, file) of a well-formed task; 400 otherwise (PeerTube's isStudioTaskValid)."""
    if not isinstance(task, dict) or task.get("name") not in TASK_NAMES:
        raise BadRequestError(BAD_TASKS)
    name = str(task["name"])
    options = task.get("options")
    if not isinstance(options, dict):
        raise _invalid(name)
    if name == "cut":
        start, end = _seconds(options.get("start"), name), _seconds(options.get("end"), name)
        if start is None and end is None:
            raise _invalid(name)
        low, high = start or 0, duration if end is None else end
        if low >= high:
            raise _invalid(name, "start must be before end")
        if high > duration:
            raise _invalid(name, f"end is after the end of the video ({round(duration)} s)")
        return name, {"start": low, "end": high}, None
    if name == "remove-segments":
        segments = options.get("segments")
        if not isinstance(segments, list) or not 1 <= len(segments) <= MAX_SEGMENTS:
            raise _invalid(name, f"between 1 and {MAX_SEGMENTS} segments are needed")
        ranges: list[list[int]] = []
        for segment in segments:
            start = _seconds(segment.get("start") if isinstance(segment, dict) else None, name)
            end = _seconds(segment.get("end") if isinstance(segment, dict) else None, name)
            if start is None or end is None or start >= end or end > duration:
                raise _invalid(name, "each segment needs a start before its end, inside the video")
            ranges.append([start, end])
        return name, {"segments": ranges}, None
    return name, {}, _task_file(name, options, video_uuid)


def _task_file(name: str, options: dict[str, Any], video_uuid: str) -> TaskFile | UploadedFile:
    """The file of an intro, outro or watermark: in the form, or posted to S3 before."""
    upload = options.get("file")
    if upload is None and options.get("fileUploadId") is not None:
        posted = studio_uploads.find(video_uuid, name, options["fileUploadId"])
        if posted is None:
            raise _invalid(name, "the uploaded file is not found (post it first, for this task)")
        return posted
    if not isinstance(upload, TaskFile) or not upload.data:
        raise _invalid(name, "a file is needed")
    return upload


def _seconds(value: Any, name: str) -> int | None:
    """A whole number of seconds (PeerTube's isInt min 0), from a form's text or JSON."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _invalid(name)
    text = str(value).strip()
    if not text.isdigit():
        raise _invalid(name)
    return int(text)


# --- In the transcoder ----------------------------------------------------------------------


def tasks_of(message: list[dict[str, Any]], duration: float, files: dict[str, Path]) -> list[Task]:
    """The queued tasks as the media module's (the message was written by `start_edit`)."""
    from chalicelib.media import studio as edits

    planned: list[Task] = []
    for task in message:
        options = task.get("options") or {}
        if task["name"] == "cut":
            planned.append(edits.Keep(((float(options["start"]), float(options["end"])),)))
            # Later tasks' times are the cut video's: PeerTube applies tasks one after another.
            duration = float(options["end"]) - float(options["start"])
        elif task["name"] == "remove-segments":
            removed = [(float(start), float(end)) for start, end in options["segments"]]
            kept = edits.kept_ranges(duration, removed)
            planned.append(edits.Keep(kept))
            duration = sum(end - start for start, end in kept)
        elif task["name"] == "add-watermark":
            planned.append(edits.Watermark(files[str(options["file"])]))
        else:
            planned.append(edits.Join(files[str(options["file"])], before=task["name"] == "add-intro"))
    return planned


def edited(video: Video) -> None:
    """In the transcoder: the edited file is in the work area, for the work function."""
    studio_results.edited(int(video.id))


def run_hand_over(task: dict[str, Any]) -> None:
    """The work queue's task: hand the edited file over, once (a repeated message finds the
    video no longer editing); or (`abandon`) delete a saveAsNewVideo copy whose edit failed."""
    video = videos.get_video(int(task["video"]))
    if video is None or video.stage != STAGE_EDITING:
        logger.info("studio hand-over of a deleted or handed-over video, dropped", extra={"video": task["video"]})
        return
    if task.get("abandon"):
        if task.get("stalled"):
            _abandon_stalled(video)
        elif video.published_at is None:
            video_cases.remove_video(video)
        return
    if uploads_bucket.work_file_size(video.uuid, RESULT_NAME) is None:
        logger.warning("studio hand-over without its file, dropped", extra={"video": video.uuid})
        return
    if hand_over(video):
        logger.info("studio edit handed over", extra={"video": video.uuid})


STALLED = "The edit did not finish in time"


def _abandon_stalled(video: Video) -> None:
    """The sweeper found the edit stuck (its hand-over gave up, or its messages were lost):
    its runner job, if any, errors, and the video goes back as it was (published, or a
    saveAsNewVideo copy deleted), as after a failed edit."""
    from chalicelib.domain import runner_jobs

    ended = runner_jobs.fail_studio_jobs(video.uuid, STALLED, datetime.now(UTC))
    logger.warning("stalled studio edit given up", extra={"video": video.uuid, "runner_jobs": ended})
    if video.published_at is None:
        video_cases.remove_video(video)
    else:
        studio_results.give_up(video, STALLED)


def hand_over(video: Video) -> bool:
    """The edited file (the work file RESULT_NAME) becomes the video's source: the published
    renditions go, the video enters the pipeline again and the file lands at its new source
    key, which starts the ingest as an upload does. False if the video left the editing
    stage (deleted, or another delivery handed over first)."""
    _, hls_files, web_files = videos.get_video_with_all_files(int(video.id))
    # A saveAsNewVideo copy was never published: its publication is a first one (Create,
    # MY_VIDEO_PUBLISHED), not an edit's.
    edition = int(video.studio_edits or 0) + 1 if video.published_at is not None else 0
    key = layout.source_key(video.uuid, f"studio-{max(edition, 1)}.mp4")
    old_source = str(video.source_key) if video.source_key else None
    size = uploads_bucket.work_file_size(video.uuid, RESULT_NAME) or 0
    if not videos.replace_published(video, hls_files, web_files, key, size, edition, STATE_TO_TRANSCODE):
        return False
    _remove_published_files(video, hls_files, web_files)
    uploads_bucket.promote_work_file(video.uuid, RESULT_NAME, key)
    if old_source and old_source != key:
        uploads_bucket.delete_source(old_source)
    # Only the result: the edit's files went with the edit (the transcoder's), and another
    # edit's (saveAsNewVideo) may be waiting in the same work area.
    uploads_bucket.delete_work_file(video.uuid, RESULT_NAME)
    return True


def _remove_published_files(video: Video, hls_files: list[VideoFile], web_files: list[WebVideoFile]) -> None:
    """The objects of the renditions the edit replaces, wherever the privacy put them (their
    items went with the hand-over), and the generated downloads made from them."""
    names = [name for f in hls_files for name in (str(f.playlist_name), str(f.media_name))]
    if video.hls_prefix:
        names += [f"{video.hls_prefix}-master.m3u8", f"{video.hls_prefix}-segments-sha256.json"]
    objects = [layout.hls_key(video.uuid, name, private) for name in names for private in (False, True)]
    objects += [layout.web_video_key(str(f.file_name), private) for f in web_files for private in (False, True)]
    torrents = [f.torrent_name for f in hls_files] + [f.torrent_name for f in web_files]
    objects += [layout.torrent_key(str(name)) for name in torrents if name]
    objects += [layout.file_metadata_key(video.uuid, str(f.media_name)) for f in hls_files]
    objects += [layout.file_metadata_key(video.uuid, str(f.file_name)) for f in web_files]
    media.delete_files(objects)
    media.delete_generated(video.uuid)
