"""Making notifications, as tasks of the work queue (functions/work): the events that cause them
(domain/notifications/subscriptions.py) queue one message each, so no request, transcoding
step or inbound activity waits for a notification or can fail because of one.

A new video's subscribers are notified page by page: each message reads one page of the
channel's followers (FANOUT_PAGE follows, one Query), queues the next page's message first,
then notifies its own page. A channel with 100,000 subscribers is 1,000 messages, none longer
than a page, taken by as many work functions as run at once. Every notification is made once
per user (store/notifications.py: a mark written with it), so a message delivered twice
notifies nobody twice; and each page is claimed by the first message that does it, so a
continuation sent twice (its page's message delivered twice) does not double the pages after.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.domain.notifications import shapes
from chalicelib.domain.notifications.deliver import deliver
from chalicelib.domain.notifications.mentions import mentioned_names
from chalicelib.domain.notifications.types import NotificationType
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.observability import logger
from chalicelib.store import (
    abuses,
    actors,
    blocklists,
    channel_collaborators,
    comments,
    follows,
    lives,
    notifications,
    ownership_changes,
    queues,
    registrations,
    users,
)
from chalicelib.store import videos as video_store
from chalicelib.store.comments import CommentPlace
from chalicelib.store.models.channel_collaborator import (
    COLLABORATOR_ACCEPTED,
    COLLABORATOR_PENDING,
    COLLABORATOR_REJECTED,
    COLLABORATOR_STATE_LABELS,
)
from chalicelib.store.models.follow import STATE_ACCEPTED
from chalicelib.store.models.ownership_change import OWNERSHIP_ACCEPTED, OWNERSHIP_REFUSED, OWNERSHIP_WAITING

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, User, Video

TASK = "notify"
FANOUT_PAGE = 100
PRIVACY_PUBLIC = 1
PRIVACY_INTERNAL = 4
SUBSCRIBER_PRIVACIES = frozenset({PRIVACY_PUBLIC, PRIVACY_INTERNAL})
STATE_PUBLISHED = 1


def queue(what: str, **ids: Any) -> None:
    """One work message: make the notifications of `what`, about the objects named by `ids`."""
    queues.send_work([{"task": TASK, "what": what, **ids}])


def run(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """Do one notification task (a work message)."""
    what = str(task.get("what"))
    handler = _HANDLERS.get(what)
    if handler is None:
        logger.error("unknown notification task, dropped", extra={"what": what})
        return
    handler(task, message_id, now)


# --- Videos -------------------------------------------------------------------------------


def _new_video(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """MY_VIDEO_PUBLISHED to its owner (first page of a local publication), then
    NEW_VIDEO_FROM_SUBSCRIPTION to the channel's local subscribers, one page per message."""
    video = video_store.get_video(int(task["video"]))
    if video is None:
        return  # deleted meanwhile
    subject = f"video:{int(video.id)}" + (":released" if task.get("released") else "")
    _to_subscribers(task, message_id, now, video, subject, NotificationType.NEW_VIDEO_FROM_SUBSCRIPTION)


def _studio_edited(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """MY_VIDEO_STUDIO_EDITION_FINISHED to the owner of a video whose studio edit is published
    (its subscribers heard of the video at its first publication), once per edit."""
    video = video_store.get_video(int(task["video"]))
    if video is None:
        return
    found = actors.get_actors({int(video.channel_id), int(video.account_id)})
    channel, account = found.get(int(video.channel_id)), found.get(int(video.account_id))
    if channel is None or account is None:
        return
    payload = shapes.video_payload(video, channel, get_settings())
    subject = f"studio:{int(video.id)}:{int(task.get('edition') or 0)}"
    deliver(_users_of([account]), NotificationType.MY_VIDEO_STUDIO_EDITION_FINISHED, subject, payload, now)


def _transcription(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """MY_VIDEO_TRANSCRIPTION_GENERATED to the video's owner, once per caption stored
    (PeerTube's notifyOfGeneratedVideoTranscription)."""
    video = video_store.get_video(int(task["video"]))
    if video is None:
        return
    account = actors.get_actors({int(video.account_id)}).get(int(video.account_id))
    if account is None:
        return
    language = str(task["language"])
    payload = shapes.caption_payload(language, video)
    subject = f"transcription:{int(video.id)}:{language}:{task.get('at', '')}"
    deliver(_users_of([account]), NotificationType.MY_VIDEO_TRANSCRIPTION_GENERATED, subject, payload, now)


def _blacklist(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """BLACKLIST_ON_MY_VIDEO or UNBLACKLIST_ON_MY_VIDEO to the video's owner, once per block."""
    video = video_store.get_video(int(task["video"]))
    if video is None:
        return
    found = actors.get_actors({int(video.channel_id), int(video.account_id)})
    channel, account = found.get(int(video.channel_id)), found.get(int(video.account_id))
    if channel is None or account is None:
        return
    lifted = bool(task.get("lifted"))
    payload = shapes.video_payload(video, channel, get_settings())
    if not lifted:
        payload = {"videoBlacklist": {"id": int(task["block"]), **payload}}
    if not lifted and int((video.blacklist or {}).get("type") or 1) == AUTO_BLACKLIST:
        moderators = _staff_with(Right.MANAGE_VIDEO_BLACKLIST)
        subject = f"auto-block:{int(task['block'])}"
        deliver(moderators, NotificationType.VIDEO_AUTO_BLACKLIST_FOR_MODERATORS, subject, payload, now)
        return
    kind = NotificationType.UNBLACKLIST_ON_MY_VIDEO if lifted else NotificationType.BLACKLIST_ON_MY_VIDEO
    deliver(_users_of([account]), kind, f"{'unblock' if lifted else 'block'}:{int(task['block'])}", payload, now)


def _new_live(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """NEW_LIVE_FROM_SUBSCRIPTION to the channel's local subscribers when a live goes on air:
    once per session (a permanent live's next session is news again)."""
    video = video_store.get_video(int(task["video"]))
    live = lives.get_live(int(task["video"]))
    if video is None or live is None:
        return
    subject = f"live:{int(video.id)}:{int(live.sessions or 0)}"
    _to_subscribers(task, message_id, now, video, subject, NotificationType.NEW_LIVE_FROM_SUBSCRIPTION)


def _to_subscribers(
    task: dict[str, Any], message_id: str, now: datetime, video: Video, subject: str, kind: NotificationType
) -> None:
    page = int(task.get("page", 0))
    if not notifications.claim_page(subject.replace(":", "-"), page, message_id, now):
        logger.info("notification page already taken, dropped", extra={"subject": subject, "page": page})
        return
    settings = get_settings()
    # PeerTube notifies subscribers of public and internal videos (they are local users).
    subscribed = (
        int(video.privacy) in SUBSCRIBER_PRIVACIES and int(video.state) == STATE_PUBLISHED and video.blacklist is None
    )
    follows_page: list[Any] = []
    if subscribed:
        follows_page, cursor = follows.followers_page(int(video.channel_id), task.get("cursor"), FANOUT_PAGE)
        if cursor is not None:
            queues.send_work([{**task, "page": page + 1, "cursor": cursor}])
    local_followers = {
        int(f.follower_id) for f in follows_page if f.state == STATE_ACCEPTED and f.follower_inbox is None
    }
    found = actors.get_actors({*local_followers, int(video.channel_id), int(video.account_id)})
    channel = found.get(int(video.channel_id))
    if channel is None:
        return
    payload = shapes.video_payload(video, channel, settings)
    owner_account = found.get(int(video.account_id))
    # A live waiting for its encoder is no publication of its owner's (PeerTube: none).
    published = int(video.state) == STATE_PUBLISHED
    if page == 0 and task.get("owner") and published and video.is_local and owner_account is not None:
        deliver(_users_of([owner_account]), NotificationType.MY_VIDEO_PUBLISHED, subject, payload, now)
    subscribers = _users_of(found[i] for i in local_followers if i in found)
    deliver(subscribers, kind, subject, payload, now)


# --- Comments -----------------------------------------------------------------------------


def _comment(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """NEW_COMMENT_ON_MY_VIDEO to a local video's owner (not for their own comment, nor from an
    account or server they or the instance mute), and COMMENT_MENTION to the users named: for
    a held comment, the owner when it comes (to review it) and the users named once approved."""
    video = video_store.get_video(int(task["video"]))
    comment = comments.get_comment(CommentPlace(int(task["video"]), int(task["thread"])), int(task["comment"]))
    if video is None or comment is None or comment.account_id is None:
        return
    settings = get_settings()
    found = actors.get_actors({int(comment.account_id), int(video.account_id)})
    author = found.get(int(comment.account_id))
    if author is None:
        return
    payload = shapes.comment_payload(comment, video, author, settings)
    subject = f"comment:{int(comment.id)}"
    owner_account = found.get(int(video.account_id)) if video.is_local else None
    owners = _users_of([owner_account]) if owner_account is not None else []
    owner = owners[0] if owners else None
    approved = bool(task.get("approved"))  # let through after review: its owner was told already
    if owner is not None and not approved and author.user_id != owner.id and not _muted_by(owner, author):
        deliver([owner], NotificationType.NEW_COMMENT_ON_MY_VIDEO, subject, payload, now)
    if comment.held_for_review:
        return  # named users hear of it once a moderator lets it through
    names = mentioned_names(str(comment.text), settings.instance_host, local_comment=author.host is None)
    mentioned = [user for name in names if (user := users.find_user_by_login(name)) is not None]
    mentioned = [
        user
        for user in mentioned
        if (owner is None or user.id != owner.id) and user.account_id != author.id and not _muted_by(user, author)
    ]
    deliver(mentioned, NotificationType.COMMENT_MENTION, subject, payload, now)


AUTO_BLACKLIST = 2  # domain/video_blacklist.TYPE_AUTO_BEFORE_PUBLISHED


# --- Follows ------------------------------------------------------------------------------


def _follow(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """NEW_FOLLOW to the owner of a local account or channel someone follows, or
    NEW_INSTANCE_FOLLOWER to the administrators when another server follows this one."""
    follow = follows.get_follow(int(task["follower"]), int(task["target"]))
    if follow is None or follow.follow_id is None:
        return
    found = actors.get_actors({int(follow.follower_id), int(follow.target_id)})
    follower, target = found.get(int(follow.follower_id)), found.get(int(follow.target_id))
    if follower is None or target is None or target.host is not None:
        return
    payload = shapes.follow_payload(follow, follower, target, get_settings())
    subject = f"follow:{int(follow.follow_id)}"
    if target.actor_type == "Application":
        admins = [user for user in users.list_staff() if int(user.role) == Role.ADMINISTRATOR]
        deliver(admins, NotificationType.NEW_INSTANCE_FOLLOWER, subject, payload, now)
        return
    account = target if target.actor_type == "Person" else actors.get_actor(int(target.account_id or 0))
    owner = users.get_user(int(account.user_id)) if account is not None and account.user_id is not None else None
    if owner is None or owner.account_id == follower.id or _muted_by(owner, follower):
        return
    deliver([owner], NotificationType.NEW_FOLLOW, subject, payload, now)


def _auto_follow(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """AUTO_INSTANCE_FOLLOWING to the administrators: the instance followed another back."""
    follow = follows.get_follow(int(task["follower"]), int(task["target"]))
    if follow is None or follow.follow_id is None:
        return
    found = actors.get_actors({int(follow.follower_id), int(follow.target_id)})
    follower, target = found.get(int(follow.follower_id)), found.get(int(follow.target_id))
    if follower is None or target is None:
        return
    payload = shapes.follow_payload(follow, follower, target, get_settings())
    admins = [user for user in users.list_staff() if int(user.role) == Role.ADMINISTRATOR]
    deliver(admins, NotificationType.AUTO_INSTANCE_FOLLOWING, f"auto-follow:{int(follow.follow_id)}", payload, now)


# --- Sign-ups -----------------------------------------------------------------------------


def _user_registered(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """NEW_USER_REGISTRATION to those who manage users."""
    account = actors.get_actor(int(task["account"]))
    if account is None:
        return
    payload = shapes.account_payload(account, get_settings())
    recipients = _staff_with(Right.MANAGE_USERS)
    deliver(recipients, NotificationType.NEW_USER_REGISTRATION, f"user:{int(task['user'])}", payload, now)


def _registration_requested(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """NEW_USER_REGISTRATION_REQUEST to those who manage registrations."""
    registration = registrations.get_registration(int(task["registration"]))
    if registration is None:
        return
    payload = shapes.registration_payload(registration)
    recipients = _staff_with(Right.MANAGE_REGISTRATIONS)
    subject = f"registration:{int(registration.id)}"
    deliver(recipients, NotificationType.NEW_USER_REGISTRATION_REQUEST, subject, payload, now)


# --- Abuses -------------------------------------------------------------------------------


def _abuse(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """NEW_ABUSE_FOR_MODERATORS to those who manage abuses."""
    found = _abuse_payload(int(task["abuse"]))
    if found is not None:
        abuse, payload = found
        recipients = _staff_with(Right.MANAGE_ABUSES)
        deliver(recipients, NotificationType.NEW_ABUSE_FOR_MODERATORS, f"abuse:{int(abuse.id)}", payload, now)


def _abuse_state(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """ABUSE_STATE_CHANGE to the reporter, when a user of this instance."""
    found = _abuse_payload(int(task["abuse"]))
    if found is None:
        return
    abuse, payload = found
    reporter = _local_user_of(abuse.reporter_account_id)
    if reporter is not None and abuse.reported_here:
        subject = f"abuse-state:{int(abuse.id)}:{task['change']}"
        deliver([reporter], NotificationType.ABUSE_STATE_CHANGE, subject, payload, now)


def _abuse_message(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """ABUSE_NEW_MESSAGE to the reporter for a moderator's message, to the moderators for the
    reporter's (never to the message's own author)."""
    found = _abuse_payload(int(task["abuse"]))
    if found is None:
        return
    abuse, payload = found
    if task.get("byModerator"):
        reporter = _local_user_of(abuse.reporter_account_id)
        recipients = [reporter] if reporter is not None else []
    else:
        recipients = _staff_with(Right.MANAGE_ABUSES)
    author = int(task.get("author") or 0)
    recipients = [user for user in recipients if int(user.account_id) != author]
    subject = f"abuse-message:{int(task['message'])}"
    deliver(recipients, NotificationType.ABUSE_NEW_MESSAGE, subject, payload, now)


def _abuse_payload(abuse_id: int) -> tuple[Any, dict[str, Any]] | None:
    abuse = abuses.get(abuse_id)
    if abuse is None:
        return None
    video_id = abuse.video_id
    if video_id is None and abuse.comment_id is not None:
        place = comments.locate(int(abuse.comment_id))
        video_id = place.video_id if place is not None else None
    video = video_store.get_video(int(video_id)) if video_id is not None else None
    flagged = actors.get_actor(int(abuse.flagged_account_id))
    return abuse, shapes.abuse_payload(abuse, flagged, video, get_settings())


# --- Helpers ------------------------------------------------------------------------------


def _users_of(accounts: Any) -> list[User]:
    """The local users behind these accounts (one BatchGetItem per 100)."""
    ids = [int(a.user_id) for a in accounts if a.actor_type == "Person" and a.user_id is not None]
    return list(users.get_users(ids).values()) if ids else []


def _local_user_of(account_id: Any) -> User | None:
    if account_id is None:
        return None
    account = actors.get_actor(int(account_id))
    if account is None or account.user_id is None:
        return None
    return users.get_user(int(account.user_id))


def _staff_with(right: Right) -> list[User]:
    return [user for user in users.list_staff() if has_right(Role(int(user.role)), right)]


def _muted_by(user: User, actor: Actor) -> bool:
    """Whether `user` or the instance mutes `actor` (an account, or its server): PeerTube's
    isBlockedByServerOrAccount."""
    from chalicelib.domain import muting

    if muting.by_instance().mutes_actor(actor):
        return True
    account_id = int(actor.account_id) if actor.actor_type == "Group" and actor.account_id else int(actor.id)
    return bool(blocklists.owners_muting([int(user.account_id)], account_id, actor.host))


# --- Channel collaborators -----------------------------------------------------------------

_COLLABORATION_KINDS = {
    COLLABORATOR_PENDING: NotificationType.INVITED_TO_COLLABORATE_TO_CHANNEL,
    COLLABORATOR_ACCEPTED: NotificationType.ACCEPTED_TO_COLLABORATE_TO_CHANNEL,
    COLLABORATOR_REJECTED: NotificationType.REFUSED_TO_COLLABORATE_TO_CHANNEL,
}
_COLLABORATION_LABELS = {
    COLLABORATOR_PENDING: "Pending",
    COLLABORATOR_ACCEPTED: "Accepted",
    COLLABORATOR_REJECTED: "Rejected",
}


def _collaboration(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """An invitation to the invited account; its answer to the channel's owner."""
    state = int(task["state"])
    kind = _COLLABORATION_KINDS.get(state)
    collaborator = channel_collaborators.get(int(task["channel"]), int(task["account"]))
    if kind is None or collaborator is None or int(collaborator.id) != int(task["collaborator"]):
        return  # removed, or invited again since: that invitation has its own task
    channel = actors.get_actor(int(collaborator.channel_id))
    if channel is None or channel.account_id is None:
        return
    found = actors.get_actors({int(channel.account_id), int(collaborator.account_id)})
    owner, account = found.get(int(channel.account_id)), found.get(int(collaborator.account_id))
    if owner is None or account is None:
        return
    payload = shapes.collaborator_payload(
        collaborator, {"id": state, "label": COLLABORATOR_STATE_LABELS[state]}, channel, owner, account, get_settings()
    )
    recipients = _users_of([account if state == COLLABORATOR_PENDING else owner])
    deliver(recipients, kind, f"collaborator:{int(collaborator.id)}:{state}", payload, now)


# --- Video ownership changes (PeerTube 8.2) --------------------------------------------------

_OWNERSHIP_KINDS = {
    OWNERSHIP_WAITING: NotificationType.VIDEO_OWNERSHIP_CHANGED_REQUEST,
    OWNERSHIP_ACCEPTED: NotificationType.VIDEO_OWNERSHIP_CHANGED_ACCEPTED,
    OWNERSHIP_REFUSED: NotificationType.VIDEO_OWNERSHIP_CHANGED_REJECTED,
}


def _ownership(task: dict[str, Any], message_id: str, now: datetime) -> None:
    """An offer to the next owner (unless they mute the initiator); its answer to the former
    channel's owner and accepted collaborators but the next owner (PeerTube's notifiers)."""
    status = str(task["status"])
    kind = _OWNERSHIP_KINDS.get(status)
    change = ownership_changes.get_change(int(task["change"]))
    video = video_store.get_video(int(task["video"]))
    if kind is None or change is None or video is None:
        return
    change.status = status  # as it was when the task was queued (a later answer has its own)
    found = actors.get_actors({int(change.initiator_account_id), int(change.next_owner_account_id)})
    initiator, next_owner = found.get(int(change.initiator_account_id)), found.get(int(change.next_owner_account_id))
    if initiator is None or next_owner is None:
        return
    if status == OWNERSHIP_WAITING:
        recipients = [user for user in _users_of([next_owner]) if not _muted_by(user, initiator)]
    else:
        channel = actors.get_actor(int(task["channel"]))
        if channel is None or channel.account_id is None:
            return
        accepted = [
            int(c.account_id)
            for c in channel_collaborators.list_for_channel(int(channel.id))
            if int(c.state) == COLLABORATOR_ACCEPTED
        ]
        people = actors.get_actors({int(channel.account_id), *accepted}).values()
        recipients = [user for user in _users_of(people) if int(user.account_id) != int(next_owner.id)]
    payload = shapes.change_ownership_payload(change, initiator, next_owner, video, get_settings())
    deliver(recipients, kind, f"ownership:{int(change.id)}:{status}", payload, now)


_HANDLERS = {
    "new-video": _new_video,
    "studio-edited": _studio_edited,
    "new-live": _new_live,
    "blacklist": _blacklist,
    "transcription": _transcription,
    "collaboration": _collaboration,
    "ownership": _ownership,
    "comment": _comment,
    "follow": _follow,
    "auto-follow": _auto_follow,
    "user-registered": _user_registered,
    "registration-requested": _registration_requested,
    "abuse": _abuse,
    "abuse-state": _abuse_state,
    "abuse-message": _abuse_message,
}
