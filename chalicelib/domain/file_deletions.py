"""Deleting some of a published local video's files, as an administrator may on PeerTube
(`DELETE /api/v1/videos/{id}/hls`, `/hls/{videoFileId}`, `/web-videos`,
`/web-videos/{videoFileId}`; right MANAGE_VIDEO_FILES), never the last ones it plays from.

**PeerTube's rules** (v8 `middlewares/validators/videos/video-files.ts`): a remote video's
files: 400. All HLS: 400 without HLS, 400 without web videos to fall back on. One HLS file:
400 without HLS, 404 for a file not in the playlist, 400 for the last one without web videos.
All web videos: 400 without web videos, 400 without HLS. One web video: 404 for a file not
the video's, 400 for the last one without HLS. Each answers 204 and federates the video.

**Cirrus** keeps them, and counts as web videos the MP4 renditions of a published video
(the original, listed until publication, is the transcoding pipeline's: never deleted here).
A deletion removes the files' objects wherever the privacy put them, their torrents and
descriptions, then their items; the master playlist and segments-sha256.json are rewritten
for the HLS files left (or removed with the last), the tracker's info hashes follow, and the
video's generated downloads go (they are rebuilt on request from the files left). The
owner's quota is left as publication settled it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from chalicelib.domain import caption_files, events, media_privacy
from chalicelib.domain.video_file_ids import hls_file_id, web_file_id
from chalicelib.errors import BadRequestError, NotFoundError
from chalicelib.media import layout
from chalicelib.observability import logger
from chalicelib.store import media, videos
from chalicelib.store.models.video_stages import STAGE_DONE

if TYPE_CHECKING:
    from collections.abc import Sequence

    from chalicelib.store.models import Video, VideoFile, WebVideoFile

NO_HLS = "This video does not have HLS files"
NO_WEB_VIDEOS = "This video does not have Web Video files"
HLS_WITHOUT_WEB_VIDEOS = "Cannot delete HLS playlist since this video does not have Web Video files"
LAST_HLS_FILE = "Cannot delete last HLS playlist file since this video does not have Web Video files"
WEB_VIDEOS_WITHOUT_HLS = "Cannot delete Web Video files since this video does not have HLS playlist"
UNKNOWN_HLS_FILE = "This HLS playlist does not have this file id"
UNKNOWN_WEB_FILE = "This video does not have this Web Video file id"
REMOTE = "Cannot delete files of remote video"


def delete_hls(video: Video) -> None:
    hls_files, web_files = _files(video)
    if not hls_files:
        raise BadRequestError(NO_HLS)
    if not web_files:
        raise BadRequestError(HLS_WITHOUT_WEB_VIDEOS)
    _remove_hls(video, hls_files, remaining=[])


def delete_hls_file(video: Video, file_id: int) -> None:
    hls_files, web_files = _files(video)
    if not hls_files:
        raise BadRequestError(NO_HLS)
    chosen = next((f for f in hls_files if hls_file_id(int(video.id), int(f.resolution)) == file_id), None)
    if chosen is None:
        raise NotFoundError(UNKNOWN_HLS_FILE)
    if len(hls_files) == 1 and not web_files:
        raise BadRequestError(LAST_HLS_FILE)
    _remove_hls(video, [chosen], remaining=[f for f in hls_files if f is not chosen])


def delete_web_videos(video: Video) -> None:
    hls_files, web_files = _files(video)
    if not web_files:
        raise BadRequestError(NO_WEB_VIDEOS)
    if not hls_files:
        raise BadRequestError(WEB_VIDEOS_WITHOUT_HLS)
    _remove_web(video, web_files)


def delete_web_video(video: Video, file_id: int) -> None:
    hls_files, web_files = _files(video)
    chosen = next((f for f in web_files if web_file_id(int(video.id), int(f.resolution), False) == file_id), None)
    if chosen is None:
        raise NotFoundError(UNKNOWN_WEB_FILE)
    if len(web_files) == 1 and not hls_files:
        raise BadRequestError(WEB_VIDEOS_WITHOUT_HLS)
    _remove_web(video, [chosen])


def _files(video: Video) -> tuple[list[VideoFile], list[WebVideoFile]]:
    """The HLS files and MP4 renditions of a published local video (one Query)."""
    if not video.is_local:
        raise BadRequestError(REMOTE)
    _, hls_files, web_files = videos.get_video_with_all_files(int(video.id))
    if video.stage != STAGE_DONE:
        return [], []
    return [f for f in hls_files if not f.remote_url], [f for f in web_files if not f.original]


def _remove_hls(video: Video, gone: Sequence[VideoFile], remaining: Sequence[VideoFile]) -> None:
    prefix = str(video.hls_prefix)
    names = [name for f in gone for name in (str(f.playlist_name), str(f.media_name))]
    if not remaining:
        names += [f"{prefix}-master.m3u8", f"{prefix}-segments-sha256.json"]
    objects = [layout.hls_key(video.uuid, name, private) for name in names for private in (False, True)]
    objects += [layout.torrent_key(str(f.torrent_name)) for f in gone if f.torrent_name]
    objects += [layout.file_metadata_key(video.uuid, str(f.media_name)) for f in gone]
    media.delete_files(objects)
    for file in gone:
        file.delete()
    if remaining:
        private = media_privacy.is_private(video)
        caption_files.write_master(video, remaining, private)
        _rewrite_segment_hashes(video, [str(f.media_name) for f in gone], private)
    _after(video, [f"HLS {int(f.resolution)}" for f in gone])


def _remove_web(video: Video, gone: Sequence[WebVideoFile]) -> None:
    objects = [layout.web_video_key(str(f.file_name), private) for f in gone for private in (False, True)]
    objects += [layout.torrent_key(str(f.torrent_name)) for f in gone if f.torrent_name]
    objects += [layout.file_metadata_key(video.uuid, str(f.file_name)) for f in gone]
    media.delete_files(objects)
    videos.delete_web_files(gone)
    _after(video, [f"web video {int(f.resolution)}" for f in gone])


def _rewrite_segment_hashes(video: Video, media_names: Sequence[str], private: bool) -> None:
    key = layout.hls_key(video.uuid, f"{video.hls_prefix}-segments-sha256.json", private)
    stored = media.read_file(key)
    if stored is None:
        return
    hashes = {name: value for name, value in json.loads(stored).items() if name not in media_names}
    media.put_file(key, json.dumps(hashes).encode(), "application/json", cache_control=None)


def _after(video: Video, removed: Sequence[str]) -> None:
    """What depends on the files: generated downloads (rebuilt on request), the tracker's
    info hashes, and the federated Video object."""
    media.delete_generated(video.uuid)
    current = videos.get_video(int(video.id)) or video
    media_privacy.place_files(current)
    logger.info("video files deleted", extra={"video": video.uuid, "files": list(removed)})
    events.emit(events.VideoChanged(current, current))
