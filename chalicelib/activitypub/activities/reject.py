"""Reject: a remote actor refused (or stopped accepting) a follow by one of this instance's actors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.inbox.follow_lookup import follow_answered
from chalicelib.domain.instance_follows import following_stats
from chalicelib.store import follows

if TYPE_CHECKING:
    from chalicelib.activitypub.inbox.context import InboxContext


def handle(activity: dict[str, Any], context: InboxContext) -> None:
    follow, follower = follow_answered(activity, context)
    follows.reject(follow, context.now, following_stats(follower, context.actor, -1))
