"""A comment as PeerTube's Note, its Create and its Delete."""

from __future__ import annotations

from typing import Any

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.common import PUBLIC, ap_date, with_context


def note(
    comment_url: str, text: str, in_reply_to: str, author_url: str, published: Any, updated: Any
) -> dict[str, Any]:
    return {
        "to": [PUBLIC],
        "cc": [f"{author_url}/followers"],
        "type": "Note",
        "id": comment_url,
        "content": text,
        "mediaType": "text/markdown",
        "inReplyTo": in_reply_to,
        "updated": ap_date(updated),
        "published": ap_date(published),
        "url": comment_url,
        "attributedTo": author_url,
        "tag": [],
    }


def create_note(note_object: dict[str, Any]) -> dict[str, Any]:
    return with_context(
        context_for("Comment"),
        {
            "to": note_object["to"],
            "cc": note_object["cc"],
            "type": "Create",
            "id": f"{note_object['id']}/activity",
            "actor": note_object["attributedTo"],
            "object": note_object,
        },
    )


def delete_note(comment_url: str, actor_url: str, activity_id: str | None = None) -> dict[str, Any]:
    """PeerTube's Delete of a comment: by its author, or by the video's owner account when
    the author is on another server. PeerTube's id is the comment's URL and `/delete`; for a
    comment made elsewhere the caller gives one on the actor's own host, which servers that
    want an activity's id on its actor's host accept too."""
    return with_context(
        context_for("Delete"),
        {
            "to": [PUBLIC],
            "cc": [f"{actor_url}/followers"],
            "type": "Delete",
            "id": activity_id or f"{comment_url}/delete",
            "actor": actor_url,
            "object": comment_url,
        },
    )
