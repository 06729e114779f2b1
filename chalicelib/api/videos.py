"""Videos: one video's details, and deleting it."""

from __future__ import annotations

from typing import Any

from chalice.app import Response

from chalicelib.api.auth import optional_session, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.video_shapes import video_details_json
from chalicelib.config import get_settings
from chalicelib.domain import videos as video_cases
from chalicelib.errors import NotFoundError
from chalicelib.media import layout
from chalicelib.store import actors, media, videos

videos_api = ApiBlueprint(__name__)


@videos_api.route("/api/v1/videos/{video_id}", methods=["GET"])
def get_video(video_id: str) -> dict[str, Any]:
    request = videos_api.current_request
    video = video_cases.find_video(video_id)
    viewer = optional_session(request)
    video_cases.check_can_see(video, viewer.user if viewer else None, by_uuid=not video_id.isdigit())
    found = actors.get_actors({int(video.account_id), int(video.channel_id)})
    account, channel = found.get(int(video.account_id)), found.get(int(video.channel_id))
    if account is None or channel is None:
        raise NotFoundError("Video not found")
    return video_details_json(video, account, channel, videos.list_files(int(video.id)), get_settings())


@videos_api.route("/api/v1/videos/{video_id}", methods=["DELETE"])
def delete_video(video_id: str) -> Response:
    user = session(videos_api.current_request).user
    video = video_cases.find_video(video_id)
    video_cases.check_can_delete(video, user)
    files = videos.list_files(int(video.id))
    videos.delete_video(video, files)
    # Files go after the items: a transcoding step that is still running finds no video
    # and drops its work, so nothing it writes afterwards outlives the video for long.
    keys = [f"{layout.hls_prefix(video.uuid)}{name}" for f in files for name in (f.playlist_name, f.media_name)]
    if video.hls_prefix:
        keys += [
            layout.hls_key(video.uuid, f"{video.hls_prefix}-{suffix}")
            for suffix in ("master.m3u8", "segments-sha256.json")
        ]
    keys += [layout.thumbnail_key(video.uuid), layout.preview_key(video.uuid)]
    media.delete_files(keys)
    media.delete_upload_prefix(layout.work_prefix(video.uuid))
    if video.source_key:
        media.delete_upload_prefix(video.source_key)
    return Response(body="", status_code=204, headers={"Content-Type": "application/json; charset=utf-8"})
