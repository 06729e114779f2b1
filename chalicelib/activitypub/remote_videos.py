"""Remote videos as Cirrus keeps them: created or refreshed from a Video object, fetched
from their origin when only a URL is known, removed when their origin deletes them.

A video is accepted only from its own server: the actor sending it (or the server its
object was fetched from) must be on the video's host, and its channel and account too.
Its thumbnail is copied into the media bucket (as PeerTube does), so lists show it like
any other; the video itself plays from the origin's HLS playlist.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.activitypub import remote_actors
from chalicelib.activitypub.fetcher import fetch_document
from chalicelib.activitypub.inbound.checks import InvalidDocument, host
from chalicelib.activitypub.inbound.videos import RemoteFile, RemoteVideoDocument, parse_video
from chalicelib.observability import logger
from chalicelib.store import counters, keys, media, remote_videos, videos
from chalicelib.store.models import Video, VideoFile

if TYPE_CHECKING:
    from chalicelib.store.models import Actor

THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024
THUMBNAIL_TIMEOUT = 10.0
# Remote thumbnails may change under the same name: cached for an hour, not forever.
REMOTE_IMAGE_CACHE = "public, max-age=3600"


def store_object(document: object, sender: Actor | None, now: datetime) -> Video:
    """Create or refresh the remote video a Video object describes. `sender` is the actor that
    sent it (None when Cirrus fetched it from its origin itself)."""
    parsed = parse_video(document)
    if remote_actors.is_local_url(parsed.url):
        raise InvalidDocument("a remote server cannot describe a local video")
    if sender is not None and host(str(sender.url)) != host(parsed.url):
        raise InvalidDocument("the video is not on the sender's host")
    channel, account = _owners(parsed)
    existing = remote_videos.find_by_url(parsed.url)
    if existing is None:
        return _create(parsed, channel, account, now)
    if existing.updated_at is not None and parsed.updated < existing.updated_at:
        return existing  # an older version, delivered late
    return _refresh(existing, parsed, channel, account)


def fetch(url: str, now: datetime) -> Video:
    """The remote video at `url`, fetched from its origin when unknown."""
    if remote_actors.is_local_url(url):
        raise InvalidDocument("a local URL is not a remote video")
    known = remote_videos.find_by_url(url)
    if known is not None:
        return known
    document = fetch_document(url)
    if document.get("id") != url:
        raise InvalidDocument("the fetched object is not the one asked for")
    return store_object(document, None, now)


def remove(video: Video) -> None:
    remote_videos.delete(video, videos.list_files(int(video.id)))
    videos.delete_leftovers(int(video.id))
    media.delete_files(_image_keys(video))


def _owners(parsed: RemoteVideoDocument) -> tuple[Actor, Actor]:
    if parsed.channel_url is None:
        raise InvalidDocument("a video needs a channel")
    channel = remote_actors.resolve(parsed.channel_url)
    if channel.actor_type != "Group" or channel.account_id is None:
        raise InvalidDocument("the video's channel is not a channel")
    from chalicelib.store import actors

    account = actors.get_actor(int(channel.account_id))
    if account is None:
        raise InvalidDocument("the channel's account is unknown")
    if parsed.account_url is not None and parsed.account_url != str(account.url):
        raise InvalidDocument("the video's account does not own its channel")
    if host(str(channel.url)) != host(parsed.url):
        raise InvalidDocument("the channel is not on the video's host")
    return channel, account


def _create(parsed: RemoteVideoDocument, channel: Actor, account: Actor, now: datetime) -> Video:
    video_id = counters.next_id("video")
    video = Video(keys.video_pk(video_id), keys.ENTITY_SK, id=video_id, is_local=False, created_at=now)
    _apply(video, parsed, channel, account)
    files = _files(video_id, parsed)
    video.has_images = _copy_thumbnail(parsed, video)
    if not remote_videos.create(video, files):
        existing = remote_videos.find_by_url(parsed.url)
        if existing is None:
            raise InvalidDocument("the video's UUID belongs to another video")
        return existing
    logger.info("remote video stored", extra={"video": parsed.url})
    return video


def _refresh(video: Video, parsed: RemoteVideoDocument, channel: Actor, account: Actor) -> Video:
    was_public = int(video.privacy) == 1
    thumbnail_changed = video.remote_thumbnail_url != parsed.thumbnail_url
    _apply(video, parsed, channel, account)
    if thumbnail_changed:
        video.has_images = _copy_thumbnail(parsed, video)
    old_files = videos.list_files(int(video.id))
    remote_videos.replace(video, old_files, _files(int(video.id), parsed), was_public)
    return video


def _apply(video: Video, parsed: RemoteVideoDocument, channel: Actor, account: Actor) -> None:
    video.uuid = parsed.uuid
    video.url = parsed.url
    video.name = parsed.name
    video.channel_id = int(channel.id)
    video.account_id = int(account.id)
    video.privacy = parsed.privacy
    video.state = 1
    video.stage = "done"
    video.category = parsed.category
    video.licence = parsed.licence
    video.language = parsed.language
    video.description = parsed.description
    video.support = parsed.support
    video.tags = set(parsed.tags) or None
    video.nsfw = parsed.nsfw
    video.duration = parsed.duration
    video.aspect_ratio = parsed.aspect_ratio
    video.views = parsed.views
    video.comments_policy = parsed.comments_policy
    video.download_enabled = parsed.download_enabled
    video.wait_transcoding = parsed.wait_transcoding
    video.published_at = parsed.published
    video.updated_at = parsed.updated
    video.originally_published_at = parsed.originally_published
    video.remote_playlist_url = parsed.playlist_url
    video.remote_sha256_url = parsed.segments_sha256_url
    video.remote_thumbnail_url = parsed.thumbnail_url
    video.files_size = sum(f.size for f in parsed.files)


def _files(video_id: int, parsed: RemoteVideoDocument) -> list[VideoFile]:
    by_resolution: dict[int, RemoteFile] = {}
    for file in parsed.files:
        by_resolution.setdefault(file.resolution, file)
    return [
        VideoFile(
            keys.video_pk(video_id),
            keys.video_file_sk(file.resolution),
            video_id=video_id,
            resolution=file.resolution,
            width=file.width,
            height=file.height,
            fps=file.fps,
            size=file.size,
            duration=parsed.duration,
            bandwidth=0,
            codecs="",
            playlist_name=_playlist_of(file.url),
            media_name=file.url.rsplit("/", 1)[-1],
            remote_url=file.url,
        )
        for file in by_resolution.values()
    ]


def _playlist_of(media_url: str) -> str:
    """PeerTube names a rendition's playlist after its file: `<x>-720-fragmented.mp4` → `<x>-720.m3u8`."""
    name = media_url.rsplit("/", 1)[-1]
    return name.removesuffix("-fragmented.mp4") + ".m3u8" if name.endswith("-fragmented.mp4") else ""


def _image_keys(video: Video) -> list[str]:
    from chalicelib.media import layout

    return [layout.thumbnail_key(str(video.uuid)), layout.preview_key(str(video.uuid))]


def _copy_thumbnail(parsed: RemoteVideoDocument, video: Video) -> bool:
    from chalicelib.activitypub.remote_http import fetch_bytes
    from chalicelib.media import layout

    try:
        data, media_type = fetch_bytes(
            parsed.thumbnail_url,
            accept="image/*",
            media_prefix="image/",
            timeout=THUMBNAIL_TIMEOUT,
            max_bytes=THUMBNAIL_MAX_BYTES,
        )
    except Exception as exc:
        logger.info("remote thumbnail not copied", extra={"video": parsed.url, "error": str(exc)})
        return False
    for key in (layout.thumbnail_key(parsed.uuid), layout.preview_key(parsed.uuid)):
        media.put_file(key, data, media_type, cache_control=REMOTE_IMAGE_CACHE)
    return True
