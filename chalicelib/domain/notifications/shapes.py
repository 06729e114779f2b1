"""PeerTube's UserNotification JSON (`user-notification.ts`, toFormattedJSON), key order included.

The sub-objects a type carries (video with its channel, comment, account, actorFollow, abuse,
registration) are built when the notification is made and stored with it: listing a page then
reads nothing but the page, and the real-time push sends the same document the list later shows.
Names and avatars are those of that moment (PeerTube joins the current ones). Sub-objects a
notification has not are left out, as PeerTube's JSON leaves out undefined ones.

This is the domain's: notifications are made in the work function and pushed from there, and
the API only adds nothing to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain import reference_data
from chalicelib.domain.reference_data import VIDEO_STATES
from chalicelib.domain.short_uuid import to_short
from chalicelib.store.models.ownership_change import OWNERSHIP_STATES

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.config import Settings
    from chalicelib.store.models import (
        Abuse,
        Actor,
        ChannelCollaborator,
        Follow,
        Notification,
        OwnershipChange,
        Registration,
        Video,
        VideoComment,
    )

# The order of PeerTube's keys between `read` and `createdAt`.
SUB_OBJECTS = (
    "video",
    "videoImport",
    "comment",
    "abuse",
    "videoBlacklist",
    "account",
    "actorFollow",
    "plugin",
    "peertube",
    "registration",
    "videoCaption",
    "videoChannelCollaborator",
    "changeOwnership",
)
FOLLOWING_TYPES = {"Application": "instance", "Group": "channel", "Person": "account"}


def notification_json(notification: Notification, read: bool) -> dict[str, Any]:
    payload = notification.payload or {}
    body: dict[str, Any] = {"id": int(notification.id), "type": int(notification.type), "read": read}
    body.update({name: payload[name] for name in SUB_OBJECTS if payload.get(name) is not None})
    body["createdAt"] = _iso(notification.created_at)
    body["updatedAt"] = _iso(notification.updated_at)
    return body


def video_info(video: Video) -> dict[str, Any]:
    state = int(video.state)
    return {
        "id": int(video.id),
        "uuid": str(video.uuid),
        "shortUUID": to_short(str(video.uuid)),
        "name": str(video.name),
        "state": {"id": state, "label": VIDEO_STATES.get(state, "Unknown")},
    }


def actor_info(actor: Actor, settings: Settings) -> dict[str, Any]:
    """PeerTube's formatActor: an account or a channel, with its avatars (path and width)."""
    avatars: list[dict[str, Any]] = [
        {"path": f"/{image.path}", "width": int(image.width)} for image in actor.avatars or []
    ]
    body: dict[str, Any] = {
        "id": int(actor.id),
        "displayName": str(actor.display_name),
        "name": str(actor.preferred_username),
        "host": str(actor.host or settings.instance_host),
    }
    if avatars:
        body["avatar"] = max(avatars, key=lambda avatar: int(avatar["width"]))
    body["avatars"] = avatars
    return body


def video_payload(video: Video, channel: Actor, settings: Settings) -> dict[str, Any]:
    return {"video": {**video_info(video), "channel": actor_info(channel, settings)}}


def caption_payload(language: str, video: Video) -> dict[str, Any]:
    """PeerTube's `videoCaption`: the caption's language and its video."""
    label = reference_data.video_languages().get(language, "Unknown")
    return {"videoCaption": {"language": {"id": language, "label": label}, "video": video_info(video)}}


def comment_payload(comment: VideoComment, video: Video, author: Actor, settings: Settings) -> dict[str, Any]:
    return {
        "comment": {
            "id": int(comment.id),
            "threadId": int(comment.thread_id),
            "account": actor_info(author, settings),
            "video": video_info(video),
            "heldForReview": bool(comment.held_for_review),
        }
    }


def account_payload(account: Actor, settings: Settings) -> dict[str, Any]:
    return {"account": actor_info(account, settings)}


def follow_payload(follow: Follow, follower: Actor, following: Actor, settings: Settings) -> dict[str, Any]:
    follower_json = actor_info(follower, settings)
    return {
        "actorFollow": {
            "id": int(follow.follow_id or 0),
            "state": str(follow.state),
            "follower": follower_json,
            "following": {
                "type": FOLLOWING_TYPES.get(str(following.actor_type), "account"),
                "displayName": str(following.display_name),
                "name": str(following.preferred_username),
                "host": str(following.host or settings.instance_host),
            },
        }
    }


def abuse_payload(abuse: Abuse, flagged: Actor | None, video: Video | None, settings: Settings) -> dict[str, Any]:
    """PeerTube's formatAbuse: the reported video, or the reported comment's thread and video,
    or else the reported account."""
    body: dict[str, Any] = {"id": int(abuse.id), "state": int(abuse.state)}
    if abuse.comment_id is not None:
        comment: dict[str, Any] = {"threadId": int(abuse.comment_thread_id or abuse.comment_id)}
        if video is not None:
            comment["video"] = {
                "id": int(video.id),
                "name": str(video.name),
                "shortUUID": to_short(str(video.uuid)),
                "uuid": str(video.uuid),
            }
        body["comment"] = comment
    elif abuse.video_id is not None and video is not None:
        body["video"] = video_info(video)
    elif abuse.video_id is None and flagged is not None:
        body["account"] = actor_info(flagged, settings)
    return {"abuse": body}


def registration_payload(registration: Registration) -> dict[str, Any]:
    return {"registration": {"id": int(registration.id), "username": str(registration.username)}}


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def collaborator_payload(
    collaborator: ChannelCollaborator,
    state: dict[str, Any],
    channel: Actor,
    owner: Actor,
    account: Actor,
    settings: Settings,
) -> dict[str, Any]:
    """PeerTube 8's `videoChannelCollaborator` of a collaboration notification."""
    return {
        "videoChannelCollaborator": {
            "id": int(collaborator.id),
            "state": state,
            "channel": actor_info(channel, settings),
            "channelOwner": actor_info(owner, settings),
            "account": actor_info(account, settings),
        }
    }


def change_ownership_payload(
    change: OwnershipChange, initiator: Actor, next_owner: Actor, video: Video, settings: Settings
) -> dict[str, Any]:
    """PeerTube 8.2's `changeOwnership` of an ownership change notification: its state (as
    ChangeOwnership's), both accounts and the video (a channel's change would name `channel`)."""
    return {
        "changeOwnership": {
            "id": int(change.id),
            "state": dict(OWNERSHIP_STATES[str(change.status)]),
            "initiatorAccount": actor_info(initiator, settings),
            "nextOwnerAccount": actor_info(next_owner, settings),
            "video": video_info(video),
        }
    }
