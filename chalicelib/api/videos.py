"""Videos: one video's details, and deleting it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import plugins
from chalicelib.api.auth import optional_session, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, media_type, multipart_form
from chalicelib.api.responses import no_content
from chalicelib.api.video_passwords import password_header
from chalicelib.api.video_shapes import video_details_json
from chalicelib.config import get_settings
from chalicelib.domain import browse, history, video_edits
from chalicelib.domain import videos as video_cases
from chalicelib.domain.oauth import utcnow

if TYPE_CHECKING:
    from chalice.app import Response

videos_api = ApiBlueprint(__name__)


@videos_api.route("/api/v1/videos/{video_id}", methods=["GET"])
def get_video(video_id: str) -> dict[str, Any]:
    request = videos_api.current_request
    viewer = optional_session(request)
    found = browse.video_details(video_id)
    video_cases.check_can_see(
        found.video, viewer.user if viewer else None, not video_id.isdigit(), password_header(request)
    )
    body = video_details_json(
        found.video,
        found.account,
        found.channel,
        found.files,
        get_settings(),
        found.live,
        found.web_files,
        viewers=found.viewers,
        redundancies=found.redundancies,
        now=utcnow(),
    )
    watched_to = history.current_time(viewer.user if viewer else None, int(found.video.id))
    if watched_to is not None:
        body["userHistory"] = {"currentTime": watched_to}
    # PeerTube's get filter: plugins see (and may change) the video as it is sent.
    return dict(plugins.run_filter("filter:api.video.get.result", body, video=found.video, user=viewer and viewer.user))


@videos_api.route("/api/v1/videos/{video_id}", methods=["PUT"])
def put_video(video_id: str) -> Response:
    request = videos_api.current_request
    user = session(request).user
    fields = multipart_form(request)[0] if media_type(request) == "multipart/form-data" else json_object(request)
    changes = video_edits.read_changes(fields)
    video = video_cases.find_video(video_id)
    video_edits.update_video(video, user, changes, utcnow())
    return no_content()


@videos_api.route("/api/v1/videos/{video_id}/description", methods=["GET"])
def get_description(video_id: str) -> dict[str, Any]:
    """Removed from PeerTube 7 (the details carry the whole description) but still called by
    older clients; answered as PeerTube 6 did."""
    request = videos_api.current_request
    video = video_cases.find_video(video_id)
    viewer = optional_session(request)
    video_cases.check_can_see(video, viewer.user if viewer else None, not video_id.isdigit(), password_header(request))
    return {"description": video.description}


@videos_api.route("/api/v1/videos/{video_id}", methods=["DELETE"])
def delete_video(video_id: str) -> Response:
    user = session(videos_api.current_request).user
    video = video_cases.find_video(video_id)
    video_cases.check_can_delete(video, user)
    video_cases.remove_video(video)
    return no_content()
