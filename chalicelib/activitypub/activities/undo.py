"""Undo: a remote actor takes back an earlier activity of its own: a Follow, a Like, a
Dislike, or the Create of a CacheFile (its mirror of one of our videos is gone)."""

from __future__ import annotations

from typing import Any

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.inbox.context import Ignored, InboxContext, object_id
from chalicelib.activitypub.remote import cache_files, rates
from chalicelib.domain.instance_follows import follower_stats
from chalicelib.store import follows


def handle(activity: dict[str, Any], context: InboxContext) -> None:
    undone = activity.get("object")
    if not isinstance(undone, dict):
        raise Ignored("Undo of an object given by id only")
    if object_id(undone.get("actor")) != str(context.actor.url):
        raise Ignored("Undo of another actor's activity")
    kind = undone.get("type")
    if kind == "Follow":
        _undo_follow(undone, context)
        return
    if kind in ("Like", "Dislike"):
        rates.undo(undone, context, "like" if kind == "Like" else "dislike")
        return
    if kind == "Create" and isinstance(undone.get("object"), dict) and undone["object"].get("type") == "CacheFile":
        cache_files.remove(undone["object"], context)
        return
    raise Ignored(f"Undo of {kind} is not handled")


def _undo_follow(undone: dict[str, Any], context: InboxContext) -> None:
    target_url = object_id(undone.get("object"))
    target = local_objects.local_actor(target_url) if target_url else None
    if target is None:
        raise Ignored("Undo of a follow of no local actor")
    existing = follows.get_follow(int(context.actor.id), int(target.id))
    if existing is not None:
        follows.unfollow(existing, follower_stats(target, -1))
