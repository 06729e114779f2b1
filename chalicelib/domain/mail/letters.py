"""The emails Cirrus sends, in text and HTML, in the instance's name: what each says, and the
MIME message that carries it (the same bytes go to SES and to the local sink).

Values from users (names, titles) are escaped in the HTML part; links are the instance's own.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import TYPE_CHECKING, Any

from chalicelib.domain.notifications.types import NotificationType

if TYPE_CHECKING:
    from chalicelib.config import Settings


@dataclass(frozen=True)
class Letter:
    subject: str
    lines: tuple[str, ...]  # paragraphs, plain text
    action: tuple[str, str] | None = None  # (label, URL): the button, and a line in the text


def verify_email(settings: Settings, username: str, url: str, *, new_address: bool) -> Letter:
    what = "this new email address" if new_address else "your email address"
    return Letter(
        subject=f"Verify your email on {settings.instance_name}",
        lines=(
            f"Hi {username},",
            f"Please confirm {what} for your account on {settings.instance_name} ({settings.instance_host}).",
            "The link is valid for one hour. If you did not ask for it, ignore this email.",
        ),
        action=("Verify my email", url),
    )


def reset_password(settings: Settings, username: str, url: str) -> Letter:
    return Letter(
        subject=f"Reset your password on {settings.instance_name}",
        lines=(
            f"Hi {username},",
            f"Someone, hopefully you, asked to reset the password of your account on {settings.instance_name}.",
            "The link is valid for one hour and works once. If you did not ask for it, ignore this email:"
            " your password stays as it is.",
        ),
        action=("Choose a new password", url),
    )


def notification(settings: Settings, kind: NotificationType, payload: dict[str, Any]) -> Letter:
    """The email of a notification: one sentence about what happened, a link to see it."""
    sentence, path = _describe(kind, payload)
    return Letter(
        subject=f"{settings.instance_name}: {sentence}",
        lines=(f"{sentence}.", "You receive this email because of your notification settings."),
        action=("See it", f"{settings.instance_url}{path}"),
    )


def to_message(settings: Settings, recipient: str, letter: Letter) -> EmailMessage:
    """The MIME message: text, then HTML as the alternative."""
    message = EmailMessage()
    message["From"] = formataddr((settings.instance_name, settings.mail_from))
    message["To"] = recipient
    message["Subject"] = letter.subject
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2] or None)
    text = "\n\n".join(letter.lines)
    if letter.action is not None:
        text += f"\n\n{letter.action[0]}: {letter.action[1]}"
    message.set_content(f"{text}\n\n-- \n{settings.instance_name} ({settings.instance_url})\n")
    message.add_alternative(_html(settings, letter), subtype="html")
    return message


def _html(settings: Settings, letter: Letter) -> str:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in letter.lines)
    button = ""
    if letter.action is not None:
        label, url = (html.escape(part, quote=True) for part in letter.action)
        button = (
            f'<p><a href="{url}" style="display:inline-block;padding:10px 16px;background:#f2690d;'
            f'color:#fff;text-decoration:none;border-radius:4px">{label}</a></p>'
            f'<p style="font-size:12px;color:#666">{url}</p>'
        )
    name = html.escape(settings.instance_name)
    return (
        f'<!doctype html><html><body style="font-family:sans-serif;max-width:600px">'
        f"<h2>{name}</h2>{paragraphs}{button}"
        f'<hr><p style="font-size:12px;color:#666">{name} · {html.escape(settings.instance_url)}</p>'
        f"</body></html>"
    )


def _describe(kind: NotificationType, payload: dict[str, Any]) -> tuple[str, str]:
    """What happened, in a sentence, and the page that shows it."""
    video = (
        payload.get("video")
        or (payload.get("comment") or {}).get("video")
        or (payload.get("videoBlacklist") or {}).get("video")
        or {}
    )
    video_name = str(video.get("name", "a video"))
    video_path = f"/w/{video['shortUUID']}" if video.get("shortUUID") else "/my-account/notifications"
    channel = (video.get("channel") or {}).get("displayName", "a channel")
    comment_author = ((payload.get("comment") or {}).get("account") or {}).get("displayName", "Someone")
    follower = ((payload.get("actorFollow") or {}).get("follower") or {}).get("displayName", "Someone")
    account = (payload.get("account") or {}).get("displayName", "Someone")
    following = ((payload.get("actorFollow") or {}).get("following") or {}).get("host", "an instance")
    collaboration = payload.get("videoChannelCollaborator") or {}
    collab_channel = (collaboration.get("channel") or {}).get("displayName", "a channel")
    collab_account = (collaboration.get("account") or {}).get("displayName", "Someone")
    collab_path = (
        f"/c/{(collaboration.get('channel') or {}).get('name', '')}" if collaboration else "/my-account/notifications"
    )
    ownership = payload.get("changeOwnership") or {}
    owned_video = str((ownership.get("video") or {}).get("name", "a video"))
    initiator = (ownership.get("initiatorAccount") or {}).get("displayName", "Someone")
    next_owner = (ownership.get("nextOwnerAccount") or {}).get("displayName", "Someone")
    described: dict[NotificationType, tuple[str, str]] = {
        NotificationType.NEW_VIDEO_FROM_SUBSCRIPTION: (f"{channel} published a new video: {video_name}", video_path),
        NotificationType.NEW_LIVE_FROM_SUBSCRIPTION: (f"{channel} is live: {video_name}", video_path),
        NotificationType.MY_VIDEO_PUBLISHED: (f"Your video {video_name} is published", video_path),
        NotificationType.NEW_COMMENT_ON_MY_VIDEO: (f"{comment_author} commented on {video_name}", video_path),
        NotificationType.COMMENT_MENTION: (f"{comment_author} mentioned you on {video_name}", video_path),
        NotificationType.BLACKLIST_ON_MY_VIDEO: (f"Your video {video_name} was blocked by a moderator", video_path),
        NotificationType.UNBLACKLIST_ON_MY_VIDEO: (f"Your video {video_name} is no longer blocked", video_path),
        NotificationType.VIDEO_AUTO_BLACKLIST_FOR_MODERATORS: (
            f"A new video awaits review: {video_name}",
            "/admin/moderation/video-blocks",
        ),
        NotificationType.NEW_FOLLOW: (f"{follower} follows you", "/my-account/notifications"),
        NotificationType.NEW_INSTANCE_FOLLOWER: (f"{follower} follows your instance", "/admin/follows"),
        NotificationType.AUTO_INSTANCE_FOLLOWING: (f"Your instance followed {following} back", "/admin/follows"),
        NotificationType.NEW_USER_REGISTRATION: (f"{account} signed up", "/admin/users"),
        NotificationType.NEW_USER_REGISTRATION_REQUEST: ("Someone asks to sign up", "/admin/moderation/registrations"),
        NotificationType.NEW_ABUSE_FOR_MODERATORS: ("A new report needs a moderator", "/admin/moderation/abuses"),
        NotificationType.ABUSE_STATE_CHANGE: ("Your report changed state", "/my-account/abuses"),
        NotificationType.ABUSE_NEW_MESSAGE: ("A new message about a report", "/my-account/abuses"),
        NotificationType.INVITED_TO_COLLABORATE_TO_CHANNEL: (
            f"You are invited to collaborate on {collab_channel}",
            "/my-account/notifications",
        ),
        NotificationType.ACCEPTED_TO_COLLABORATE_TO_CHANNEL: (
            f"{collab_account} accepted to collaborate on {collab_channel}",
            collab_path,
        ),
        NotificationType.REFUSED_TO_COLLABORATE_TO_CHANNEL: (
            f"{collab_account} refused to collaborate on {collab_channel}",
            collab_path,
        ),
        # PeerTube's subjects and texts for the ownership changes (its notifiers' emails).
        NotificationType.VIDEO_OWNERSHIP_CHANGED_REQUEST: (
            f"{initiator} wants to transfer ownership of {owned_video} to you",
            "/my-library/ownership",
        ),
        NotificationType.VIDEO_OWNERSHIP_CHANGED_ACCEPTED: (
            f"{next_owner} accepted the ownership change request for {owned_video}",
            "/my-library/ownership",
        ),
        NotificationType.VIDEO_OWNERSHIP_CHANGED_REJECTED: (
            f"{next_owner} rejected the ownership change request for {owned_video}",
            "/my-library/ownership",
        ),
    }
    return described.get(kind, ("You have a new notification", "/my-account/notifications"))
