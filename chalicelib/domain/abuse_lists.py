"""Listing abuse reports: the moderators' list (GET /abuses) and a reporter's own (GET
/users/me/abuses), with PeerTube's filters, searches, sorts and per-report counts.

Reports are few next to videos: a list reads them all (one Query per MB), filters, counts
and sorts in memory, and names them from the catalogue (accounts, channels, videos; no
read per report). Only the comments shown on the page are read (one BatchGetItem).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.domain import muting
from chalicelib.domain.abuses import INTEGER, INVALID, PREDEFINED_REASONS, STATES
from chalicelib.errors import ValidationError
from chalicelib.store import abuses, catalog, keys
from chalicelib.store.models import Abuse, VideoComment

if TYPE_CHECKING:
    from chalicelib.store.catalog import CatalogState
    from chalicelib.store.models import Actor, User, Video

FILTERS = ("video", "comment", "account")
VIDEO_IS = ("deleted", "blacklisted")
SEARCHES = ("search", "searchReporter", "searchReportee", "searchVideo", "searchVideoChannel")


@dataclass(frozen=True)
class AbuseQuery:
    id: int | None = None
    state: int | None = None
    subject: str | None = None  # PeerTube's `filter`
    predefined_reason: int | None = None
    video_is: str | None = None
    searches: Mapping[str, str] = field(default_factory=dict)


@dataclass
class AbuseView:
    """A report with what it names, as the catalogue knows them now (None: gone)."""

    abuse: Abuse
    reporter: Actor | None
    flagged: Actor | None
    video: Video | None
    channel: Actor | None
    comment: VideoComment | None = None
    reports_for_video: int = 0
    nth_report_for_video: int = 0
    reports_by_reporter: int = 0
    reports_of_flagged: int = 0


@dataclass(frozen=True)
class AbusePage:
    total: int
    views: list[AbuseView]


def read_query(params: Mapping[str, str], *, for_moderators: bool) -> AbuseQuery:
    """PeerTube's abuseListForAdminsValidator (or ForUser: id, search and state only)."""
    invalid: dict[str, str] = {}

    def pick(name: str, allowed: tuple[str, ...]) -> str | None:
        value = params.get(name)
        if value is not None and value not in allowed:
            invalid[name] = INVALID
            return None
        return value

    raw_id = params.get("id")
    if raw_id is not None and not INTEGER.match(raw_id):
        invalid["id"] = INVALID
    raw_state = params.get("state")
    if raw_state is not None and not (raw_state.isdigit() and int(raw_state) in STATES):
        invalid["state"] = INVALID
    searches = {name: params[name] for name in SEARCHES if params.get(name) and (for_moderators or name == "search")}
    subject = reason = video_is = None
    if for_moderators:
        subject = pick("filter", FILTERS)
        reason = pick("predefinedReason", tuple(PREDEFINED_REASONS))
        video_is = pick("videoIs", VIDEO_IS)
    if invalid:
        raise ValidationError(invalid, location="query")
    return AbuseQuery(
        id=int(raw_id) if raw_id is not None else None,
        state=int(raw_state) if raw_state is not None else None,
        subject=subject,
        predefined_reason=PREDEFINED_REASONS[reason] if reason else None,
        video_is=video_is,
        searches=searches,
    )


def for_moderators(user: User, query: AbuseQuery, start: int, count: int, sort: str) -> AbusePage:
    """Every report but those whose reporter the instance or `user` blocks (as PeerTube)."""
    every = abuses.list_all()
    state = catalog.current()
    muted = muting.for_viewer(user)
    views = _counted([_view(abuse, state) for abuse in every])
    kept = [v for v in views if not (v.reporter is not None and muted.mutes_actor(v.reporter)) and _matches(v, query)]
    return _page(kept, start, count, sort)


def for_reporter(user: User, query: AbuseQuery, start: int, count: int, sort: str) -> AbusePage:
    state = catalog.current()
    views = [_view(abuse, state) for abuse in abuses.list_reported_by(int(user.account_id))]
    return _page([v for v in views if _matches(v, query)], start, count, sort)


def _view(abuse: Abuse, state: CatalogState) -> AbuseView:
    video = state.videos.get(int(abuse.video_id)) if abuse.video_id is not None else None
    channel_id = int(video.channel_id) if video is not None else abuse.channel_id
    return AbuseView(
        abuse=abuse,
        reporter=state.actors.get(int(abuse.reporter_account_id)) if abuse.reporter_account_id is not None else None,
        flagged=state.actors.get(int(abuse.flagged_account_id)),
        video=video,
        channel=state.actors.get(int(channel_id)) if channel_id is not None else None,
    )


def _counted(views: list[AbuseView]) -> list[AbuseView]:
    """PeerTube's countReportsForVideo, nthReportForVideo (by creation), countReportsForReporter
    and countReportsForReportee, over every report (`views` come oldest first)."""
    by_reporter = Counter(int(v.abuse.reporter_account_id) for v in views if v.abuse.reporter_account_id is not None)
    of_flagged = Counter(int(v.abuse.flagged_account_id) for v in views)
    live_videos = [v for v in views if v.abuse.subject == "video" and v.video is not None]
    for_video = Counter(int(v.abuse.video_id) for v in live_videos)
    seen: Counter[int] = Counter()
    for view in live_videos:
        video_id = int(view.abuse.video_id)
        seen[video_id] += 1
        view.reports_for_video = for_video[video_id]
        view.nth_report_for_video = seen[video_id]
    for view in views:
        reporter = view.abuse.reporter_account_id
        view.reports_by_reporter = by_reporter[int(reporter)] if reporter is not None else 0
        view.reports_of_flagged = of_flagged[int(view.abuse.flagged_account_id)]
    return views


def _matches(view: AbuseView, query: AbuseQuery) -> bool:
    abuse = view.abuse
    if query.id is not None and int(abuse.id) != query.id:
        return False
    if query.state is not None and int(abuse.state) != query.state:
        return False
    if query.subject is not None and abuse.subject != query.subject:
        return False
    if query.predefined_reason is not None and query.predefined_reason not in [
        int(r) for r in abuse.predefined_reasons
    ]:
        return False
    if query.video_is is not None and not _video_is(view, query.video_is):
        return False
    names = _searchable(view)
    return all(_found(text, names[name]) for name, text in query.searches.items())


def _video_is(view: AbuseView, wanted: str) -> bool:
    if view.abuse.subject != "video":
        return False
    if wanted == "deleted":
        return view.video is None
    return view.video is not None and view.video.blacklist is not None


def _searchable(view: AbuseView) -> dict[str, list[str]]:
    """What each search looks in (PeerTube's ILIKE over the joined names)."""
    abuse = view.abuse
    video_names: list[str] = []
    channel_names: list[str] = []
    if abuse.subject == "video":
        video_names = [str(view.video.name if view.video is not None else abuse.video_name or "")]
        channel_names = _actor_names(view.channel)
    reporter, flagged = _actor_names(view.reporter), _actor_names(view.flagged)
    return {
        "search": [*video_names, *channel_names, *reporter, *flagged],
        "searchReporter": reporter,
        "searchReportee": flagged,
        "searchVideo": video_names,
        "searchVideoChannel": channel_names,
    }


def _actor_names(actor: Actor | None) -> list[str]:
    return [str(actor.display_name), str(actor.preferred_username)] if actor is not None else []


def _found(text: str, names: list[str]) -> bool:
    wanted = text.casefold()
    return any(wanted in name.casefold() for name in names)


def _page(views: list[AbuseView], start: int, count: int, sort: str) -> AbusePage:
    name = sort.removeprefix("-")
    descending = sort.startswith("-")

    def value(view: AbuseView) -> Any:
        if name == "state":
            return int(view.abuse.state)
        if name == "createdAt":
            return view.abuse.created_at
        return int(view.abuse.id)

    # Ties go by id, ascending, as PeerTube's getSort adds.
    ordered = sorted(views, key=lambda v: int(v.abuse.id))
    ordered.sort(key=value, reverse=descending)
    shown = ordered[start : start + count]
    _attach_comments(shown)
    return AbusePage(len(views), shown)


def _attach_comments(views: list[AbuseView]) -> None:
    """The reported comments of a page: one BatchGetItem (a comment gone with its video stays None)."""
    wanted = [v for v in views if v.abuse.subject == "comment"]
    if not wanted:
        return
    item_keys = {
        (keys.video_pk(int(v.abuse.video_id)), keys.comment_sk(int(v.abuse.comment_thread_id), int(v.abuse.comment_id)))
        for v in wanted
    }
    found = {int(c.id): c for c in VideoComment.batch_get(list(item_keys)) if isinstance(c, VideoComment)}
    for view in wanted:
        view.comment = found.get(int(view.abuse.comment_id))
