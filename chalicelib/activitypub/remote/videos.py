"""Remote videos as Cirrus keeps them: created or refreshed from a Video object, fetched
from their origin when only a URL is known, removed when their origin deletes them.

A video is accepted only from its own server: the actor sending it (or the server its
object was fetched from) must be on the video's host, and its channel and account too.
Its thumbnail is copied into the media bucket (as PeerTube does), so lists show it like
any other; the video itself plays from the origin's HLS playlist.

A remote video's UUID is the remote server's word, and UUIDs are public: it is claimed
before anything is written under the video's name, it never changes afterwards, and a
delete gives up only the claims the video holds. Its images are written under a random
name of ours (remote/images.py), never under the UUID.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.net.fetch import fetch_document
from chalicelib.activitypub.remote import actors as remote_actors
from chalicelib.activitypub.remote import chapters as remote_chapters
from chalicelib.activitypub.remote import images, quotas
from chalicelib.activitypub.remote.parse.checks import InvalidDocument, host
from chalicelib.activitypub.remote.parse.videos import RemoteFile, RemoteVideoDocument, parse_video
from chalicelib.domain import events
from chalicelib.observability import logger
from chalicelib.store import counters, keys, remote_videos, videos
from chalicelib.store.models import Video, VideoFile
from chalicelib.store.models.video_stages import STAGE_LIVE_ENDED, STAGE_LIVE_ON, STAGE_LIVE_WAITING

if TYPE_CHECKING:
    from chalicelib.store.models import Actor


def store_object(document: object, sender: Actor | None, now: datetime) -> Video:
    """Create or refresh the remote video a Video object describes. `sender` is the actor that
    sent it (None when Cirrus fetched it from its origin itself)."""
    parsed = parse_video(document)
    if local_objects.is_ours(parsed.url):
        raise InvalidDocument("a remote server cannot describe a local video")
    if sender is not None and host(str(sender.url)) != host(parsed.url):
        raise InvalidDocument("the video is not on the sender's host")
    channel, account = _owners(parsed)
    existing = remote_videos.find_by_url(parsed.url)
    if existing is None:
        return _create(parsed, channel, account, now)
    if existing.updated_at is not None and parsed.updated < existing.updated_at:
        return existing  # an older version, delivered late
    return _refresh(existing, parsed, channel, account, now)


def fetch(url: str, now: datetime) -> Video:
    """The remote video at `url`, fetched from its origin when unknown."""
    if local_objects.is_ours(url):
        raise InvalidDocument("a local URL is not a remote video")
    known = remote_videos.find_by_url(url)
    if known is not None:
        return known
    return refetch(url, now)


def refetch(url: str, now: datetime) -> Video:
    """The remote video at `url` as its origin describes it now (a known one refreshed):
    for when our copy is known to be behind, its Updates late or lost."""
    if local_objects.is_ours(url):
        raise InvalidDocument("a local URL is not a remote video")
    document = fetch_document(url)
    if document.get("id") != url:
        raise InvalidDocument("the fetched object is not the one asked for")
    return store_object(document, None, now)


def remove(video: Video) -> None:
    if video.is_local:
        raise InvalidDocument("a local video is not removed as a remote one")
    remote_videos.delete(video, videos.list_files(int(video.id)))
    quotas.removed("videos", host(str(video.url)))
    videos.delete_leftovers(int(video.id))
    if video.image_name:
        images.delete_video_images(str(video.image_name))
    # Older copies were named after the UUID: not removed (the name may be a local video's).


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
    quotas.check("videos", host(parsed.url))
    video_id = counters.next_id("video")
    video = Video(
        keys.video_pk(video_id), keys.ENTITY_SK, id=video_id, uuid=parsed.uuid, is_local=False, created_at=now
    )
    _apply(video, parsed, channel, account)
    video.has_images, video.image_name = False, None
    if not remote_videos.create(video, _files(video_id, parsed)):
        existing = remote_videos.find_by_url(parsed.url)
        if existing is None:
            logger.warning("remote video refused: its UUID is taken", extra={"video": parsed.url})
            raise InvalidDocument("the video's UUID belongs to another video")
        return existing
    quotas.stored("videos", host(parsed.url))
    # The claims are ours now: only then is anything copied, and under a name of our own.
    _attach_images(video, parsed)
    remote_chapters.refresh(video, parsed.chapters_url, now)
    logger.info("remote video stored", extra={"video": parsed.url})
    events.emit(events.RemoteVideoStored(video, was_public=False))
    return video


def _refresh(video: Video, parsed: RemoteVideoDocument, channel: Actor, account: Actor, now: datetime) -> Video:
    if video.is_local:
        raise InvalidDocument("a remote server cannot change a local video")
    if str(video.uuid) != parsed.uuid:
        # Its UUID claim stays where it is: the video would otherwise answer to another
        # video's UUID (a local one's, say) in the catalogue and on the watch page.
        logger.warning("remote video update refused: its UUID changed", extra={"video": parsed.url})
        raise InvalidDocument("a video's UUID cannot change")
    was_public = int(video.privacy) == 1
    thumbnail_changed = video.remote_thumbnail_url != parsed.thumbnail_url
    old_images = video.image_name
    _apply(video, parsed, channel, account)
    if thumbnail_changed:
        name = images.copy_video_images(parsed.thumbnail_url, parsed.url) if parsed.thumbnail_url else None
        video.has_images, video.image_name = name is not None, name
    old_files = videos.list_files(int(video.id))
    new_files = _files(int(video.id), parsed)
    try:
        remote_videos.replace(video, old_files, new_files, was_public, [*DOCUMENT_FIELDS, "has_images", "image_name"])
    except Exception:
        _forget_images(video.image_name if video.image_name != old_images else None)
        raise
    if old_images and old_images != video.image_name:
        images.delete_video_images(str(old_images))
    remote_chapters.refresh(video, parsed.chapters_url, now)
    renditions_changed = {str(f.playlist_name) for f in old_files} != {str(f.playlist_name) for f in new_files}
    events.emit(events.RemoteVideoStored(video, was_public=was_public, renditions_changed=renditions_changed))
    return video


REMOTE_LIVE_STAGES = {1: STAGE_LIVE_ON, 4: STAGE_LIVE_WAITING, 5: STAGE_LIVE_ENDED}

# What `_apply` sets: a refresh writes these alone.
DOCUMENT_FIELDS = (
    "url",
    "name",
    "channel_id",
    "account_id",
    "privacy",
    "state",
    "stage",
    "category",
    "licence",
    "language",
    "description",
    "support",
    "tags",
    "nsfw",
    "duration",
    "aspect_ratio",
    "views",
    "comments_policy",
    "download_enabled",
    "wait_transcoding",
    "published_at",
    "updated_at",
    "originally_published_at",
    "remote_playlist_url",
    "remote_sha256_url",
    "remote_thumbnail_url",
    "remote_captions",
    "files_size",
    "storyboard",
)


def _apply(video: Video, parsed: RemoteVideoDocument, channel: Actor, account: Actor) -> None:
    """The document's metadata; never the UUID (claimed once, at creation)."""
    video.url = parsed.url
    video.name = parsed.name
    video.channel_id = int(channel.id)
    video.account_id = int(account.id)
    video.privacy = parsed.privacy
    # A remote live keeps its origin's state, and a live stage (which makes it `isLive`).
    video.state = parsed.state if parsed.is_live else 1
    video.stage = REMOTE_LIVE_STAGES[parsed.state] if parsed.is_live else "done"
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
    video.remote_captions = [
        {"language": c.language, "fileUrl": c.file_url, "m3u8Url": c.m3u8_url, "automatic": c.automatic}
        for c in parsed.captions
    ] or None
    board = parsed.storyboard
    # The origin's sheet, named by its URL: the listing points there (no copy).
    video.storyboard = (
        {
            "file_url": board.file_url,
            "total_width": board.total_width,
            "total_height": board.total_height,
            "sprite_width": board.sprite_width,
            "sprite_height": board.sprite_height,
            "sprite_duration": board.sprite_duration,
        }
        if board is not None
        else None
    )


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


def _attach_images(video: Video, parsed: RemoteVideoDocument) -> None:
    if not parsed.thumbnail_url:
        return
    name = images.copy_video_images(parsed.thumbnail_url, parsed.url)
    if name is None:
        return
    if not remote_videos.set_images(video, name):
        images.delete_video_images(name)  # deleted (or changed) meanwhile


def _forget_images(name: str | None) -> None:
    if name:
        images.delete_video_images(name)
