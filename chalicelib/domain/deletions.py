"""Deleting a user (with its account and channels) or one channel, off the request path.

The request only marks them (one transaction, whatever the number of videos: from then on
they are gone for every reader, the user cannot log in, nothing can be published in them),
revokes the user's sessions and queues the job; it answers 204 as PeerTube does. The work
queue (functions/work/handler.py) then runs `resume` until the job is over:

1. each video is removed whole (domain/videos.py:remove_video: its Delete activity, its
   files, then its items), a few per message: a message that runs out of time queues its
   continuation, and one that fails is delivered again and carries on from what is left;
2. once no video is left, the actors wait `deletion_grace_seconds` so that the videos'
   Delete activities, which their keys sign, go out first;
3. then playlists, the actors and the user go, and last the job's own item.

Every step is idempotent: running a job again after a crash at any point finishes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain
from typing import TYPE_CHECKING

from chalicelib.config import get_settings
from chalicelib.domain import playlists
from chalicelib.domain.videos import remove_video
from chalicelib.errors import NotFoundError
from chalicelib.observability import count, logger
from chalicelib.store import actors, catalog, deletions, history, notifications, queues, tokens, users, web_push
from chalicelib.store.models.deletion import KIND_ACCOUNT

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Deletion, User, Video

TASK = "delete-actor"
# What a message keeps for the step after its last video (the actors, the user, playlists).
RESERVE_SECONDS = 60.0
# Videos one message removes at most before queueing its continuation: a run stays short
# (and a crash repeats little), whatever the function's remaining time.
VIDEOS_PER_RUN = 100


@dataclass(frozen=True)
class Progress:
    """What one run of a job did; `done` once nothing is left of it."""

    videos_removed: int
    done: bool


# Asking --------------------------------------------------------------------------------------


def request_user_deletion(user: User, now: datetime) -> None:
    """Hide the user, its account, channels and videos now; queue their removal."""
    account = actors.get_actor(int(user.account_id))
    if account is None:
        raise NotFoundError("User not found")
    channels = actors.list_account_channels(int(account.id))
    if not deletions.mark_account(user, account, channels, now):
        raise NotFoundError("User not found")
    tokens.revoke_all(int(user.id))
    _queue(int(account.id))


def request_channel_deletion(channel: Actor, now: datetime) -> None:
    if not deletions.mark_channel(channel, now):
        raise NotFoundError("Video channel not found")
    _queue(int(channel.id))


def _queue(actor_id: int, delay_seconds: int = 0) -> None:
    queues.send_work([{"task": TASK, "actor": actor_id}], delay_seconds=delay_seconds)


# Doing ---------------------------------------------------------------------------------------


def resume(actor_id: int, seconds_left: Callable[[], float], now: Callable[[], datetime]) -> Progress:
    """Carry the deletion of an account or channel on from where it is; queue what remains
    when time runs out. Called again with the same actor after a crash, it carries on."""
    job = deletions.get_deletion(actor_id)
    if job is None:
        return Progress(0, done=True)  # finished already (a repeated message)
    removed = 0
    for video in videos_of(job):
        if seconds_left() < RESERVE_SECONDS or removed >= VIDEOS_PER_RUN:
            _queue(actor_id)
            return Progress(removed, done=False)
        remove_video(video)
        removed += 1
    count("DeletedVideos", removed)
    if job.videos_done_at is None:
        deletions.videos_done(job, now())
    assert job.videos_done_at is not None
    wait = job.videos_done_at + timedelta(seconds=get_settings().deletion_grace_seconds) - now()
    if wait.total_seconds() > 0:
        # The actors outlive their videos a while, to sign the Delete activities.
        _queue(actor_id, delay_seconds=int(wait.total_seconds()) + 1)
        return Progress(removed, done=False)
    if job.target_kind == KIND_ACCOUNT:
        _remove_account(job)
    else:
        _remove_channel(job)
    deletions.finish(job)
    logger.info("deletion done", extra={"actor": actor_id, "kind": job.target_kind})
    return Progress(removed, done=True)


def videos_of(job: Deletion) -> list[Video]:
    """The videos still there of the account or channel (the catalogue hides them from
    lists, and keeps them aside for this)."""
    state = catalog.current()
    owner = int(job.target_id)
    field = "account_id" if job.target_kind == KIND_ACCOUNT else "channel_id"
    found = {
        int(video.id): video
        for video in chain(state.videos.values(), state.withheld.values())
        if int(getattr(video, field)) == owner
    }
    return [found[video_id] for video_id in sorted(found)]


def _remove_account(job: Deletion) -> None:
    account_id = int(job.target_id)
    playlists.on_account_deleted(account_id)
    user = users.get_user(int(job.user_id), consistent=True) if job.user_id is not None else None
    account = actors.get_actor(account_id)
    if user is None or account is None:
        return  # removed by a run that stopped before finishing the job
    # Sessions opened before the mark are revoked again: the listing is eventually consistent.
    tokens.revoke_all(int(user.id))
    notifications.delete_all(int(user.id))
    web_push.delete_all(int(user.id))
    history.delete_entries(history.list_entries(int(user.id)))
    users.delete_local_user(user, account, actors.list_account_channels(account_id))


def _remove_channel(job: Deletion) -> None:
    channel = actors.get_actor(int(job.target_id))
    if channel is None:
        return
    playlists.on_channel_deleted(int(channel.account_id or 0), int(channel.id))
    actors.delete_channel(channel)
