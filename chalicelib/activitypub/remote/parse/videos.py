"""A remote Video object, checked as PeerTube's receiver checks it, and what Cirrus keeps:
metadata, the HLS master playlist with its renditions and segment hashes, the thumbnail.

PeerTube refuses a video without a thumbnail, with a name outside 3-120 characters, a
duration not written `PT<seconds>S`, or a UUID that is not version 4; so does Cirrus. Every
URL of the video must be on the host of its id, except the media links, which PeerTube
lets instances serve from object storage or a CDN elsewhere.
"""

from __future__ import annotations

import re
import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.activitypub.remote.parse.checks import (
    InvalidDocument,
    as_list,
    count,
    date,
    optional_text,
    same_host,
    url,
)

DURATION = re.compile(r"^PT(\d+)S$")
MAX_DESCRIPTION = 10_000
MAX_TAGS = 5
IMAGE_TYPES = ("image/jpeg", "image/jpg", "image/png", "image/webp")
VIDEO_TYPES = ("video/mp4", "video/webm", "video/ogg", "audio/mp4")
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
MAX_CAPTIONS = 100  # PeerTube knows some 180 languages; no video has captions in all


@dataclass(frozen=True)
class RemoteFile:
    url: str
    resolution: int
    width: int
    height: int
    fps: int
    size: int


@dataclass(frozen=True)
class RemoteCaption:
    """A caption the origin serves (PeerTube's `subtitleLanguage`): never fetched by Cirrus,
    only named to the players, which load it from the origin as they load its segments."""

    language: str
    file_url: str
    m3u8_url: str | None
    automatic: bool


@dataclass(frozen=True)
class RemoteStoryboard:
    """The origin's sprite sheet (the Video object's `preview` with rel "storyboard"): never
    fetched by Cirrus, only named to the players, which load it from the origin."""

    file_url: str
    total_width: int
    total_height: int
    sprite_width: int
    sprite_height: int
    sprite_duration: int


@dataclass(frozen=True)
class RemoteVideoDocument:
    url: str
    uuid: str
    name: str
    duration: int
    privacy: int  # 1 public, 2 unlisted (by the audience)
    category: int | None
    licence: int | None
    language: str | None
    description: str | None
    support: str | None
    tags: list[str]
    nsfw: bool
    views: int
    comments_policy: int
    download_enabled: bool
    wait_transcoding: bool
    published: datetime
    updated: datetime
    originally_published: datetime | None
    aspect_ratio: float | None
    thumbnail_url: str
    playlist_url: str | None
    segments_sha256_url: str | None
    files: list[RemoteFile]
    account_url: str | None
    channel_url: str | None
    # A live (PeerTube's isLiveBroadcast): its state (1 streaming, 4 waiting, 5 ended) and
    # settings; a video that is no live is published whatever state it claims.
    is_live: bool = False
    state: int = 1
    live_save_replay: bool | None = None
    permanent_live: bool | None = None
    latency_mode: int | None = None
    captions: list[RemoteCaption] = field(default_factory=list)
    chapters_url: str | None = None  # PeerTube's `hasParts`: its Chapters object
    storyboard: RemoteStoryboard | None = None


# The states of a live a remote server may tell (PeerTube's VideoState).
LIVE_STATES = frozenset({1, 4, 5})


def parse_video(document: Any) -> RemoteVideoDocument:
    if not isinstance(document, dict) or document.get("type") != "Video":
        raise InvalidDocument("not a Video")
    video_url = url(document.get("id"), "id")
    name = document.get("name")
    if not isinstance(name, str) or not 3 <= len(name) <= 120:
        raise InvalidDocument("name must have 3 to 120 characters")
    duration = DURATION.match(str(document.get("duration") or ""))
    if not duration:
        raise InvalidDocument("duration is not PT<seconds>S")
    video_uuid = str(document.get("uuid") or "")
    try:
        if uuid_module.UUID(video_uuid).version != 4:
            raise ValueError
    except ValueError:
        raise InvalidDocument("uuid is not a version 4 UUID") from None
    views = count(document.get("views"), "views")
    if not isinstance(document.get("url"), list):
        raise InvalidDocument("url must be an array")
    content = document.get("content")
    if content is not None and document.get("mediaType") not in ("text/markdown", "text/html"):
        raise InvalidDocument("content must be Markdown or HTML")
    account_url, channel_url = _owners(document.get("attributedTo"), video_url)
    playlist, sha, files = _hls(document["url"])
    return RemoteVideoDocument(
        url=video_url,
        uuid=video_uuid.lower(),
        name=name,
        duration=int(duration.group(1)),
        privacy=_privacy(document),
        category=_number(document.get("category")),
        licence=_number(document.get("licence")),
        language=_code(document.get("language")),
        description=optional_text(content, "content", maximum=MAX_DESCRIPTION),
        support=optional_text(document.get("support"), "support", maximum=1000),
        tags=_tags(document.get("tag")),
        nsfw=document.get("sensitive") is True,
        views=views,
        comments_policy=_comments_policy(document),
        download_enabled=document.get("downloadEnabled") is not False,
        wait_transcoding=document.get("waitTranscoding") is True,
        published=date(document.get("published"), "published"),
        updated=date(document.get("updated"), "updated"),
        originally_published=_optional_date(document.get("originallyPublishedAt")),
        aspect_ratio=_aspect_ratio(document.get("aspectRatio")),
        thumbnail_url=_thumbnail(document.get("icon")),
        playlist_url=playlist,
        segments_sha256_url=sha,
        files=files,
        account_url=account_url,
        channel_url=channel_url,
        **_live(document),
        captions=_captions(document.get("subtitleLanguage")),
        chapters_url=_chapters_url(document.get("hasParts"), video_url),
        storyboard=_storyboard(document.get("preview")),
    )


def _captions(value: Any) -> list[RemoteCaption]:
    """One caption per known language (the first wins), at most MAX_CAPTIONS; an entry
    without a WebVTT link or with an unknown language is left out, not the video. Its `url`
    is a string before PeerTube 7, a list of Links (WebVTT, HLS playlist) since."""
    from chalicelib.domain import reference_data

    languages = reference_data.video_languages()
    found: dict[str, RemoteCaption] = {}
    for entry in as_list(value)[: MAX_CAPTIONS * 2]:
        if not isinstance(entry, dict) or len(found) >= MAX_CAPTIONS:
            continue
        language = entry.get("identifier")
        if not isinstance(language, str) or language not in languages or language in found:
            continue
        links = entry.get("url")
        vtt = _maybe_url(links) if isinstance(links, str) else _link_of(links, "text/vtt")
        if vtt is None:
            continue
        m3u8 = None if isinstance(links, str) else _link_of(links, "application/x-mpegURL")
        found[language] = RemoteCaption(language, vtt, m3u8, entry.get("automaticallyGenerated") is True)
    return list(found.values())


# A sheet's bounds: PeerTube's tiles are at most 192 px, at most 11 by 11 of them; anything
# far larger is no storyboard a player should be told to load.
MAX_SHEET_SIDE = 4096
MAX_TILE_SECONDS = 24 * 3600


def _storyboard(value: Any) -> RemoteStoryboard | None:
    """The first `preview` Image with rel "storyboard" and a JPEG link whose facts are sane
    (as PeerTube's getStoryboardAttributeFromObject reads it); a bad one is left out, not the
    video."""
    for image in as_list(value)[:10]:
        if not isinstance(image, dict) or image.get("type") != "Image":
            continue
        if "storyboard" not in as_list(image.get("rel")):
            continue
        for link in as_list(image.get("url"))[:10]:
            if isinstance(link, dict) and link.get("mediaType") == "image/jpeg":
                return _sheet(link)
        return None
    return None


def _sheet(link: dict[str, Any]) -> RemoteStoryboard | None:
    href = _maybe_url(link.get("href"))
    sides = [side for k in ("width", "height", "tileWidth", "tileHeight") if (side := _side(link.get(k)))]
    duration = DURATION.match(str(link.get("tileDuration") or ""))
    if href is None or duration is None or len(sides) != 4:
        return None
    width, height, tile_width, tile_height = sides
    seconds = int(duration.group(1))
    if tile_width > width or tile_height > height or not 1 <= seconds <= MAX_TILE_SECONDS:
        return None
    return RemoteStoryboard(href, width, height, tile_width, tile_height, seconds)


def _side(value: Any) -> int | None:
    """A sheet's or tile's side in pixels; None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_SHEET_SIDE:
        return value
    return None


def _link_of(links: Any, media_type: str) -> str | None:
    for link in as_list(links):
        if isinstance(link, dict) and link.get("mediaType") == media_type:
            return _maybe_url(link.get("href"))
    return None


def _chapters_url(value: Any, video_url: str) -> str | None:
    """Fetched by Cirrus, so on the video's own host (unlike media links)."""
    found = _maybe_url(value)
    if found is None:
        return None
    try:
        same_host(video_url, found, "hasParts")
    except InvalidDocument:
        return None
    return found


def _live(document: dict[str, Any]) -> dict[str, Any]:
    """PeerTube's live fields: isLiveBroadcast, state, liveSaveReplay, permanentLive, latencyMode."""
    if document.get("isLiveBroadcast") is not True:
        return {}
    state = document.get("state")
    if not isinstance(state, int) or isinstance(state, bool) or state not in LIVE_STATES:
        raise InvalidDocument("a live's state must be 1, 4 or 5")
    latency = document.get("latencyMode")
    known_latency = isinstance(latency, int) and not isinstance(latency, bool) and latency in (1, 2, 3)
    return {
        "is_live": True,
        "state": state,
        "live_save_replay": document.get("liveSaveReplay") is True,
        "permanent_live": document.get("permanentLive") is True,
        "latency_mode": latency if known_latency else 1,
    }


def _privacy(document: dict[str, Any]) -> int:
    to = [entry for entry in as_list(document.get("to")) if isinstance(entry, str)]
    return 1 if PUBLIC in to or (not document.get("to") and not document.get("cc")) else 2


def _owners(value: Any, video_url: str) -> tuple[str | None, str | None]:
    account = channel = None
    for entry in as_list(value):
        kind, ref = (entry.get("type"), entry.get("id")) if isinstance(entry, dict) else (None, entry)
        try:
            ref = url(ref, "attributedTo")
        except InvalidDocument:
            continue
        same_host(video_url, ref, "attributedTo")
        if kind == "Group" or (kind is None and "/video-channels/" in ref and channel is None):
            channel = channel or ref
        elif kind == "Person" or kind is None:
            account = account or ref
    if channel is None and account is None:
        raise InvalidDocument("attributedTo names no channel or account")
    return account, channel


def _number(value: Any) -> int | None:
    """A category or licence identifier: an integer, possibly written as a string."""
    identifier = value.get("identifier") if isinstance(value, dict) else None
    if not isinstance(identifier, (int, str)) or isinstance(identifier, bool):
        return None
    try:
        number = int(identifier)
    except ValueError:
        return None
    return number if number >= 0 else None


def _code(value: Any) -> str | None:
    identifier = value.get("identifier") if isinstance(value, dict) else None
    return identifier[:10] if isinstance(identifier, str) and identifier else None


def _tags(value: Any) -> list[str]:
    names = [t.get("name") for t in as_list(value) if isinstance(t, dict) and t.get("type") == "Hashtag"]
    kept = [n.lstrip("#") for n in names if isinstance(n, str) and 2 <= len(n.lstrip("#")) <= 30]
    return list(dict.fromkeys(kept))[:MAX_TAGS]


def _comments_policy(document: dict[str, Any]) -> int:
    policy = document.get("commentsPolicy")
    if isinstance(policy, int) and policy in (1, 2, 3):
        return policy
    # Older PeerTube sends commentsEnabled only; PeerTube itself defaults to disabled.
    return 1 if document.get("commentsEnabled") is True else 2


def _optional_date(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return date(value, "date")
    except InvalidDocument:
        return None


def _aspect_ratio(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None


def _thumbnail(value: Any) -> str:
    """The largest valid image of `icon` (a miniature and a preview, usually); PeerTube
    refuses a video without one."""
    best: tuple[int, str] | None = None
    for image in as_list(value):
        if not isinstance(image, dict) or image.get("type") != "Image":
            continue
        if str(image.get("mediaType") or "image/jpeg") not in IMAGE_TYPES:
            continue
        try:
            href = url(image.get("url"), "icon.url")
        except InvalidDocument:
            continue
        raw_width = image.get("width")
        width = raw_width if isinstance(raw_width, int) else 0
        if best is None or width > best[0]:
            best = (width, href)
    if best is None:
        raise InvalidDocument("icon: a video needs a thumbnail")
    return best[1]


def _hls(links: list[Any]) -> tuple[str | None, str | None, list[RemoteFile]]:
    for link in links:
        if not isinstance(link, dict) or (link.get("mediaType") or link.get("mimeType")) != "application/x-mpegURL":
            continue
        try:
            playlist = url(link.get("href"), "url.href")
        except InvalidDocument:
            continue
        sha: str | None = None
        files: list[RemoteFile] = []
        for tag in as_list(link.get("tag")):
            if not isinstance(tag, dict):
                continue
            if tag.get("name") == "sha256" and tag.get("mediaType") == "application/json":
                sha = _maybe_url(tag.get("href"))
            elif tag.get("mediaType") in VIDEO_TYPES and (file := _file(tag)) is not None:
                files.append(file)
        return playlist, sha, files
    return None, None, []


def _file(tag: dict[str, Any]) -> RemoteFile | None:
    href = _maybe_url(tag.get("href"))
    height = tag.get("height")
    if href is None or not isinstance(height, int) or height < 0:
        return None
    width, fps, size = (tag.get(k) for k in ("width", "fps", "size"))
    return RemoteFile(
        url=href,
        resolution=height if tag.get("mediaType") != "audio/mp4" else 0,
        width=width if isinstance(width, int) and width >= 0 else 0,
        height=height,
        fps=fps if isinstance(fps, int) and fps >= 0 else 0,
        size=size if isinstance(size, int) and size >= 0 else 0,
    )


def _maybe_url(value: Any) -> str | None:
    try:
        return url(value, "href")
    except InvalidDocument:
        return None
