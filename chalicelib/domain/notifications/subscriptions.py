"""Which domain events make notifications: each queues one work message (tasks.py), so the
process that emitted the event (the API, the transcoder, the inbox) reads nothing more and
waits for nobody. `register()` is called by every entry through chalicelib/subscribers.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain import events
from chalicelib.domain.notifications.tasks import PRIVACY_PUBLIC, STATE_PUBLISHED, queue

if TYPE_CHECKING:
    from chalicelib.store.models import Video, VideoComment


def register() -> None:
    events.subscribe(events.VideoPublished, on_video_published)
    events.subscribe(events.VideoChanged, on_video_changed)
    events.subscribe(events.LiveStateChanged, on_live_state_changed)
    events.subscribe(events.VideoBlacklisted, on_video_blacklisted)
    events.subscribe(events.VideoUnblacklisted, on_video_unblacklisted)
    events.subscribe(events.RemoteVideoStored, on_remote_video_stored)
    events.subscribe(events.CommentPosted, on_comment_posted)
    events.subscribe(events.RemoteCommentStored, on_remote_comment_stored)
    events.subscribe(events.CommentApproved, on_comment_approved)
    events.subscribe(events.ActorFollowed, on_actor_followed)
    events.subscribe(events.InstanceFollowedBack, on_instance_followed_back)
    events.subscribe(events.UserRegistered, on_user_registered)
    events.subscribe(events.RegistrationRequested, on_registration_requested)
    events.subscribe(events.AbuseReported, on_abuse_reported)
    events.subscribe(events.AbuseReceived, on_abuse_received)
    events.subscribe(events.AbuseStateChanged, on_abuse_state_changed)
    events.subscribe(events.AbuseMessageAdded, on_abuse_message_added)
    events.subscribe(events.CollaboratorChanged, on_collaborator_changed)
    events.subscribe(events.OwnershipChangeUpdated, on_ownership_change_updated)


def on_video_published(event: events.VideoPublished) -> None:
    """Its owner (MY_VIDEO_PUBLISHED: Cirrus transcodes every upload), then its subscribers;
    a studio edit's publication tells its owner only (MY_VIDEO_STUDIO_EDITION_FINISHED), and a
    video whose file was replaced nobody (PeerTube notifies only a new video)."""
    edition = int(event.video.studio_edits or 0)
    if edition:
        queue("studio-edited", video=int(event.video.id), edition=edition)
        return
    if event.video.input_file_updated_at is None:
        queue("new-video", video=int(event.video.id), owner=True)


def on_video_changed(event: events.VideoChanged) -> None:
    """A published video made public (PeerTube notifies subscribers when a video leaves
    private, unlisted or internal): its subscribers, who were not told before."""
    if _is_new_to_the_public(event.before, event.after):
        queue("new-video", video=int(event.after.id))


def on_live_state_changed(event: events.LiveStateChanged) -> None:
    """A live on air: NEW_LIVE_FROM_SUBSCRIPTION to its subscribers, as PeerTube notifies when
    a live's state becomes published; a permanent live's every session is news again."""
    if event.state == STATE_PUBLISHED:
        queue("new-live", video=int(event.video_id))


def on_video_blacklisted(event: events.VideoBlacklisted) -> None:
    if event.video.is_local:
        queue(
            "blacklist",
            video=int(event.video.id),
            block=int((event.video.blacklist or {}).get("id") or 0),
            lifted=False,
        )


def on_video_unblacklisted(event: events.VideoUnblacklisted) -> None:
    if event.video.is_local:
        queue("blacklist", video=int(event.video.id), block=event.blacklist_id, lifted=True)
        if event.was_automatic:
            # Published while held back: its subscribers hear of it now (PeerTube's
            # notifyOnVideoPublishedAfterRemovedFromAutoBlacklist), under a subject of its own;
            # the task finds nothing to do for a video still transcoding, which is told later.
            queue("new-video", video=int(event.video.id), released=True)


def on_remote_video_stored(event: events.RemoteVideoStored) -> None:
    video = event.video
    if not event.was_public and int(video.privacy) == PRIVACY_PUBLIC and int(video.state) == STATE_PUBLISHED:
        queue("new-video", video=int(video.id))


def on_comment_posted(event: events.CommentPosted) -> None:
    _queue_comment(event.video, event.comment)


def on_comment_approved(event: events.CommentApproved) -> None:
    """PeerTube's notifyOnNewCommentApproval: the users a held comment mentions hear of it now;
    the video's owner was told when it came (NEW_COMMENT_ON_MY_VIDEO, `heldForReview` true)."""
    comment = event.comment
    queue("comment", video=int(event.video.id), thread=int(comment.thread_id), comment=int(comment.id), approved=True)


def on_remote_comment_stored(event: events.RemoteCommentStored) -> None:
    _queue_comment(event.video, event.comment)


def on_actor_followed(event: events.ActorFollowed) -> None:
    queue("follow", follower=int(event.follow.follower_id), target=int(event.follow.target_id))


def on_instance_followed_back(event: events.InstanceFollowedBack) -> None:
    queue("auto-follow", follower=int(event.follow.follower_id), target=int(event.follow.target_id))


def on_user_registered(event: events.UserRegistered) -> None:
    queue("user-registered", user=int(event.user.id), account=int(event.account.id))


def on_registration_requested(event: events.RegistrationRequested) -> None:
    queue("registration-requested", registration=int(event.registration.id))


def on_abuse_reported(event: events.AbuseReported) -> None:
    queue("abuse", abuse=int(event.abuse.id))


def on_abuse_received(event: events.AbuseReceived) -> None:
    queue("abuse", abuse=int(event.abuse.id))


def on_abuse_state_changed(event: events.AbuseStateChanged) -> None:
    change = f"{event.previous_state}-{int(event.abuse.state)}-{event.abuse.updated_at.isoformat()}"
    queue("abuse-state", abuse=int(event.abuse.id), change=change)


def on_abuse_message_added(event: events.AbuseMessageAdded) -> None:
    message = event.message
    queue(
        "abuse-message",
        abuse=int(event.abuse.id),
        message=int(message.id),
        author=int(message.account_id or 0),
        byModerator=bool(message.by_moderator),
    )


def _queue_comment(video: Video, comment: VideoComment) -> None:
    queue("comment", video=int(video.id), thread=int(comment.thread_id), comment=int(comment.id))


def _is_new_to_the_public(before: Video, after: Video) -> bool:
    return (
        int(before.privacy) != PRIVACY_PUBLIC
        and int(after.privacy) == PRIVACY_PUBLIC
        and int(after.state) == STATE_PUBLISHED
    )


def on_collaborator_changed(event: events.CollaboratorChanged) -> None:
    collaborator = event.collaborator
    queue(
        "collaboration",
        collaborator=int(collaborator.id),
        channel=int(collaborator.channel_id),
        account=int(collaborator.account_id),
        state=int(collaborator.state),
    )


def on_ownership_change_updated(event: events.OwnershipChangeUpdated) -> None:
    change = event.change
    queue(
        "ownership",
        change=int(change.id),
        status=str(change.status),
        video=int(change.video_id),
        channel=int(event.former_channel_id),
    )
