"""PeerTube's oEmbed endpoint (/services/oembed): a watch page's URL turned into the iframe
of its embed, for sites that unfurl links. Discovered from the watch page's
`<link rel="alternate" type="application/json+oembed">`."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from chalice.app import Response

from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.video_filters import QueryParams
from chalicelib.config import get_settings
from chalicelib.domain import browse
from chalicelib.domain.short_uuid import to_short
from chalicelib.domain.video_lists import PRIVACY_PUBLIC, PRIVACY_UNLISTED
from chalicelib.errors import BadRequestError, ForbiddenError, NotImplementedServiceError
from chalicelib.media import commands, layout

oembed_api = ApiBlueprint(__name__)

EMBED_SIZE = (560, 315)  # PeerTube's EMBED_SIZE
VIDEO_PATHS = ("/videos/watch/", "/w/")
# What PeerTube passes on from the watch URL's query to the embed's.
PLAYER_PARAMETERS = frozenset(
    {
        "start",
        "stop",
        "loop",
        "autoplay",
        "muted",
        "controls",
        "controlBar",
        "title",
        "api",
        "warningTitle",
        "peertubeLink",
        "p2p",
        "subtitle",
        "bigPlayBackgroundColor",
        "mode",
        "foregroundColor",
        "playbackRate",
        "waitPasswordFromEmbedAPI",
        "playlistPosition",
    }
)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.IGNORECASE)
_SIZE = re.compile(r"^-?\d{1,9}$")


@oembed_api.route("/services/oembed", methods=["GET"])
def oembed() -> Response:
    request = oembed_api.current_request
    params = QueryParams(request)
    settings = get_settings()
    url = params.one("url") or ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        params.fail("url", "Invalid value")
    max_width, max_height = _size(params, "maxwidth"), _size(params, "maxheight")
    requested = params.one("format")
    if requested is not None and requested not in ("json", "xml"):
        params.fail("format", "Invalid value")
    params.raise_if_invalid()
    if requested == "xml":
        raise NotImplementedServiceError("Requested format is not implemented on server.")
    base = f"{settings.instance_scheme}://{settings.instance_host}"
    start = next((base + path for path in VIDEO_PATHS if url.startswith(base + path)), None)
    if start is None:
        raise BadRequestError("Invalid url.")
    element = parts.path.rstrip("/").rsplit("/", 1)[-1]
    details = browse.video_details(element)  # 400 for a bad id, 404 for an unknown video
    video, channel = details.video, details.channel
    by_uuid = bool(_UUID.match(element)) or len(element) == 22
    privacy = int(video.privacy)
    if not (privacy == PRIVACY_PUBLIC or (privacy == PRIVACY_UNLISTED and by_uuid)):
        raise ForbiddenError("Video is not publicly available")
    width = min(EMBED_SIZE[0], max_width) if max_width is not None else EMBED_SIZE[0]
    height = min(EMBED_SIZE[1], max_height) if max_height is not None else EMBED_SIZE[1]
    embed_url = f"{settings.instance_url}/videos/embed/{to_short(video.uuid)}{_player_query(url)}"
    body: dict[str, Any] = {
        "type": "video",
        "version": "1.0",
        "html": (
            f'<iframe width="{width}" height="{height}" sandbox="allow-same-origin allow-scripts allow-popups'
            f' allow-forms" title="{html.escape(video.name)}" src="{html.escape(embed_url)}" frameborder="0"'
            " allowfullscreen></iframe>"
        ),
        "width": width,
        "height": height,
        "title": video.name,
        "author_name": channel.display_name,
        "author_url": channel.url,
        "provider_name": "PeerTube",
        "provider_url": settings.instance_url,
    }
    preview_width, preview_height = commands.PREVIEW_SIZE
    too_big = (max_height is not None and max_height < preview_height) or (
        max_width is not None and max_width < preview_width
    )
    if video.has_images and not too_big:
        body["thumbnail_url"] = f"{settings.instance_url}/{layout.preview_key(video.images_name)}"
        body["thumbnail_width"] = preview_width
        body["thumbnail_height"] = preview_height
    # Any site may ask (PeerTube mounts cors() on this route).
    return Response(body=body, status_code=200, headers={"Access-Control-Allow-Origin": "*"})


def _size(params: QueryParams, name: str) -> int | None:
    raw = params.one(name)
    if raw is None:
        return None
    if not _SIZE.match(raw):
        params.fail(name, "Invalid value")
        return None
    return int(raw)


def _player_query(url: str) -> str:
    kept = [(k, v) for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if k in PLAYER_PARAMETERS]
    return "?" + urlencode(kept) if kept else ""
