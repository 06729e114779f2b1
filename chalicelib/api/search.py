"""Search: videos and channels of the catalogue, by words, handle or URL."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from chalicelib import plugins
from chalicelib.api.auth import optional_session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import pagination
from chalicelib.api.shapes import channel_json
from chalicelib.api.video_filters import QueryParams, skip_count, video_filter
from chalicelib.api.video_shapes import video_json, video_page_json
from chalicelib.config import get_settings
from chalicelib.domain import browse
from chalicelib.domain import videos as video_cases
from chalicelib.domain.search import Query
from chalicelib.domain.short_uuid import from_short
from chalicelib.domain.video_lists import CHANNEL_SEARCH_SORTS, SEARCH_SORTS, Scope, is_published
from chalicelib.domain.videos import UUID_V4, find_video
from chalicelib.errors import CirrusError
from chalicelib.store import actors

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import User

search_api = ApiBlueprint(__name__)

URL = re.compile(r"^https?://", re.IGNORECASE)
MAX_COUNT = 100
# PeerTube's local search hooks (controllers/api/search/): the query, then what is sent.
VIDEOS_PARAMS = "filter:api.search.videos.local.list.params"
VIDEOS_RESULT = "filter:api.search.videos.local.list.result"
CHANNELS_PARAMS = "filter:api.search.video-channels.local.list.params"
CHANNELS_RESULT = "filter:api.search.video-channels.local.list.result"


@dataclasses.dataclass(frozen=True)
class _Asked:
    text: str | None
    start: int
    count: int
    sort: str


def _plugins_params(hook: str, asked: _Asked, sorts: tuple[str, ...], viewer: User | None) -> _Asked:
    """The search as plugins leave it (`search`, `start`, `count`, `sort`); a value of the
    wrong kind, a count over PeerTube's 100 or an unknown sort keeps Cirrus's own."""
    if not plugins.has_hooks(hook):
        return asked
    shown = {"search": asked.text, "start": asked.start, "count": asked.count, "sort": asked.sort}
    changed = plugins.run_filter(hook, shown, user=viewer)
    text = changed.get("search")
    start, count, sort = changed.get("start"), changed.get("count"), changed.get("sort")
    return _Asked(
        text if text is None or isinstance(text, str) else asked.text,
        start if isinstance(start, int) and not isinstance(start, bool) and start >= 0 else asked.start,
        count if isinstance(count, int) and not isinstance(count, bool) and 0 <= count <= MAX_COUNT else asked.count,
        sort if isinstance(sort, str) and sort.lstrip("-") in sorts else asked.sort,
    )


@search_api.route("/api/v1/search/videos", methods=["GET"])
def search_videos() -> dict[str, Any]:
    request = search_api.current_request
    settings = get_settings()
    page = pagination(request, SEARCH_SORTS, "-match")
    current = optional_session(request)
    viewer = current.user if current else None
    params = QueryParams(request)
    filters = video_filter(params, viewer)
    text = _search_text(params)
    filters = dataclasses.replace(
        filters,
        search=None,  # matched and ranked below, not filtered as lists do
        start_date=params.date("startDate", "Should have a start date that conforms to ISO 8601"),
        end_date=params.date("endDate", "Should have a end date that conforms to ISO 8601"),
        originally_published_start=params.date(
            "originallyPublishedStartDate", "Should have a published start date that conforms to ISO 8601"
        ),
        originally_published_end=params.date(
            "originallyPublishedEndDate", "Should have a published end date that conforms to ISO 8601"
        ),
        duration_min=params.integer("durationMin") or None,  # PeerTube ignores 0
        duration_max=params.integer("durationMax") or None,
        uuids=_uuids(params),
        followed_only=True,
    )
    params.raise_if_invalid()
    if text is not None and URL.match(text):
        return _video_by_url(text, viewer, settings)
    scope = Scope(viewer_logged_in=viewer is not None)
    asked = _plugins_params(VIDEOS_PARAMS, _Asked(text, page.start, page.count, page.sort), SEARCH_SORTS, viewer)
    query = Query.of(asked.text) if asked.text else None
    found = browse.search_videos(query, scope, filters, asked.sort, asked.start, asked.count, settings.instance_host)
    body = video_page_json(found, settings, with_total=not skip_count(params), with_state=filters.include_not_published)
    return dict(plugins.run_filter(VIDEOS_RESULT, body, user=viewer))


@search_api.route("/api/v1/search/video-channels", methods=["GET"])
def search_channels() -> dict[str, Any]:
    request = search_api.current_request
    settings = get_settings()
    page = pagination(request, CHANNEL_SEARCH_SORTS, "-match")
    current = optional_session(request)
    viewer = current.user if current else None
    params = QueryParams(request)
    text = _search_text(params)
    host = params.one("host")
    handles = params.values("handles")
    if handles is not None and not all(handles):
        params.fail("handles", "Should have valid array of handles")
    params.raise_if_invalid()
    local_host = None if host in (None, settings.instance_host) else host
    if handles is not None:
        text = None
    elif text is not None:
        handle = _local_handle(text, settings)
        if handle is False:
            return {"total": 0, "data": []}  # a remote handle or URL: found by federation, not yet here
        if isinstance(handle, str):
            handles = [handle]
            text = None
    asked = _Asked(text, page.start, page.count, page.sort)
    asked = _plugins_params(CHANNELS_PARAMS, asked, CHANNEL_SEARCH_SORTS, viewer)
    query = Query.of(asked.text.lstrip("@")) if asked.text else None
    found = browse.search_channels(query, asked.sort, asked.start, asked.count, local_host)
    channels = found.channels
    if handles is not None:
        wanted = {handle.split("@", 1)[0].lower() for handle in handles}
        channels = [c for c in channels if c.preferred_username.lower() in wanted]
    data = [channel_json(c, settings, owner=found.owners.get(int(c.account_id or 0))) for c in channels]
    body = {"total": found.total if handles is None else len(channels), "data": data}
    return dict(plugins.run_filter(CHANNELS_RESULT, body, user=viewer))


def _search_text(params: QueryParams) -> str | None:
    text = params.one("search")
    if text == "":
        params.fail("search", "Invalid value")
        return None
    target = params.one("searchTarget")
    if target is not None and target != "local":
        params.fail("searchTarget", "Invalid value")  # no search index is configured
    return text


def _uuids(params: QueryParams) -> frozenset[str] | None:
    values = params.values("uuids")
    if values is None:
        return None
    found = [from_short(value) if len(value) == 22 else value.lower() for value in values]
    if not all(value and UUID_V4.match(value) for value in found):
        params.fail("uuids", "Should have valid array of uuid")
        return None
    return frozenset(str(value) for value in found)


def _video_by_url(url: str, viewer: User | None, settings: Settings) -> dict[str, Any]:
    """PeerTube's lookup of a video by its URL: this instance's own videos only (remote ones
    come with federation). Unlike PeerTube, privacy still applies: a URL that names the video
    by its numeric id shows an unlisted one to no one but its owner and moderators, as
    GET /videos/{id} does (ids are sequential, UUIDs are the unlisted video's secret)."""
    prefix = f"{settings.instance_url}/"
    path = url.split("?", 1)[0]
    if not path.lower().startswith(prefix.lower()):
        return {"total": 0, "data": []}
    match = re.fullmatch(r"(?:videos/watch|w)/([^/]+)", path[len(prefix) :])
    if match is None:
        return {"total": 0, "data": []}
    try:
        video = find_video(match.group(1))
        video_cases.check_can_see(video, viewer, by_uuid=not match.group(1).isdigit())
    except CirrusError:
        return {"total": 0, "data": []}
    found = actors.get_actors({int(video.account_id), int(video.channel_id)})
    account, channel = found.get(int(video.account_id)), found.get(int(video.channel_id))
    if account is None or channel is None or not is_published(video):
        return {"total": 0, "data": []}
    return {"total": 1, "data": [video_json(video, account, channel, settings)]}


def _local_handle(text: str, settings: Settings) -> str | bool | None:
    """For `name@host` and channel URLs: the local channel name, False for a remote one,
    None when the text is plain words."""
    if URL.match(text):
        prefix = f"{settings.instance_url}/"
        match = re.fullmatch(r"(?:video-channels|c)/([^/?]+).*", text[len(prefix) :] if text.startswith(prefix) else "")
        return match.group(1) if match else False
    parts = text.lstrip("@").split("@")
    if len(parts) == 2 and all(parts) and not any(" " in part for part in parts):
        return parts[0] if parts[1].lower() == settings.instance_host.lower() else False
    return None
