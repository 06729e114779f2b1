"""Move: a remote actor says it moved to another actor (Mastodon's account migration,
`{actor: old, object: old, target: new}`).

Believed only when the old actor vouches for it (its signature, and it moves itself) and the
new actor's own document, fetched afresh from its origin, names the old one in `alsoKnownAs`:
anyone can claim to be followed elsewhere, only the new account's owner can say it was the
old one. A target the instance blocks (its account or server) is not followed, nor fetched.
The old actor is then marked moved, and its local followers are moved by the work
queue (activitypub/moves.py), never here: an actor may have thousands of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import local_objects, moves
from chalicelib.activitypub.inbox.context import Ignored, InboxContext, object_id
from chalicelib.activitypub.remote import actors as remote_actors
from chalicelib.activitypub.remote.parse.checks import InvalidDocument, url
from chalicelib.domain import muting
from chalicelib.store import remote_actors as remote_actor_store

if TYPE_CHECKING:
    from chalicelib.store.models import Actor


def handle(activity: dict[str, Any], context: InboxContext) -> None:
    origin = context.actor
    origin_url = str(origin.url)
    if object_id(activity.get("actor")) != origin_url:
        raise Ignored("Move by another actor than the one vouching for it")
    if object_id(activity.get("object")) != origin_url:
        raise Ignored("Move of another actor than its own")
    try:
        target_url = url(object_id(activity.get("target")), "target")
    except InvalidDocument as exc:
        raise Ignored(str(exc)) from None
    if target_url == origin_url:
        raise Ignored("Move to the same actor")
    muted = muting.by_instance()
    if muted and muted.mutes_url(target_url):
        raise Ignored("Move to an account or server blocked by the instance")  # not even fetched
    target = _target(target_url)
    if origin_url not in (target.also_known_as or []):
        raise Ignored("the target does not name the moved actor in alsoKnownAs")
    if target.actor_type != origin.actor_type:
        raise Ignored("Move to an actor of another type")
    if target.moved_to:
        raise Ignored("the target has moved itself")
    if origin.moved_to != target_url:
        origin.moved_to = target_url
        remote_actor_store.save(origin, ("moved_to",))
    moves.queue_move(origin, target)


def _target(target_url: str) -> Actor:
    """The new actor as its origin describes it now: a local one as stored, a remote one
    fetched again (signed, through the address policy), whatever copy we had."""
    if local_objects.is_ours(target_url):
        local = local_objects.local_actor(target_url)
        if local is None or local.deleting_at is not None:
            raise Ignored("Move to no local actor")
        return local
    return remote_actors.resolve(target_url, refresh=True)
