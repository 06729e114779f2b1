"""Accept: a remote actor accepted a follow of one of this instance's actors."""

from __future__ import annotations

from typing import Any

from chalicelib.activitypub.inbox.context import Ignored, InboxContext
from chalicelib.activitypub.inbox.follow_lookup import follow_answered
from chalicelib.domain.instance_follows import following_stats
from chalicelib.store import follows


def handle(activity: dict[str, Any], context: InboxContext) -> None:
    follow, follower = follow_answered(activity, context)
    if follows.accept(follow, context.now, following_stats(follower, context.actor, 1)):
        return
    if follow.state != "accepted":
        raise Ignored("the follow changed while it was being accepted")
