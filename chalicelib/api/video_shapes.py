"""The Video and VideoDetails JSON of PeerTube (key order included)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from chalicelib.api.shapes import account_json, channel_json, images_json, iso
from chalicelib.domain import reference_data, video_file_ids, video_torrents, web_videos
from chalicelib.domain.short_uuid import to_short
from chalicelib.media import infohashes, layout
from chalicelib.store.models.video import STATE_TRANSCODING_FAILED, hls_listed
from chalicelib.store.models.video_stages import LIVE_STAGES, STAGE_DONE, STAGE_ENCODING, STAGE_LIVE_ON, STAGE_PACKAGING

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.config import Settings
    from chalicelib.domain.browse import VideoPage
    from chalicelib.store.models import Actor, LiveVideo, Video, VideoFile, VideoRedundancy, WebVideoFile

STATES = reference_data.VIDEO_STATES
COMMENTS_POLICIES = {1: "Enabled", 2: "Disabled", 3: "Requires approval"}
TRUNCATED_LENGTH = 250
STORAGE_OBJECT_STORAGE = 1  # PeerTube's FileStorage: every file is in S3
# PeerTube's file resolution labels (core-utils getResolutionLabel): a resolution off its
# list is named after the usual one of the picture's long side, when there is one.
CLASSIC_RESOLUTIONS = frozenset({0, 144, 240, 360, 480, 720, 1080, 1440, 2160})
RESOLUTIONS_BY_LONG_SIDE = {3840: 2160, 1920: 1080, 1280: 720, 854: 480, 640: 360, 426: 240, 256: 144}
# File ids: domain/video_file_ids.py.
WEB_FILE_ID_OFFSET = video_file_ids.WEB_FILE_ID_OFFSET
ORIGINAL_FILE_ID = video_file_ids.ORIGINAL_FILE_ID
TRANSCODING_STAGES = frozenset({STAGE_ENCODING, STAGE_PACKAGING})


def video_json(
    video: Video,
    account: Actor,
    channel: Actor,
    settings: Settings,
    *,
    with_state: bool = False,
    with_moderation: bool = False,
) -> dict[str, Any]:
    """The list form (GET /videos and friends). `with_state` adds what PeerTube adds for
    `include=NOT_PUBLISHED_STATE`, `with_moderation` what it adds for the blacklisted and
    blocked-owner includes (both are always in the owner's own list)."""
    short = to_short(video.uuid)
    description = video.description
    body = {
        "id": int(video.id),
        "uuid": video.uuid,
        "shortUUID": short,
        "url": video.url,
        "name": video.name,
        "category": _labelled(video.category, reference_data.video_categories()),
        "licence": _labelled(video.licence, reference_data.video_licences()),
        "language": _labelled(video.language, reference_data.video_languages()),
        "privacy": _labelled(video.privacy, reference_data.video_privacies()),
        "nsfw": bool(video.nsfw),
        "nsfwFlags": 0,
        "nsfwSummary": None,
        "truncatedDescription": _truncate(description),
        "description": _truncate(description),
        "isLocal": bool(video.is_local),
        "duration": int(video.duration or 0),
        "aspectRatio": float(video.aspect_ratio) if video.aspect_ratio is not None else None,
        "views": int(video.views),
        "viewers": 0,
        "likes": int(video.likes),
        "dislikes": int(video.dislikes),
        "thumbnailPath": f"/{layout.thumbnail_key(video.images_name)}" if video.has_images else None,
        "previewPath": f"/{layout.preview_key(video.images_name)}" if video.has_images else None,
        "embedPath": f"/videos/embed/{short}",
        "createdAt": iso(video.created_at),
        "updatedAt": iso(video.updated_at),
        "publishedAt": iso(video.published_at),
        "originallyPublishedAt": iso(video.originally_published_at),
        "isLive": video.stage in LIVE_STAGES,
        "account": account_summary(account, settings),
        "channel": _channel_summary(channel, settings),
        "comments": int(video.comments_count or 0),
    }
    if with_state:
        body["state"] = _state(video)
        body["waitTranscoding"] = bool(video.wait_transcoding)
    if with_moderation:
        body.update(
            {
                "blacklisted": video.blacklist is not None,
                "blacklistedReason": (video.blacklist or {}).get("reason"),
                "blockedOwner": False,
                "blockedServer": False,
            }
        )
    return body


def video_page_json(
    page: VideoPage, settings: Settings, *, with_total: bool, with_state: bool = False, with_moderation: bool = False
) -> dict[str, Any]:
    """A list response, `{total, data}` (without `total` when the client skips the count)."""
    data = [
        video_json(
            video,
            page.actors[int(video.account_id)],
            page.actors[int(video.channel_id)],
            settings,
            with_state=with_state,
            with_moderation=with_moderation,
        )
        for video in page.videos
    ]
    return {"total": page.total, "data": data} if with_total else {"data": data}


def _state(video: Video) -> dict[str, Any]:
    state = int(video.state)
    return {"id": state, "label": STATES.get(state, "Unknown")}


def video_details_json(
    video: Video,
    account: Actor,
    channel: Actor,
    files: Sequence[VideoFile],
    settings: Settings,
    live: LiveVideo | None = None,
    web_files: Sequence[WebVideoFile] = (),
    viewers: int = 0,
    redundancies: Sequence[VideoRedundancy] = (),
    now: datetime | None = None,
) -> dict[str, Any]:
    body = video_json(video, account, channel, settings)
    body["description"] = video.description
    body["viewers"] = viewers
    body["account"] = account_json(account, settings)
    body["channel"] = {**channel_json(channel, settings, owner=account), "banners": []}
    body.update(
        {
            "blacklisted": video.blacklist is not None,
            "blacklistedReason": (video.blacklist or {}).get("reason"),
            "streamingPlaylists": _streaming_playlists(video, files, settings, _mirrors(redundancies, now)),
            "files": web_files_json(video, web_files, settings),
            "liveSchedules": [{"startAt": start} for start in (live.schedules or [])] if live else [],
            "support": video.support,
            "tags": sorted(video.tags or []),
            "commentsPolicy": _labelled(video.comments_policy, {str(k): v for k, v in COMMENTS_POLICIES.items()}),
            "downloadEnabled": bool(video.download_enabled),
            "waitTranscoding": bool(video.wait_transcoding),
            "inputFileUpdatedAt": iso(video.input_file_updated_at) if video.input_file_updated_at else None,
            "state": _state(video),
            "trackerUrls": video_torrents.tracker_urls(video, settings),
            "pendingResolutions": pending_resolutions(video, files, web_files),
        }
    )
    return body


def pending_resolutions(video: Video, files: Sequence[VideoFile], web_files: Sequence[WebVideoFile]) -> list[int]:
    """A Cirrus extension (PeerTube clients ignore it): the resolutions its transcoding still
    has to add, lowest first; empty once every rendition is in. A video is published from its
    first rendition on (docs/transcoding.md, "Progressive publication"), so a client that
    wants to say "still encoding" cannot tell it from `state` alone."""
    if not video.is_local or video.stage not in TRANSCODING_STAGES or not video.plan:
        return []
    made = {int(f.resolution) for f in files} | {int(f.resolution) for f in web_files if not f.original}
    planned = {int(r["resolution"]) for r in video.plan.get("renditions") or ()}
    return sorted(planned - made)


def _mirrors(redundancies: Sequence[VideoRedundancy], now: datetime | None) -> list[dict[str, Any]]:
    """PeerTube's `redundancies` of a streaming playlist: the base URLs of its copies not
    expired (an expired one is no longer promised to be there)."""
    return [
        {"baseUrl": str(r.file_url)}
        for r in sorted(redundancies, key=lambda r: int(r.id))
        if r.expires_at is None or now is None or r.expires_at > now
    ]


def _streaming_playlists(
    video: Video, files: Sequence[VideoFile], settings: Settings, mirrors: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    if not video.is_local:
        return _remote_playlists(video, files, settings, mirrors or [])
    if video.stage == STAGE_LIVE_ON:
        return [live_playlist_json(video, settings)]
    if not files or not hls_listed(video):
        return []
    # Private, internal and password-protected videos' files are under the private path, as
    # PeerTube lists them; players ask for a video file token to read them (L9).
    private = layout.in_private_directory(int(video.privacy))
    base = layout.hls_url_base(settings.instance_url, video.uuid, private)
    prefix = video.hls_prefix
    return [
        {
            "id": int(video.id),
            "type": 1,
            "playlistUrl": infohashes.master_playlist_url(settings.instance_url, video.uuid, prefix, private),
            "segmentsSha256Url": f"{base}{prefix}-segments-sha256.json",
            # A private video's files need a token its mirrors cannot check: none are listed.
            "redundancies": [] if private else (mirrors or []),
            "files": [
                _file_json(video, file, base, settings, private)
                for file in sorted(files, key=lambda f: -int(f.resolution))
            ],
        }
    ]


def live_playlist_json(video: Video, settings: Settings) -> dict[str, Any]:
    """A live's streaming playlist while it streams: PeerTube's fixed names under the live's
    directory (the ingest writes them, functions/live), no files."""
    base = layout.live_url_base(settings.instance_url, video.uuid, layout.in_private_directory(int(video.privacy)))
    return {
        "id": int(video.id),
        "type": 1,
        "playlistUrl": f"{base}{layout.LIVE_MASTER}",
        "segmentsSha256Url": f"{base}{layout.LIVE_HASHES}",
        "redundancies": [],
        "files": [],
    }


def _remote_playlists(
    video: Video, files: Sequence[VideoFile], settings: Settings, mirrors: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A remote video plays from its origin: the URLs its Video object gave."""
    if not video.remote_playlist_url:
        return []
    master = str(video.remote_playlist_url)
    base = master.rsplit("/", 1)[0] + "/"
    return [
        {
            "id": int(video.id),
            "type": 1,
            "playlistUrl": master,
            "segmentsSha256Url": video.remote_sha256_url,
            "redundancies": mirrors,
            "files": [
                _file_json(video, file, base, settings) for file in sorted(files, key=lambda f: -int(f.resolution))
            ],
        }
    ]


def _file_json(video: Video, file: VideoFile, base: str, settings: Settings, private: bool = False) -> dict[str, Any]:
    resolution = int(file.resolution)
    file_id = video_file_ids.hls_file_id(int(video.id), resolution)
    if file.remote_url:
        remote_url = str(file.remote_url)
        links = {"torrentUrl": None, "torrentDownloadUrl": None, "fileUrl": remote_url, "fileDownloadUrl": remote_url}
        magnet = None
    else:
        file_url = f"{base}{file.media_name}"
        download = layout.hls_video_download_url(settings.instance_url, video.uuid, resolution)
        links, magnet = _links(video, file, file_url, download, private, settings)
    return {
        **_file_body(video, file, file_id, links, magnet, settings),
        "hasAudio": "mp4a" in file.codecs or not video.is_local,
        "hasVideo": resolution != 0,
        "playlistUrl": f"{base}{file.playlist_name}",
        "storage": STORAGE_OBJECT_STORAGE,
    }


def _file_body(
    video: Video,
    file: VideoFile | WebVideoFile,
    file_id: int,
    links: dict[str, Any],
    magnet: str | None,
    settings: Settings,
) -> dict[str, Any]:
    """What PeerTube's VideoFile says of any file, in its order (the magnet only when there is one)."""
    resolution = int(file.resolution)
    body: dict[str, Any] = {
        "id": file_id,
        "resolution": {"id": resolution, "label": resolution_label(resolution, int(file.width), int(file.height))},
        "width": int(file.width),
        "height": int(file.height),
    }
    if magnet:
        body["magnetUri"] = magnet
    return {
        **body,
        "size": int(file.size),
        "fps": int(file.fps),
        **links,
        "metadataUrl": f"{settings.instance_url}/api/v1/videos/{video.uuid}/metadata/{file_id}",
    }


def web_files_json(video: Video, web_files: Sequence[WebVideoFile], settings: Settings) -> list[dict[str, Any]]:
    """The video's web videos (PeerTube's root `files`): the original from the moment its
    upload completes until publication retires it, and the MP4 renditions."""
    if not video.is_local:
        return []
    shown = [f for f in web_files if not (f.original and video.stage == STAGE_DONE)]
    if not any(f.original for f in shown) and _original_expected(video):
        planned = web_videos.original_item(video, video.plan) if video.plan else None
        if planned is None:
            return [_unprobed_original_json(video, settings)]
        planned.torrent_name = None  # not made yet
        shown.append(planned)
    private = layout.in_private_directory(int(video.privacy))
    return [
        _web_file_json(video, file, private, settings)
        for file in sorted(shown, key=lambda f: (-int(f.resolution), not f.original))
    ]


def _original_expected(video: Video) -> bool:
    """Its upload is complete and transcoding has not yet replaced it (nor failed)."""
    return (
        video.stage in web_videos.ORIGINAL_STAGES
        and bool(video.source_key)
        and not video.upload_id
        and int(video.state) != STATE_TRANSCODING_FAILED
    )


def _web_file_json(video: Video, file: WebVideoFile, private: bool, settings: Settings) -> dict[str, Any]:
    resolution = int(file.resolution)
    file_id = video_file_ids.web_file_id(int(video.id), resolution, bool(file.original))
    file_url = video_torrents.file_url(video, file, private, settings)
    download = layout.web_video_download_url(settings.instance_url, video.uuid, resolution, str(file.extension))
    links, magnet = _links(video, file, file_url, download, private, settings)
    return {
        **_file_body(video, file, file_id, links, magnet, settings),
        "hasAudio": bool(file.has_audio),
        "hasVideo": bool(file.has_video),
        "storage": STORAGE_OBJECT_STORAGE,
    }


def _unprobed_original_json(video: Video, settings: Settings) -> dict[str, Any]:
    """The original between the end of its upload and the ingest's probe (a second or so):
    listed, as PeerTube lists it from the first moment, with what is known of it yet. Its
    name carries its resolution, so it has no URL until the probe."""
    file_id = video_file_ids.web_file_id(int(video.id), 0, original=True)
    return {
        "id": file_id,
        "resolution": {"id": 0, "label": "Unknown"},
        "width": 0,
        "height": 0,
        "size": int(video.source_size or 0),
        "fps": 0,
        "torrentUrl": None,
        "torrentDownloadUrl": None,
        "fileUrl": None,
        "fileDownloadUrl": None,
        "metadataUrl": f"{settings.instance_url}/api/v1/videos/{video.uuid}/metadata/{file_id}",
        "hasAudio": False,
        "hasVideo": False,
        "storage": STORAGE_OBJECT_STORAGE,
    }


def _links(
    video: Video, file: VideoFile | WebVideoFile, file_url: str, download: str, private: bool, settings: Settings
) -> tuple[dict[str, Any], str | None]:
    """A local file's URLs, and its magnet URI once its torrent is made."""
    torrent = video_torrents.published(video, file, private, settings)
    links = {
        "torrentUrl": torrent.url if torrent else None,
        "torrentDownloadUrl": torrent.download_url if torrent else None,
        "fileUrl": file_url,
        "fileDownloadUrl": download,
    }
    return links, torrent.magnet if torrent else None


def resolution_label(resolution: int, width: int, height: int) -> str:
    if resolution == 0:
        return "Audio only"
    if resolution not in CLASSIC_RESOLUTIONS:
        resolution = RESOLUTIONS_BY_LONG_SIDE.get(max(width, height), resolution)
    return f"{resolution}p"


def account_summary(account: Actor, settings: Settings) -> dict[str, Any]:
    """PeerTube's AccountSummary (in videos, abuses ...)."""
    return {
        "id": int(account.id),
        "displayName": account.display_name,
        "name": account.preferred_username,
        "url": account.url,
        "host": account.host or settings.instance_host,
        "avatars": images_json(account.avatars or [], settings),
    }


def channel_summary(channel: Actor, settings: Settings) -> dict[str, Any]:
    """PeerTube's VideoChannelSummary."""
    return _channel_summary(channel, settings)


def _channel_summary(channel: Actor, settings: Settings) -> dict[str, Any]:
    return {
        "id": int(channel.id),
        "name": channel.preferred_username,
        "displayName": channel.display_name,
        "url": channel.url,
        "host": channel.host or settings.instance_host,
        "avatars": images_json(channel.avatars or [], settings),
    }


def _labelled(value: Any, labels: dict[str, str]) -> dict[str, Any]:
    if value is None:
        return {"id": None, "label": "Unknown"}
    key = str(value)
    return {"id": value if isinstance(value, str) else int(value), "label": labels.get(key, "Unknown")}


def _truncate(text: str | None) -> str | None:
    if text is None:
        return None
    return text if len(text) <= TRUNCATED_LENGTH else text[: TRUNCATED_LENGTH - 3] + "..."
