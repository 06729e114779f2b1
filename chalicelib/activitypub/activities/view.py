"""View: another instance counted a view of one of this instance's videos."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.inbox.context import Ignored, object_id
from chalicelib.domain.federation_rules import can_federate_video
from chalicelib.domain.views import count_remote_view

if TYPE_CHECKING:
    from chalicelib.activitypub.inbox.context import InboxContext


def handle(activity: dict[str, Any], context: InboxContext) -> None:
    target = object_id(activity.get("object"))
    video = local_objects.local_video(target) if target else None
    if video is None or not can_federate_video(video):
        raise Ignored("View of no federated local video")
    if activity.get("expires") is not None:
        raise Ignored("live viewer counts are not kept")  # PeerTube's viewers protocol, for lives
    count_remote_view(video, str(activity.get("id")), context.now)
