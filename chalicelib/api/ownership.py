"""Video ownership changes (domain/ownership.py): `POST /api/v1/videos/{id}/give-ownership`,
`GET /api/v1/videos/ownership`, `POST /api/v1/videos/ownership/{id}/accept` and `/refuse`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination
from chalicelib.api.shapes import account_json, iso
from chalicelib.api.video_shapes import video_json
from chalicelib.config import get_settings
from chalicelib.domain import oauth, ownership
from chalicelib.domain import videos as video_cases
from chalicelib.store import actors, videos
from chalicelib.store.models.ownership_change import OWNERSHIP_STATES

if TYPE_CHECKING:
    from chalicelib.store.models import OwnershipChange

ownership_api = ApiBlueprint(__name__)


@ownership_api.route("/api/v1/videos/{video_id}/give-ownership", methods=["POST"])
def give_ownership(video_id: str) -> Response:
    request = ownership_api.current_request
    user = session(request).user
    body = json_object(request)
    ownership.give(video_cases.find_video(video_id), user, body.get("username"), oauth.utcnow())
    return Response("", status_code=204)


@ownership_api.route("/api/v1/videos/ownership", methods=["GET"])
def list_ownership_changes() -> dict[str, Any]:
    request = ownership_api.current_request
    user = session(request).user
    page = pagination(request, ("createdAt",), "createdAt")  # PeerTube: `sort || 'createdAt'`
    total, changes = ownership.list_changes(user, page.start, page.count, page.sort)
    return {"total": total, "data": _changes_json(changes)}


@ownership_api.route("/api/v1/videos/ownership/{change_id}/accept", methods=["POST"])
def accept_ownership(change_id: str) -> Response:
    request = ownership_api.current_request
    user = session(request).user
    ownership.accept(user, change_id, json_object(request).get("channelId"), oauth.utcnow())
    return Response("", status_code=204)


@ownership_api.route("/api/v1/videos/ownership/{change_id}/refuse", methods=["POST"])
def refuse_ownership(change_id: str) -> Response:
    user = session(ownership_api.current_request).user
    ownership.refuse(user, change_id, oauth.utcnow())
    return Response("", status_code=204)


def _changes_json(changes: list[OwnershipChange]) -> list[dict[str, Any]]:
    """PeerTube's ChangeOwnership: both accounts and the video (in its current hands); 8.2's
    `state` beside the deprecated `status`, and `videoChannel`, set by channel ownership
    changes only (which Cirrus does not offer)."""
    settings = get_settings()
    found_videos = videos.get_videos([int(change.video_id) for change in changes])
    wanted = {int(c.initiator_account_id) for c in changes} | {int(c.next_owner_account_id) for c in changes}
    for video in found_videos.values():
        wanted |= {int(video.account_id), int(video.channel_id)}
    found = actors.get_actors(wanted)
    shown = []
    for change in changes:
        initiator, next_owner = (
            found.get(int(change.initiator_account_id)),
            found.get(int(change.next_owner_account_id)),
        )
        shown_video = found_videos.get(int(change.video_id))
        if initiator is None or next_owner is None or shown_video is None:
            continue  # an account or the video was deleted since
        account, channel = found.get(int(shown_video.account_id)), found.get(int(shown_video.channel_id))
        shown.append(
            {
                "id": int(change.id),
                "state": dict(OWNERSHIP_STATES[str(change.status)]),
                "status": change.status,
                "initiatorAccount": account_json(initiator, settings),
                "nextOwnerAccount": account_json(next_owner, settings),
                "video": video_json(shown_video, account, channel, settings) if account and channel else None,
                "videoChannel": None,
                "createdAt": iso(change.created_at),
            }
        )
    return shown
