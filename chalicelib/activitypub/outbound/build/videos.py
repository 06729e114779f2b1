"""Create, Update, Delete and Announce of a local video, as PeerTube sends them."""

from __future__ import annotations

from typing import Any

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.common import PUBLIC, with_context


def create(video_object: dict[str, Any], account_url: str) -> dict[str, Any]:
    return with_context(
        context_for("Video"),
        {
            "to": video_object["to"],
            "cc": video_object["cc"],
            "type": "Create",
            "id": f"{video_object['id']}/activity",
            "actor": account_url,
            "object": video_object,
        },
    )


def update(video_object: dict[str, Any], account_url: str) -> dict[str, Any]:
    return with_context(
        context_for("Video"),
        {
            "to": video_object["to"],
            "cc": video_object["cc"],
            "type": "Update",
            "id": f"{video_object['id']}/updates/{video_object['updated']}",
            "actor": account_url,
            "object": video_object,
        },
    )


def delete(video_url: str, account_url: str) -> dict[str, Any]:
    return with_context(
        context_for("Delete"),
        {
            "to": [PUBLIC],
            "cc": [],
            "type": "Delete",
            "id": f"{video_url}/delete",
            "actor": account_url,
            "object": video_url,
        },
    )


def announce(video_url: str, announcer_url: str, announcer_id: int, followers: list[str]) -> dict[str, Any]:
    return with_context(context_for("Announce"), _announce(video_url, announcer_url, announcer_id, followers))


def undo_announce(video_url: str, announcer_url: str, announcer_id: int, followers: list[str]) -> dict[str, Any]:
    """The Announce taken back (a channel that no longer holds the video), as PeerTube's
    sendUndoAnnounce: the Announce itself as the object, the id its own with `/undo`."""
    shared = _announce(video_url, announcer_url, announcer_id, followers)
    return with_context(
        context_for("Announce"),
        {
            "to": [PUBLIC, *followers],
            "cc": [],
            "type": "Undo",
            "id": f"{shared['id']}/undo",
            "actor": announcer_url,
            "object": shared,
        },
    )


def _announce(video_url: str, announcer_url: str, announcer_id: int, followers: list[str]) -> dict[str, Any]:
    return {
        "to": [PUBLIC, *followers],
        "cc": [],
        "type": "Announce",
        "id": f"{video_url}/announces/{announcer_id}",
        "actor": announcer_url,
        "object": video_url,
    }
