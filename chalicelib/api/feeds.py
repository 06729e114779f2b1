"""PeerTube's syndication feeds: /feeds/videos.*, /feeds/video-comments.*,
/feeds/subscriptions.* (with the user's feed token) and /feeds/podcast/videos.xml.

Each answers RSS 2.0 (`.xml`, `.rss`), Atom (`.atom`, or `.xml?format=atom`) or JSON Feed
(`.json`), with PeerTube's content negotiation (406 when the Accept header takes none of the
format's types) and its 15-minute Cache-Control. The documents are written by feed_formats,
imported on the first feed request only.
"""

from __future__ import annotations

import hmac
import html
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from chalice.app import Response

from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import pagination
from chalicelib.api.video_filters import QueryParams, video_filter
from chalicelib.config import get_settings
from chalicelib.domain import feeds, reference_data, video_file_ids
from chalicelib.domain import subscriptions as subscription_cases
from chalicelib.domain import videos as video_cases
from chalicelib.domain.channels import ACCOUNT_NOT_FOUND, CHANNEL_NOT_FOUND, get_account_or_404, get_channel_or_404
from chalicelib.domain.short_uuid import to_short
from chalicelib.domain.video_lists import VIDEO_SORTS, Scope, VideoFilter
from chalicelib.errors import BadRequestError, ForbiddenError, NotAcceptableError, NotFoundError, ValidationError
from chalicelib.media import commands, layout
from chalicelib.store import users

if TYPE_CHECKING:
    from chalice.app import Request

    from chalicelib.api.feed_formats import Enclosure, Feed, Item
    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, Video

feeds_api = ApiBlueprint(__name__)

CACHE_CONTROL = "max-age=900"  # PeerTube's ROUTE_CACHE_LIFETIME.FEEDS, 15 minutes
FORMATS = {"xml": "xml", "rss": "rss", "rss2": "rss", "atom": "atom", "atom1": "atom", "json": "json", "json1": "json"}
CONTENT_TYPES = {
    "atom": ("application/atom+xml", "application/xml", "text/xml"),
    "json": ("application/json",),
    "rss": ("application/rss+xml", "application/xml", "text/xml"),
    "xml": ("application/xml", "text/xml"),
}
PODCAST_CONTENT_TYPES = CONTENT_TYPES["rss"]
BAD_FORMAT = "Should have a valid format (rss, atom, json)"
FEED_NAME = re.compile(r"^(?P<resource>videos|video-comments|subscriptions)\.(?P<format>[a-z0-9]+)$")
_INTEGER = re.compile(r"^\d{1,15}$")


@feeds_api.route("/feeds/{name}", methods=["GET"])
def feed(name: str) -> Response:
    request = feeds_api.current_request
    match = FEED_NAME.match(name)
    if match is None:
        raise NotFoundError("Not found")
    resource, path_format = match["resource"], match["format"]
    if path_format not in FORMATS:
        raise ValidationError({"format": BAD_FORMAT}, location="params")
    query_format = QueryParams(request).one("format")
    if query_format is not None and query_format not in FORMATS:
        raise ValidationError({"format": BAD_FORMAT}, location="query")
    chosen = FORMATS[query_format or path_format]
    content_type = _negotiate(request, CONTENT_TYPES[chosen])
    built = {"videos": _videos_feed, "video-comments": _comments_feed, "subscriptions": _subscriptions_feed}
    document = built[resource](request, resource)
    return _send(document, _writer(path_format, query_format), content_type)


@feeds_api.route("/feeds/podcast/videos.xml", methods=["GET"])
def podcast_feed() -> Response:
    request = feeds_api.current_request
    content_type = _negotiate(request, PODCAST_CONTENT_TYPES)
    params = QueryParams(request)
    channel_id = _id_param(params, "videoChannelId", required=True)
    channel = feeds.get_actor_by_id(int(str(channel_id)), channel=True, not_found=CHANNEL_NOT_FOUND)
    settings = get_settings()
    filters = VideoFilter(nsfw=False, is_local=True)  # Apple's rule, and only the author lists its videos
    listed = feeds.list_feed_videos(
        Scope(channel_ids=frozenset({int(channel.id)})), filters, "-publishedAt", settings.instance_host
    )
    from chalicelib.api import feed_formats

    meta = _owner_meta(channel, settings)
    del meta["author"]  # a podcast's author is the instance (PeerTube's), its person the channel
    categories = [int(v.video.category) for v in listed if v.video.category is not None]
    languages = [str(v.video.language) for v in listed if v.video.language]
    document = feed_formats.Feed(
        **meta,
        self_url=f"{settings.instance_url}/feeds/podcast/videos.xml?videoChannelId={int(channel.id)}",
        alternates={},
        generator=f"Cirrus - {settings.instance_url}",
        copyright=_copyright(settings),
        items=[_video_item(v, settings, podcast=True) for v in listed],
        author=feed_formats.Link(settings.instance_name, settings.instance_url),
        language=max(set(languages), key=languages.count) if languages else "en",
        category=_itunes_category(max(set(categories), key=categories.count)) if categories else None,
        guid=channel.url,
        podcast_url=_podcast_url(channel, settings),
    )
    return _send(document, feed_formats.podcast, content_type)


# Private


def _videos_feed(request: Request, resource: str) -> Feed:
    settings = get_settings()
    params = QueryParams(request)
    sort = pagination(request, VIDEO_SORTS, "-publishedAt").sort
    account, channel = _owner_filters(params, settings)
    filters = video_filter(params, None)
    scope = Scope(
        account_id=int(account.id) if account else None,
        channel_ids=frozenset({int(channel.id)}) if channel else None,
    )
    if account is None and channel is None:
        filters = _followed_only(filters)
    listed = feeds.list_feed_videos(scope, filters, sort, settings.instance_host)
    owner = channel or account
    meta = _owner_meta(owner, settings) if owner else _instance_meta(settings)
    return _feed(
        request,
        resource,
        meta,
        [_video_item(v, settings) for v in listed],
        settings,
        podcast_url=_podcast_url(channel, settings) if channel else None,
    )


def _subscriptions_feed(request: Request, resource: str) -> Feed:
    settings = get_settings()
    params = QueryParams(request)
    sort = pagination(request, VIDEO_SORTS, "-publishedAt").sort
    account_id = _id_param(params, "accountId", required=True)
    token = params.one("token")
    if not token:
        params.fail("token", "Invalid value")
    params.raise_if_invalid()
    account = feeds.get_actor_by_id(int(str(account_id)), channel=False, not_found=ACCOUNT_NOT_FOUND)
    user = users.get_user(int(account.user_id)) if account.user_id is not None and not account.host else None
    if user is None:
        raise NotFoundError(ACCOUNT_NOT_FOUND)
    if not user.feed_token or not hmac.compare_digest(str(user.feed_token), str(token)):
        raise ForbiddenError("User feed token is invalid")
    filters = video_filter(params, user)
    channel_ids = frozenset(int(c.id) for _, c in subscription_cases.subscribed_channels(user))
    listed = feeds.list_feed_videos(Scope(channel_ids=channel_ids), filters, sort, settings.instance_host)
    return _feed(
        request, resource, _owner_meta(account, settings), [_video_item(v, settings) for v in listed], settings
    )


def _comments_feed(request: Request, resource: str) -> Feed:
    settings = get_settings()
    params = QueryParams(request)
    account, channel = _owner_filters(params, settings)
    video_id = params.one("videoId")
    video: Video | None = None
    if video_id is not None:
        if channel is not None:
            raise BadRequestError("videoId cannot be mixed with a channel filter")
        video = video_cases.find_video(video_id, "videoId")
        video_cases.check_can_see(video, None, by_uuid=not video_id.isdigit())
    scope = Scope(
        account_id=int(account.id) if account else None,
        channel_ids=frozenset({int(channel.id)}) if channel else None,
    )
    found = feeds.list_feed_comments(video, scope, settings.instance_host)
    from chalicelib.api import feed_formats

    items = []
    for entry in found:
        link = f"{settings.instance_url}/w/{to_short(entry.video.uuid)};threadId={int(entry.comment.thread_id)}"
        title = entry.video.name
        authors = []
        if entry.author is not None:
            title += f" - {entry.author.display_name}"
            authors.append(feed_formats.Link(entry.author.display_name, entry.author.url))
        items.append(
            feed_formats.Item(
                id=link,
                title=title,
                link=link,
                date=entry.comment.created_at,
                content_html=_html(entry.comment.text),
                authors=authors,
            )
        )
    if video is not None:
        meta = {"title": video.name, "description": video.description or "", "link": video.url, "image": None}
    else:
        owner = channel or account
        meta = _owner_meta(owner, settings) if owner else _instance_meta(settings)
    return _feed(request, resource, meta, items, settings)


def _followed_only(filters: VideoFilter) -> VideoFilter:
    """The instance's feed lists local videos and those of what the instance follows, as
    its video list does (PeerTube's displayOnlyForFollower with the server actor)."""
    import dataclasses

    return dataclasses.replace(filters, followed_only=True)


def _owner_filters(params: QueryParams, settings: Settings) -> tuple[Actor | None, Actor | None]:
    """accountId, accountName, videoChannelId, videoChannelName: checked, then found (404)."""
    account_id = _id_param(params, "accountId")
    channel_id = _id_param(params, "videoChannelId")
    account_name, channel_name = params.one("accountName"), params.one("videoChannelName")
    for name, value in (("accountName", account_name), ("videoChannelName", channel_name)):
        if value is not None and not 0 < len(value) <= 200:
            params.fail(name, "Invalid value")
    params.raise_if_invalid()
    account = channel = None
    if account_id is not None:
        account = feeds.get_actor_by_id(account_id, channel=False, not_found=ACCOUNT_NOT_FOUND)
    if channel_id is not None:
        channel = feeds.get_actor_by_id(channel_id, channel=True, not_found=CHANNEL_NOT_FOUND)
    if account_name is not None:
        account = get_account_or_404(settings, account_name)
    if channel_name is not None:
        channel = get_channel_or_404(settings, channel_name)
    return account, channel


def _id_param(params: QueryParams, name: str, *, required: bool = False) -> int | None:
    raw = params.one(name)
    if raw is None:
        if required:
            params.fail(name, "Invalid value")
            params.raise_if_invalid()
        return None
    if not _INTEGER.match(raw) or int(raw) < 1:
        params.fail(name, "Invalid value")
        params.raise_if_invalid()
        return None
    return int(raw)


def _negotiate(request: Request, acceptable: tuple[str, ...]) -> str:
    """The first of the format's types the client accepts (Express's req.accepts), else 406."""
    accept = request.headers.get("accept", "")
    if not accept.strip():
        return acceptable[0]
    ranges = []
    for part in accept.split(","):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    best: tuple[float, int, str] | None = None
    for index, media_type in enumerate(acceptable):
        kind = media_type.split("/")[0]
        qualities = [q for media, q in ranges if media in (media_type, f"{kind}/*", "*/*") and q > 0]
        if qualities:
            candidate = (max(qualities), -index, media_type)
            best = candidate if best is None or candidate > best else best
    if best is None:
        raise NotAcceptableError(
            f"You should accept at least one of the following content-types: {', '.join(acceptable)}"
        )
    return best[2]


def _writer(path_format: str, query_format: str | None) -> Any:
    from chalicelib.api import feed_formats

    chosen = FORMATS[path_format]
    if chosen == "xml":  # the ambiguous `.xml`: the format query parameter decides
        chosen = "atom" if query_format in ("atom", "atom1") else "rss"
    return {"rss": feed_formats.rss2, "atom": feed_formats.atom1, "json": feed_formats.json1}[chosen]


def _send(document: Feed, write: Any, content_type: str) -> Response:
    return Response(
        body=write(document),
        status_code=200,
        headers={"Content-Type": f"{content_type}; charset=utf-8", "Cache-Control": CACHE_CONTROL},
    )


def _feed(
    request: Request,
    resource: str,
    meta: dict[str, Any],
    items: list[Item],
    settings: Settings,
    *,
    podcast_url: str | None = None,
) -> Feed:
    from chalicelib.api import feed_formats

    event = request.to_original_event()
    pairs = [(k, v) for k, values in (event.get("multiValueQueryStringParameters") or {}).items() for v in values]
    search = ("?" + urlencode(pairs)) if pairs else ""
    base = f"{settings.instance_url}/feeds/{resource}"
    alternates = {"rss": f"{base}.xml{search}", "atom": f"{base}.atom{search}", "json": f"{base}.json{search}"}
    self_url = f"{settings.instance_url}{event.get('path') or ''}{search}"
    return feed_formats.Feed(
        **meta,
        self_url=self_url,
        alternates=alternates,
        generator=f"Cirrus - {settings.instance_url}",
        copyright=_copyright(settings),
        items=items,
        podcast_url=podcast_url,
    )


def _video_item(entry: feeds.FeedVideo, settings: Settings, *, podcast: bool = False) -> Item:
    from chalicelib.api import feed_formats

    video, channel = entry.video, entry.channel
    short = to_short(video.uuid)
    watch = f"{settings.instance_url}/w/{short}"
    thumbnail = None
    if video.has_images:
        width, height = commands.THUMBNAIL_SIZE
        thumbnail = feed_formats.Thumbnail(
            f"{settings.instance_url}/{layout.thumbnail_key(video.images_name)}", width, height
        )
    files = _files(entry, settings, podcast=podcast)
    category = reference_data.video_categories().get(str(video.category)) if video.category is not None else None
    return feed_formats.Item(
        id=video.url if podcast else watch,
        title=video.name,
        link=watch,
        date=video.originally_published_at or video.published_at or video.created_at,
        summary=_truncated(video.description or ""),
        content_html=_html(video.description or ""),
        authors=[feed_formats.Link(channel.display_name, _client_url(channel, settings))],
        thumbnail=thumbnail,
        enclosure=files[0][0] if files else None,
        media=[media for media, _ in files],
        torrents=[torrent for _, torrent in files if torrent is not None],
        embed_url=f"{settings.instance_url}/videos/embed/{short}",
        player_url=watch,
        views=int(video.views or 0),
        nsfw=bool(video.nsfw),
        category=category,
        duration=int(video.duration or 0),
        tags=sorted(video.tags or ()),
    )


def _files(
    entry: feeds.FeedVideo, settings: Settings, *, podcast: bool = False
) -> list[tuple[Enclosure, Enclosure | None]]:
    """The video's downloadable files at its top resolution, web video first (a whole MP4
    with its sound), then the packaged HLS file; each with its torrent when made. In the
    podcast feed the HLS file is offered as PeerTube offers it there, as the generated MP4 of
    that file (`/download/videos/generate/`, domain/generated_downloads.py): a plain MP4
    podcast players take, whose size is about the HLS file's (a remux, streams copied)."""
    from chalicelib.api import feed_formats

    video = entry.video
    if not video.download_enabled:
        return []
    found: list[tuple[Enclosure, Enclosure | None]] = []
    web, hls = entry.web_file, entry.hls_file
    if web is not None:
        resolution = int(web.resolution)
        url = layout.web_video_download_url(settings.instance_url, video.uuid, resolution, str(web.extension))
        title = f"{resolution}p"
        torrent = (
            feed_formats.Enclosure(layout.torrent_url(settings.instance_url, str(web.torrent_name)), 0, _TORRENT, title)
            if web.torrent_name
            else None
        )
        found.append((feed_formats.Enclosure(url, int(web.size), str(web.content_type), title), torrent))
    if hls is not None:
        resolution = int(hls.resolution)
        url = (
            layout.generate_download_url(
                settings.instance_url, video.uuid, [video_file_ids.hls_file_id(int(video.id), resolution)]
            )
            if podcast
            else layout.hls_video_download_url(settings.instance_url, video.uuid, resolution)
        )
        title = f"{resolution}p (HLS)"
        torrent = (
            feed_formats.Enclosure(layout.torrent_url(settings.instance_url, str(hls.torrent_name)), 0, _TORRENT, title)
            if hls.torrent_name
            else None
        )
        found.append((feed_formats.Enclosure(url, int(hls.size), "video/mp4", title), torrent))
    return found


_TORRENT = "application/x-bittorrent"


def _owner_meta(owner: Actor, settings: Settings) -> dict[str, Any]:
    from chalicelib.api import feed_formats

    link = _client_url(owner, settings)
    avatars = sorted(owner.avatars or [], key=lambda image: int(image.width))
    image = f"{settings.instance_url}/{avatars[-1].path}" if avatars else None
    return {
        "title": owner.display_name,
        "description": owner.description or "",
        "link": link,
        "image": image,
        "author": feed_formats.Link(owner.display_name, link),
    }


def _instance_meta(settings: Settings) -> dict[str, Any]:
    return {"title": settings.instance_name, "description": "", "link": settings.instance_url, "image": None}


def _client_url(actor: Actor, settings: Settings) -> str:
    """PeerTube's getClientUrl: /c/name or /a/name, with @host for remote actors."""
    folder = "c" if actor.actor_type == "Group" else "a"
    handle = actor.preferred_username + (f"@{actor.host}" if actor.host else "")
    return f"{settings.instance_url}/{folder}/{handle}"


def _podcast_url(channel: Actor, settings: Settings) -> str | None:
    if channel.host:
        return None
    return f"{settings.instance_url}/feeds/podcast/videos.xml?videoChannelId={int(channel.id)}"


def _copyright(settings: Settings) -> str:
    return (
        f"All rights reserved, unless otherwise specified in the terms specified at {settings.instance_url}/about"
        " and potential licenses granted by each content's rightholder."
    )


def _html(text: str) -> str:
    """Plain text shown as HTML: escaped, paragraphs and line breaks kept."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _truncated(text: str, length: int = 250) -> str:
    return text if len(text) <= length else text[: length - 3] + "..."


# PeerTube's mapping of its categories to Apple Podcasts' (video-podcast-feeds.ts).
_ITUNES = {
    1: "Music",
    2: "TV & Film",
    3: "Leisure",
    4: "Arts",
    5: "Sports",
    6: "Places & Travel",
    7: "Video Games",
    8: "Society & Culture",
    9: "Comedy",
    10: "Fiction",
    11: "News",
    12: "Leisure",
    13: "Education",
    14: "Society & Culture",
    15: "Technology",
    16: "Pets & Animals",
    17: "Kids & Family",
    18: "Food",
}


def _itunes_category(category: int) -> str | None:
    return _ITUNES.get(category)
