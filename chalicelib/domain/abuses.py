"""Abuse reports (PeerTube's abuse.ts, my-abuses.ts and process-flag.ts): reporting a video,
a comment or an account, moderating the reports, and the messages between reporter and
moderators. Reports from other servers arrive as Flag activities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.domain import comments as comment_rules
from chalicelib.domain import events
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.domain.short_uuid import from_short
from chalicelib.domain.video_rights import owns
from chalicelib.domain.videos import UUID_V4, check_can_see
from chalicelib.errors import BadRequestError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError
from chalicelib.store import abuses, actors, comments, counters, keys, videos
from chalicelib.store.models import Abuse, AbuseMessage

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from chalicelib.store.models import Actor, User, Video, VideoComment

# PeerTube's abusePredefinedReasonsMap and ABUSE_STATES.
PREDEFINED_REASONS = {
    "violentOrRepulsive": 1,
    "hatefulOrAbusive": 2,
    "spamOrMisleading": 3,
    "privacy": 4,
    "rights": 5,
    "serverRules": 6,
    "thumbnails": 7,
    "captions": 8,
}
REASON_NAMES = {number: name for name, number in PREDEFINED_REASONS.items()}
STATES = {1: "Pending", 2: "Rejected", 3: "Accepted"}
TEXT_LENGTH = (2, 3000)  # reason, moderation comment and message alike
FLAG_OBJECTS_MAX = 20  # objects of one received Flag looked at (Mastodon sends an account and statuses)
INTEGER = re.compile(r"^-?\d+$")
INVALID = "Invalid value"


@dataclass(frozen=True)
class ReportForm:
    reason: str
    predefined_reasons: list[int]
    video: int | str | None  # id or UUID
    start_at: int | None
    end_at: int | None
    comment_id: int | None
    account_id: int | None


@dataclass(frozen=True)
class Target:
    """What a report names, with the account it flags and the URL other servers know it by."""

    flagged: Actor
    url: str
    video: Video | None = None
    comment: VideoComment | None = None


# Reporting


def read_report(body: dict[str, Any]) -> ReportForm:
    """PeerTube's abuseReportValidator, field by field (every invalid field reported)."""
    invalid: dict[str, str] = {}
    video, comment, account = (_object(body.get(name)) for name in ("video", "comment", "account"))
    account_id = _optional_id(account, "id", "account.id", invalid)
    video_ref = _video_reference(video.get("id"), invalid) if "id" in video else None
    start_at = _timestamp(video, "startAt", invalid)
    end_at = _timestamp(video, "endAt", invalid)
    if "endAt" in video and "video.endAt" not in invalid and (start_at is None or end_at is None or end_at <= start_at):
        invalid["video.endAt"] = "Should have a startAt timestamp beginning before endAt"
    comment_id = _optional_id(comment, "id", "comment.id", invalid)
    reason = body.get("reason")
    if not _text_ok(reason):
        invalid["reason"] = INVALID
    predefined = body.get("predefinedReasons", [])
    if "predefinedReasons" in body and not _reasons_ok(predefined):
        invalid["predefinedReasons"] = INVALID
    if invalid:
        raise ValidationError(invalid)
    return ReportForm(
        reason=str(reason),
        predefined_reasons=[PREDEFINED_REASONS[name] for name in predefined],
        video=video_ref,
        start_at=start_at,
        end_at=end_at,
        comment_id=comment_id,
        account_id=account_id,
    )


def report(user: User, body: dict[str, Any], now: datetime) -> int:
    """A local user's report; the new abuse's id. A remote target's origin hears of it."""
    form = read_report(body)
    video = _video_or_404(form.video, user) if form.video is not None else None
    account = _account_or_404(form.account_id) if form.account_id is not None else None
    comment_target = _comment_target_or_404(form.comment_id, user) if form.comment_id is not None else None
    if video is None and account is None and comment_target is None:
        raise BadRequestError("video id or account id or comment id is required.")
    if video is not None and owns(user, video):
        raise ForbiddenError("You cannot report a video you own or collaborate on.")
    reporter = actors.get_actor(int(user.account_id))
    if reporter is None:
        raise NotFoundError("Account not found")
    if video is not None:
        target = _video_target(video)
    elif comment_target is not None:
        target = comment_target
    else:
        assert account is not None
        target = Target(account, str(account.url))
    abuse = _new_abuse(target, reporter, form.reason, form.predefined_reasons, now, form.start_at, form.end_at)
    abuses.create([abuse])
    names = [REASON_NAMES[n] for n in form.predefined_reasons]
    events.emit(events.AbuseReported(abuse, reporter, target.flagged, target.url, names))
    return int(abuse.id)


def receive_flag(
    reporter: Actor,
    flag_id: str,
    targets: Sequence[Target],
    reason: str,
    reason_names: Sequence[str],
    start_at: int | None,
    end_at: int | None,
    now: datetime,
) -> int:
    """A Flag from another server: one abuse per local object it names, stored once per Flag
    (a redelivery stores nothing). How many abuses were stored."""
    predefined = [PREDEFINED_REASONS[name] for name in reason_names if name in PREDEFINED_REASONS]
    created = [
        _new_abuse(target, reporter, reason, predefined, now, start_at, end_at, activity_url=flag_id)
        for target in targets[:FLAG_OBJECTS_MAX]
    ]
    if not created or not abuses.create(created, flag_id=flag_id):
        return 0
    for abuse in created:
        events.emit(events.AbuseReceived(abuse))
    return len(created)


def video_target(video: Video) -> Target | None:
    owner = actors.get_actor(int(video.account_id))
    return Target(owner, str(video.url), video=video) if owner is not None else None


def comment_target(video: Video, comment_id: int) -> Target | None:
    """A comment of `video` that still has its author (deleted ones have none)."""
    place = comments.locate(comment_id)
    if place is None or place.video_id != int(video.id):
        return None
    found = comments.get_comment(place, comment_id)
    if found is None or found.account_id is None:
        return None
    author = actors.get_actor(int(found.account_id))
    return Target(author, str(found.url), video=video, comment=found) if author is not None else None


def account_target(account: Actor) -> Target | None:
    return Target(account, str(account.url)) if account.actor_type != "Group" else None


def reason_text_ok(value: object) -> bool:
    return _text_ok(value)


# Moderation


def parse_id(raw: str, field: str = "id") -> int:
    if not INTEGER.match(raw):
        raise ValidationError({field: INVALID}, location="params")
    return int(raw)


def get_or_404(raw_id: str) -> Abuse:
    abuse = abuses.get(parse_id(raw_id))
    if abuse is None:
        raise NotFoundError("Abuse not found")
    return abuse


def moderate(raw_id: str, body: dict[str, Any], now: datetime) -> None:
    """PUT: `state` and `moderationComment` (validated before the abuse is looked up)."""
    abuse_id = parse_id(raw_id)
    invalid: dict[str, str] = {}
    changes: dict[str, Any] = {}
    if "state" in body:
        state = _state(body["state"])
        if state is None:
            invalid["state"] = INVALID
        changes["state"] = state
    if "moderationComment" in body:
        if not _text_ok(body["moderationComment"]):
            invalid["moderationComment"] = INVALID
        changes["moderation_comment"] = body["moderationComment"]
    if invalid:
        raise ValidationError(invalid)
    abuse = abuses.get(abuse_id)
    if abuse is None:
        raise NotFoundError("Abuse not found")
    previous_state = int(abuse.state)
    if changes and not abuses.moderate(abuse, changes, now):
        raise NotFoundError("Abuse not found")
    if changes.get("state") is not None and int(changes["state"]) != previous_state:
        abuse.state = int(changes["state"])
        events.emit(events.AbuseStateChanged(abuse, previous_state))


def remove(raw_id: str) -> None:
    """DELETE: our copy only; the reporter's server is not told (as PeerTube)."""
    if not abuses.delete(get_or_404(raw_id)):
        raise NotFoundError("Abuse not found")


# Messages (reports made here only)


def readable_for_messages(raw_id: str, user: User) -> Abuse:
    """The abuse, if `user` is a moderator or its reporter and it was reported here."""
    abuse = get_or_404(raw_id)
    if not _is_moderator(user) and abuse.reporter_account_id != user.account_id:
        raise ForbiddenError(f"User {user.username} does not have right to get abuse {int(abuse.id)}")
    if not abuse.reported_here:
        raise BadRequestError("This abuse was not created by a user of your instance.")
    return abuse


def add_message(abuse: Abuse, user: User, body: dict[str, Any], now: datetime) -> int:
    text = body.get("message")
    if not _text_ok(text):
        raise ValidationError({"message": INVALID})
    message_id = counters.next_id("abuse_message")
    message = AbuseMessage(
        keys.abuse_pk(int(abuse.id)),
        keys.abuse_message_sk(message_id),
        id=message_id,
        abuse_id=int(abuse.id),
        account_id=int(user.account_id),
        message=str(text),
        by_moderator=abuse.reporter_account_id != user.account_id,
        created_at=now,
        updated_at=now,
    )
    if not abuses.add_message(abuse, message, now):
        raise NotFoundError("Abuse not found")
    events.emit(events.AbuseMessageAdded(abuse, message))
    return message_id


def delete_message(abuse: Abuse, user: User, raw_message_id: str) -> None:
    message = abuses.get_message(int(abuse.id), parse_id(raw_message_id, "messageId"))
    if message is None:
        raise NotFoundError("Abuse message not found")
    if not _is_moderator(user) and message.account_id != user.account_id:
        raise ForbiddenError("Cannot delete this abuse message")
    if not abuses.delete_message(abuse, message):
        raise NotFoundError("Abuse message not found")


# Helpers


def _new_abuse(
    target: Target,
    reporter: Actor,
    reason: str,
    predefined: list[int],
    now: datetime,
    start_at: int | None,
    end_at: int | None,
    activity_url: str | None = None,
) -> Abuse:
    video, comment = target.video, target.comment
    attributes: dict[str, Any] = {
        "reporter_account_id": int(reporter.id),
        "flagged_account_id": int(target.flagged.id),
        "reason": reason,
        "predefined_reasons": predefined,
        "activity_url": activity_url,
    }
    if video is not None:
        attributes.update(
            video_id=int(video.id),
            video_uuid=str(video.uuid),
            video_name=str(video.name),
            video_nsfw=bool(video.nsfw),
            channel_id=int(video.channel_id),
        )
    if comment is not None:
        attributes.update(comment_id=int(comment.id), comment_thread_id=int(comment.thread_id))
    elif video is not None:
        attributes.update(start_at=start_at, end_at=end_at)
    return abuses.new_abuse(counters.next_id("abuse"), now, **attributes)


def _video_target(video: Video) -> Target:
    target = video_target(video)
    if target is None:
        raise NotFoundError("Video not found")
    return target


def _video_or_404(reference: int | str, reporter: User) -> Video:
    """A video the reporter may see (named as GET /videos/{id} would be): the report, and
    /users/me/abuses after it, show the video's name, UUID and thumbnail."""
    video = videos.get_video(reference) if isinstance(reference, int) else videos.find_video_by_uuid(reference)
    if video is None:
        raise NotFoundError("Video not found")
    check_can_see(video, reporter, by_uuid=isinstance(reference, str))
    return video


def _account_or_404(account_id: int) -> Actor:
    account = actors.get_actor(account_id) if account_id > 0 else None
    if account is None or account_target(account) is None:
        raise NotFoundError("Account not found")
    return account


def _comment_target_or_404(comment_id: int, reporter: User) -> Target:
    """A comment the reporter may read: on a video they may see, and not held for review
    (unless theirs, or they see all comments). /users/me/abuses shows its full text. The
    reporter names the comment only, so an unlisted video counts as seen (its comments are
    shown to whoever holds its UUID); private, internal and password-protected ones do not."""
    place = comments.locate(comment_id) if comment_id > 0 else None
    video = videos.get_video(place.video_id) if place is not None else None
    target = comment_target(video, comment_id) if video is not None else None
    if target is None or video is None or target.comment is None:
        raise NotFoundError("Video comment thread not found")
    try:
        check_can_see(video, reporter, by_uuid=True)
    except (UnauthorizedError, ForbiddenError):
        raise NotFoundError("Video comment thread not found") from None
    if not comment_rules.is_visible(target.comment, video, reporter, comment_rules.sees_all_comments(video, reporter)):
        raise NotFoundError("Video comment thread not found")
    return target


def _is_moderator(user: User) -> bool:
    return has_right(Role(int(user.role)), Right.MANAGE_ABUSES)


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text_ok(value: object) -> bool:
    return isinstance(value, str) and TEXT_LENGTH[0] <= len(value) <= TEXT_LENGTH[1]


def _reasons_ok(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(name, str) and name in PREDEFINED_REASONS for name in value)


def _optional_id(container: dict[str, Any], name: str, field: str, invalid: dict[str, str]) -> int | None:
    if name not in container:
        return None
    value = _js_number(container[name])
    if isinstance(value, bool) or not isinstance(value, int | str) or not INTEGER.match(str(value)):
        invalid[field] = INVALID
        return None
    return int(value)


def _video_reference(value: object, invalid: dict[str, str]) -> int | str | None:
    """PeerTube's toCompleteUUID then isIdOrUUIDValid: an id, a UUID or a short UUID."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        candidate = from_short(value) if len(value) == 22 else value
        if candidate and INTEGER.match(candidate):
            return int(candidate)
        if candidate and UUID_V4.match(candidate):
            return candidate.lower()
    invalid["video.id"] = INVALID
    return None


def _timestamp(video: dict[str, Any], name: str, invalid: dict[str, str]) -> int | None:
    """PeerTube's toIntOrNull then isAbuseTimestampValid: null, or a whole number >= 0."""
    if name not in video:
        return None
    value = _js_number(video[name])
    if value is None or value == "null":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not re.fullmatch(r"\+?\d+", str(value).strip()):
        invalid[f"video.{name}"] = INVALID
        return None
    return int(str(value).strip())


def _js_number(value: Any) -> Any:
    """JSON's 5.0 is JavaScript's 5: PeerTube accepts it where it wants an integer."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _state(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value)
    return int(text) if text.isdigit() and int(text) in STATES else None
