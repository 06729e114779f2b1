"""Follow, Undo(Follow), Accept and Reject, each sent to the other side's own inbox and
signed by the local actor it is from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.outbound.build import follows as activities

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Follow


def send_follow(activity_id: str, follower: Actor, target: Actor) -> None:
    document = activities.follow(activity_id, str(follower.url), str(target.url))
    outbox.broadcast(document, int(follower.id), inboxes=[str(target.inbox_url)])


def send_undo_follow(follow_url: str, follower: Actor, target: Actor) -> None:
    document = activities.undo_follow(follow_url, str(follower.url), str(target.url))
    outbox.broadcast(document, int(follower.id), inboxes=[str(target.inbox_url)])


def send_accept(follow: Follow, follower: Actor, target: Actor, instance_url: str) -> None:
    accept_id = f"{instance_url}/accepts/follows/{int(follower.id)}-{int(target.id)}"
    document = activities.accept(accept_id, str(follow.url), str(follower.url), str(target.url))
    outbox.broadcast(document, int(target.id), inboxes=[str(follower.inbox_url)])


def send_reject(follow_url: str, follower: Actor, target: Actor, instance_url: str, stamp: str) -> None:
    reject_id = f"{instance_url}/rejects/follows/{stamp}"
    document = activities.reject(reject_id, follow_url, str(follower.url), str(target.url))
    outbox.broadcast(document, int(target.id), inboxes=[str(follower.inbox_url)])
