"""A local video as PeerTube's Video object: what remote instances store and play.

Only public videos (and unlisted ones, with the unlisted audience) are federated. `url` holds,
in PeerTube's order: the watch page, the web videos (each with its torrent and magnet URI), the
HLS master playlist tagged with its P2P info hashes, its segment hashes and each rendition (with
its torrent and magnet URI), then the trackers; thumbnails are in `icon`, the storyboard in
`preview` (`rel: ["storyboard"]`).
A live says so (`isLiveBroadcast`, its replay, permanence and latency settings, as PeerTube's
Video object does) and, while it streams, links its live master playlist, with no files.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.common import PUBLIC, ap_date, with_context
from chalicelib.domain import reference_data, storyboards, video_torrents
from chalicelib.domain.short_uuid import to_short
from chalicelib.domain.tracker_urls import tracker_url_for
from chalicelib.media import infohashes, layout
from chalicelib.media.commands import PREVIEW_SIZE, THUMBNAIL_SIZE
from chalicelib.store.models.video_stages import LIVE_STAGES, STAGE_LIVE_ON

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.domain.caption_files import CaptionView
    from chalicelib.store.models import Actor, LiveVideo, Video, VideoFile, WebVideoFile

PRIVACY_PUBLIC = 1
PRIVACY_UNLISTED = 2
MAGNET_MEDIA_TYPE = "application/x-bittorrent;x-scheme-handler/magnet"


def video_audience(video: Video, account: Actor, channel: Actor) -> dict[str, list[str]]:
    if int(video.privacy) == PRIVACY_UNLISTED:
        return {"to": [], "cc": [PUBLIC]}
    return {"to": [PUBLIC, str(channel.url)], "cc": [f"{account.url}/followers"]}


def video_object(
    video: Video,
    files: Sequence[VideoFile],
    account: Actor,
    channel: Actor,
    settings: Settings,
    live: LiveVideo | None = None,
    web_files: Sequence[WebVideoFile] = (),
    captions: Sequence[CaptionView] = (),
) -> dict[str, Any]:
    """The Video object without its @context (activities embed it); `live`: a live's settings;
    `captions`: its captions, as `subtitleLanguage`."""
    is_live = video.stage in LIVE_STAGES
    base = str(video.url)
    body: dict[str, Any] = {
        **video_audience(video, account, channel),
        "type": "Video",
        "id": base,
        "name": video.name,
        "duration": f"PT{int(video.duration or 0)}S",
        "uuid": video.uuid,
    }
    for field, value, labels in (
        ("category", video.category, reference_data.video_categories()),
        ("licence", video.licence, reference_data.video_licences()),
        ("language", video.language, reference_data.video_languages()),
    ):
        if value is not None:
            body[field] = {"identifier": str(value), "name": labels.get(str(value), "Unknown")}
    policy = int(video.comments_policy or 1)
    body.update(
        {
            "views": int(video.views or 0),
            "sensitive": bool(video.nsfw),
            "summary": None,
            "waitTranscoding": bool(video.wait_transcoding),
            "state": int(video.state),
            "canReply": None if policy == 1 else PUBLIC,
            "commentsPolicy": policy,
            "downloadEnabled": bool(video.download_enabled),
            "published": ap_date(video.published_at or video.created_at),
            "originallyPublishedAt": ap_date(video.originally_published_at),
            "schedules": [],
            "updated": ap_date(video.updated_at),
            "tag": [{"type": "Hashtag", "name": tag} for tag in sorted(video.tags or [])],
            "mediaType": "text/markdown",
            "content": video.description,
            "support": video.support,
            "subtitleLanguage": [_subtitle(caption) for caption in captions],
            "icon": _icons(video, settings),
            "aspectRatio": float(video.aspect_ratio) if video.aspect_ratio is not None else None,
            "url": _links(video, files, web_files, settings),
            "likes": f"{base}/likes",
            "dislikes": f"{base}/dislikes",
            "shares": f"{base}/announces",
            "comments": f"{base}/comments",
            "hasParts": f"{base}/chapters",
            "attributedTo": [
                {"type": "Person", "id": str(account.url)},
                {"type": "Group", "id": str(channel.url)},
            ],
            "isLiveBroadcast": is_live,
            "liveSaveReplay": bool(live.save_replay) if is_live and live is not None else None,
            "permanentLive": bool(live.permanent_live) if is_live and live is not None else None,
            "latencyMode": int(live.latency_mode or 1) if is_live and live is not None else None,
        }
    )
    preview = storyboards.activitypub_preview(video)
    if preview:
        body["preview"] = preview  # the storyboard, as PeerTube federates it
    return body


def video_document(
    video: Video,
    files: Sequence[VideoFile],
    account: Actor,
    channel: Actor,
    settings: Settings,
    live: LiveVideo | None = None,
    web_files: Sequence[WebVideoFile] = (),
    captions: Sequence[CaptionView] = (),
) -> dict[str, Any]:
    body = video_object(video, files, account, channel, settings, live, web_files, captions)
    return with_context(context_for("Video"), body)


def _subtitle(caption: CaptionView) -> dict[str, Any]:
    """PeerTube 7's: the language, and links to the WebVTT file and its HLS playlist."""
    links = [{"type": "Link", "mediaType": "text/vtt", "href": caption.file_url}]
    if caption.m3u8_url:
        links.append({"type": "Link", "mediaType": "application/x-mpegURL", "href": caption.m3u8_url})
    return {
        "identifier": caption.language,
        "name": caption.label,
        "automaticallyGenerated": caption.automatic,
        "url": links,
    }


def _icons(video: Video, settings: Settings) -> list[dict[str, Any]]:
    if not video.has_images:
        return []
    return [
        _image(f"{settings.instance_url}/{layout.thumbnail_key(video.images_name)}", THUMBNAIL_SIZE),
        _image(f"{settings.instance_url}/{layout.preview_key(video.images_name)}", PREVIEW_SIZE),
    ]


def _live_playlist(video: Video, instance: str) -> dict[str, Any]:
    """A streaming live's master playlist and segment hashes (PeerTube's fixed live names)."""
    base = layout.live_url_base(instance, video.uuid, layout.in_private_directory(int(video.privacy)))
    sha = {"type": "Link", "name": "sha256", "mediaType": "application/json", "href": f"{base}{layout.LIVE_HASHES}"}
    return {"type": "Link", "mediaType": "application/x-mpegURL", "href": f"{base}{layout.LIVE_MASTER}", "tag": [sha]}


def _torrent_links(
    video: Video, file: VideoFile | WebVideoFile, private: bool, settings: Settings
) -> list[dict[str, Any]]:
    """A file's torrent and magnet URI, named by the file's height as PeerTube links them."""
    torrent = video_torrents.published(video, file, private, settings)
    if torrent is None:
        return []
    height = int(file.height) or int(file.resolution)
    return [
        {"type": "Link", "mediaType": "application/x-bittorrent", "href": torrent.url, "height": height},
        {"type": "Link", "mediaType": MAGNET_MEDIA_TYPE, "href": torrent.magnet, "height": height},
    ]


def _image(href: str, size: tuple[int, int]) -> dict[str, Any]:
    return {"type": "Image", "url": href, "mediaType": "image/jpeg", "width": size[0], "height": size[1]}


def _links(
    video: Video, files: Sequence[VideoFile], web_files: Sequence[WebVideoFile], settings: Settings
) -> list[dict[str, Any]]:
    instance = settings.instance_url
    # Only public and unlisted videos federate; the private path keeps this true anyway.
    private = layout.in_private_directory(int(video.privacy))
    links: list[dict[str, Any]] = [
        {"type": "Link", "mediaType": "text/html", "href": f"{instance}/w/{to_short(video.uuid)}"},
        {"type": "Link", "mediaType": "text/html", "href": str(video.url)},
    ]
    if video.stage != STAGE_LIVE_ON:
        # The MP4 renditions; the original is no file of a published video's (PeerTube's neither).
        for web_file in sorted((f for f in web_files if not f.original), key=lambda f: -int(f.resolution)):
            links.append(
                {
                    "type": "Link",
                    "mediaType": str(web_file.content_type or "video/mp4"),
                    "href": video_torrents.file_url(video, web_file, private, settings),
                    "height": int(web_file.resolution),
                    "width": int(web_file.width),
                    "size": int(web_file.size),
                    "fps": int(web_file.fps),
                }
            )
            links += _torrent_links(video, web_file, private, settings)
    if video.stage == STAGE_LIVE_ON:
        links.append(_live_playlist(video, instance))
    elif files and video.hls_prefix:
        base = layout.hls_url_base(instance, video.uuid, private)
        # The P2P swarms (not the files' torrents), so that a receiving instance's tracker
        # may take them, as PeerTube's does.
        master = infohashes.master_playlist_url(instance, video.uuid, str(video.hls_prefix), private)
        swarms = infohashes.playlist_info_hashes(master, [int(f.height) for f in files])
        tags: list[dict[str, Any]] = [{"type": "Infohash", "name": name} for name in swarms]
        tags.append(
            {
                "type": "Link",
                "name": "sha256",
                "mediaType": "application/json",
                "href": f"{base}{video.hls_prefix}-segments-sha256.json",
            }
        )
        for file in sorted(files, key=lambda f: -int(f.resolution)):
            resolution = int(file.resolution)
            tags.append(
                {
                    "type": "Link",
                    "mediaType": "video/mp4" if resolution else "audio/mp4",
                    "href": f"{base}{file.media_name}",
                    "height": int(file.height) or resolution,
                    "width": int(file.width),
                    "size": int(file.size),
                    "fps": int(file.fps),
                }
            )
            tags += _torrent_links(video, file, private, settings)
        links.append(
            {
                "type": "Link",
                "mediaType": "application/x-mpegURL",
                "href": f"{base}{video.hls_prefix}-master.m3u8",
                "tag": tags,
            }
        )
    links += [
        {"type": "Link", "name": "tracker-http", "rel": ["tracker", "http"], "href": f"{instance}/tracker/announce"},
        {
            "type": "Link",
            "name": "tracker-websocket",
            "rel": ["tracker", "websocket"],
            # The video's tracker shard, as its REST trackerUrls (remote players use it).
            "href": tracker_url_for(video.uuid, settings),
        },
    ]
    return links
