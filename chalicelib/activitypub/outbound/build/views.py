"""The View activity PeerTube sends to a remote video's origin when a view of it is counted:
from the instance actor, so that no viewer is named."""

from __future__ import annotations

from typing import Any

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.common import with_context


def view(server_url: str, video_url: str, video_id: int, view_id: str, origin_account_url: str) -> dict[str, Any]:
    return with_context(
        context_for("View"),
        {
            "to": [origin_account_url],
            "cc": [],
            "id": f"{server_url}/views/videos/{video_id}/{view_id}",
            "type": "View",
            "actor": server_url,
            "object": video_url,
        },
    )
