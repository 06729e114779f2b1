"""Channel collaborators (domain/collaborators.py), PeerTube 8's routes:
`GET /api/v1/video-channels/{handle}/collaborators`, `POST .../collaborators/invite`,
`POST .../collaborators/{id}/accept` and `/reject`, `DELETE .../collaborators/{id}`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import iso
from chalicelib.api.video_shapes import account_summary
from chalicelib.config import get_settings
from chalicelib.domain import collaborators, oauth
from chalicelib.domain.channels import get_channel_or_404
from chalicelib.store import actors

if TYPE_CHECKING:
    from chalice.app import Response

    from chalicelib.store.models import ChannelCollaborator

channel_collaborators_api = ApiBlueprint(__name__)


@channel_collaborators_api.route("/api/v1/video-channels/{handle}/collaborators", methods=["GET"])
def list_collaborators(handle: str) -> dict[str, Any]:
    user = session(channel_collaborators_api.current_request).user
    channel = get_channel_or_404(get_settings(), handle)
    shown = _collaborators_json(collaborators.list_collaborators(user, channel))
    return {"total": len(shown), "data": shown}


@channel_collaborators_api.route("/api/v1/video-channels/{handle}/collaborators/invite", methods=["POST"])
def invite_collaborator(handle: str) -> dict[str, Any]:
    request = channel_collaborators_api.current_request
    user = session(request).user
    settings = get_settings()
    channel = get_channel_or_404(settings, handle)
    invited = collaborators.invite(settings, user, channel, json_object(request), oauth.utcnow())
    return {"collaborator": _collaborators_json([invited])[0]}


@channel_collaborators_api.route(
    "/api/v1/video-channels/{handle}/collaborators/{collaborator_id}/accept", methods=["POST"]
)
def accept_collaboration(handle: str, collaborator_id: str) -> Response:
    return _answer(handle, collaborator_id, accepted=True)


@channel_collaborators_api.route(
    "/api/v1/video-channels/{handle}/collaborators/{collaborator_id}/reject", methods=["POST"]
)
def reject_collaboration(handle: str, collaborator_id: str) -> Response:
    return _answer(handle, collaborator_id, accepted=False)


@channel_collaborators_api.route("/api/v1/video-channels/{handle}/collaborators/{collaborator_id}", methods=["DELETE"])
def remove_collaborator(handle: str, collaborator_id: str) -> Response:
    user = session(channel_collaborators_api.current_request).user
    collaborators.remove(user, get_channel_or_404(get_settings(), handle), collaborator_id)
    return no_content()


def _answer(handle: str, collaborator_id: str, *, accepted: bool) -> Response:
    user = session(channel_collaborators_api.current_request).user
    channel = get_channel_or_404(get_settings(), handle)
    collaborators.answer(user, channel, collaborator_id, accepted, oauth.utcnow())
    return no_content()


def _collaborators_json(found: list[ChannelCollaborator]) -> list[dict[str, Any]]:
    """PeerTube's VideoChannelCollaborator; an account deleted since is left out."""
    settings = get_settings()
    accounts = actors.get_actors({int(c.account_id) for c in found})
    shown: list[dict[str, Any]] = []
    for collaborator in found:
        account = accounts.get(int(collaborator.account_id))
        if account is None or account.deleting_at is not None:
            continue
        shown.append(
            {
                "id": int(collaborator.id),
                "account": account_summary(account, settings),
                "state": collaborators.state_json(collaborator),
                "createdAt": iso(collaborator.created_at),
                "updatedAt": iso(collaborator.updated_at),
            }
        )
    return shown
