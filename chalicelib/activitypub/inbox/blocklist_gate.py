"""The inbox's blocklist check: activities from a server or an account the instance blocks
are dropped before their handler runs (logged as ignored, never retried).

The instance's blocks come from memory (`domain/muting.py`): no DynamoDB call while they
are fresh. A user's own blocks do not stop activities; they only hide things from that user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.inbox.context import Ignored, object_id
from chalicelib.domain import muting

if TYPE_CHECKING:
    from chalicelib.store.models import Actor


def refuse_if_blocked(actor: Actor, activity: dict[str, Any]) -> None:
    """`actor` signed the activity; the activity's own `actor` differs when it was forwarded."""
    muted = muting.by_instance()
    if muted and (muted.mutes_actor(actor) or muted.mutes_url(object_id(activity.get("actor")))):
        raise Ignored("from an account or server blocked by the instance")
