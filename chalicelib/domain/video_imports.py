"""Video imports by URL, as PeerTube's: the import and its video are created at once (the
video TO_IMPORT), a work task fetches the file (media/url_source.py, through the address
policy's proxy), and the file then goes where an upload's goes, so the transcoding pipeline
publishes it. Import states, checks and messages are PeerTube's. See docs/imports.md.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chalicelib import plugins
from chalicelib.address_policy import address_refusal, is_host_name, is_ip_literal
from chalicelib.config import get_settings
from chalicelib.domain import custom_config, sync_runs, torrent_files
from chalicelib.domain import videos as video_cases
from chalicelib.domain.notifications.deliver import deliver
from chalicelib.domain.notifications.shapes import video_info
from chalicelib.domain.notifications.types import NotificationType
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.media import layout
from chalicelib.observability import count, logger
from chalicelib.store import counters, import_slots, queues, uploads_bucket, users, video_imports, videos
from chalicelib.store.models.video import STATE_TO_IMPORT, STATE_TO_IMPORT_FAILED, STATE_TO_TRANSCODE
from chalicelib.store.models.video_import import (
    IMPORT_CANCELLED,
    IMPORT_FAILED,
    IMPORT_PENDING,
    IMPORT_PROCESSING,
    IMPORT_REJECTED,
    IMPORT_STATE_LABELS,
    IMPORT_SUCCESS,
)
from chalicelib.store.models.video_stages import STAGE_IMPORTING, STAGE_UPLOADED

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.config import Settings
    from chalicelib.store.models import User, Video, VideoImport

TASK = "video-import"
WORK_NAME = "import-source"  # the fetched file, in the video's work area until it is checked
TORRENT_WORK_NAME = "import.torrent"  # a .torrent import's file, until the download reads it
MAX_URL_LENGTH = 2000
SIZE_SLACK = 16 * 1024 * 1024  # the proxy's cap over the file's: the pages yt-dlp reads
MARGIN_SECONDS = 60  # left to the task after the download: checks, copy, notification
HTTP_DISABLED = "HTTP import is not enabled on this instance."
TIMED_OUT = "The download took too long"  # the error of a download past import.videos.timeout
# PeerTube's import accept hooks: before the import starts, and once the file is fetched.
PRE_IMPORT_HOOKS = {
    "url": "filter:api.video.pre-import-url.accept.result",
    "torrent": "filter:api.video.pre-import-torrent.accept.result",
}
POST_IMPORT_HOOKS = {
    "url": "filter:api.video.post-import-url.accept.result",
    "torrent": "filter:api.video.post-import-torrent.accept.result",
}


class _Rejected(Exception):
    """A plugin refused the fetched file: the import is REJECTED, as in PeerTube."""


TORRENT_DISABLED = "Torrent/magnet URI import is not enabled on this instance."


# --- Starting one ------------------------------------------------------------------------------


def create(
    settings: Settings,
    user: User,
    fields: dict[str, Any],
    now: datetime,
    *,
    channel_sync_id: int | None = None,
    sync_run: str | None = None,
) -> VideoImport:
    """The import of `fields["targetUrl"]` with its video; the download is queued. A channel
    synchronisation's imports name it (`channel_sync_id`) and the run that made them."""
    imports = custom_config.current(settings).custom["import"]["videos"]
    target_url = fields.get("targetUrl")
    torrent_data: bytes | None = fields.get("torrentfile")
    magnet = fields.get("magnetUri")
    sources = {"targetUrl": target_url, "magnetUri": magnet, "torrentfile": torrent_data}
    if sum(value is not None for value in sources.values()) != 1:
        raise ValidationError({"targetUrl": "Should have a magnetUri or a targetUrl or a torrent file."})
    url: str | None = None
    torrent_name: str | None = None
    if target_url is None:
        if not imports["torrent"]["enabled"]:
            raise ConflictError(TORRENT_DISABLED)
        if torrent_data is not None:
            torrent_name = torrent_files.check_torrent(torrent_data, settings.import_max_bytes).name
        else:
            magnet = torrent_files.check_magnet(magnet)
            torrent_name = torrent_files.magnet_name(magnet)
    else:
        if not imports["http"]["enabled"]:
            raise ConflictError(HTTP_DISABLED)
        url = check_target_url(target_url)
    named = {key: value for key, value in fields.items() if key not in sources}
    _check_plugins_accept(user, fields, "url" if url is not None else "torrent")
    name_from_source = not named.get("name")
    if name_from_source:
        named["name"] = _name_from_url(url) if url is not None else _name_from_torrent(torrent_name)
    form = video_cases.read_form(named)
    import_id = counters.next_id("video_import")
    made: list[VideoImport] = []

    def import_item(video_id: int) -> list[VideoImport]:
        item = video_imports.new_import(import_id, int(user.id), video_id, url, now)
        item.name_from_source = name_from_source
        item.channel_sync_id = channel_sync_id
        item.channel_sync_run = sync_run if channel_sync_id is not None else None
        item.magnet_uri = magnet if url is None and torrent_data is None else None
        item.torrent_name = torrent_name
        made.append(item)
        return [item]

    # Created in the video's own write (quota checked as for an upload of 0 bytes: the size
    # is known once fetched, and checked then).
    video_cases.create_local_video(settings, user, form, 0, "import", now, importing=True, extra=import_item)
    if torrent_data is not None:
        video = videos.get_video(int(made[0].video_id or 0))
        if video is not None:
            uploads_bucket.put_work_file(video.uuid, TORRENT_WORK_NAME, torrent_data)
    queues.send_work([{"task": TASK, "import": import_id}])
    count("VideoImportsCreated")
    return made[0]


def _check_plugins_accept(user: User, fields: dict[str, Any], kind: str) -> None:
    """PeerTube's pre-import filters: a plugin may refuse the import (403, its message).
    They see the request's fields (a torrent file as its size), as PeerTube's see its body."""
    body = {key: value for key, value in fields.items() if key != "torrentfile"}
    if fields.get("torrentfile") is not None:
        body["torrentfile"] = {"size": len(fields["torrentfile"])}
    allowed, message = plugins.accepted(PRE_IMPORT_HOOKS[kind], key="accepted", video_import_body=body, user=user)
    if not allowed:
        raise ForbiddenError(message or "Refused to import video")


def check_target_url(value: Any) -> str:
    """An http(s) URL with a plain host; an IP literal must be one Cirrus may fetch (names are
    checked when the download resolves them, and at every redirect)."""
    invalid = {"targetUrl": "Should have a valid target URL"}
    if not isinstance(value, str) or not 0 < len(value) <= MAX_URL_LENGTH:
        raise ValidationError(invalid)
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ValidationError(invalid) from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or "@" in parts.netloc or not (is_host_name(host) or is_ip_literal(host)):
        raise ValidationError(invalid)
    if is_ip_literal(host):
        refusal = address_refusal(host, allow_loopback=get_settings().federation.allow_loopback)
        if refusal is not None:
            raise ValidationError({"targetUrl": f"This URL leads to an address Cirrus may not fetch ({refusal})"})
    return value.strip()


def _name_from_torrent(name: str | None) -> str:
    stem = (name or "").rsplit(".", 1)[0][:120]
    return stem if len(stem) >= 3 else "Imported video"


def _name_from_url(url: str) -> str:
    tail = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or urlsplit(url).hostname or "Imported video"
    name = tail[:120]
    return name if len(name) >= 3 else f"Import {name}".strip()


# --- The user's imports ------------------------------------------------------------------------


def find_own(user: User, import_id: str) -> VideoImport:
    """An import its user (or a user with the right to manage imports) may act on."""
    if not import_id.isdigit():
        raise ValidationError({"id": "Should have a valid id"}, location="params")
    item = video_imports.get_import(int(import_id), consistent=True)
    if item is None:
        raise NotFoundError("Video import not found")
    if int(item.user_id) != int(user.id) and not has_right(Role(int(user.role)), Right.MANAGE_VIDEO_IMPORTS):
        raise ForbiddenError("Cannot manage video import of another user")
    return item


def list_mine(user: User, query: dict[str, str]) -> tuple[int, list[VideoImport], dict[int, Video]]:
    """PeerTube's GET /users/me/videos/imports: filters videoId, targetUrl, videoChannelSyncId,
    search (in the URL or the video's name); sort createdAt or -createdAt; start and count.
    The total, the page, and the page's videos by id."""
    start, page_size = _paging(query)
    sort = query.get("sort") or "-createdAt"
    if sort.lstrip("-") != "createdAt":
        raise ValidationError({"sort": "Should have correct sortable column"}, location="query")
    found = video_imports.list_for_user(int(user.id))
    video_id, target_url, search = query.get("videoId"), query.get("targetUrl"), (query.get("search") or "").lower()
    sync_id = query.get("videoChannelSyncId")
    if sync_id is not None:
        found = [item for item in found if item.channel_sync_id is not None and str(item.channel_sync_id) == sync_id]
    if video_id is not None:
        found = [item for item in found if str(item.video_id) == video_id]
    if target_url:
        found = [item for item in found if item.target_url == target_url]
    by_id = videos.get_videos([int(item.video_id) for item in found if item.video_id is not None])
    if search:
        found = [
            item
            for item in found
            if search in (item.target_url or item.magnet_uri or item.torrent_name or "").lower()
            or (item.video_id is not None and search in str(getattr(by_id.get(int(item.video_id)), "name", "")).lower())
        ]
    found.sort(key=lambda item: (item.created_at, int(item.id)), reverse=sort.startswith("-"))
    page = found[start : start + page_size]
    return len(found), page, by_id


def _paging(query: dict[str, str]) -> tuple[int, int]:
    start, size = query.get("start", "0"), query.get("count", "15")
    if not start.isdigit():
        raise ValidationError({"start": "Should have a number start"}, location="query")
    if not size.isdigit() or int(size) > 100:
        raise ValidationError({"count": "Should have a number count (max 100)"}, location="query")
    return int(start), int(size)


def cancel(user: User, import_id: str, now: datetime) -> None:
    item = find_own(user, import_id)
    if not video_imports.move(item, (IMPORT_PENDING,), IMPORT_CANCELLED, now):
        raise ConflictError("Cannot cancel a non pending video import")
    sync_runs.import_ended(item, failed=False)  # PeerTube's job ends a cancelled import as a success
    video = videos.get_video(int(item.video_id)) if item.video_id is not None else None
    if video is not None and video.quota_reserved:
        from chalicelib.domain import import_quota

        import_quota.release(video)  # a download sent back to pending may have reserved its size


def retry(user: User, import_id: str, now: datetime) -> None:
    """A failed (or cancelled) import tries again, with its video still waiting for it."""
    item = find_own(user, import_id)
    video = videos.get_video(int(item.video_id)) if item.video_id is not None else None
    if video is None or video.stage != STAGE_IMPORTING:
        raise ConflictError("Cannot retry a video import without its video")
    if not video_imports.move(item, (IMPORT_FAILED, IMPORT_CANCELLED), IMPORT_PENDING, now, [_no_error()]):
        raise ConflictError("Cannot retry a non failed video import")
    _set_video_state(video, STATE_TO_IMPORT)
    queues.send_work([{"task": TASK, "import": int(item.id)}])


def delete(user: User, import_id: str) -> None:
    """An ended import goes; a video it never filled goes with it (nothing could show it)."""
    item = find_own(user, import_id)
    ended = (IMPORT_SUCCESS, IMPORT_FAILED, IMPORT_REJECTED, IMPORT_CANCELLED)
    if int(item.state) not in ended:
        raise ConflictError("Cannot delete a pending video import. Cancel it or wait for the end of the import first.")
    video = videos.get_video(int(item.video_id)) if item.video_id is not None else None
    if not video_imports.delete_import(item, ended):
        raise ConflictError("Cannot delete a pending video import. Cancel it or wait for the end of the import first.")
    if video is not None and video.stage == STAGE_IMPORTING:
        video_cases.remove_video(video)


def state_json(item: VideoImport) -> dict[str, Any]:
    state = int(item.state)
    return {"id": state, "label": IMPORT_STATE_LABELS.get(state, "Unknown")}


def _no_error() -> Any:
    from chalicelib.store.models import VideoImport

    return VideoImport.error.remove()


def _set_video_state(video: Video, state: int) -> None:
    from chalicelib.store.models import Video

    video.update(actions=[Video.state.set(state)])


# --- The download (work task, or the import task) ----------------------------------------------

SLOT_WAIT_SECONDS = 60  # every slot taken: the import is asked for again this much later
# A video's bytes a second when only its duration is announced (8 Mbit/s: a 1080p file).
ASSUMED_BYTES_PER_MEDIA_SECOND = 1024 * 1024
RUNNER_TASK, RUNNER_FINISHING = "task", "finishing"


# A download's limits: the most bytes it may fetch, the error past them, and what it tells
# the file's size as soon as it knows it (domain/import_quota.Claim).
Limit = tuple[int, str, "Callable[[int], None]"]


@dataclass(frozen=True)
class Fetched:
    """A finished download, in the video's work file."""

    size: int
    extension: str
    title: str | None


def fits_in_lambda(size: int | None, duration: float | None, seconds: float, bytes_per_second: int) -> bool:
    """Whether a download announced as `size` bytes (or, without a size, `duration` seconds
    of video) is expected to end within `seconds` at `bytes_per_second`. Nothing announced:
    it is tried (the worker's clock hands it on if it runs out)."""
    expected = size if size is not None else (duration * ASSUMED_BYTES_PER_MEDIA_SECOND if duration else None)
    return expected is None or expected <= seconds * bytes_per_second


def run(task: dict[str, Any], now: datetime, seconds_left: float) -> None:
    """The work function's task: fetch the import's file into its video's source, or fail it
    with the reason; a torrent, or a download too long for the function's time, is handed to
    the import task, whose result comes back here (`fetched`) for the checks and the
    hand-over. A repeated message finds the import no longer pending (or processing for
    longer than an attempt may last, after a crash) and does nothing."""
    settings = get_settings()
    item = video_imports.get_import(int(task["import"]), consistent=True)
    if item is None:
        return
    if "fetched" in task:
        _after_task(settings, item, task, now)
        return
    stale_before = _stale_before(settings, now)
    if "abandon" in task:
        _abandon(item, str(task["abandon"]), stale_before, now)
        return
    if int(item.state) == IMPORT_PROCESSING and item.started_at is not None and item.started_at < stale_before:
        claimed = video_imports.move(item, (IMPORT_PROCESSING,), IMPORT_PROCESSING, now, _start_actions(item, now))
    else:
        claimed = video_imports.move(item, (IMPORT_PENDING,), IMPORT_PROCESSING, now, _start_actions(item, now))
    if not claimed:
        logger.info("video import not pending, message dropped", extra={"import": int(item.id)})
        return
    video = videos.get_video(int(item.video_id)) if item.video_id is not None else None
    if video is None or video.stage != STAGE_IMPORTING:
        _video_gone(item, now)
        return
    _start(settings, item, video, now, seconds_left)


def sweep(settings: Settings, now: datetime) -> int:
    """The scheduled sweep: a work task (`abandon`) for every import processing for longer
    than a download may last (PeerTube's import.videos.timeout, and the hand-over's margins),
    its download dead with its worker or task; how many were queued. The work function fails
    each once (`_abandon`)."""
    stale = video_imports.list_processing_since_before(_stale_before(settings, now))
    tasks = [
        {"task": TASK, "import": int(item.id), "abandon": item.started_at.isoformat()}
        for item in stale
        if item.started_at is not None
    ]
    if tasks:
        queues.send_work(tasks)
        count("VideoImportsAbandoned", len(tasks))
    return len(tasks)


def _abandon(item: VideoImport, started: str, stale_before: datetime, now: datetime) -> None:
    """A dead download fails its import, as PeerTube's import job past its timeout: FAILED
    with the error, the video TO_IMPORT_FAILED (a retry may follow), MY_VIDEO_IMPORT_ERROR,
    and its slot given back. Only the download the sweep saw (`started`), if it is still
    processing and past its time: a repeated message, or a retry meanwhile, does nothing."""
    if int(item.state) != IMPORT_PROCESSING or item.started_at is None or item.started_at.isoformat() != started:
        return
    if item.started_at >= stale_before:
        return
    logger.info("video import abandoned", extra={"import": int(item.id), "runner": item.runner})
    video = videos.get_video(int(item.video_id)) if item.video_id is not None else None
    if video is None or video.stage != STAGE_IMPORTING:
        failed = _video_gone(item, now, started_at=item.started_at)
    else:
        failed = _failed(item, video, TIMED_OUT, now, started_at=item.started_at)
    if failed:  # not when another download took it over meanwhile: the slot is that one's
        import_slots.release(int(item.id))


def _stale_before(settings: Settings, now: datetime) -> datetime:
    """Downloads that started before this have outlived any attempt (the timeout, then the
    time to hand the result over)."""
    return now - timedelta(seconds=settings.import_timeout_seconds + 2 * MARGIN_SECONDS)


def _start(settings: Settings, item: VideoImport, video: Video, now: datetime, seconds_left: float) -> None:
    """A claimed import, with a slot: downloaded here, or handed to the import task."""
    if not import_slots.acquire(int(item.id), _concurrency(settings), _still_running(settings, now)):
        # Every slot is taken (import.videos.concurrency): back to pending, asked again later.
        video_imports.move(item, (IMPORT_PROCESSING,), IMPORT_PENDING, now, [_attempts_back()])
        queues.send_work([{"task": TASK, "import": int(item.id)}], delay_seconds=SLOT_WAIT_SECONDS)
        count("VideoImportsWaitingForSlot")
        return
    from chalicelib.media.url_source import ImportFailed, NotHere

    handed = False
    try:
        try:
            fetched = _download(settings, item, video, now, seconds_left, in_task=False)
        except NotHere as why:
            handed = _hand_to_task(item, video, now, str(why))
            return
        except ImportFailed as failure:
            _failed(item, video, str(failure), now)
            return
        _complete(settings, item, video, fetched, now)
    finally:
        if not handed:
            import_slots.release(int(item.id))


def run_in_task(import_id: int, now: datetime) -> None:
    """The import task's work (functions/imports/task.py): the download only, with the whole
    import timeout; its result goes back to the work function as a `fetched` message (the
    checks, the hand-over and the notification run there, with their rights)."""
    from chalicelib.media.url_source import ImportFailed, NotHere

    settings = get_settings()
    item = video_imports.get_import(import_id, consistent=True)
    if item is None or int(item.state) != IMPORT_PROCESSING or item.runner != RUNNER_TASK:
        logger.info("video import not handed to a task, nothing done", extra={"import": import_id})
        return
    video = videos.get_video(int(item.video_id)) if item.video_id is not None else None
    message: dict[str, Any] = {"task": TASK, "import": import_id}
    try:
        if video is None or video.stage != STAGE_IMPORTING:
            raise ImportFailed("The video was deleted")
        fetched = _download(settings, item, video, now, float(settings.import_timeout_seconds), in_task=True)
        message["fetched"] = {"size": fetched.size, "extension": fetched.extension, "title": fetched.title}
    except (ImportFailed, NotHere) as failure:
        message["fetched"], message["error"] = None, str(failure)
    queues.send_work([message])


def _after_task(settings: Settings, item: VideoImport, task: dict[str, Any], now: datetime) -> None:
    """The import task's result: checked and handed over (or the import failed), once."""
    from chalicelib.store.models import VideoImport as ImportItem

    finishing = [ImportItem.runner.set(RUNNER_FINISHING)]
    if not video_imports.move(item, (IMPORT_PROCESSING,), IMPORT_PROCESSING, now, finishing, runner=RUNNER_TASK):
        logger.info("video import not with a task, result dropped", extra={"import": int(item.id)})
        return
    try:
        video = videos.get_video(int(item.video_id)) if item.video_id is not None else None
        fetched = task.get("fetched")
        if video is None or video.stage != STAGE_IMPORTING:
            _video_gone(item, now)
        elif not isinstance(fetched, dict):
            _failed(item, video, str(task.get("error") or "The import task failed"), now)
        else:
            title = fetched.get("title") if isinstance(fetched.get("title"), str) else None
            result = Fetched(int(fetched["size"]), _safe_extension(str(fetched["extension"])), title)
            _complete(settings, item, video, result, now)
    finally:
        import_slots.release(int(item.id))


def _hand_to_task(item: VideoImport, video: Video, now: datetime, why: str) -> bool:
    """The import goes to the import task (keeping its slot); False when it could not."""
    from chalicelib.store import import_tasks
    from chalicelib.store.models import VideoImport as ImportItem

    if not video_imports.move(item, (IMPORT_PROCESSING,), IMPORT_PROCESSING, now, [ImportItem.runner.set(RUNNER_TASK)]):
        return False
    try:
        started = import_tasks.launch(int(item.id))
    except import_tasks.LaunchFailed as failure:
        _failed(item, video, str(failure), now)
        return False
    except Exception:
        # Transient (the ECS API): pending again, and the message comes back.
        back = [ImportItem.runner.remove(), _attempts_back()]
        video_imports.move(item, (IMPORT_PROCESSING,), IMPORT_PENDING, now, back)
        raise
    logger.info("video import handed to the import task", extra={"import": int(item.id), "why": why, "task": started})
    count("VideoImportsHandedToTask")
    return True


def _complete(settings: Settings, item: VideoImport, video: Video, fetched: Fetched, now: datetime) -> None:
    from chalicelib.media.url_source import ImportFailed

    try:
        _check_and_hand_over(settings, item, video, fetched, now)
    except ImportFailed as failure:
        _failed(item, video, str(failure), now)
        return
    except _Rejected as rejection:
        _failed(item, video, str(rejection), now, state=IMPORT_REJECTED)
        return
    if video_imports.move(item, (IMPORT_PROCESSING,), IMPORT_SUCCESS, now):
        sync_runs.import_ended(item, failed=False)
    count("VideoImportsSucceeded")
    _notify(item, video, NotificationType.MY_VIDEO_IMPORT_SUCCESS, now)


def _video_gone(item: VideoImport, now: datetime, *, started_at: datetime | None = None) -> bool:
    """The import's video was deleted under it: FAILED (nothing to tell it to)."""
    deleted = [_error("The video was deleted")]
    if not video_imports.move(item, (IMPORT_PROCESSING,), IMPORT_FAILED, now, deleted, started_at=started_at):
        return False
    sync_runs.import_ended(item, failed=True)
    return True


def _concurrency(settings: Settings) -> int:
    value = custom_config.current(settings).custom["import"]["videos"].get("concurrency", 1)
    return max(1, int(value)) if isinstance(value, int | float) else 1


def _still_running(settings: Settings, now: datetime) -> Callable[[int], bool]:
    """Whether a slot's holder is still downloading: processing, and not for longer than an
    attempt may last (a crash leaves it processing)."""
    stale_before = _stale_before(settings, now)

    def running(import_id: int) -> bool:
        held = video_imports.get_import(import_id, consistent=True)
        return (
            held is not None
            and int(held.state) == IMPORT_PROCESSING
            and (held.started_at is None or held.started_at >= stale_before)
        )

    return running


def _download(
    settings: Settings, item: VideoImport, video: Video, now: datetime, seconds_left: float, *, in_task: bool
) -> Fetched:
    """The import's file into the video's work file. In the work function (not `in_task`),
    NotHere for a torrent (libtorrent is not there) and for a download that will not end in
    the function's time."""
    from chalicelib.media.url_source import ImportFailed, NotHere

    owner = users.get_user(int(item.user_id), consistent=True)
    if owner is None:
        raise ImportFailed("The user was deleted")
    from chalicelib.domain import import_quota

    max_bytes, too_large = import_quota.cap(settings, owner, video, now)
    claim = import_quota.Claim(video, now)
    timeout = float(settings.import_timeout_seconds)
    if in_task:
        seconds = timeout
    else:
        if item.target_url is None:
            raise NotHere("a torrent")
        seconds = min(timeout, seconds_left - MARGIN_SECONDS)
        if seconds <= 0:
            raise NotHere("no time left")
    if item.target_url is None:
        return _fetch_torrent(item, video, (max_bytes, too_large, claim), seconds, settings)
    # The function's clock, not the import's timeout, bounds this download: one that would
    # outlast it (announced, or found when the clock runs out) goes to the task instead, if
    # there is one (without, it is tried here and fails if the clock runs out).
    from chalicelib.store import import_tasks

    bounded = not in_task and seconds < timeout and import_tasks.available()
    started = time.monotonic()
    try:
        return _fetch_url(item.target_url, video, (max_bytes, too_large, claim), seconds, settings, bounded)
    except ImportFailed:
        if bounded and time.monotonic() - started >= seconds - 1:
            raise NotHere("out of time") from None
        raise


def _check_and_hand_over(settings: Settings, item: VideoImport, video: Video, fetched: Fetched, now: datetime) -> None:
    from chalicelib.media.probe import ProbeError, probe
    from chalicelib.media.url_source import ImportFailed

    owner = users.get_user(int(item.user_id), consistent=True)
    if owner is None:
        uploads_bucket.delete_work_file(video.uuid, WORK_NAME)
        raise ImportFailed("The user was deleted")
    size, extension, title = fetched.size, fetched.extension, fetched.title
    try:
        probe(uploads_bucket.work_url(video.uuid, WORK_NAME, 3600))
    except ProbeError as error:
        uploads_bucket.delete_work_file(video.uuid, WORK_NAME)
        raise ImportFailed(f"The file is not a video Cirrus can read: {error}") from None
    from chalicelib.domain import import_quota

    try:
        import_quota.reserve(video, size, now)  # the exact size (announced, or not, before)
    except ImportFailed:
        uploads_bucket.delete_work_file(video.uuid, WORK_NAME)
        raise
    kind = "url" if item.target_url is not None else "torrent"
    accepted, message = plugins.accepted(
        POST_IMPORT_HOOKS[kind],
        key="accepted",
        video_file={"size": size, "extension": extension, "url": uploads_bucket.work_url(video.uuid, WORK_NAME, 3600)},
        video_import=item,
        video=video,
        user=owner,
    )
    if not accepted:
        uploads_bucket.delete_work_file(video.uuid, WORK_NAME)
        raise _Rejected(message or "Refused imported video")
    key = layout.source_key(video.uuid, f"import.{extension}")
    name = (title or video.name)[:120] if item.name_from_source else video.name
    if len(name) < 3:
        name = video.name
    _hand_over(video, key, size, name, f"{name}.{extension}")
    uploads_bucket.promote_work_file(video.uuid, WORK_NAME, key)
    uploads_bucket.delete_work_file(video.uuid, WORK_NAME)


def _fetch_url(url: str, video: Video, limit: Limit, seconds: float, settings: Settings, bounded: bool) -> Fetched:
    """yt-dlp's media at `url`, through the address policy's proxy, into the work file.
    `bounded` (the work function's clock): NotHere if its announced size will not fit."""
    from chalicelib.media.checked_proxy import CheckedProxy, pick_upstream
    from chalicelib.media.url_source import NotHere, find_media, stream_into

    rate = settings.import_lambda_bytes_per_second
    max_bytes, too_large, claim = limit

    def fits(size: int | None, duration: float | None = None) -> bool:
        return not bounded or fits_in_lambda(size, duration, seconds, rate)

    allow_loopback = settings.federation.allow_loopback
    upstream = pick_upstream(settings.import_proxies)
    with CheckedProxy(max_bytes + SIZE_SLACK, seconds, allow_loopback=allow_loopback, upstream=upstream) as proxy:
        media = find_media(url, proxy)
        if media.exact_size is not None:
            claim(media.exact_size)  # reserved from now on, wherever the download runs
        if not fits(media.size, media.duration):
            raise NotHere(f"announced as {media.size} bytes, {media.duration} s")
        extension = _safe_extension(media.extension)
        writer = uploads_bucket.MultipartWriter(layout.work_key(video.uuid, WORK_NAME), f"video/{extension}")
        try:
            size = stream_into(media, proxy, writer, max_bytes, too_large, fits, claim)
            writer.complete()
        except BaseException:
            with contextlib.suppress(Exception):
                writer.abort()
            raise
    return Fetched(size, extension, media.title)


def _fetch_torrent(item: VideoImport, video: Video, limit: Limit, seconds: float, settings: Settings) -> Fetched:
    """The torrent's one video (a .torrent kept in the work area, or the magnet) into the work file."""
    from chalicelib.media import torrent_source
    from chalicelib.media.url_source import ImportFailed

    max_bytes, too_large, claim = limit
    if item.magnet_uri is not None:
        source: bytes | str = item.magnet_uri
    else:
        try:
            source = uploads_bucket.read_work_file(video.uuid, TORRENT_WORK_NAME)
        except Exception:
            raise ImportFailed("The torrent file is gone") from None
    writer = uploads_bucket.MultipartWriter(layout.work_key(video.uuid, WORK_NAME), "video/mp4")
    try:
        size, name = torrent_source.download(
            source,
            writer,
            max_bytes,
            too_large,
            seconds,
            allow_loopback=settings.federation.allow_loopback,
            check_name=torrent_files.check_file_name,
            claim=claim,
        )
        writer.complete()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.abort()
        raise
    stem, _, extension = name.rpartition(".")
    return Fetched(size, _safe_extension(extension), stem or None)


def _hand_over(video: Video, key: str, size: int, name: str, filename: str) -> None:
    """The video becomes an upload whose file is about to land at `key` (TO_TRANSCODE)."""
    from chalicelib.media.url_source import ImportFailed
    from chalicelib.store.models import Video as VideoItem

    actions = [
        VideoItem.source_key.set(key),
        VideoItem.source_size.set(size),
        VideoItem.input_filename.set(filename),
        VideoItem.name.set(name),
        VideoItem.state.set(STATE_TO_TRANSCODE),
    ]
    if not videos.transition(video, STAGE_IMPORTING, STAGE_UPLOADED, actions):
        raise ImportFailed("The video was deleted")


def _failed(
    item: VideoImport,
    video: Video,
    reason: str,
    now: datetime,
    state: int = IMPORT_FAILED,
    *,
    started_at: datetime | None = None,
) -> bool:
    """PeerTube's failed import: the import FAILED (or REJECTED by a plugin) with its error,
    the video TO_IMPORT_FAILED (still waiting: a retry fills it). With `started_at`, only if
    it is still the download that started then. False if the import had moved on."""
    logger.info("video import failed", extra={"import": int(item.id), "reason": reason})
    count("VideoImportsFailed")
    if not video_imports.move(item, (IMPORT_PROCESSING,), state, now, [_error(reason)], started_at=started_at):
        return False
    from chalicelib.domain import import_quota

    import_quota.release(video)  # what its download reserved goes back
    sync_runs.import_ended(item, failed=True)  # PeerTube's job result: an error (rejected too)
    _set_video_state(video, STATE_TO_IMPORT_FAILED)
    video.state = STATE_TO_IMPORT_FAILED
    _notify(item, video, NotificationType.MY_VIDEO_IMPORT_ERROR, now)
    return True


def _notify(item: VideoImport, video: Video, kind: NotificationType, now: datetime) -> None:
    owner = users.get_user(int(item.user_id))
    if owner is None:
        return
    payload = {
        "videoImport": {
            "id": int(item.id),
            "video": video_info(video),
            "torrentName": item.torrent_name,
            "magnetUri": item.magnet_uri,
            "targetUrl": item.target_url,
        }
    }
    # One notification per outcome and attempt: a retry that fails again tells again.
    deliver([owner], kind, f"import:{int(item.id)}:{int(item.attempts or 0)}:{int(kind)}", payload, now)


def _start_actions(item: VideoImport, now: datetime) -> list[Any]:
    from chalicelib.store.models import VideoImport

    return [
        *video_imports.start_actions(int(item.id), now),
        VideoImport.attempts.add(1),
        VideoImport.error.remove(),
        VideoImport.runner.remove(),
    ]


def _attempts_back() -> Any:
    from chalicelib.store.models import VideoImport

    return VideoImport.attempts.add(-1)


def _error(reason: str) -> Any:
    from chalicelib.store.models import VideoImport

    return VideoImport.error.set(reason[:1000])


def _safe_extension(extension: str) -> str:
    cleaned = "".join(ch for ch in extension.lower() if ch.isalnum())[:8]
    return cleaned or "mp4"
