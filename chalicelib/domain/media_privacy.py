"""Where a local video's media lives as its privacy changes (L9), as PeerTube moves files
between its public and private directories (lib/video-privacy.ts).

- HLS: private, internal and password-protected videos keep their files under the media
  bucket's private prefix, which CloudFront does not serve; the API serves them to holders of
  a video file token (api/video_files.py). Public and unlisted videos' files are under the
  public prefix CloudFront serves.
- Images: PeerTube leaves thumbnails and previews public under random names. Cirrus names a
  local video's images after its UUID, which anyone who learns the UUID could read, so a
  video entering the private directory gets its images (and its storyboard, named as they
  are) renamed to a fresh random name (the old objects are deleted); they stay public, as
  in PeerTube, under a name only those who may see the video are told.
- Web videos (domain/web_videos.py) move between the media bucket's `static/web-videos/`
  and `private/web-videos/` with the HLS files.
- Captions (domain/caption_files.py) move between `lazy-static/video-captions/` and the private
  HLS directory, and their playlists are rewritten to name them there.
- P2P: the swarm of a video is its master playlist URL, which moves with the files, so its
  info hashes (and the tracker's claims) are recomputed with every move. Its files'
  torrents name the public URL as their web seed, and no web seed in the private directory:
  they are rewritten with every move, and with every new title (their `info` names it).

Every function here is idempotent: it moves whatever is found where it should not be, so a
crash half-way is mended by the next call (the next edit, or the transcoder's publication).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalicelib.config import get_settings
from chalicelib.domain import caption_files, video_torrents, web_videos
from chalicelib.media import infohashes, layout
from chalicelib.observability import logger
from chalicelib.store import media, videos

if TYPE_CHECKING:
    from chalicelib.store.models import Video, VideoFile, WebVideoFile


def is_private(video: Video) -> bool:
    return layout.in_private_directory(int(video.privacy))


def is_private_now(video: Video) -> bool:
    """Whether the video's files belong in the private directory, by its privacy as stored
    now: the transcoder reads it again just before it writes (the owner may have changed it
    since the step began)."""
    current = videos.get_video(int(video.id))
    return is_private(current or video)


def privacy_changed(before: Video, after: Video) -> None:
    """After an edit: entering the private directory renames the images (their old name was
    public); every edit puts the files where the privacy says; a new title or directory
    rewrites the torrents."""
    entering = is_private(after) and not is_private(before)
    place_files(after, rename_images=entering, retitled=before.name != after.name)


def place_files(video: Video, *, rename_images: bool = False, retitled: bool = False, torrents: bool = False) -> None:
    """Move the video's HLS files and web videos to the directory its privacy names, and fix
    what depends on where they are; rename its images too when asked (or when a private
    video's images still carry its UUID); rewrite its torrents when they moved, when the
    video was `retitled`, or when asked (`torrents`: publication checks them all)."""
    if not video.is_local:
        return
    private = is_private(video)
    wrong = layout.hls_prefix(video.uuid, not private)
    right = layout.hls_prefix(video.uuid, private)
    moved = media.keys_under(wrong)
    for key in moved:
        media.move_file(key, right + key[len(wrong) :])
    moved_web = web_videos.place(video, private)
    if caption_files.place(video, private) or moved:
        caption_files.refresh_playlists(video)  # their playlists name the captions where they now are
    if moved or moved_web or retitled or torrents:
        video_torrents.refresh(video, datetime.now(UTC), private=private)
    image_name = video.image_name
    if private and video.has_images and (rename_images or not image_name or image_name == video.uuid):
        image_name = _renamed_images(video)
    hashes = _info_hashes(video, private)
    if moved or image_name != video.image_name or set(hashes) != set(video.info_hashes or ()):
        videos.set_media_names(video, hashes, image_name)
        logger.info("media placed", extra={"video": video.uuid, "private": private, "moved": len(moved)})


def _renamed_images(video: Video) -> str:
    old = video.images_name
    new = uuid.uuid4().hex
    for key_of in (layout.thumbnail_key, layout.preview_key, layout.storyboard_key):
        if media.copy_file(key_of(old), key_of(new), "image/jpeg"):
            media.delete_files([key_of(old)])
    return new


def _info_hashes(video: Video, private: bool) -> list[str]:
    """What the tracker should take for the video now (none before publication): the P2P
    swarms of the playlist URL the API lists, and the info hash of each file's torrent, so
    that torrent clients find each other as on PeerTube (whose tracker takes both)."""
    if video.stage != "done":
        return sorted(video.info_hashes or ())
    _, files, web_files = videos.get_video_with_all_files(int(video.id))
    hashes: list[str] = []
    if video.hls_prefix:
        url = infohashes.master_playlist_url(get_settings().instance_url, video.uuid, str(video.hls_prefix), private)
        hashes += infohashes.playlist_info_hashes(url, [int(f.height) for f in files])
    published: list[VideoFile | WebVideoFile] = [*files, *(f for f in web_files if not f.original)]
    hashes += [str(f.info_hash) for f in published if f.info_hash and not getattr(f, "remote_url", None)]
    return sorted(set(hashes))
