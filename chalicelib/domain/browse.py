"""Video lists over the catalogue: the filtered, ordered, paged videos and the actors to show
with them. One catalogue refresh (one Query) per list, whatever the catalogue's size."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain import video_lists
from chalicelib.store import catalog

if TYPE_CHECKING:
    from chalicelib.domain.video_lists import Scope, VideoFilter
    from chalicelib.store.catalog import CatalogState
    from chalicelib.store.models import Actor, Video


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


def list_videos(
    scope: Scope, filters: VideoFilter, sort: str, start: int, count: int, now: datetime, host: str
) -> VideoPage:
    state = catalog.current()
    ordered = _orders.get(state, sort)

    def host_of(video: Video) -> str:
        channel = state.actors.get(int(video.channel_id))
        return (channel.host if channel is not None else None) or host

    wanted = video_lists.predicate(scope, filters, host_of)
    actors = state.actors
    chosen = [
        video
        for video in ordered
        if wanted(video) and int(video.channel_id) in actors and int(video.account_id) in actors
    ]
    shown = video_lists.page(chosen, start, count)
    return VideoPage(len(chosen), shown, _actors_of(state, shown))


def _actors_of(state: CatalogState, videos: list[Video]) -> dict[int, Actor]:
    wanted = {int(v.channel_id) for v in videos} | {int(v.account_id) for v in videos}
    return {actor_id: state.actors[actor_id] for actor_id in wanted if actor_id in state.actors}
