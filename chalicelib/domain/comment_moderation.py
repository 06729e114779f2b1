"""The moderation lists of comments (PeerTube's VideoCommentModel.listForApi as its two
routes use it): every comment of the instance for those who may see all comments, and the
comments on a user's own videos, with PeerTube's filters, newest first.

Both are read from the comment log (store/moderation.py), whose entries carry what the
filters need; only the page's authors are read besides (and every candidate's, when a
search names accounts). A page reads at most MAX_LOG_READ of the newest entries: the
`total` counts the matches among them, so a list that long says "at least".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.domain import videos as video_cases
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.domain.video_rights import owns
from chalicelib.errors import ForbiddenError, NotFoundError, ValidationError
from chalicelib.store import actors, catalog, moderation

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, CommentEntry, User, Video

SORTS = ("createdAt",)  # PeerTube's SORTABLE_COLUMNS.VIDEO_COMMENTS
DEFAULT_SORT = "-createdAt"
MAX_LOG_READ = 2000


@dataclass(frozen=True)
class Filters:
    is_local: bool | None = None
    on_local_video: bool | None = None
    held_for_review: bool | None = None
    search: str | None = None
    search_account: str | None = None
    search_video: str | None = None
    auto_tag_one_of: frozenset[str] | None = None
    video_id: int | None = None
    channel_id: int | None = None


@dataclass(frozen=True)
class Row:
    entry: CommentEntry
    author: Actor | None
    video: Video | None
    tags: list[str]  # the tags of the list's account: the instance's, or the owner's


@dataclass(frozen=True)
class Page:
    total: int
    rows: list[Row]


def list_comments(
    filters: Filters, *, owner_account_id: int | None, start: int, count: int, oldest_first: bool
) -> Page:
    """The instance's comments (`owner_account_id` None, with the instance's tags) or those on
    an account's videos (with the owner's tags), filtered and paged."""
    entries = moderation.read_log(owner_account_id=owner_account_id, limit=MAX_LOG_READ)
    videos = catalog.current().videos
    by_owner = owner_account_id is not None

    def tags(entry: CommentEntry) -> list[str]:
        return list((entry.owner_tags if by_owner else entry.server_tags) or [])

    kept = [entry for entry in entries if _passes(entry, filters, tags(entry), videos)]
    people: dict[int, Actor] = {}
    if filters.search or filters.search_account:
        people = actors.get_actors({int(entry.account_id) for entry in kept})
        kept = [entry for entry in kept if _names_match(entry, filters, people, videos)]
    if oldest_first:
        kept.reverse()
    chosen = kept[start : start + count]
    missing = {int(entry.account_id) for entry in chosen} - set(people)
    if missing:
        people.update(actors.get_actors(missing))
    rows = [Row(e, people.get(int(e.account_id)), videos.get(int(e.video_id)), tags(e)) for e in chosen]
    return Page(len(kept), rows)


def scope(video_ref: str | None, channel_ref: str | None, viewer: User | None) -> tuple[int | None, int | None]:
    """The `videoId` and `videoChannelId` filters, checked as PeerTube's validators: the
    video (id, UUID or short UUID) and the channel (an id) must exist; on the owner's list
    (`viewer` given) the caller must manage them, or see all comments."""
    invalid: dict[str, str] = {}
    reference: int | str | None = None
    if video_ref is not None:
        try:
            reference = video_cases.parse_reference(video_ref, "videoId")
        except ValidationError:
            invalid["videoId"] = "Invalid value"
    if channel_ref is not None and not _is_id(channel_ref):
        invalid["videoChannelId"] = "Invalid value"
    if invalid:
        raise ValidationError(invalid, location="query")
    sees_all = viewer is None or has_right(Role(int(viewer.role)), Right.SEE_ALL_COMMENTS)
    video_id = channel_id = None
    if reference is not None:
        video = video_cases.find_video(str(reference), field="videoId")
        if not sees_all and viewer is not None:
            if not video.is_local:
                raise ForbiddenError("Cannot manage a video of another server.")
            if not owns(viewer, video):
                raise ForbiddenError("Cannot manage a video of another user.")
        video_id = int(video.id)
    if channel_ref is not None:
        channel = actors.get_actor(int(channel_ref))
        if channel is None or channel.actor_type != "Group" or channel.deleting_at is not None:
            raise NotFoundError("Video channel not found")
        if not sees_all and viewer is not None and int(channel.account_id or 0) != int(viewer.account_id):
            raise ForbiddenError("Only a user with sufficient right can access this account resource.")
        channel_id = int(channel.id)
    return video_id, channel_id


def _is_id(raw: str) -> bool:
    digits = raw[1:] if raw[:1] in ("+", "-") else raw
    return digits.isdigit()


def _passes(entry: CommentEntry, filters: Filters, tags: list[str], videos: dict[int, Video]) -> bool:
    wanted = (
        (filters.is_local, bool(entry.is_local)),
        (filters.on_local_video, bool(entry.on_local_video)),
        (filters.held_for_review, bool(entry.held_for_review)),
        (filters.video_id, int(entry.video_id)),
        (filters.channel_id, int(entry.channel_id)),
    )
    if any(want is not None and want != have for want, have in wanted):
        return False
    if filters.auto_tag_one_of is not None and filters.auto_tag_one_of.isdisjoint(tags):
        return False
    return filters.search_video is None or _contains(_video_name(entry, videos), filters.search_video)


def _names_match(entry: CommentEntry, filters: Filters, people: dict[int, Actor], videos: dict[int, Video]) -> bool:
    """PeerTube's ILIKE searches: `search` in the text, the author's names or the video's
    name; `searchAccount` in the author's names."""
    author = people.get(int(entry.account_id))
    names = [str(author.preferred_username or ""), str(author.display_name or "")] if author else []
    if filters.search_account is not None and not any(_contains(n, filters.search_account) for n in names):
        return False
    if filters.search is not None:
        haystack = [str(entry.text or ""), *names, _video_name(entry, videos)]
        if not any(_contains(value, filters.search) for value in haystack):
            return False
    return True


def _video_name(entry: CommentEntry, videos: dict[int, Video]) -> str:
    video = videos.get(int(entry.video_id))
    return str(video.name or "") if video is not None else ""


def _contains(value: str, needle: str) -> bool:
    return needle.casefold() in value.casefold()
