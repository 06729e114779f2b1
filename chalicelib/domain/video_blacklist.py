"""Video blocks, PeerTube's video blacklist (controllers/api/videos/blacklist.ts,
lib/video-blacklist.ts): a moderator hides a video from everyone but its owner and the
moderators, with a reason, and may withdraw a local one from the fediverse.

PeerTube's rules, kept:
- the right MANAGE_VIDEO_BLACKLIST; a reason of at most 300 characters;
- a video is blocked once (409 `This video is already blacklisted.`), and only a blocked one
  is unblocked or has its reason changed (404 `Blacklisted video not found`);
- `unfederate` only for a local video (409 `You cannot unfederate a remote video.`): its
  followers get a Delete, and an unblock sends it anew as a Create;
- the block hides the video from lists, search and feeds (`include` flag 2 shows it to those
  who may see every video), and from anyone's GET but its owner's and moderators' (401, 403);
- its owner is told (BLACKLIST_ON_MY_VIDEO, UNBLACKLIST_ON_MY_VIDEO).

The block lives on the video's own item, in one attribute that the catalogue index projects
(one UpdateItem, seen by the catalogue like any change of the video), so lists need no second
read to leave it out.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib import plugins
from chalicelib.domain import events
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.domain.text_match import fold
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.store import catalog, counters, videos

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.store.models import User, Video

TYPE_MANUAL = 1
TYPE_AUTO_BEFORE_PUBLISHED = 2
REASON_MAX = 300
TYPE_LABELS = {TYPE_MANUAL: "Manual", TYPE_AUTO_BEFORE_PUBLISHED: "Automatic"}
BYPASS_AUTO_BLACKLIST = 1  # PeerTube's UserAdminFlag.BYPASS_VIDEO_AUTO_BLACKLIST
AUTO_REASON = "Auto-blacklisted. Moderator review required."


@dataclass(frozen=True)
class BlockRequest:
    reason: str | None
    unfederate: bool


def read_block(body: dict[str, Any]) -> BlockRequest:
    """PeerTube's videosBlacklistAddValidator body: `reason` (optional text up to 300
    characters), `unfederate` (optional boolean)."""
    errors: dict[str, str] = {}
    reason = body.get("reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > REASON_MAX):
        errors["reason"] = f"Should have a valid reason (max {REASON_MAX} characters)"
    unfederate = body.get("unfederate", False)
    if not isinstance(unfederate, bool):
        errors["unfederate"] = "Should have a valid unfederate boolean"
    if errors:
        raise ValidationError(errors)
    return BlockRequest(reason or None, unfederate)


def is_blocked(video: Video) -> bool:
    return video.blacklist is not None


def is_unfederated(video: Video) -> bool:
    return bool((video.blacklist or {}).get("unfederated"))


def reason_of(video: Video) -> str | None:
    reason = (video.blacklist or {}).get("reason")
    return str(reason) if reason is not None else None


def check_can_manage(user: User) -> None:
    if not has_right(Role(int(user.role)), Right.MANAGE_VIDEO_BLACKLIST):
        raise ForbiddenError("User cannot manage the video blacklist")


def block(video: Video, user: User, wanted: BlockRequest, now: datetime, kind: int = TYPE_MANUAL) -> None:
    if kind == TYPE_MANUAL:
        check_can_manage(user)
    if wanted.unfederate and not video.is_local:
        raise ConflictError("You cannot unfederate a remote video.")
    if is_blocked(video):
        raise ConflictError("This video is already blacklisted.")
    before = copy.copy(video)
    stamp = now.isoformat()
    blacklist = {
        "id": counters.next_id("video-blacklist"),
        "createdAt": stamp,
        "updatedAt": stamp,
        "reason": wanted.reason,
        "type": kind,
        "unfederated": wanted.unfederate,
    }
    if not videos.update_metadata(video, {"blacklist": blacklist}, 0):
        raise NotFoundError("Video not found")
    events.emit(events.VideoChanged(before, video))  # federation: a Delete if unfederated
    events.emit(events.VideoBlacklisted(video))


AUTO_BLACKLIST_HOOK = "filter:video.auto-blacklist.result"


def automatic_block(
    user: User, custom: dict[str, Any], now: datetime, video: Video | None = None
) -> dict[str, Any] | None:
    """PeerTube's auto-blacklist (`autoBlacklist.videos.ofUsers.enabled`): a new upload by a user
    who neither moderates the blacklist nor has the bypass flag starts blocked and withdrawn
    from the fediverse, until a moderator lifts the block. Plugins may change that decision
    (PeerTube's `filter:video.auto-blacklist.result`). The block to create it with, or None."""
    wanted = plugins.run_filter(
        AUTO_BLACKLIST_HOOK, _auto_blacklist_needed(user, custom), video=video, user=user, is_remote=False, is_new=True
    )
    if not wanted:
        return None
    stamp = now.isoformat()
    return {
        "id": counters.next_id("video-blacklist"),
        "createdAt": stamp,
        "updatedAt": stamp,
        "reason": AUTO_REASON,
        "type": TYPE_AUTO_BEFORE_PUBLISHED,
        "unfederated": True,
    }


def _auto_blacklist_needed(user: User, custom: dict[str, Any]) -> bool:
    enabled = custom.get("autoBlacklist", {}).get("videos", {}).get("ofUsers", {}).get("enabled")
    if not enabled or has_right(Role(int(user.role)), Right.MANAGE_VIDEO_BLACKLIST):
        return False
    return not int(user.admin_flags or 0) & BYPASS_AUTO_BLACKLIST


def is_automatic(video: Video) -> bool:
    return int((video.blacklist or {}).get("type") or TYPE_MANUAL) == TYPE_AUTO_BEFORE_PUBLISHED


def change_reason(video: Video, user: User, reason: str | None, now: datetime) -> None:
    check_can_manage(user)
    _check_blocked(video)
    changed = {**(video.blacklist or {}), "reason": reason, "updatedAt": now.isoformat()}
    if not videos.update_metadata(video, {"blacklist": changed}, 0):
        raise NotFoundError("Video not found")


def unblock(video: Video, user: User) -> None:
    check_can_manage(user)
    _check_blocked(video)
    before = copy.copy(video)
    if not videos.update_metadata(video, {"blacklist": None}, 0):
        raise NotFoundError("Video not found")
    events.emit(events.VideoChanged(before, video))  # federation: a Create if it was unfederated
    events.emit(events.VideoUnblacklisted(video, int((before.blacklist or {}).get("id") or 0), is_automatic(before)))


def _check_blocked(video: Video) -> None:
    if not is_blocked(video):
        raise NotFoundError("Blacklisted video not found")


# --- The moderators' list ---------------------------------------------------------------

SORTS = ("id", "name", "duration", "views", "likes", "dislikes", "uuid", "createdAt")


def listing(kind: int | None, search: str | None, sort: str) -> list[Video]:
    """GET /videos/blacklist, over the catalogue (every local and remote video it knows):
    blocked videos, of one type if asked, whose name contains `search`."""
    needle = fold(search) if search else None
    found = [
        video
        for video in catalog.current().videos.values()
        if is_blocked(video)
        and (kind is None or int(video.blacklist.get("type") or TYPE_MANUAL) == kind)
        and (needle is None or needle in fold(video.name))
    ]
    column = sort.lstrip("-")
    keys: dict[str, Any] = {
        "id": lambda v: int(v.blacklist.get("id") or 0),
        "name": lambda v: fold(v.name),
        "duration": lambda v: int(v.duration or 0),
        "views": lambda v: int(v.views or 0),
        "likes": lambda v: int(v.likes or 0),
        "dislikes": lambda v: int(v.dislikes or 0),
        "uuid": lambda v: str(v.uuid),
        "createdAt": lambda v: str(v.blacklist.get("createdAt") or ""),
    }
    by_id = sorted(found, key=keys["id"])
    return sorted(by_id, key=keys[column], reverse=sort.startswith("-"))
