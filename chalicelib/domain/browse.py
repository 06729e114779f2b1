"""Video lists over the catalogue: the filtered, ordered, paged videos and the actors to show
with them. One catalogue refresh (one Query) per list, whatever the catalogue's size."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.domain import instance_scope, live_viewers, search, video_lists
from chalicelib.domain import videos as video_cases
from chalicelib.domain.oauth import utcnow
from chalicelib.domain.text_match import fold
from chalicelib.errors import NotFoundError
from chalicelib.store import actors, catalog, videos

if TYPE_CHECKING:
    from chalicelib.domain.search import Query
    from chalicelib.domain.video_lists import Scope, VideoFilter
    from chalicelib.store.catalog import CatalogState
    from chalicelib.store.models import Actor, LiveVideo, Video, VideoFile, VideoRedundancy, WebVideoFile


@dataclass(frozen=True)
class VideoPage:
    total: int
    videos: list[Video]
    actors: dict[int, Actor]


class _Orders:
    """Every video in each requested order, kept while the catalogue does not change: most
    lists then only filter and slice."""

    def __init__(self) -> None:
        self._version = -1
        self._orders: dict[str, list[Video]] = {}
        self._lock = threading.Lock()

    def get(self, state: CatalogState, sort: str) -> list[Video]:
        with self._lock:
            if state.version != self._version:
                self._version, self._orders = state.version, {}
            ordered = self._orders.get(sort)
            if ordered is None:
                ordered = video_lists.order(state.videos.values(), sort)
                self._orders[sort] = ordered
            return ordered


_orders = _Orders()


class _Results:
    """The videos of the most recent distinct lists (the home page's few, mostly), kept while
    the catalogue does not change: paging through a list then only slices."""

    SIZE = 64

    def __init__(self) -> None:
        self._version = -1
        self._lists: OrderedDict[tuple[Any, ...], list[Video]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, state: CatalogState, key: tuple[Any, ...], build: Callable[[], list[Video]]) -> list[Video]:
        with self._lock:
            if state.version != self._version:
                self._version, self._lists = state.version, OrderedDict()
            found = self._lists.get(key)
            if found is not None:
                self._lists.move_to_end(key)
                return found
        chosen = build()
        with self._lock:
            if state.version == self._version:
                self._lists[key] = chosen
                while len(self._lists) > self.SIZE:
                    self._lists.popitem(last=False)
        return chosen


_results = _Results()


def list_videos(scope: Scope, filters: VideoFilter, sort: str, start: int, count: int, host: str) -> VideoPage:
    state = catalog.current()
    chosen = _results.get(
        state,
        (scope, filters, sort, host),
        lambda: _listable(state, scope, filters, host)(_orders.get(state, sort)),
    )
    shown = video_lists.page(chosen, start, count)
    return VideoPage(len(chosen), shown, _actors_of(state, shown))


def list_in_order(
    video_ids: list[int], scope: Scope, filters: VideoFilter, start: int, count: int, host: str
) -> VideoPage:
    """The listable videos among `video_ids`, in that order (a history); ids the catalogue
    does not know (deleted videos) are left out."""
    state = catalog.current()
    known = [state.videos[video_id] for video_id in video_ids if video_id in state.videos]
    chosen = _listable(state, scope, filters, host)(known)
    shown = video_lists.page(chosen, start, count)
    return VideoPage(len(chosen), shown, _actors_of(state, shown))


_features = search.FeatureCache()


def search_videos(
    query: Query | None, scope: Scope, filters: VideoFilter, sort: str, start: int, count: int, host: str
) -> VideoPage:
    """Videos matching `query` (all listable ones without a query), in `sort` order; by
    relevance for `match`, best first for `-match`, ties by id."""
    state = catalog.current()
    listable = _listable(state, scope, filters, host)
    if query is None:
        matched = [(video, 0.0) for video in listable(_orders.get(state, "match"))]
    else:
        scored = (
            (video, search.video_score(query, video, features))
            for video, features in _features.videos(state.videos.values())
        )
        candidates = {int(video.id): score for video, score in scored if score is not None}
        wanted = [video for video in state.videos.values() if int(video.id) in candidates]
        matched = [(video, candidates[int(video.id)]) for video in listable(wanted)]
    if sort.lstrip("-") == "match":
        by_id = sorted(matched, key=lambda pair: int(pair[0].id))
        ordered = [video for video, _ in sorted(by_id, key=lambda pair: pair[1], reverse=sort.startswith("-"))]
    else:
        ids = {int(video.id) for video, _ in matched}
        ordered = [video for video in _orders.get(state, sort) if int(video.id) in ids]
    shown = video_lists.page(ordered, start, count)
    return VideoPage(len(ordered), shown, _actors_of(state, shown))


@dataclass(frozen=True)
class ChannelPage:
    total: int
    channels: list[Actor]
    owners: dict[int, Actor]


def search_channels(query: Query | None, sort: str, start: int, count: int, host: str | None) -> ChannelPage:
    state = catalog.current()
    channels = [
        actor
        for actor in state.actors.values()
        if actor.actor_type == "Group" and (host is None or (actor.host or "") == host)
    ]
    scores: dict[int, float] = {}
    for channel in channels:
        owner = state.actors.get(int(channel.account_id or 0))
        score = search.channel_score(query, _features.channel(channel, owner)) if query else 0.0
        if score is not None:
            scores[int(channel.id)] = score
    column = sort.lstrip("-")
    keys: dict[str, Callable[[Actor], Any]] = {
        "match": lambda c: scores[int(c.id)],
        "displayName": lambda c: fold(c.display_name),
        "createdAt": lambda c: c.created_at,
    }
    matched = sorted((c for c in channels if int(c.id) in scores), key=lambda c: int(c.id))
    ordered = sorted(matched, key=keys[column], reverse=sort.startswith("-"))
    shown = ordered[start : start + count]
    owners = {
        int(c.account_id): state.actors[int(c.account_id)] for c in shown if int(c.account_id or 0) in state.actors
    }
    return ChannelPage(len(ordered), shown, owners)


def _listable(
    state: CatalogState, scope: Scope, filters: VideoFilter, host: str
) -> Callable[[Iterable[Video]], list[Video]]:
    def host_of(video: Video) -> str:
        channel = state.actors.get(int(video.channel_id))
        return (channel.host if channel is not None else None) or host

    followed = instance_scope.followed_in(state) if filters.followed_only else None
    wanted = video_lists.predicate(scope, filters, host_of, followed)
    actors = state.actors

    def keep(videos: Iterable[Video]) -> list[Video]:
        return [v for v in videos if wanted(v) and int(v.channel_id) in actors and int(v.account_id) in actors]

    return keep


def _actors_of(state: CatalogState, videos: list[Video]) -> dict[int, Actor]:
    wanted = {int(v.channel_id) for v in videos} | {int(v.account_id) for v in videos}
    return {actor_id: state.actors[actor_id] for actor_id in wanted if actor_id in state.actors}


@dataclass(frozen=True)
class VideoDetails:
    video: Video
    account: Actor
    channel: Actor
    files: list[VideoFile]
    live: LiveVideo | None = None  # a live's settings
    web_files: list[WebVideoFile] = field(default_factory=list)
    viewers: int = 0  # a live's viewers now
    redundancies: list[VideoRedundancy] = field(default_factory=list)  # its mirrors, expired ones too


def video_details(id_or_uuid: str) -> VideoDetails:
    """A video with its owners and files: one catalogue refresh and one Query (the UUID and
    the owners come from the catalogue; a video too new for it costs a claim and a
    BatchGetItem more)."""
    state = catalog.current()
    reference = video_cases.parse_reference(id_or_uuid)
    video_id = reference if isinstance(reference, int) else state.video_ids_by_uuid.get(reference)
    if video_id is None:
        fresh = videos.find_video_by_uuid(str(reference))
        video_id = int(fresh.id) if fresh else None
    found = videos.get_video_whole(video_id) if video_id is not None else videos.StoredVideo(None, [], [], None)
    video, files, live = found.video, found.files, found.live
    if video is None or int(video.id) in state.withheld:  # its account or channel is being deleted
        raise NotFoundError("Video not found")
    owners = {i: state.actors[i] for i in (int(video.account_id), int(video.channel_id)) if i in state.actors}
    if len(owners) < 2:
        owners = actors.get_actors({int(video.account_id), int(video.channel_id)})
    account, channel = owners.get(int(video.account_id)), owners.get(int(video.channel_id))
    if account is None or channel is None or account.deleting_at is not None or channel.deleting_at is not None:
        raise NotFoundError("Video not found")
    viewers = live_viewers.viewers_of(video, found.live_viewers, utcnow())
    return VideoDetails(video, account, channel, files, live, found.web_files, viewers, found.redundancies)
