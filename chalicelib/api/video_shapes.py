"""The Video and VideoDetails JSON of PeerTube (key order included)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from chalicelib.api.shapes import account_json, channel_json, images_json, iso
from chalicelib.domain import reference_data
from chalicelib.domain.short_uuid import to_short
from chalicelib.media import infohashes, layout

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.domain.browse import VideoPage
    from chalicelib.store.models import Actor, Video, VideoFile

STATES = reference_data.VIDEO_STATES
COMMENTS_POLICIES = {1: "Enabled", 2: "Disabled", 3: "Requires approval"}
TRUNCATED_LENGTH = 250


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
        "isLive": False,
        "account": account_summary(account, settings),
        "channel": _channel_summary(channel, settings),
        "comments": int(video.comments_count or 0),
    }
    if with_state:
        body["state"] = _state(video)
        body["waitTranscoding"] = bool(video.wait_transcoding)
    if with_moderation:
        body.update({"blacklisted": False, "blacklistedReason": None, "blockedOwner": False, "blockedServer": False})
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
    video: Video, account: Actor, channel: Actor, files: Sequence[VideoFile], settings: Settings
) -> dict[str, Any]:
    body = video_json(video, account, channel, settings)
    body["description"] = video.description
    body["account"] = account_json(account, settings)
    body["channel"] = {**channel_json(channel, settings, owner=account), "banners": []}
    body.update(
        {
            "blacklisted": False,
            "blacklistedReason": None,
            "streamingPlaylists": _streaming_playlists(video, files, settings),
            "files": [],
            "liveSchedules": [],
            "support": video.support,
            "tags": sorted(video.tags or []),
            "commentsPolicy": _labelled(video.comments_policy, {str(k): v for k, v in COMMENTS_POLICIES.items()}),
            "downloadEnabled": bool(video.download_enabled),
            "waitTranscoding": bool(video.wait_transcoding),
            "inputFileUpdatedAt": None,
            "state": _state(video),
            "trackerUrls": [f"{settings.instance_url}/tracker/announce", settings.tracker_url],
        }
    )
    return body


def _streaming_playlists(video: Video, files: Sequence[VideoFile], settings: Settings) -> list[dict[str, Any]]:
    if not video.is_local:
        return _remote_playlists(video, files, settings)
    if not files or video.stage != "done":
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
            "redundancies": [],
            "files": [
                _file_json(video, file, base, settings) for file in sorted(files, key=lambda f: -int(f.resolution))
            ],
        }
    ]


def _remote_playlists(video: Video, files: Sequence[VideoFile], settings: Settings) -> list[dict[str, Any]]:
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
            "redundancies": [],
            "files": [
                _file_json(video, file, base, settings) for file in sorted(files, key=lambda f: -int(f.resolution))
            ],
        }
    ]


def _file_json(video: Video, file: VideoFile, base: str, settings: Settings) -> dict[str, Any]:
    resolution = int(file.resolution)
    file_id = int(video.id) * 10000 + resolution
    file_url = str(file.remote_url) if file.remote_url else f"{base}{file.media_name}"
    return {
        "id": file_id,
        "resolution": {"id": resolution, "label": "Audio only" if resolution == 0 else f"{resolution}p"},
        "width": int(file.width),
        "height": int(file.height),
        "size": int(file.size),
        "fps": int(file.fps),
        "torrentUrl": None,
        "torrentDownloadUrl": None,
        "fileUrl": file_url,
        "fileDownloadUrl": file_url,
        "metadataUrl": f"{settings.instance_url}/api/v1/videos/{video.uuid}/metadata/{file_id}",
        "hasAudio": "mp4a" in file.codecs or not video.is_local,
        "hasVideo": resolution != 0,
        "playlistUrl": f"{base}{file.playlist_name}",
        "storage": 1,
    }


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
