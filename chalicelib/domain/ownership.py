"""Video ownership changes (PeerTube's `give-ownership`, `ownership`, `accept`, `refuse`):
a video's owner offers it to another local account, whose user accepts it into one of
their channels or refuses it.

PeerTube's rules (its video-ownership-changes validators and controller):
- offering: the owner, or a user with CHANGE_VIDEO_OWNERSHIP; the username must be a local
  user's (400 "<username> does not exist on <instance name>"); the same offer twice is one
  offer (findOrCreate of a WAITING change);
- the list is the changes offered to the user's account and those it offered (PeerTube
  8.2), oldest first unless sorted by -createdAt;
- PeerTube 8.2's notifications: an offer tells the next owner (VIDEO_OWNERSHIP_CHANGED_REQUEST),
  its answer the former channel's owner and collaborators (..._ACCEPTED, ..._REJECTED), each
  through an `OwnershipChangeUpdated` event;
- ending: the next owner or a user with MANAGE_USERS; 404 for an unknown change, 403 for a
  change offered to someone else, 400 once it was accepted or refused (PeerTube 8; 403
  before);
- accepting: the channel must be the accepting user's, or any for a user with
  MANAGE_ANY_VIDEO_CHANNEL (404 unknown, 403 another's), and the video goes to the channel's
  account (the quota checked is that owner's: where the video counts); a live only while it
  waits for its stream (400 "You can accept an ownership change of a published live." once
  it went on air or ended), with no quota check; any other video must fit in the channel
  owner's quota with its largest file (413 `quota_reached`, PeerTube's checkUserQuota); the
  video moves to that channel and account, and a published video's Update goes out from its
  former account (the one remote instances know as its owner) to the followers of both
  (`VideoOwnerChanged`).

Cirrus moves the counted size of the video (its largest file, as publication counted it)
from the former owner's quota to the new owner's in the transaction that moves the video,
and its entry in the daily window if it was uploaded in the last 24 hours (PeerTube's
daily quota sums the videos an account owns created in the last 24 hours).
PeerTube accepts a video whatever its transcoding; so does Cirrus for a video being
transcoded (published from its first rendition or not yet playable): what it holds is its
upload's reservation, which moves to the new owner (checked against their quota), and its
publication settles it on them. A video still being uploaded, imported or edited cannot be
accepted yet (409): its upload session, import or edit is its owner's.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.domain import custom_config, events
from chalicelib.domain import videos as video_cases
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.errors import BadRequestError, ConflictError, ForbiddenError, NotFoundError
from chalicelib.store import actors, counters, ownership_changes, users, videos
from chalicelib.store.models.ownership_change import OWNERSHIP_ACCEPTED, OWNERSHIP_REFUSED, OWNERSHIP_WAITING
from chalicelib.store.models.video_stages import (
    LIVE_STAGES,
    SETTLED_STAGES,
    STAGE_DONE,
    STAGE_ENCODING,
    STAGE_LIVE_WAITING,
    STAGE_PACKAGING,
)

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, OwnershipChange, User, Video

NOT_FOUND = "Video ownership change not found"
NOT_YOURS = "Cannot terminate an ownership change of another user"
ENDED = "Ownership already accepted or refused"
CHANNEL_NOT_FOUND = "Video channel not found"
NOT_YOUR_CHANNEL = "This user has not owner rights on this channel"
LIVE_STARTED = "You can accept an ownership change of a published live."
BUSY = "The video is being uploaded, imported or edited: accept it once it is transcoding or published"
SORTS = ("createdAt", "-createdAt")
# Settled, live, or in the transcoding pipeline (its quota a reservation the change moves).
ACCEPTABLE_STAGES = SETTLED_STAGES | LIVE_STAGES | {STAGE_ENCODING, STAGE_PACKAGING}


def give(video: Video, user: User, username: Any, now: datetime) -> OwnershipChange:
    if not video.is_local:
        raise ForbiddenError("Cannot manage a video of another server.")
    if int(video.account_id) != int(user.account_id) and not has_right(
        Role(int(user.role)), Right.CHANGE_VIDEO_OWNERSHIP
    ):
        raise ForbiddenError("Cannot manage a video of another user.")
    if not isinstance(username, str) or not username.strip():
        raise BadRequestError("Should have a valid username")
    account = actors.find_local_actor(username.strip())
    if account is None or account.actor_type != "Person" or account.user_id is None:
        instance = custom_config.in_force(get_settings()).instance_name  # read on this path only
        raise BadRequestError(f"{username} does not exist on {instance}")
    for offered in ownership_changes.list_offered(int(account.id)):
        if (
            int(offered.video_id) == int(video.id)
            and int(offered.initiator_account_id) == int(user.account_id)
            and offered.status == OWNERSHIP_WAITING
        ):
            return offered
    change_id = counters.next_id("ownership-change")
    change = ownership_changes.create_change(change_id, int(video.id), int(user.account_id), int(account.id), now)
    events.emit(events.OwnershipChangeUpdated(change, int(video.channel_id)))
    return change


def list_changes(user: User, start: int, count: int, sort: str) -> tuple[int, list[OwnershipChange]]:
    """The changes offered to the user's account and those it offered (PeerTube 8.2's list)."""
    if sort not in SORTS:
        raise BadRequestError(f"Should have a valid sort: one of {', '.join(SORTS)}")
    account_id = int(user.account_id)
    both = [*ownership_changes.list_offered(account_id), *ownership_changes.list_sent(account_id)]
    found = {int(change.id): change for change in both}  # one offered to oneself is in both
    changes = sorted(found.values(), key=lambda c: (c.created_at, int(c.id)), reverse=sort.startswith("-"))
    return len(changes), changes[start : start + count]


def _waiting_change(user: User, change_id: str) -> OwnershipChange:
    if not change_id.isdigit():
        raise BadRequestError("Should have a valid id")
    change = ownership_changes.get_change(int(change_id), consistent=True)
    if change is None:
        raise NotFoundError(NOT_FOUND)
    if int(change.next_owner_account_id) != int(user.account_id) and not has_right(
        Role(int(user.role)), Right.MANAGE_USERS
    ):
        raise ForbiddenError(NOT_YOURS)
    if change.status != OWNERSHIP_WAITING:
        raise BadRequestError(ENDED)
    return change


def refuse(user: User, change_id: str, now: datetime) -> None:
    change = _waiting_change(user, change_id)
    if not ownership_changes.end(change, OWNERSHIP_REFUSED, now):
        raise BadRequestError(ENDED)
    change.status = OWNERSHIP_REFUSED
    video = videos.get_video(int(change.video_id))
    if video is not None:
        events.emit(events.OwnershipChangeUpdated(change, int(video.channel_id)))


def accept(user: User, change_id: str, channel_id: Any, now: datetime) -> None:
    change = _waiting_change(user, change_id)
    if isinstance(channel_id, bool) or not str(channel_id).isdigit():
        raise BadRequestError("Should have a valid channelId")
    channel = actors.get_actor(int(channel_id))
    if channel is None or channel.actor_type != "Group" or not channel.is_local or channel.deleting_at is not None:
        raise NotFoundError(CHANNEL_NOT_FOUND)
    if int(channel.account_id or 0) != int(user.account_id) and not has_right(
        Role(int(user.role)), Right.MANAGE_ANY_VIDEO_CHANNEL
    ):
        raise ForbiddenError(NOT_YOUR_CHANNEL)
    video, files, web_files = videos.get_video_with_all_files(int(change.video_id))
    if video is None:
        raise NotFoundError("Video not found")
    if video.stage not in ACCEPTABLE_STAGES:
        raise ConflictError(BUSY)
    if video.stage in LIVE_STAGES and video.stage != STAGE_LIVE_WAITING:
        raise BadRequestError(LIVE_STARTED)
    counted = [int(f.size) for f in files] + [int(f.size) for f in web_files if not f.original]
    largest = max(counted, default=0) if video.stage == STAGE_DONE else 0
    receiver = _channel_owner(user, channel)
    if video.stage not in LIVE_STAGES:  # PeerTube checks no quota for a live: it holds none
        video_cases.check_quota(receiver, largest + int(video.quota_reserved or 0), now)
    before = copy.copy(video)
    if not ownership_changes.accept(change, video, int(channel.id), receiver, largest, now):
        raise ConflictError("The ownership change, the video or the quota changed meanwhile: try again")
    after = videos.get_video(int(video.id))
    if after is not None:
        events.emit(events.VideoOwnerChanged(before, after))
    change.status = OWNERSHIP_ACCEPTED
    events.emit(events.OwnershipChangeUpdated(change, int(before.channel_id)))


def _channel_owner(user: User, channel: Actor) -> User:
    """The user whose account owns the channel, read consistently (their quota is checked and
    moved): the accepting user, or, for a moderator accepting into another's channel, that
    channel's owner, as PeerTube moves the video to the channel and so to its account."""
    if int(channel.account_id or 0) == int(user.account_id):
        return users.get_user(int(user.id), consistent=True) or user
    account = actors.get_actor(int(channel.account_id or 0))
    owner = users.get_user(int(account.user_id), consistent=True) if account and account.user_id else None
    if owner is None:
        raise NotFoundError(CHANNEL_NOT_FOUND)
    return owner
