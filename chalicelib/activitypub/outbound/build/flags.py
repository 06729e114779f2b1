"""Flag: a report of a remote video, comment or account, sent to its origin only (as PeerTube's
send-flag: by the reporter's account, addressed to the reported account, no public audience)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.common import with_context


def abuse_url(instance_url: str, abuse_id: int) -> str:
    """The id PeerTube gives a local report (its moderation page's address)."""
    return f"{instance_url}/admin/abuses/{abuse_id}"


def flag(
    *,
    activity_id: str,
    reporter_url: str,
    flagged_account_url: str,
    object_url: str,
    reason: str,
    reasons: Sequence[str],
    start_at: int | None = None,
    end_at: int | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "to": [flagged_account_url],
        "cc": [],
        "id": activity_id,
        "actor": reporter_url,
        "type": "Flag",
        "content": reason,
        "mediaType": "text/markdown",
        "object": object_url,
        "tag": [{"type": "Hashtag", "name": name} for name in reasons],
    }
    if start_at is not None:
        body["startAt"] = start_at
    if end_at is not None:
        body["endAt"] = end_at
    return with_context(context_for("Flag"), body)
