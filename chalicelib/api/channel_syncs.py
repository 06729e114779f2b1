"""Channel synchronisation (PeerTube's Channels Sync): create, delete and trigger a sync,
list an account's, and import an external channel's videos into a channel. The listing and
the imports run in the work queue (domain/channel_syncs.py); see docs/imports.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object
from chalicelib.api.shapes import iso
from chalicelib.api.video_shapes import channel_summary
from chalicelib.config import get_settings
from chalicelib.domain import channel_syncs, channels, oauth
from chalicelib.store import actors

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, ChannelSync

channel_syncs_api = ApiBlueprint(__name__)


@channel_syncs_api.route("/api/v1/video-channel-syncs", methods=["POST"])
def create_sync() -> dict[str, Any]:
    request = channel_syncs_api.current_request
    user = session(request).user
    sync = channel_syncs.create(get_settings(), user, json_object(request), oauth.utcnow())
    channel = actors.get_actor(int(sync.channel_id))
    assert channel is not None  # checked by create
    return {"videoChannelSync": sync_json(sync, channel)}


@channel_syncs_api.route("/api/v1/video-channel-syncs/{sync_id}", methods=["DELETE"])
def delete_sync(sync_id: str) -> Response:
    user = session(channel_syncs_api.current_request).user
    channel_syncs.delete(get_settings(), user, sync_id)
    return Response(body="", status_code=204)


@channel_syncs_api.route("/api/v1/video-channel-syncs/{sync_id}/sync", methods=["POST"])
def trigger_sync(sync_id: str) -> Response:
    user = session(channel_syncs_api.current_request).user
    channel_syncs.trigger(get_settings(), user, sync_id)
    return Response(body="", status_code=204)


@channel_syncs_api.route("/api/v1/accounts/{name}/video-channel-syncs", methods=["GET"])
def list_account_syncs(name: str) -> dict[str, Any]:
    request = channel_syncs_api.current_request
    user = session(request).user
    settings = get_settings()
    account = channels.get_account_or_404(settings, name)
    total, page, by_id = channel_syncs.list_for_account(settings, user, account, dict(request.query_params or {}))
    data = [sync_json(sync, by_id[int(sync.channel_id)]) for sync in page if int(sync.channel_id) in by_id]
    return {"total": total, "data": data}


@channel_syncs_api.route("/api/v1/video-channels/{handle}/import-videos", methods=["POST"])
def import_videos(handle: str) -> Response:
    request = channel_syncs_api.current_request
    user = session(request).user
    settings = get_settings()
    channel = channels.get_channel_or_404(settings, handle)
    channel_syncs.import_videos(settings, user, channel, json_object(request))
    return Response(body="", status_code=204)


def sync_json(sync: ChannelSync, channel: Actor) -> dict[str, Any]:
    """PeerTube's VideoChannelSync."""
    return {
        "id": int(sync.id),
        "state": channel_syncs.state_json(sync),
        "externalChannelUrl": sync.external_channel_url,
        "createdAt": iso(sync.created_at),
        "lastSyncAt": iso(sync.last_sync_at),
        "channel": channel_summary(channel, get_settings()),
    }
