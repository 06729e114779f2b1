"""The video studio: `POST /api/v1/videos/{id}/studio/edit` (domain/studio.py, docs/studio.md).

Tasks come as PeerTube's client sends them, a multipart form (`tasks[0][name]`,
`tasks[0][options][start]`, files as `tasks[0][options][file]`), or as JSON for tasks
without files."""

from __future__ import annotations

from chalice.app import Response

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, media_type, multipart_form
from chalicelib.config import get_settings
from chalicelib.domain import oauth, studio
from chalicelib.domain import videos as video_cases

studio_api = ApiBlueprint(__name__)


@studio_api.route(
    "/api/v1/videos/{video_id}/studio/edit",
    methods=["POST"],
    content_types=["multipart/form-data", "application/json"],
)
def edit(video_id: str) -> Response:
    request = studio_api.current_request
    user = session(request).user
    if media_type(request) == "multipart/form-data":
        fields, uploads = multipart_form(request)
        files = {name: studio.TaskFile(upload.data, upload.filename) for name, upload in uploads.items()}
        body = studio.nested(fields, files)
    else:
        body = json_object(request)
    video = video_cases.find_video(video_id)
    studio.request_edit(get_settings(), video, user, body, oauth.utcnow())
    return Response("", status_code=204)
