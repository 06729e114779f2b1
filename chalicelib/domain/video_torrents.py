"""The .torrent of each of a video's files, as PeerTube keeps them (lib/webtorrent.ts):
made when the file is, remade when what it names changes.

- A torrent names the video ("<name> <resolution>p<extension>"), the instance's trackers and
  its web seed: the file's public URL, none while the video is in the private directory
  (the file is then read only with a video file token, which a torrent cannot carry).
- Renaming the video changes the torrent's `info`, so its info hash; a privacy change only
  its web seeds. Either way the pieces are kept (`refresh` rewrites the document, the file
  is not read again), the torrent keeps its name, and the file's item gets the new hash.

The files' bytes are hashed by whoever has them (the transcoder, functions/transcoder/steps.py);
this module says what the torrent holds and where it goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.config import get_settings
from chalicelib.domain.tracker_urls import tracker_url_for
from chalicelib.media import layout, torrents
from chalicelib.observability import logger
from chalicelib.store import media, videos
from chalicelib.store.models import VideoFile, WebVideoFile

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import Video

HLS_EXTENSION = ".mp4"  # a fragmented MP4, as PeerTube names it in its torrents


def announce_list(video: Video, settings: Settings) -> list[str]:
    """The trackers a torrent names, in PeerTube's order: WebSocket first, then HTTP. The
    WebSocket one is the video's shard, so that all its peers meet on one tracker task."""
    return [tracker_url_for(video.uuid, settings), f"{settings.instance_url}/tracker/announce"]


def tracker_urls(video: Video, settings: Settings) -> list[str]:
    """The trackers of a local video as its JSON (`trackerUrls`) and magnet URIs list them."""
    return [f"{settings.instance_url}/tracker/announce", tracker_url_for(video.uuid, settings)]


def file_url(video: Video, file: VideoFile | WebVideoFile, private: bool, settings: Settings) -> str:
    """Where the file is read: its public URL, or the private one the API serves."""
    if isinstance(file, WebVideoFile):
        return layout.web_video_url(settings.instance_url, str(file.file_name), private)
    return f"{layout.hls_url_base(settings.instance_url, video.uuid, private)}{file.media_name}"


def web_seeds(video: Video, file: VideoFile | WebVideoFile, private: bool, settings: Settings) -> list[str]:
    return [] if private else [file_url(video, file, private, settings)]


@dataclass(frozen=True)
class PublishedTorrent:
    """A local file's torrent as clients are told of it (the REST file and the AP Video's links)."""

    url: str  # PeerTube 6+'s `/lazy-static/torrents/` URL
    download_url: str
    magnet: str


def published(
    video: Video, file: VideoFile | WebVideoFile, private: bool, settings: Settings
) -> PublishedTorrent | None:
    """The file's torrent and magnet URI, once its torrent is made."""
    if not (file.torrent_name and file.info_hash):
        return None
    url = layout.torrent_url(settings.instance_url, str(file.torrent_name))
    magnet = torrents.magnet_uri(
        torrent_url=url,
        info_hash=str(file.info_hash),
        video_name=video.name,
        trackers=tracker_urls(video, settings),
        web_seeds=web_seeds(video, file, private, settings),
    )
    return PublishedTorrent(url, layout.torrent_download_url(settings.instance_url, str(file.torrent_name)), magnet)


def extension_of(file: VideoFile | WebVideoFile) -> str:
    return str(file.extension) if isinstance(file, WebVideoFile) else HLS_EXTENSION


def build(
    video: Video, file: VideoFile | WebVideoFile, pieces: bytes, private: bool, now: datetime
) -> torrents.Torrent:
    """The torrent of `file`, whose bytes hashed to `pieces`."""
    settings = get_settings()
    return torrents.build(
        name=torrents.info_name(video.name, int(file.resolution), extension_of(file)),
        length=int(file.size),
        pieces=pieces,
        announce=announce_list(video, settings),
        web_seeds=web_seeds(video, file, private, settings),
        created_at=int(now.timestamp()),
    )


def refresh(video: Video, now: datetime, *, private: bool) -> int:
    """Rewrite the torrents of the video's files that name an old title or old web seeds;
    how many changed. Idempotent: a crash between a torrent and its item is mended by the
    next call (the next edit, or publication)."""
    _, files, web_files = videos.get_video_with_all_files(int(video.id))
    changed = 0
    every: list[VideoFile | WebVideoFile] = [*files, *web_files]
    for file in every:
        if not file.torrent_name or (isinstance(file, VideoFile) and file.remote_url):
            continue
        if _refresh_file(video, file, now, private=private):
            changed += 1
    return changed


def _refresh_file(video: Video, file: VideoFile | WebVideoFile, now: datetime, *, private: bool) -> bool:
    name = str(file.torrent_name)
    content = media.read_torrent(name)
    if content is None:
        logger.warning("torrent missing", extra={"video": video.uuid, "torrent": name})
        return False
    settings = get_settings()

    def rewritten(created_at: int) -> torrents.Torrent:
        return torrents.rewrite(
            content,
            name=torrents.info_name(video.name, int(file.resolution), extension_of(file)),
            announce=announce_list(video, settings),
            web_seeds=web_seeds(video, file, private, settings),
            created_at=created_at,
        )

    created = torrents.read(content).get(b"creation date")
    # Rewritten with its own creation date first: unchanged bytes mean nothing to do.
    kept = rewritten(created if isinstance(created, int) else 0)
    if kept.content != content:
        media.put_torrent(name, rewritten(int(now.timestamp())).content)
    if kept.info_hash != file.info_hash:
        videos.set_torrent(file, name, kept.info_hash)
    return kept.content != content or kept.info_hash != file.info_hash


def store(video: Video, file: VideoFile | WebVideoFile, torrent: torrents.Torrent) -> None:
    """Put a newly made torrent where the file's item names it (the caller saves the item)."""
    media.put_torrent(str(file.torrent_name), torrent.content)
    logger.info("torrent made", extra={"video": video.uuid, "torrent": file.torrent_name})
