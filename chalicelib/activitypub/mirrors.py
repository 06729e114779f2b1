"""Mirroring a remote video's HLS playlist here (PeerTube's videos redundancy): its master
playlist, its resolution playlists and their fragmented MP4s are fetched from the origin
(through the federation address policy, each file capped), every segment is checked against
the origin's segments-sha256.json, the files are written under our redundancy prefix with the
origin's names, and a CacheFile tells the origin and our followers. Dropping a mirror deletes
the copy and sends the Undo."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.errors import RemoteFetchError
from chalicelib.activitypub.net import transport
from chalicelib.activitypub.outbound.build import cache_files
from chalicelib.activitypub.remote.parse.checks import InvalidDocument
from chalicelib.config import get_settings
from chalicelib.media import hls, layout
from chalicelib.store import actors, media, redundancies, videos
from chalicelib.store.models.video_redundancy import MANUAL

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.store.models import Video, VideoFile, VideoRedundancy

PLAYLIST_ACCEPT = "application/vnd.apple.mpegurl, application/x-mpegurl, audio/mpegurl"
MEDIA_ACCEPT = "video/mp4, audio/mp4, application/octet-stream"
JSON_ACCEPT = "application/json"
PLAYLIST_MAX_BYTES = 1024 * 1024
HASHES_MAX_BYTES = 4 * 1024 * 1024
MEDIA_MAX_BYTES = 1024**3  # one fragmented MP4, held in memory while its segments are checked
FILE_TIMEOUT = 600.0  # one fragmented MP4; the scheduled function's own timeout bounds a run
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")  # a name below the base, nothing more


class MirrorFailed(Exception):
    """The origin's files could not be fetched, or did not match their hashes: nothing kept."""


class StaleVideo(MirrorFailed):
    """The origin's master playlist names renditions our copy of its video does not know yet:
    the Updates that add them are still on their way (the origin publishes a video from its
    first rendition on), or were lost."""


@dataclass(frozen=True)
class Copy:
    names: dict[str, tuple[bytes, str]]  # file name -> (bytes, content type)

    @property
    def size(self) -> int:
        return sum(len(body) for body, _ in self.names.values())


def fetch_verified(video: Video, files: list[VideoFile], max_bytes: int) -> Copy:
    """The origin's HLS files of `video`, every segment checked against its hashes; at most
    `max_bytes` in all (a strategy's budget left)."""
    master_url, hashes_url = video.remote_playlist_url, video.remote_sha256_url
    if not master_url or not hashes_url or not files:
        raise MirrorFailed("the video has no HLS playlist")
    base, master_name = str(master_url).rsplit("/", 1)
    hashes_name = str(hashes_url).rsplit("/", 1)[-1]
    if not str(hashes_url).startswith(f"{base}/"):
        raise MirrorFailed("the segment hashes are not beside the playlist")
    left = max_bytes
    names: dict[str, tuple[bytes, str]] = {}

    def get(name: str, accept: str, cap: int) -> bytes:
        nonlocal left
        if not FILE_NAME.match(name) or name in names:
            raise MirrorFailed(f"unexpected file name {name!r}")
        try:
            body, content_type = transport.fetch_bytes(
                f"{base}/{name}", accept=accept, timeout=FILE_TIMEOUT, max_bytes=min(cap, left)
            )
        except RemoteFetchError as exc:
            raise MirrorFailed(str(exc)) from None
        left -= len(body)
        names[name] = (body, content_type)
        return body

    master = get(master_name, PLAYLIST_ACCEPT, PLAYLIST_MAX_BYTES).decode("utf-8", "replace")
    hashes = _hashes(get(hashes_name, JSON_ACCEPT, HASHES_MAX_BYTES))
    variants = {line.strip() for line in master.splitlines() if line.strip() and not line.startswith("#")}
    expected_variants = {str(file.playlist_name) for file in files}
    if not variants:
        raise MirrorFailed("the master playlist names no playlist")
    if not variants <= expected_variants:
        raise StaleVideo("the master playlist names other playlists than the video's files")
    for file in files:
        if str(file.playlist_name) not in variants:
            continue
        playlist = get(str(file.playlist_name), PLAYLIST_ACCEPT, PLAYLIST_MAX_BYTES).decode("utf-8", "replace")
        segments = hls.media_segments(playlist)
        media_name = str(file.media_name)
        if not segments or any(segment.uri != media_name for segment in segments):
            raise MirrorFailed(f"{file.playlist_name} does not play {media_name} alone")
        body = get(media_name, MEDIA_ACCEPT, MEDIA_MAX_BYTES)
        try:
            found = hls.segment_hashes(segments, io.BytesIO(body))
        except ValueError as exc:
            raise MirrorFailed(str(exc)) from None
        if found != hashes.get(media_name):
            raise MirrorFailed(f"{media_name} does not match its segment hashes")
    return Copy(names)


def _hashes(body: bytes) -> dict[str, dict[str, str]]:
    try:
        document = json.loads(body)
    except ValueError:
        raise MirrorFailed("the segment hashes are not JSON") from None
    if not isinstance(document, dict) or not all(isinstance(v, dict) for v in document.values()):
        raise MirrorFailed("the segment hashes are not PeerTube's segments-sha256.json")
    return document


def store_copy(video: Video, copy: Copy) -> None:
    for name, (body, content_type) in copy.names.items():
        media.put_file(layout.redundancy_key(str(video.uuid), name), body, content_type)


def mirror(video: Video, strategy: str, expires_at: datetime | None, now: datetime, max_bytes: int) -> VideoRedundancy:
    """Copy `video` here (or refresh the copy's expiry when it exists) and announce it."""
    server_id = actors.server_actor_id()
    existing = redundancies.get(int(video.id), server_id)
    size = int(existing.size) if existing else 0
    if existing is None:
        video, copy = _fetch_current(video, max_bytes, now)
        store_copy(video, copy)
        size = copy.size
    settings = get_settings()
    kept = redundancies.save(
        int(video.id),
        server_id,
        ours=True,
        url=cache_file_id(settings.instance_url, str(video.uuid)),
        file_url=layout.redundancy_base_url(settings.instance_url, str(video.uuid)),
        expires_at=expires_at,
        now=now,
        strategy=MANUAL if existing is not None and existing.strategy == MANUAL else strategy,
        size=size,
    )
    _announce("update" if existing else "create", video, kept)
    return kept


def resync(video: Video, max_bytes: int, now: datetime) -> VideoRedundancy | None:
    """Our copy of `video` again, after its origin changed its renditions (a video published
    from its first rendition on gains the others later): the current files are fetched and
    checked, written over the copy, the files no longer played are deleted, and the origin and
    our followers get an Update. None when we hold no copy (dropped meanwhile)."""
    existing = redundancies.get(int(video.id), actors.server_actor_id())
    if existing is None:
        return None
    video, copy = _fetch_current(video, max_bytes, now)
    store_copy(video, copy)
    prefix = layout.redundancy_prefix(str(video.uuid))
    kept = {layout.redundancy_key(str(video.uuid), name) for name in copy.names}
    media.delete_files(key for key in media.keys_under(prefix) if key not in kept)
    saved = redundancies.save(
        int(video.id),
        int(existing.actor_id),
        ours=True,
        url=str(existing.url),
        file_url=str(existing.file_url),
        expires_at=existing.expires_at,
        now=now,
        strategy=existing.strategy,
        size=copy.size,
    )
    _announce("update", video, saved)
    return saved


def _fetch_current(video: Video, max_bytes: int, now: datetime) -> tuple[Video, Copy]:
    """The verified copy of what the origin plays now. When its master playlist names
    renditions we do not know, our view of the video is behind: it is fetched again from its
    origin (the only word trusted for its files), and the copy tried once more."""
    _, files = videos.get_video_with_files(int(video.id))
    try:
        return video, fetch_verified(video, files, max_bytes)
    except StaleVideo:
        from chalicelib.activitypub.remote import videos as remote_videos

        try:
            video = remote_videos.refetch(str(video.url), now)
        except (RemoteFetchError, InvalidDocument) as exc:
            raise MirrorFailed(f"the video could not be fetched again from its origin: {exc}") from None
        _, files = videos.get_video_with_files(int(video.id))
        return video, fetch_verified(video, files, max_bytes)


def drop(redundancy: VideoRedundancy) -> None:
    """Delete our copy, forget it, and tell the origin and our followers."""
    video = videos.get_video(int(redundancy.video_id))
    if video is not None:
        media.delete_prefix(get_settings().media_bucket, layout.redundancy_prefix(str(video.uuid)))
    redundancies.delete(redundancy)
    if video is not None:
        _announce("undo", video, redundancy)


def cache_file_id(instance_url: str, video_uuid: str) -> str:
    """PeerTube's id of a local mirror of an HLS playlist."""
    return f"{instance_url}/redundancy/streaming-playlists/hls/{video_uuid}"


def _announce(kind: str, video: Video, redundancy: VideoRedundancy) -> None:
    server_id = actors.server_actor_id()
    found = actors.get_actors({server_id, int(video.channel_id), int(video.account_id)})
    server = found.get(server_id)
    if server is None:
        return
    origin = found.get(int(video.channel_id)) or found.get(int(video.account_id))
    inboxes = [str(origin.shared_inbox_url or origin.inbox_url)] if origin is not None else []
    document = cache_files.cache_file(
        str(redundancy.url), str(video.url), str(redundancy.file_url), redundancy.expires_at
    )
    audience = [f"{server.url}/followers"]
    build = {"create": cache_files.create, "update": cache_files.update, "undo": cache_files.undo}[kind]
    outbox.broadcast(build(str(server.url), document, audience), server_id, followers_of=[server_id], inboxes=inboxes)
