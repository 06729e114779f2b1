"""The passwords of a password-protected video (PeerTube >= 6): list, replace, add, remove,
for its owner and those who may update any video; and the header viewers send."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import iso
from chalicelib.domain import video_edits, video_passwords
from chalicelib.domain.oauth import utcnow
from chalicelib.domain.videos import find_video

if TYPE_CHECKING:
    from chalice.app import Request, Response

    from chalicelib.store.models import Video

video_passwords_api = ApiBlueprint(__name__)


def password_header(request: Request) -> str | None:
    """What the viewer typed for a password-protected video (x-peertube-video-password)."""
    value = request.headers.get(video_passwords.HEADER)
    return value if isinstance(value, str) else None


@video_passwords_api.route("/api/v1/videos/{video_id}/passwords", methods=["GET"])
def list_passwords(video_id: str) -> dict[str, Any]:
    request = video_passwords_api.current_request
    video = _managed(request, video_id)
    page = pagination(request, ("createdAt", "updatedAt", "id"), "createdAt")
    found = video_passwords.listing(video)
    if page.sort.startswith("-"):
        found.reverse()
    shown = found[page.start : page.start + page.count]
    return {"total": len(found), "data": [_password_json(p) for p in shown]}


@video_passwords_api.route("/api/v1/videos/{video_id}/passwords", methods=["PUT"])
def replace_passwords(video_id: str) -> Response:
    request = video_passwords_api.current_request
    video = _managed(request, video_id)
    video_passwords.replace(video, json_object(request), utcnow())
    return no_content()


@video_passwords_api.route("/api/v1/videos/{video_id}/passwords", methods=["POST"])
def add_password(video_id: str) -> Response:
    request = video_passwords_api.current_request
    video = _managed(request, video_id)
    video_passwords.add(video, json_object(request), utcnow())
    return no_content()


@video_passwords_api.route("/api/v1/videos/{video_id}/passwords/{password_id}", methods=["DELETE"])
def remove_password(video_id: str, password_id: str) -> Response:
    video = _managed(video_passwords_api.current_request, video_id)
    video_passwords.remove(video, password_id)
    return no_content()


def _managed(request: Request, video_id: str) -> Video:
    user = session(request).user
    video = find_video(video_id)
    video_edits.check_can_manage(video, user)
    return video


def _password_json(password: Any) -> dict[str, Any]:
    return {
        "id": int(password.id),
        "password": password.password,
        "videoId": int(password.video_id),
        "createdAt": iso(password.created_at),
        "updatedAt": iso(password.updated_at),
    }
