"""Follow, Undo(Follow), Accept and Reject. None of them has an audience; each goes to one
actor's own inbox (PeerTube drops an Accept or Reject that arrives on a shared inbox)."""

from __future__ import annotations

from typing import Any

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.common import PUBLIC, with_context


def follow_id(follower_url: str, target_id: int) -> str:
    return f"{follower_url}/follows/{target_id}"


def follow(activity_id: str, follower_url: str, target_url: str) -> dict[str, Any]:
    return with_context(context_for("Follow"), _follow_object(activity_id, follower_url, target_url))


def undo_follow(activity_id: str, follower_url: str, target_url: str) -> dict[str, Any]:
    return with_context(
        context_for("Follow"),
        {
            "to": [PUBLIC],
            "cc": [f"{follower_url}/followers"],
            "type": "Undo",
            "id": f"{activity_id}/undo",
            "actor": follower_url,
            "object": _follow_object(activity_id, follower_url, target_url),
        },
    )


def accept(accept_id: str, follow_activity_id: str, follower_url: str, target_url: str) -> dict[str, Any]:
    return _answer("Accept", accept_id, follow_activity_id, follower_url, target_url)


def reject(reject_id: str, follow_activity_id: str, follower_url: str, target_url: str) -> dict[str, Any]:
    return _answer("Reject", reject_id, follow_activity_id, follower_url, target_url)


def _answer(kind: str, answer_id: str, follow_activity_id: str, follower_url: str, target_url: str) -> dict[str, Any]:
    """The followed actor's Accept or Reject, with the Follow it answers embedded."""
    return with_context(
        context_for(kind),
        {
            "type": kind,
            "id": answer_id,
            "actor": target_url,
            "object": _follow_object(follow_activity_id, follower_url, target_url),
        },
    )


def _follow_object(activity_id: str, follower_url: str, target_url: str) -> dict[str, Any]:
    return {"type": "Follow", "id": activity_id, "actor": follower_url, "object": target_url}
