"""The inbox's blocklist check: activities from a server or an account the instance blocks
are dropped before their handler runs (logged as ignored, never retried); a Follow is
answered with a Reject, as PeerTube answers it.

The instance's blocks come from memory (`domain/muting.py`): no DynamoDB call while they
are fresh. A user's own blocks do not stop activities; they only hide things from that user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.inbox.context import Ignored, object_id
from chalicelib.domain import muting

if TYPE_CHECKING:
    from chalicelib.store.models import Actor


def refuse_if_blocked(actor: Actor, activity: dict[str, Any], forwarder_url: str | None = None) -> None:
    """`actor` vouches for the activity (its signature held); `forwarder_url` is the server's
    actor that POSTed it when that is someone else: a blocked server may not deliver by
    forwarding what others signed."""
    muted = muting.by_instance()
    if muted and (
        muted.mutes_actor(actor)
        or muted.mutes_url(object_id(activity.get("actor")))
        or (forwarder_url is not None and muted.mutes_url(forwarder_url))
    ):
        if activity.get("type") == "Follow":
            _reject(actor, activity)  # PeerTube answers a blocked follower with a Reject
        raise Ignored("from an account or server blocked by the instance")


def _reject(actor: Actor, activity: dict[str, Any]) -> None:
    from chalicelib.activitypub import local_objects
    from chalicelib.activitypub.outbound.send_follows import send_reject
    from chalicelib.config import get_settings
    from chalicelib.domain.oauth import utcnow

    target_url = object_id(activity.get("object"))
    target = local_objects.local_actor(target_url) if target_url else None
    activity_id = object_id(activity)
    if target is not None and activity_id is not None:
        send_reject(activity_id, actor, target, get_settings().instance_url, utcnow().isoformat())
