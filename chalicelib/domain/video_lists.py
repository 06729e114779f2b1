"""Choosing, ordering and paging videos for every video list (PeerTube's list query builder).

Runs over the in-memory catalogue (chalicelib/store/catalog.py), so a list costs no
DynamoDB call beyond following the catalogue, and `total` is exact.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain.text_match import fold
from chalicelib.store.models.video import hls_listed
from chalicelib.store.models.video_stages import LIVE_STAGES

if TYPE_CHECKING:
    from chalicelib.domain.instance_scope import Followed
    from chalicelib.store.models import Video

PRIVACY_PUBLIC, PRIVACY_UNLISTED, PRIVACY_PRIVATE, PRIVACY_INTERNAL, PRIVACY_PASSWORD = 1, 2, 3, 4, 5
STATE_PUBLISHED, STATE_TO_TRANSCODE = 1, 2

VIDEO_SORTS = (
    "name",
    "duration",
    "createdAt",
    "publishedAt",
    "originallyPublishedAt",
    "views",
    "likes",
    "comments",
    "trending",
    "hot",
    "best",
    "localVideoFilesSize",
    "match",
)
# Search takes the plain columns, relevance and "hot", but none of the other scored orders.
SEARCH_SORTS = (*VIDEO_SORTS[:7], "match", "hot")
CHANNEL_SEARCH_SORTS = ("match", "displayName", "createdAt")


@dataclass(frozen=True)
class VideoFilter:
    """The filters of PeerTube's video lists; None means "not filtered"."""

    nsfw: bool | None = None
    is_local: bool | None = None
    is_live: bool | None = None
    category_one_of: frozenset[int] | None = None
    licence_one_of: frozenset[int] | None = None
    language_one_of: frozenset[str] | None = None
    tags_one_of: frozenset[str] | None = None
    tags_all_of: frozenset[str] | None = None
    privacy_one_of: frozenset[int] | None = None  # moderators only; lifts the privacy rule
    include_not_published: bool = False  # moderators, and owners in their own lists
    include_blacklisted: bool = False  # `include` flag 2 (moderators); owners see theirs in their own lists
    has_hls_files: bool | None = None
    has_web_video_files: bool | None = None
    host: str | None = None
    search: str | None = None  # lists: words of the name, a tag, or the UUID
    duration_min: int | None = None
    duration_max: int | None = None
    start_date: datetime | None = None  # publishedAt bounds (search)
    end_date: datetime | None = None
    originally_published_start: datetime | None = None  # COALESCE(originallyPublishedAt, publishedAt)
    originally_published_end: datetime | None = None
    uuids: frozenset[str] | None = None
    # Blocklists (the instance's and the viewer's): videos of these accounts and servers
    # are left out (PeerTube's "owner not muted"; `include` flag 4 lifts it).
    muted_account_ids: frozenset[int] | None = None
    muted_hosts: frozenset[str] | None = None
    # The instance-wide lists (PeerTube's displayOnlyForFollower): remote videos only of
    # what the instance follows (domain/instance_scope.py); local ones always.
    followed_only: bool = False
    # excludeAlreadyWatched: the videos in the viewer's watch history.
    exclude_video_ids: frozenset[int] | None = None
    # autoTagOneOf (staff): the videos the instance's lists tagged so.
    video_ids_one_of: frozenset[int] | None = None


@dataclass(frozen=True)
class Scope:
    """Whose videos a list is about, and who asks."""

    account_id: int | None = None
    channel_ids: frozenset[int] | None = None
    viewer_logged_in: bool = False
    owner_view: bool = False  # the owner's own list (users/me/videos): every privacy and state
    # With account_id: also the videos of these channels (the account collaborates on them).
    collaborated_channel_ids: frozenset[int] = frozenset()


def is_published(video: Video) -> bool:
    """Playable by viewers: published, or still transcoding without waiting for it."""
    state = int(video.state)
    return state == STATE_PUBLISHED or (state == STATE_TO_TRANSCODE and not video.wait_transcoding)


def listed_privacies(viewer_logged_in: bool) -> frozenset[int]:
    """What lists show by default: public videos, and internal ones to logged-in users."""
    return frozenset({PRIVACY_PUBLIC, PRIVACY_INTERNAL} if viewer_logged_in else {PRIVACY_PUBLIC})


def predicate(
    scope: Scope, filters: VideoFilter, host_of: Callable[[Video], str], followed: Followed | None = None
) -> Callable[[Video], bool]:
    """One test for a list's scope and filters, made of only the checks that apply;
    `followed` is what the instance follows (needed when `filters.followed_only`)."""
    checks = _scope_checks(scope, filters)
    add = checks.append
    if filters.nsfw is not None:
        add(lambda v: bool(v.nsfw) == filters.nsfw)
    if filters.is_local is not None:
        add(lambda v: bool(v.is_local) == filters.is_local)
    if filters.category_one_of is not None:
        categories = filters.category_one_of
        add(lambda v: v.category is not None and int(v.category) in categories)
    if filters.licence_one_of is not None:
        licences = filters.licence_one_of
        add(lambda v: v.licence is not None and int(v.licence) in licences)
    if filters.language_one_of is not None:
        languages = filters.language_one_of
        add(lambda v: _language_matches(v, languages))
    checks.extend(_tag_checks(filters))
    if filters.is_live is not None:
        add(lambda v: (v.stage in LIVE_STAGES) == filters.is_live)
    if filters.has_hls_files is not None:
        add(lambda v: hls_listed(v) == filters.has_hls_files)
    if filters.has_web_video_files:
        add(lambda v: False)  # every rendition is HLS; there are no web video files
    if filters.host is not None:
        add(lambda v: host_of(v) == filters.host)
    checks.extend(_owner_checks(filters, host_of, followed))
    checks.extend(_range_checks(filters))
    if filters.search:
        add(_list_search(filters.search))
    if filters.exclude_video_ids:
        watched = filters.exclude_video_ids
        add(lambda v: int(v.id) not in watched)
    if filters.video_ids_one_of is not None:
        tagged = filters.video_ids_one_of
        add(lambda v: int(v.id) in tagged)
    return lambda video: all(check(video) for check in checks)


def _owner_checks(
    filters: VideoFilter, host_of: Callable[[Video], str], followed: Followed | None
) -> list[Callable[[Video], bool]]:
    """Blocked owners left out; on instance-wide lists, remote owners the instance follows only."""
    checks: list[Callable[[Video], bool]] = []
    if filters.muted_account_ids:
        muted_accounts = filters.muted_account_ids
        checks.append(lambda v: int(v.account_id) not in muted_accounts)
    if filters.muted_hosts:
        muted_hosts = filters.muted_hosts
        checks.append(lambda v: host_of(v).lower() not in muted_hosts)
    if filters.followed_only:
        if followed is None:
            raise ValueError("a list of followed content needs what the instance follows")
        known = followed
        checks.append(lambda v: bool(v.is_local) or _is_followed(v, known, host_of))
    return checks


def _is_followed(video: Video, followed: Followed, host_of: Callable[[Video], str]) -> bool:
    ids = followed.actor_ids
    if int(video.channel_id) in ids or int(video.account_id) in ids:
        return True
    return host_of(video).lower() in followed.instance_hosts


def _scope_checks(scope: Scope, filters: VideoFilter) -> list[Callable[[Video], bool]]:
    """Whose videos, and which privacies and states the viewer may list."""
    checks: list[Callable[[Video], bool]] = []
    add = checks.append
    if scope.account_id is not None:
        collaborated = scope.collaborated_channel_ids
        add(lambda v: int(v.account_id) == scope.account_id or int(v.channel_id) in collaborated)
    if scope.channel_ids is not None:
        channels = scope.channel_ids
        add(lambda v: int(v.channel_id) in channels)
    if not scope.owner_view:
        privacies = filters.privacy_one_of or listed_privacies(scope.viewer_logged_in)
        add(lambda v: int(v.privacy) in privacies)
        if not filters.include_not_published:
            add(is_published)
        if not filters.include_blacklisted:
            add(lambda v: v.blacklist is None)
    elif filters.privacy_one_of is not None:
        owner_privacies = filters.privacy_one_of
        add(lambda v: int(v.privacy) in owner_privacies)
    return checks


def _list_search(search: str) -> Callable[[Video], bool]:
    """The `search` of lists (not the search endpoint): the name contains it, a tag is it,
    or it is the UUID."""
    needle = fold(search)

    def found(video: Video) -> bool:
        return (
            needle in fold(video.name)
            or any(fold(tag) == needle for tag in video.tags or ())
            or video.uuid == search.lower()
        )

    return found


def _tag_checks(filters: VideoFilter) -> list[Callable[[Video], bool]]:
    checks: list[Callable[[Video], bool]] = []
    if filters.tags_one_of is not None:
        one_of = filters.tags_one_of
        checks.append(lambda v: bool({t.lower() for t in v.tags or ()} & one_of))
    if filters.tags_all_of is not None:
        all_of = filters.tags_all_of
        checks.append(lambda v: all_of <= {t.lower() for t in v.tags or ()})
    return checks


def _range_checks(filters: VideoFilter) -> list[Callable[[Video], bool]]:
    checks: list[Callable[[Video], bool]] = []
    low, high = filters.duration_min, filters.duration_max
    if low is not None:
        checks.append(lambda v: int(v.duration or 0) >= low)
    if high is not None:
        checks.append(lambda v: int(v.duration or 0) <= high)
    after, before = filters.start_date, filters.end_date
    if after is not None:
        checks.append(lambda v: v.published_at is not None and v.published_at >= after)
    if before is not None:
        checks.append(lambda v: v.published_at is not None and v.published_at <= before)
    original_after, original_before = filters.originally_published_start, filters.originally_published_end
    if original_after is not None:
        checks.append(lambda v: _originally(v) >= original_after)
    if original_before is not None:
        checks.append(lambda v: _originally(v) <= original_before)
    if filters.uuids is not None:
        uuids = filters.uuids
        checks.append(lambda v: v.uuid in uuids)
    return checks


def _originally(video: Video) -> datetime:
    return video.originally_published_at or video.published_at or video.created_at


def _language_matches(video: Video, languages: frozenset[str]) -> bool:
    # PeerTube's `_unknown` stands for videos without a language.
    if video.language is None:
        return "_unknown" in languages
    return video.language in languages


def sort_key(sort: str) -> Callable[[Video], Any]:
    """The ordering of `sort`, ascending (callers reverse it for a leading '-')."""
    column = sort.lstrip("-")
    keys: dict[str, Callable[[Video], Any]] = {
        "name": lambda v: fold(v.name),  # as a UTF-8 locale collation: case and accents aside
        "duration": lambda v: int(v.duration or 0),
        "createdAt": lambda v: v.created_at,
        "publishedAt": lambda v: v.published_at or v.created_at,
        "originallyPublishedAt": lambda v: v.originally_published_at or v.published_at or v.created_at,
        "views": lambda v: int(v.views or 0),
        "likes": lambda v: int(v.likes or 0),
        "comments": lambda v: int(v.comments_count or 0),
        # Scored orders break ties by views, in the same direction, as PeerTube does.
        "trending": lambda v: (int(v.trending or 0), int(v.views or 0)),
        "hot": lambda v: (hot_score(v), int(v.views or 0)),
        "best": lambda v: (hot_score(v), int(v.views or 0)),
        "localVideoFilesSize": lambda v: int(v.files_size or 0) if v.is_local else 0,
        "match": lambda v: 0,  # relevance exists only in search; lists then keep id order
    }
    return keys[column]


HOT_EPOCH = 1446156582  # PeerTube's origin for the recency term, in seconds


def hot_score(video: Video) -> float:
    """PeerTube's "hot": likes, dislikes, views and comments on a log scale, each with its
    weight, plus recency (every 47,000 s of publication date adds one point)."""
    likes, dislikes = int(video.likes or 0), int(video.dislikes or 0)
    views, comments = int(video.views or 0), int(video.comments_count or 0)
    published = video.published_at or video.created_at
    age = published.timestamp() - HOT_EPOCH if published else 0
    return (
        math.log10(max(1, likes - 1)) * 150
        - math.log10(max(1, dislikes - 1)) * 150
        + math.log10(views + 1) * 16
        + math.log10(max(1, comments)) * 100
        + age / 47000
    )


def order(videos: Iterable[Video], sort: str) -> list[Video]:
    """`videos` in `sort` order; equal keys keep PeerTube's tie-break, ascending id, in both
    directions (a stable sort of id-ordered input, reversed or not, keeps it)."""
    by_id = sorted(videos, key=lambda v: int(v.id))
    return sorted(by_id, key=sort_key(sort), reverse=sort.startswith("-"))


def page(videos: Sequence[Video], start: int, count: int) -> list[Video]:
    return list(videos[start : start + count])
