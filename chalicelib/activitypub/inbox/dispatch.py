"""Processing one queued inbox activity: find its actor, skip what was done already, hand it
to its type's module, and say whether to retry.

Follows and their answers are always processed again (a repeated Follow deserves its Accept
again); every other activity is done once, by its id and the actor vouching for it. Its receipt
is written only once it was done: an activity ignored here (whoever sent it) leaves nothing
that could make a later, acceptable one with the same id look like a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.activities import (
    accept,
    announce,
    create,
    delete,
    dislike,
    flag,
    follow,
    like,
    move,
    reject,
    undo,
    update,
    view,
)
from chalicelib.activitypub.inbox.blocklist_gate import refuse_if_blocked
from chalicelib.activitypub.inbox.context import Ignored, InboxContext
from chalicelib.activitypub.remote import actors as remote_actors
from chalicelib.activitypub.remote.parse.checks import InvalidDocument
from chalicelib.config import get_settings
from chalicelib.domain.oauth import utcnow
from chalicelib.observability import logger
from chalicelib.store import inbox_receipts

if TYPE_CHECKING:
    from chalicelib.activitypub.inbox.message import InboxMessage

Handler = Callable[[dict[str, Any], InboxContext], None]
HANDLERS: dict[str, Handler] = {
    "Follow": follow.handle,
    "Accept": accept.handle,
    "Reject": reject.handle,
    "Undo": undo.handle,
    "Create": create.handle,
    "Update": update.handle,
    "Delete": delete.handle,
    "Announce": announce.handle,
    "Like": like.handle,
    "Dislike": dislike.handle,
    "View": view.handle,
    "Flag": flag.handle,
    "Move": move.handle,
}
ALWAYS_REPROCESSED = frozenset({"Follow", "Accept", "Reject"})


class Outcome(Enum):
    DONE = "done"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"


def process(message: InboxMessage) -> Outcome:
    """Raises to ask for a retry (the actor's server is down, the store refused a write)."""
    activity = message.activity
    kind = str(activity.get("type"))
    activity_id = str(activity.get("id"))
    handler = HANDLERS.get(kind)
    if handler is None:
        logger.info("activity type not handled", extra={"type": kind, "id": activity_id})
        return Outcome.IGNORED
    once = kind not in ALWAYS_REPROCESSED
    if once and inbox_receipts.seen(message.signer_url, activity_id):
        return Outcome.DUPLICATE
    now = utcnow()
    try:
        actor = remote_actors.resolve(message.signer_url)
        # blocklists: the instance's blocks drop it here, also when a blocked server forwards it
        refuse_if_blocked(actor, activity, message.forwarder_url)
        handler(activity, InboxContext(actor, message.inbox_actor_id, get_settings(), now))
    except (Ignored, InvalidDocument) as reason:
        logger.info("activity ignored", extra={"type": kind, "id": activity_id, "reason": str(reason)})
        return Outcome.IGNORED
    if once:
        inbox_receipts.record(message.signer_url, activity_id, now)
    return Outcome.DONE
