"""The videos of a playlist: list, add, change timestamps, remove, reorder."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import optional_session, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.playlist_shapes import element_json
from chalicelib.api.request import json_object, pagination
from chalicelib.api.responses import no_content
from chalicelib.api.video_passwords import password_header
from chalicelib.config import get_settings
from chalicelib.domain import oauth
from chalicelib.domain import playlist_elements as elements
from chalicelib.domain import playlists as cases
from chalicelib.domain.playlist_forms import position_reason
from chalicelib.domain.roles import Right
from chalicelib.domain.short_uuid import from_short
from chalicelib.domain.validation import Checks
from chalicelib.domain.videos import UUID_V4, check_can_see, find_video
from chalicelib.errors import ValidationError
from chalicelib.store import catalog

if TYPE_CHECKING:
    from chalice.app import Response

playlist_elements_api = ApiBlueprint(__name__)

ELEMENT_ID = "Should have an element id/uuid/short uuid"


@playlist_elements_api.route("/api/v1/video-playlists/{playlist_id}/videos", methods=["GET"])
def list_elements(playlist_id: str) -> dict[str, Any]:
    request = playlist_elements_api.current_request
    found = cases.find_playlist(playlist_id)
    viewer_session = optional_session(request)
    viewer = viewer_session.user if viewer_session else None
    cases.check_can_read(found, lambda: viewer)
    # There is no sort here: PeerTube ignores the parameter.
    ignored = dict(request.query_params or {}).get("sort")
    page = pagination(request, (ignored.removeprefix("-"),) if ignored else (), "-")
    shown = elements.page(found.playlist, page.start, page.count)
    state = catalog.current()
    settings = get_settings()
    data = []
    for element in shown:
        video = state.videos.get(int(element.video_id))
        data.append(element_json(element, elements.element_type(video, viewer), video, state.actors, settings))
    return {"total": int(found.playlist.videos_length), "data": data}


@playlist_elements_api.route("/api/v1/video-playlists/{playlist_id}/videos", methods=["POST"])
def add_element(playlist_id: str) -> dict[str, Any]:
    request = playlist_elements_api.current_request
    user = session(request).user
    body = json_object(request)
    video_ref = body.get("videoId")
    invalid: dict[str, str] = {}
    if not _is_video_reference(video_ref):
        invalid["videoId"] = "Should have a valid video id/uuid/short uuid"
    times = _timestamps(body, invalid)
    found = cases.find_playlist(playlist_id)
    video = find_video(str(video_ref), field="videoId")
    cases.check_can_manage(found.playlist, user, Right.UPDATE_ANY_VIDEO_PLAYLIST)
    # Only a video the caller may see: otherwise the playlist would show it (an unlisted one
    # named by its sequential id) or its thumbnail and URL to whoever reads the playlist.
    check_can_see(video, user, by_uuid=not str(video_ref).isdigit(), password=password_header(request))
    element = elements.add(get_settings().instance_url, found.playlist, video, times, oauth.utcnow())
    return {"videoPlaylistElement": {"id": int(element.id)}}


@playlist_elements_api.route("/api/v1/video-playlists/{playlist_id}/videos/reorder", methods=["POST"])
def reorder_elements(playlist_id: str) -> Response:
    request = playlist_elements_api.current_request
    user = session(request).user
    body = json_object(request)
    checks = Checks()
    checks.require(body, "startPosition", lambda value: position_reason(value, 1))
    checks.require(body, "insertAfterPosition", lambda value: position_reason(value, 0))
    checks.optional(body, "reorderLength", lambda value: position_reason(value, 1))
    found = cases.find_playlist(playlist_id)  # the id's own check comes first in PeerTube's chain
    checks.raise_if_any()
    cases.check_can_manage(found.playlist, user, Right.UPDATE_ANY_VIDEO_PLAYLIST)
    start, insert_after = int(float(str(body["startPosition"]))), int(float(str(body["insertAfterPosition"])))
    length = int(float(str(body["reorderLength"]))) if body.get("reorderLength") is not None else None
    elements.check_reorder(found.playlist, start, insert_after, length)
    elements.reorder(found.playlist, start, insert_after, length or 1, oauth.utcnow())
    return no_content()


@playlist_elements_api.route("/api/v1/video-playlists/{playlist_id}/videos/{element_id}", methods=["PUT"])
def update_element(playlist_id: str, element_id: str) -> Response:
    request = playlist_elements_api.current_request
    user = session(request).user
    times = _element_request(element_id, json_object(request))
    found = cases.find_playlist(playlist_id)
    element = elements.locate(found.playlist, int(element_id))
    cases.check_can_manage(found.playlist, user, Right.UPDATE_ANY_VIDEO_PLAYLIST)
    elements.update(found.playlist, element, times, oauth.utcnow())
    return no_content()


@playlist_elements_api.route("/api/v1/video-playlists/{playlist_id}/videos/{element_id}", methods=["DELETE"])
def remove_element(playlist_id: str, element_id: str) -> Response:
    user = session(playlist_elements_api.current_request).user
    _element_request(element_id, {})
    found = cases.find_playlist(playlist_id)
    element = elements.locate(found.playlist, int(element_id))
    cases.check_can_manage(found.playlist, user, Right.UPDATE_ANY_VIDEO_PLAYLIST)
    elements.remove(found.playlist, element, oauth.utcnow())
    return no_content()


def _is_video_reference(value: Any) -> bool:
    """An id, a UUID v4 or a short UUID (PeerTube's toCompleteUUID then isIdOrUUIDValid)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return False
    text = str(value)
    candidate = from_short(text) if len(text) == 22 else text
    return bool(candidate) and (str(candidate).isdigit() or bool(UUID_V4.match(str(candidate))))


def _element_request(element_id: str, body: dict[str, Any]) -> elements.Timestamps:
    invalid: dict[str, str] = {}
    if not element_id.isdigit() or len(element_id) > 15:
        invalid["playlistElementId"] = ELEMENT_ID
    return _timestamps(body, invalid)


def _timestamps(body: dict[str, Any], invalid: dict[str, str]) -> elements.Timestamps:
    """The element's timestamps; every invalid field of the request (`invalid` holds the
    others already found) refused together, as PeerTube reports them."""
    try:
        times = elements.read_timestamps(body)
    except ValidationError as error:
        invalid.update(error.invalid_params)
    if invalid:
        raise ValidationError(invalid)
    return times
