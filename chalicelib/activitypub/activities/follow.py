"""Follow: a remote actor follows this instance, one of its accounts or one of its channels.

Instance follows obey the instance's settings (refused, held for approval, or accepted);
account and channel follows are accepted, as in PeerTube. A Follow seen again gets the same
answer again (the remote may have missed the first), and is never stored twice.
"""

from __future__ import annotations

from typing import Any

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.follows import follow_back
from chalicelib.activitypub.inbox.context import Ignored, InboxContext, object_id
from chalicelib.activitypub.outbound.send_follows import send_accept, send_reject
from chalicelib.activitypub.remote.parse.checks import InvalidDocument, url
from chalicelib.domain import events
from chalicelib.domain.instance_follows import follower_stats, is_instance_actor
from chalicelib.store import follows
from chalicelib.store.models.follow import STATE_ACCEPTED, STATE_PENDING, STATE_REJECTED


def handle(activity: dict[str, Any], context: InboxContext) -> None:
    target_url = object_id(activity.get("object"))
    target = local_objects.local_actor(target_url) if target_url else None
    if target is None:
        raise Ignored("Follow of an actor that is not local")
    try:
        activity_id = url(activity.get("id"), "id")
    except InvalidDocument as exc:
        raise Ignored(str(exc)) from None
    follower = context.actor
    instance_url = context.settings.instance_url
    state = STATE_ACCEPTED
    if is_instance_actor(target):
        if not context.settings.federation.accept_instance_followers:
            send_reject(activity_id, follower, target, instance_url, context.now.isoformat())
            return
        if context.settings.federation.approve_instance_followers_manually:
            state = STATE_PENDING
    existing = follows.get_follow(int(follower.id), int(target.id))
    if existing is None:
        created = follows.follow(
            int(follower.id),
            int(target.id),
            state,
            context.now,
            url=activity_id,
            follower_inbox=str(follower.shared_inbox_url or follower.inbox_url),
            stats=follower_stats(target, 1),
        )
        if created is not None:
            events.emit(events.ActorFollowed(created))
        existing = follows.get_follow(int(follower.id), int(target.id))
        if existing is None:
            return  # removed meanwhile
    if existing.state == STATE_REJECTED:
        send_reject(activity_id, follower, target, instance_url, context.now.isoformat())
    elif existing.state == STATE_ACCEPTED:
        send_accept(existing, follower, target, instance_url)
        follow_back(follower, target, context.settings, context.now)
