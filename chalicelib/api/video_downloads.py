"""A video's files for BitTorrent clients and for saving, at PeerTube's paths:

- `/lazy-static/torrents/{name}` (what PeerTube 6+ lists as `torrentUrl`) and
  `/static/torrents/{name}` (PeerTube 5's path, for older clients): the .torrent;
- `/download/torrents/{name}`: the same as an attachment (`torrentDownloadUrl`);
- `/download/web-videos/{uuid}-{resolution}{extension}` and
  `/download/streaming-playlists/hls/videos/{uuid}-{resolution}-fragmented.mp4`: a web video
  or an HLS file as an attachment (`fileDownloadUrl`);
- `/download/videos/generate/{id}[.mp4|.m4a]?videoFileIds=<id>[&videoFileIds=<id>]`: PeerTube
  6.1+'s one MP4 of a video file and an audio file, built once by the transcoder
  (domain/generated_downloads.py): the first request queues the build and waits for it up
  to GENERATE_WAIT_SECONDS, then 503 with Retry-After while it is not done; PeerTube's rate
  limit (5 answered requests per address in 5 s; administrators and moderators exempt).

Each answers with a redirect to a presigned S3 URL valid for minutes (byte ranges work there;
the function never carries the bytes). A file of a video in the private directory needs a
video file token or the viewer's credentials, as PeerTube's checkCanAccessVideoStaticFiles;
`/download/` also needs the video's `downloadEnabled` (PeerTube leaves that check to its
client; Cirrus refuses with 403), and plugins may refuse it (PeerTube's download allowed
filters, 403 with their message). Unknown names and videos: 404.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from chalicelib import plugins
from chalicelib.api.auth import optional_session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import source_ip
from chalicelib.api.video_files import REDIRECT_SECONDS, check_static_access, redirect
from chalicelib.domain import generated_downloads, rate_limits, video_stats
from chalicelib.domain import videos as video_cases
from chalicelib.domain.oauth import utcnow
from chalicelib.errors import ForbiddenError, NotFoundError, ServiceUnavailableError
from chalicelib.media import layout
from chalicelib.store import media, videos
from chalicelib.store.models.video import hls_listed

if TYPE_CHECKING:
    from chalice.app import Request, Response

    from chalicelib.store.models import Video

video_downloads_api = ApiBlueprint(__name__)

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
TORRENT_NAME = re.compile(rf"^(?P<uuid>{_UUID})-[0-9a-f]{{1,32}}-(?P<resolution>\d{{1,5}})(?P<hls>-hls)?\.torrent$")
WEB_VIDEO_DOWNLOAD = re.compile(rf"^(?P<uuid>{_UUID})-(?P<resolution>\d{{1,5}})(?P<extension>\.[a-z0-9]{{1,6}})$")
HLS_VIDEO_DOWNLOAD = re.compile(rf"^(?P<uuid>{_UUID})-(?P<resolution>\d{{1,5}})-fragmented\.mp4$")
DOWNLOAD_DISABLED = "Download of this video is disabled"
UNSAFE_IN_NAME = re.compile(r"[/\\]")
# How long the first request of a generated download waits for the transcoder to build it:
# within API Gateway's 29 s, with room for the redirect. A remux copies at disk speed, so
# all but very long videos are ready within it.
GENERATE_WAIT_SECONDS = 20.0
GENERATE_POLL_SECONDS = 0.5
GENERATE_RETRY_AFTER = "10"
GENERATED_EXTENSIONS = (".mp4", ".m4a")
DOWNLOAD_HOOK = "filter:api.download.video.allowed.result"
GENERATED_DOWNLOAD_HOOK = "filter:api.download.generated-video.allowed.result"


def _check_plugins_allow(hook: str, **params: Any) -> None:
    """PeerTube's download allowed filters: a plugin may refuse (403, its message)."""
    allowed, message = plugins.accepted(hook, **params)
    if not allowed:
        raise ForbiddenError(message or "Refused download")


@video_downloads_api.route("/lazy-static/torrents/{name}", methods=["GET"])
def torrent(name: str) -> Response:
    return _torrent(name, download=False)


@video_downloads_api.route("/static/torrents/{name}", methods=["GET"])
def legacy_torrent(name: str) -> Response:
    return _torrent(name, download=False)


@video_downloads_api.route("/download/torrents/{name}", methods=["GET"])
def download_torrent(name: str) -> Response:
    return _torrent(name, download=True)


@video_downloads_api.route("/download/web-videos/{name}", methods=["GET"])
def download_web_video(name: str) -> Response:
    match = WEB_VIDEO_DOWNLOAD.match(name)
    if match is None:
        raise NotFoundError("Video file not found")
    video = _video(match["uuid"], download=True)
    resolution, extension = int(match["resolution"]), match["extension"]
    _, _, web_files = videos.get_video_with_all_files(int(video.id))
    listed = [f for f in web_files if int(f.resolution) == resolution and not (f.original and video.stage == "done")]
    # The original and an MP4 rendition of its resolution meet while packaging: the rendition
    # is what transcoding will keep.
    candidates = sorted([f for f in listed if f.extension == extension], key=lambda f: bool(f.original))
    if not candidates:
        raise NotFoundError("Video file not found")
    file = candidates[0]
    _check_plugins_allow(DOWNLOAD_HOOK, video=video, video_file=file)
    key = layout.web_video_key(str(file.file_name), layout.in_private_directory(int(video.privacy)))
    video_stats.count_download(video, utcnow())
    return redirect(media.presigned_url(key, REDIRECT_SECONDS, _download_name(video, resolution, extension)))


@video_downloads_api.route("/download/streaming-playlists/hls/videos/{name}", methods=["GET"])
def download_hls_video(name: str) -> Response:
    match = HLS_VIDEO_DOWNLOAD.match(name)
    if match is None:
        raise NotFoundError("Video file not found")
    video = _video(match["uuid"], download=True)
    resolution = int(match["resolution"])
    _, files = videos.get_video_with_files(int(video.id))
    file = next((f for f in files if int(f.resolution) == resolution and not f.remote_url), None)
    if file is None or not hls_listed(video):
        raise NotFoundError("Video file not found")
    _check_plugins_allow(DOWNLOAD_HOOK, video=video, video_file=file)
    key = layout.hls_key(video.uuid, str(file.media_name), layout.in_private_directory(int(video.privacy)))
    video_stats.count_download(video, utcnow())
    return redirect(media.presigned_url(key, REDIRECT_SECONDS, _download_name(video, resolution, ".mp4", "-hls")))


@video_downloads_api.route(f"/{layout.GENERATE_DOWNLOAD_PATH}{{video_id}}", methods=["GET"])
def download_generated(video_id: str) -> Response:
    """One MP4 of the chosen files; with `.mp4`/`.m4a` after the id, as a plain file (no
    attachment name), as PeerTube answers it."""
    named_file = video_id.endswith(GENERATED_EXTENSIONS)
    request: Request = video_downloads_api.current_request
    video = video_cases.find_video(video_id[:-4] if named_file else video_id)
    query: dict[str, str] = dict(request.query_params or {})
    check_static_access(request, video, query.get("videoFileToken"))
    values = request.query_params.getlist("videoFileIds") if request.query_params else []
    generated = generated_downloads.choose(video, generated_downloads.parse_file_ids(values))
    if not video.download_enabled:
        raise ForbiddenError(DOWNLOAD_DISABLED)
    _check_plugins_allow(GENERATED_DOWNLOAD_HOOK, video=video, video_files=generated)
    # PeerTube's limit counts only the requests it answers (skipFailedRequests): refusals above
    # are not counted.
    viewer = optional_session(request) if request.headers.get("authorization") else None
    user = viewer.user if viewer else None
    rate_limits.count_address_action(rate_limits.DOWNLOAD_GENERATE, source_ip(request), user, time.time())
    if not generated_downloads.is_built(generated):
        generated_downloads.request_build(generated)
        _wait_for(generated)
    saved_as = None if named_file else f"{UNSAFE_IN_NAME.sub('_', video.name)}{generated.extension}"
    video_stats.count_download(video, utcnow())
    return redirect(media.presigned_url(generated.key, REDIRECT_SECONDS, saved_as))


def _wait_for(generated: generated_downloads.Generated) -> None:
    deadline = time.monotonic() + GENERATE_WAIT_SECONDS
    while not generated_downloads.is_built(generated):
        if time.monotonic() >= deadline:
            raise ServiceUnavailableError(
                "The file is being generated: try again in a moment.", headers={"Retry-After": GENERATE_RETRY_AFTER}
            )
        time.sleep(GENERATE_POLL_SECONDS)


def _torrent(name: str, *, download: bool) -> Response:
    match = TORRENT_NAME.match(name)
    if match is None:
        raise NotFoundError("Torrent file not found")
    video = _video(match["uuid"], download=download)
    key = layout.torrent_key(name)
    if not media.exists(key):
        raise NotFoundError("Torrent file not found")
    saved_as = f"{video.name}-{int(match['resolution'])}p.torrent" if download else None
    return redirect(media.presigned_url(key, REDIRECT_SECONDS, saved_as))


def _video(video_uuid: str, *, download: bool) -> Video:
    """The local video a file belongs to, if this request may have its files."""
    video = video_cases.find_video(video_uuid)  # 404 also while its owner is being deleted
    if not video.is_local:
        raise NotFoundError("Video not found")
    request: Request = video_downloads_api.current_request
    query: dict[str, str] = dict(request.query_params or {})
    check_static_access(request, video, query.get("videoFileToken"))
    if download and not video.download_enabled:
        raise ForbiddenError(DOWNLOAD_DISABLED)
    return video


def _download_name(video: Video, resolution: int, extension: str, suffix: str = "") -> str:
    """PeerTube's buildDownloadFilename: "<name>-<resolution>p[-hls]<extension>"."""
    name = UNSAFE_IN_NAME.sub("_", video.name)
    return f"{name}-{resolution}p{suffix}{extension}"
