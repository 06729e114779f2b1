"""Editing a video's metadata (PUT /api/v1/videos/{id}), with PeerTube's rules: who may, what
a privacy change does to the publication date, and the instance counters it moves."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import events, media_privacy, video_passwords
from chalicelib.domain.roles import Right
from chalicelib.domain.validation import Checks
from chalicelib.domain.video_metadata import parse_int, read_metadata
from chalicelib.domain.video_rights import manages
from chalicelib.domain.videos import publishing_channel
from chalicelib.errors import BadRequestError, ForbiddenError, NotFoundError
from chalicelib.store import video_passwords as store_passwords
from chalicelib.store import videos
from chalicelib.store.models.video import published_upload

if TYPE_CHECKING:
    from chalicelib.store.models import User, Video

PRIVACY_PUBLIC, PRIVACY_PRIVATE, PRIVACY_PASSWORD = 1, 3, 5
PASSWORDS = "video_passwords"  # not a Video attribute: the items of its partition
# API field → Video attribute
ATTRIBUTES = {
    "name": "name",
    "category": "category",
    "licence": "licence",
    "language": "language",
    "privacy": "privacy",
    "description": "description",
    "support": "support",
    "tags": "tags",
    "nsfw": "nsfw",
    "waitTranscoding": "wait_transcoding",
    "downloadEnabled": "download_enabled",
    "commentsPolicy": "comments_policy",
    "originallyPublishedAt": "originally_published_at",
}


def read_changes(fields: dict[str, Any]) -> dict[str, Any]:
    """The attributes an update sets (None clears one); 400 for any invalid field, before
    the video is even looked up, as in PeerTube."""
    checks = Checks()
    found = read_metadata(fields, checks)
    if "privacy" in found and found["privacy"] is None:
        checks.add("privacy", "Invalid value")
    channel_id = None
    if fields.get("channelId") not in (None, ""):
        channel_id = parse_int(fields["channelId"])
        if channel_id is None:
            checks.add("channelId", "Invalid value")
    checks.raise_if_any()
    changes = {ATTRIBUTES[field]: value for field, value in found.items()}
    if fields.get("videoPasswords") not in (None, ""):
        # Checked against the privacy in the update, or the video's own once it is read.
        changes[PASSWORDS] = fields["videoPasswords"]
    if "tags" in changes:
        changes["tags"] = set(changes["tags"]) or None
    if channel_id is not None:
        changes["channel_id"] = channel_id
    return changes


def check_can_manage(video: Video, user: User) -> None:
    if not video.is_local:
        raise ForbiddenError("Cannot manage a video of another server.")
    if not manages(user, video, Right.UPDATE_ANY_VIDEO):
        raise ForbiddenError("Cannot manage a video of another user.")


def update_video(video: Video, user: User, changes: dict[str, Any], now: datetime) -> None:
    check_can_manage(video, user)
    if "channel_id" in changes and int(changes["channel_id"]) != int(video.channel_id):
        _check_new_channel(video, user, int(changes["channel_id"]))
    old_privacy = int(video.privacy)
    new_privacy = int(changes.get("privacy", old_privacy))
    # A video becoming password-protected needs its passwords; one that already is keeps
    # them unless new ones are given (PeerTube wants them on every update: a client that
    # sends only a new name should not lose access to the video, nor be refused).
    given = {"videoPasswords": changes.pop(PASSWORDS, None)}
    passwords = video_passwords.passwords_for(new_privacy, given, required=old_privacy != PRIVACY_PASSWORD)
    if old_privacy == PRIVACY_PRIVATE and new_privacy != PRIVACY_PRIVATE:
        changes["published_at"] = now  # PeerTube publishes anew a video leaving private
    changes["updated_at"] = now
    public_delta = 0
    # Counted while public from its publication on (its first rendition's, when published
    # progressively: publish_first counts it, the last rendition does not again).
    if published_upload(video) and (old_privacy == PRIVACY_PUBLIC) != (new_privacy == PRIVACY_PUBLIC):
        public_delta = 1 if new_privacy == PRIVACY_PUBLIC else -1
    before = copy.copy(video)
    if passwords is not None:
        store_passwords.replace(int(video.id), passwords, now)  # before the privacy opens it to them
    if not videos.update_metadata(video, changes, public_delta):
        raise NotFoundError("Video not found")
    if old_privacy == PRIVACY_PASSWORD and new_privacy != PRIVACY_PASSWORD:
        store_passwords.delete_all(int(video.id))
    after = videos.get_video(int(video.id))
    if after is not None:
        # L9: the files follow the privacy before anyone is told of the change.
        media_privacy.privacy_changed(before, after)
        events.emit(events.VideoChanged(before, after))


def _check_new_channel(video: Video, user: User, channel_id: int) -> None:
    channel = publishing_channel(channel_id, user)
    if int(channel.account_id or 0) != int(video.account_id):
        raise BadRequestError("The channel must belong to the same account as the original channel")
