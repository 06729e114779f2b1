"""Watch history (PeerTube's users/me/history/videos): list, remove one video, clear."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import form_fields, json_object, media_type, multipart_form, pagination
from chalicelib.api.responses import no_content
from chalicelib.api.video_shapes import video_page_json
from chalicelib.config import get_settings
from chalicelib.domain import history

if TYPE_CHECKING:
    from chalice.app import Request, Response

history_api = ApiBlueprint(__name__)


@history_api.route("/api/v1/users/me/history/videos", methods=["GET"])
def list_history() -> dict[str, Any]:
    request = history_api.current_request
    user = session(request).user
    page = pagination(request, None, "")  # last watched first, whatever `sort` says (PeerTube's)
    search = dict(request.query_params or {}).get("search")
    settings = get_settings()
    found = history.list_history(user, search, page.start, page.count, settings.instance_host)
    return video_page_json(found, settings, with_total=True)


@history_api.route("/api/v1/users/me/history/videos/{video_id}", methods=["DELETE"])
def remove_video(video_id: str) -> Response:
    user = session(history_api.current_request).user
    history.remove_video(user, video_id)
    return no_content()


@history_api.route(
    "/api/v1/users/me/history/videos/remove",
    methods=["POST"],
    content_types=["application/json", "multipart/form-data", "application/x-www-form-urlencoded"],
)
def remove_history() -> Response:
    request = history_api.current_request
    user = session(request).user
    history.remove_before(user, _fields(request))
    return no_content()


def _fields(request: Request) -> dict[str, Any]:
    """PeerTube documents a form; its clients send JSON: both are read."""
    kind = media_type(request)
    if kind == "multipart/form-data":
        return multipart_form(request)[0]
    if kind == "application/x-www-form-urlencoded":
        return dict(form_fields(request))
    return json_object(request)
