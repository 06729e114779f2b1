"""Create, Update and Delete of a local playlist, as PeerTube sends them."""

from __future__ import annotations

from typing import Any

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.common import with_context


def create(playlist_object: dict[str, Any], account_url: str) -> dict[str, Any]:
    return _wrap("Create", f"{playlist_object['id']}/activity", playlist_object, account_url)


def update(playlist_object: dict[str, Any], account_url: str) -> dict[str, Any]:
    activity_id = f"{playlist_object['id']}/updates/{playlist_object['updated']}"
    return _wrap("Update", activity_id, playlist_object, account_url)


def delete(playlist_url: str, account_url: str) -> dict[str, Any]:
    """No audience: PeerTube sends a playlist's Delete without one."""
    return with_context(
        context_for("Delete"),
        {"type": "Delete", "id": f"{playlist_url}/delete", "actor": account_url, "object": playlist_url},
    )


def _wrap(kind: str, activity_id: str, playlist_object: dict[str, Any], account_url: str) -> dict[str, Any]:
    return with_context(
        context_for("Playlist"),
        {
            "to": playlist_object["to"],
            "cc": playlist_object["cc"],
            "type": kind,
            "id": activity_id,
            "actor": account_url,
            "object": playlist_object,
        },
    )
