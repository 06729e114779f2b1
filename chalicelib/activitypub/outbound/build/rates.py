"""Like, Dislike and their Undo, sent to a remote video's origin only (as PeerTube)."""

from __future__ import annotations

from typing import Any

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.common import with_context


def rate_id(account_url: str, rating: str, video_id: int) -> str:
    return f"{account_url}/{'likes' if rating == 'like' else 'dislikes'}/{video_id}"


def rate(rating: str, account_url: str, video_url: str, video_id: int, owner_url: str) -> dict[str, Any]:
    return with_context(context_for("Rate"), _rate(rating, account_url, video_url, video_id, owner_url))


def undo_rate(rating: str, account_url: str, video_url: str, video_id: int, owner_url: str) -> dict[str, Any]:
    undone = _rate(rating, account_url, video_url, video_id, owner_url)
    return with_context(
        context_for("Rate"),
        {
            "to": [owner_url],
            "cc": [],
            "type": "Undo",
            "id": f"{undone['id']}/undo",
            "actor": account_url,
            "object": undone,
        },
    )


def _rate(rating: str, account_url: str, video_url: str, video_id: int, owner_url: str) -> dict[str, Any]:
    return {
        "to": [owner_url],
        "cc": [],
        "id": rate_id(account_url, rating, video_id),
        "type": "Like" if rating == "like" else "Dislike",
        "actor": account_url,
        "object": video_url,
    }
