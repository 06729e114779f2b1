"""Private video files (L9), as PeerTube serves them: `POST /api/v1/videos/{id}/token` gives
a video file token to whoever may see the video, and the HLS files and web videos of private,
internal and password-protected videos are read under /static/streaming-playlists/hls/private/
and /static/web-videos/private/ with that token in `videoFileToken` (or the viewer's OAuth or
password header). CloudFront and the local gateway send those paths here
(infra/edge_routes.py).

Playlists are small text and are answered here, with the token put back into every URI they
name when the player asks (`reinjectVideoFileToken`); the fragmented MP4s and segment hashes
are answered with a redirect to a presigned URL of the object, valid for minutes, on which
byte ranges work as on CloudFront.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from chalice.app import Response

from chalicelib.api.auth import optional_session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.shapes import iso
from chalicelib.api.video_passwords import password_header
from chalicelib.domain import video_file_tokens
from chalicelib.domain import videos as video_cases
from chalicelib.domain.oauth import utcnow
from chalicelib.errors import CirrusError, ForbiddenError, NotFoundError, UnauthorizedError
from chalicelib.media import hls, layout
from chalicelib.store import media
from chalicelib.store import videos as video_store

video_files_api = ApiBlueprint(__name__)

PLAYLIST_TYPE = "application/vnd.apple.mpegurl"
REDIRECT_SECONDS = 300  # a player asks again for every segment: minutes are plenty
SAFE_FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")
PASSWORD_PROTECTED = 5
NO_STORE = "private, no-store"


@video_files_api.route("/api/v1/videos/{video_id}/token", methods=["POST"], content_types=["*/*"])
def request_token(video_id: str) -> dict[str, Any]:
    """PeerTube's requestVideoToken: to a user who may see the video, or to anyone with the
    password of a password-protected one."""
    request = video_files_api.current_request
    viewer = optional_session(request)
    user = viewer.user if viewer else None
    video = video_cases.find_video(video_id)
    video_cases.check_can_see(video, user, not video_id.isdigit(), password_header(request))
    if user is None and int(video.privacy) != PASSWORD_PROTECTED:
        raise UnauthorizedError("Not authenticated")
    issued = video_file_tokens.issue(video.uuid, utcnow())
    return {"files": {"token": issued.token, "expires": iso(issued.expires)}}


@video_files_api.route(f"/{layout.PRIVATE_WEB_VIDEOS_PATH}{{filename}}", methods=["GET"])
def private_web_video(filename: str) -> Response:
    """A web video of a video in the private directory: a redirect to a presigned URL."""
    request = video_files_api.current_request
    video_uuid = layout.video_uuid_of_name(filename) if SAFE_FILENAME.match(filename) else None
    if video_uuid is None or not video_cases.UUID_V4.match(video_uuid):
        raise NotFoundError("Not found")
    query: dict[str, str] = dict(request.query_params or {})
    _check_access(request, video_uuid.lower(), query.get("videoFileToken"))
    key = layout.web_video_key(filename, private=True)
    if not media.exists(key):
        raise NotFoundError("Video file not found")
    return redirect(media.presigned_url(key, REDIRECT_SECONDS))


def redirect(url: str) -> Response:
    """To a short-lived presigned URL: never cached."""
    return Response("", status_code=302, headers={"Location": url, "Cache-Control": NO_STORE})


def check_static_access(request: Any, video: Any, token: str | None) -> None:
    """PeerTube's checkCanAccessVideoStaticFiles, for a file named by its video's UUID: a
    viewer who sends credentials must be one who may see the video; else a live video file
    token opens it; else only a video outside the private directory is open."""
    if request.headers.get("authorization") or password_header(request) is not None:
        viewer = optional_session(request)
        video_cases.check_can_see(video, viewer.user if viewer else None, True, password_header(request))
        return
    if token and video_file_tokens.opens(token, video.uuid, utcnow()):
        return
    if layout.in_private_directory(int(video.privacy)):
        raise ForbiddenError("Cannot access the files of this private/internal or password-protected video")


@video_files_api.route(f"/{layout.PRIVATE_HLS_PATH}{{video_uuid}}/{{filename}}", methods=["GET"])
def private_hls_file(video_uuid: str, filename: str) -> Response:
    return _private_file(video_uuid, filename, lambda uuid: layout.hls_key(uuid, filename, private=True))


@video_files_api.route(f"/{layout.PRIVATE_LIVE_HLS_PATH}{{video_uuid}}/{{filename}}", methods=["GET"])
def private_live_file(video_uuid: str, filename: str) -> Response:
    """A private live's playlists and segments (the ingest writes them under the private
    live directory), with the same checks as a private video's files."""
    return _private_file(video_uuid, filename, lambda uuid: f"{layout.live_directory(uuid, private=True)}/{filename}")


def _private_file(video_uuid: str, filename: str, key_of: Callable[[str], str]) -> Response:
    request = video_files_api.current_request
    if not video_cases.UUID_V4.match(video_uuid) or not SAFE_FILENAME.match(filename) or ".." in filename:
        raise NotFoundError("Not found")
    query: dict[str, str] = dict(request.query_params or {})
    token = query.get("videoFileToken")
    _check_access(request, video_uuid.lower(), token)
    key = key_of(video_uuid.lower())
    if not filename.endswith(".m3u8"):
        return redirect(media.presigned_url(key, REDIRECT_SECONDS))
    playlist = media.read_file(key)
    if playlist is None:
        raise NotFoundError("Not found")
    text = playlist.decode("utf-8")
    if token and str(query.get("reinjectVideoFileToken", "")).lower() in ("true", "1"):
        text = hls.with_token(text, lambda uri: _token_query(token, uri.split("?", 1)[0].endswith(".m3u8")))
    return Response(text, status_code=200, headers={"Content-Type": PLAYLIST_TYPE, "Cache-Control": NO_STORE})


def _check_access(request: Any, video_uuid: str, token: str | None) -> None:
    """A live token of this video, or else the viewer's OAuth or password header as for the
    video itself; 403 otherwise (PeerTube's ensureCanAccessPrivateVideoHLSFiles)."""
    if token:
        if not video_file_tokens.opens(token, video_uuid, utcnow()):
            raise ForbiddenError("Invalid or expired video file token")
        return
    password = password_header(request)
    if not request.headers.get("authorization") and password is None:
        raise ForbiddenError("Video password header, video file token query parameter and bearer token are all missing")
    video = video_store.find_video_by_uuid(video_uuid)
    if video is None:
        raise ForbiddenError("Cannot access this file")
    try:
        viewer = optional_session(request)
        video_cases.check_can_see(video, viewer.user if viewer else None, True, password)
    except CirrusError as error:
        raise ForbiddenError("Cannot access this file") from error


def _token_query(token: str, playlist: bool) -> str:
    query = f"videoFileToken={quote(token, safe='')}"
    return f"{query}&reinjectVideoFileToken=true" if playlist else query
