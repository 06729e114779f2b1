"""PeerTube's Abuse JSON (toFormattedAdminJSON and toFormattedUserJSON) and AbuseMessage
JSON, key order included."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.shapes import account_json, channel_json, iso
from chalicelib.api.video_shapes import account_summary
from chalicelib.domain.abuses import REASON_NAMES, STATES
from chalicelib.domain.short_uuid import to_short
from chalicelib.media import layout

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.domain.abuse_lists import AbuseView
    from chalicelib.store.models import AbuseMessage, Actor


def abuse_json(view: AbuseView, settings: Settings, *, for_moderators: bool) -> dict[str, Any]:
    abuse = view.abuse
    state = int(abuse.state)
    body: dict[str, Any] = {
        "id": int(abuse.id),
        "reason": abuse.reason,
        "predefinedReasons": [REASON_NAMES[int(r)] for r in abuse.predefined_reasons if int(r) in REASON_NAMES],
        "flaggedAccount": account_json(view.flagged, settings) if view.flagged is not None else None,
        "state": {"id": state, "label": STATES.get(state, "Unknown")},
        "countMessages": int(abuse.messages_count or 0),
        "createdAt": iso(abuse.created_at),
        "updatedAt": iso(abuse.updated_at),
        "video": _video_json(view, settings, for_moderators=for_moderators),
        "comment": _comment_json(view),
    }
    if for_moderators:
        body.update(
            {
                "moderationComment": abuse.moderation_comment,
                "reporterAccount": account_json(view.reporter, settings) if view.reporter is not None else None,
                "countReportsForReporter": view.reports_by_reporter,
                "countReportsForReportee": view.reports_of_flagged,
            }
        )
    return body


def _video_json(view: AbuseView, settings: Settings, *, for_moderators: bool) -> dict[str, Any] | None:
    abuse = view.abuse
    if abuse.subject != "video":
        return None
    video = view.video
    uuid = str(video.uuid if video is not None else abuse.video_uuid)
    body: dict[str, Any] = {
        "id": int(abuse.video_id),
        "uuid": uuid,
        "shortUUID": to_short(uuid),
        "name": video.name if video is not None else abuse.video_name,
        "nsfw": bool(video.nsfw if video is not None else abuse.video_nsfw),
        "startAt": None if abuse.start_at is None else int(abuse.start_at),
        "endAt": None if abuse.end_at is None else int(abuse.end_at),
        "deleted": video is None,
        "blacklisted": video is not None and video.blacklist is not None,
    }
    if video is not None:  # PeerTube has no thumbnail for a deleted video
        body["thumbnailPath"] = f"/{layout.thumbnail_key(video.images_name)}" if video.has_images else None
    body["channel"] = channel_json(view.channel, settings) if view.channel is not None else None
    if for_moderators:
        body["countReports"] = view.reports_for_video
        body["nthReport"] = view.nth_report_for_video
    return body


def _comment_json(view: AbuseView) -> dict[str, Any] | None:
    comment = view.comment
    if view.abuse.subject != "comment" or comment is None:
        return None
    video = view.video
    return {
        "id": int(comment.id),
        "threadId": int(comment.thread_id),
        "text": comment.text or "",
        "deleted": comment.deleted_at is not None,
        "video": {
            "id": int(view.abuse.video_id),
            "name": video.name if video is not None else view.abuse.video_name,
            "uuid": video.uuid if video is not None else view.abuse.video_uuid,
        },
    }


def message_json(message: AbuseMessage, account: Actor | None, settings: Settings) -> dict[str, Any]:
    return {
        "id": int(message.id),
        "createdAt": iso(message.created_at),
        "byModerator": bool(message.by_moderator),
        "message": message.message,
        "account": account_summary(account, settings) if account is not None else None,
    }
