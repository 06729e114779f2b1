"""Channel synchronisation, as PeerTube's: a local channel mirrors an external one (any
channel, playlist or feed yt-dlp lists). An hourly check (functions/channel_sync) queues one
`channel-sync` work task per sync; the task lists the external channel's latest videos
(a flat playlist, through the address policy's proxy) and starts an ordinary URL import
(domain/video_imports.py) for each one the channel has not imported yet: 10 per check, and
up to 1,000 for a full sync (`POST .../sync`, `import-videos`). States and messages are
PeerTube's (VideoChannelSyncState). See docs/imports.md."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.domain import channels, custom_config, sync_runs, video_imports
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.errors import BadRequestError, CirrusError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.observability import count, logger
from chalicelib.store import actors, channel_syncs, counters, queues, users
from chalicelib.store.models.channel_sync import (
    SYNC_FAILED,
    SYNC_PROCESSING,
    SYNC_STATE_LABELS,
    SYNC_SYNCED,
    SYNC_WAITING_FIRST_RUN,
)

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, ChannelSync, User

TASK = "channel-sync"
LATEST_LIMIT = 10  # PeerTube's videos_limit_per_synchronization
FULL_SYNC_LIMIT = 1000  # PeerTube's full_sync_videos_limit
LISTING_BYTES = 16 * 1024 * 1024  # what the listing may read (pages, feeds)
LISTING_SECONDS = 120.0
MARGIN_SECONDS = 30  # left to the task after the listing: the imports' writes
# A run whose listing ended waits for its imports (which may queue for a slot for hours); the
# check takes it over only after this, should an import's end never have been counted.
RUN_WAIT = timedelta(days=1)
SYNC_DISABLED = "Synchronization is impossible as video channel synchronization is not enabled on the server"
HTTP_DISABLED = "Channel import is impossible as video upload via HTTP is not enabled on the server"
SYNC_NOT_FOUND = "Video channel sync not found"
PUBLIC = 1


def _imports(settings: Settings) -> dict[str, Any]:
    return dict(custom_config.current(settings).custom["import"])


def is_enabled(settings: Settings) -> bool:
    return bool(_imports(settings)["video_channel_synchronization"]["enabled"])


def _check_enabled(settings: Settings) -> dict[str, Any]:
    imports = _imports(settings)
    if not imports["video_channel_synchronization"]["enabled"]:
        raise ForbiddenError(SYNC_DISABLED)
    return imports


def _check_url(value: Any) -> str:
    try:
        return video_imports.check_target_url(value)
    except ValidationError as error:
        reason = next(iter(error.invalid_params.values()), "Should have a valid external channel URL")
        reason = str(reason).replace("target URL", "external channel URL")
        raise ValidationError({"externalChannelUrl": reason}) from None


def _check_id(value: Any, field: str) -> int:
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
        raise ValidationError({field: f"Should have a valid {field}"})
    return int(value)


# --- The routes' cases -------------------------------------------------------------------------


def create(settings: Settings, user: User, body: dict[str, Any], now: datetime) -> ChannelSync:
    """POST /video-channel-syncs: the sync waits for its first run (the hourly check)."""
    imports = _check_enabled(settings)
    url = _check_url(body.get("externalChannelUrl"))
    channel_id = _check_id(body.get("videoChannelId"), "videoChannelId")
    channel = actors.get_actor(channel_id)
    if channel is None or channel.actor_type != "Group" or channel.deleting_at is not None:
        raise NotFoundError(channels.CHANNEL_NOT_FOUND)
    channels.check_can_manage(user, channel)
    account_id = int(channel.account_id or 0)
    limit = int(imports["video_channel_synchronization"].get("maxPerUser", 10))
    if len(channel_syncs.list_for_account(account_id)) >= limit:
        raise BadRequestError(f"You can only have {limit} channel synchronizations per account")
    sync = channel_syncs.new_sync(counters.next_id("channel_sync"), channel_id, account_id, url, now)
    count("ChannelSyncsCreated")
    return sync


def find_own(user: User, sync_id: str) -> tuple[ChannelSync, Actor]:
    """A sync and its channel, which `user` may manage."""
    if not sync_id.isdigit():
        raise ValidationError({"id": "Should have a valid id"}, location="params")
    sync = channel_syncs.get_sync(int(sync_id), consistent=True)
    channel = actors.get_actor(int(sync.channel_id)) if sync is not None else None
    if sync is None or channel is None:
        raise NotFoundError(SYNC_NOT_FOUND)
    channels.check_can_manage(user, channel)
    return sync, channel


def delete(settings: Settings, user: User, sync_id: str) -> None:
    """The sync goes; the imports it made, and their videos, stay (as PeerTube's)."""
    _check_enabled(settings)
    sync, _ = find_own(user, sync_id)
    channel_syncs.delete_sync(sync)


def trigger(settings: Settings, user: User, sync_id: str) -> None:
    """POST /video-channel-syncs/{id}/sync: a full sync (up to 1,000 videos), queued."""
    _check_enabled(settings)
    sync, _ = find_own(user, sync_id)
    queues.send_work([_task(int(sync.channel_id), sync.external_channel_url, FULL_SYNC_LIMIT, int(sync.id))])


def import_videos(settings: Settings, user: User, channel: Actor, body: dict[str, Any]) -> None:
    """POST /video-channels/{name}/import-videos: the external channel's videos (up to 1,000)
    imported into `channel`, as part of a sync when `videoChannelSyncId` names one."""
    imports = _imports(settings)
    channels.check_can_manage(user, channel)
    url = _check_url(body.get("externalChannelUrl"))
    sync_id = body.get("videoChannelSyncId")
    if sync_id is not None:
        sync_id = _check_id(sync_id, "videoChannelSyncId")
    if not imports["videos"]["http"]["enabled"]:
        raise ForbiddenError(HTTP_DISABLED)
    if not imports["video_channel_synchronization"]["enabled"]:
        raise ForbiddenError(SYNC_DISABLED)
    if sync_id is not None:
        sync = channel_syncs.get_sync(sync_id, consistent=True)
        if sync is None:
            raise NotFoundError(SYNC_NOT_FOUND)
        if int(sync.channel_id) != int(channel.id):
            raise ForbiddenError("This channel sync is not owned by this channel")
    queues.send_work([_task(int(channel.id), url, FULL_SYNC_LIMIT, sync_id)])


def list_for_account(
    settings: Settings, user: User, account: Actor, query: dict[str, str]
) -> tuple[int, list[ChannelSync], dict[int, Actor]]:
    """GET /accounts/{name}/video-channel-syncs: its owner's (or a moderator's) view; sort
    createdAt, externalChannelUrl, lastSyncAt or state, descending with a '-'."""
    if int(account.id) != int(user.account_id) and not has_right(Role(int(user.role)), Right.MANAGE_USERS):
        raise ForbiddenError("Only the owner of this account can list its channel synchronizations")
    start, size = query.get("start", "0"), query.get("count", "15")
    if not start.isdigit():
        raise ValidationError({"start": "Should have a number start"}, location="query")
    if not size.isdigit() or int(size) > 100:
        raise ValidationError({"count": "Should have a number count (max 100)"}, location="query")
    sort = query.get("sort") or "-createdAt"
    sort_keys: dict[str, Any] = {
        "createdAt": lambda item: item.created_at,
        "externalChannelUrl": lambda item: item.external_channel_url,
        "lastSyncAt": lambda item: item.last_sync_at or item.created_at,
        "state": lambda item: int(item.state),
    }
    if sort.lstrip("-") not in sort_keys:
        raise ValidationError({"sort": "Should have correct sortable column"}, location="query")
    found = channel_syncs.list_for_account(int(account.id))
    found.sort(key=lambda item: (sort_keys[sort.lstrip("-")](item), int(item.id)), reverse=sort.startswith("-"))
    page = found[int(start) : int(start) + int(size)]
    return len(found), page, actors.get_actors({int(item.channel_id) for item in page})


def state_json(sync: ChannelSync) -> dict[str, Any]:
    state = int(sync.state)
    return {"id": state, "label": SYNC_STATE_LABELS.get(state, "Unknown")}


# --- The hourly check and the work task --------------------------------------------------------


def _task(
    channel_id: int, url: str, limit: int, sync_id: int | None, only_after: datetime | None = None
) -> dict[str, Any]:
    task: dict[str, Any] = {"task": TASK, "channel": int(channel_id), "url": url, "limit": limit}
    if sync_id is not None:
        task["sync"] = int(sync_id)
    if only_after is not None:
        task["onlyAfter"] = only_after.isoformat()
    return task


def check_all(settings: Settings, now: datetime) -> int:
    """The hourly check: one task per sync for its latest videos (10), published since its
    last run (or its creation). A sync still processing is left to its run: its listing task
    unless that has been gone for longer than an attempt may last, then its imports, for a
    day at most. How many tasks were queued."""
    if not is_enabled(settings):
        return 0
    tasks = []
    for sync in channel_syncs.list_all():
        if int(sync.state) == SYNC_PROCESSING and sync.last_sync_at is not None:
            waits = RUN_WAIT if sync.listing_done else timedelta(hours=1)
            if sync.last_sync_at > now - waits:
                continue
        only_after = sync.last_sync_at or sync.created_at
        tasks.append(_task(int(sync.channel_id), sync.external_channel_url, LATEST_LIMIT, int(sync.id), only_after))
    for start in range(0, len(tasks), 10):
        queues.send_work(tasks[start : start + 10])
    count("ChannelSyncChecks", len(tasks))
    return len(tasks)


def run(task: dict[str, Any], now: datetime, seconds_left: float) -> int:
    """List the external channel and import what the channel lacks; how many imports began.
    A sync's run stays processing until those imports have ended (domain/sync_runs.py)."""
    settings = get_settings()
    sync = channel_syncs.get_sync(int(task["sync"]), consistent=True) if "sync" in task else None
    run_id = uuid.uuid4().hex
    if "sync" in task:
        if sync is None:
            return 0  # deleted since
        every = (SYNC_SYNCED, SYNC_FAILED, SYNC_WAITING_FIRST_RUN, SYNC_PROCESSING)
        started = [_last_sync(now), _no_error(), *channel_syncs.start_run_actions(run_id)]
        if not channel_syncs.move(sync, every, SYNC_PROCESSING, started):
            return 0
    try:
        made, refused = _synchronise(settings, task, sync, run_id, now, seconds_left)
    except _SyncFailed as failure:
        logger.info("channel sync failed", extra={"sync": task.get("sync"), "reason": str(failure)})
        count("ChannelSyncsFailed")
        if sync is not None:
            channel_syncs.move(sync, (SYNC_PROCESSING,), SYNC_FAILED, [_error(str(failure))])
        return 0
    if sync is not None:
        sync_runs.listing_ended(int(sync.id), run_id, made, refused)
    return made


class _SyncFailed(Exception):
    pass


def _synchronise(
    settings: Settings, task: dict[str, Any], sync: ChannelSync | None, run_id: str, now: datetime, seconds_left: float
) -> tuple[int, int]:
    """The imports started, and those that could not be (PeerTube's buildJobErrors)."""
    from chalicelib.media.checked_proxy import CheckedProxy, pick_upstream
    from chalicelib.media.url_source import ImportFailed, list_channel

    imports = _imports(settings)
    if not imports["videos"]["http"]["enabled"]:
        raise _SyncFailed("Cannot import channel as the HTTP upload is disabled")
    if not imports["video_channel_synchronization"]["enabled"]:
        raise _SyncFailed("Cannot import channel as the synchronization is disabled")
    channel = actors.get_actor(int(task["channel"]))
    account = actors.get_actor(int(channel.account_id or 0)) if channel is not None else None
    owner = users.get_user(int(account.user_id)) if account is not None and account.user_id is not None else None
    if channel is None or channel.deleting_at is not None or owner is None:
        raise _SyncFailed("The channel was deleted")
    seconds = min(LISTING_SECONDS, seconds_left - MARGIN_SECONDS)
    if seconds <= 0:
        raise _SyncFailed("No time left to list the channel")
    limit = min(int(task.get("limit", LATEST_LIMIT)), FULL_SYNC_LIMIT)
    try:
        upstream = pick_upstream(settings.import_proxies)
        allow_loopback = settings.federation.allow_loopback
        with CheckedProxy(LISTING_BYTES, seconds, allow_loopback=allow_loopback, upstream=upstream) as proxy:
            listed = list_channel(str(task["url"]), proxy, limit)
    except ImportFailed as failure:
        raise _SyncFailed(str(failure)) from None
    only_after = _day_start(task.get("onlyAfter"))
    made = refused = 0
    sync_id = int(sync.id) if sync is not None else None
    for video in listed:
        if only_after is not None and video.published is not None and video.published < only_after:
            continue  # published before the sync's last run: PeerTube's onlyAfter, by day
        if not channel_syncs.claim_url(int(channel.id), video.url, now):
            continue  # already imported into this channel
        fields = {"targetUrl": video.url, "channelId": int(channel.id), "privacy": PUBLIC}
        try:
            video_imports.create(settings, owner, fields, now, channel_sync_id=sync_id, sync_run=run_id)
        except CirrusError as refusal:
            channel_syncs.release_url(int(channel.id), video.url)
            logger.info("channel sync import refused", extra={"url": video.url, "reason": str(refusal)})
            refused += 1
            continue
        made += 1
    count("ChannelSyncImports", made)
    return made, refused


def _day_start(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    moment = datetime.fromisoformat(value)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def _last_sync(now: datetime) -> Any:
    from chalicelib.store.models import ChannelSync

    return ChannelSync.last_sync_at.set(now)


def _no_error() -> Any:
    from chalicelib.store.models import ChannelSync

    return ChannelSync.error.remove()


def _error(reason: str) -> Any:
    from chalicelib.store.models import ChannelSync

    return ChannelSync.error.set(reason[:1000])
