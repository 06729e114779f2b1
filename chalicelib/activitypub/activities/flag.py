"""Flag: another server reports this instance's videos, comments or accounts (PeerTube's
process-flag). Each local object it names becomes an abuse whose reporter is the remote
account; what names nothing local is ignored. The Flag's id makes it count once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.documents.videos import PRIVACY_PUBLIC, PRIVACY_UNLISTED
from chalicelib.activitypub.inbox.context import Ignored, object_id
from chalicelib.domain import abuses

if TYPE_CHECKING:
    from chalicelib.activitypub.inbox.context import InboxContext
    from chalicelib.store.models import Video

REPORTERS = ("Person", "Application")  # accounts, and instance actors (Mastodon reports as one)


def handle(activity: dict[str, Any], context: InboxContext) -> None:
    if context.actor.actor_type not in REPORTERS:
        raise Ignored("only accounts report")
    reason = activity.get("content")
    if not abuses.reason_text_ok(reason):
        raise Ignored("a Flag needs a reason of 2 to 3000 characters")
    raw = activity.get("object")
    urls = [object_id(item) for item in (raw if isinstance(raw, list) else [raw])]
    targets = [target for url in urls[: abuses.FLAG_OBJECTS_MAX] if url and (target := _local_target(url))]
    if not targets:
        raise Ignored("Flag of nothing local")
    abuses.receive_flag(
        context.actor,
        str(activity.get("id")),
        targets,
        str(reason),
        _tag_names(activity.get("tag")),
        _seconds(activity.get("startAt")),
        _seconds(activity.get("endAt")),
        context.now,
    )


def _local_target(url: str) -> abuses.Target | None:
    if not local_objects.is_ours(url):
        return None
    video = local_objects.local_video(url)
    if video is not None:
        return abuses.video_target(video) if _knowable(video) else None
    place = local_objects.local_comment_reference(url)
    if place is not None:
        return abuses.comment_target(*place) if _knowable(place[0]) else None
    actor = local_objects.local_actor(url)
    return abuses.account_target(actor) if actor is not None else None


def _knowable(video: Video) -> bool:
    """Other servers can only know of public and unlisted videos (PeerTube's remote reports
    name what it federated): a private, internal or password-protected video, or a comment
    on one, named by a leaked UUID is not reported, nor its existence confirmed by the report."""
    return int(video.privacy) in (PRIVACY_PUBLIC, PRIVACY_UNLISTED)


def _tag_names(tags: Any) -> list[str]:
    if not isinstance(tags, list):
        return []
    return [str(tag["name"]) for tag in tags if isinstance(tag, dict) and isinstance(tag.get("name"), str)]


def _seconds(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
