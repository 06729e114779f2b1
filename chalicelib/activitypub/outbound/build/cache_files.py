"""CacheFile activities, as PeerTube sends them from its instance actor: Create when a mirror
of a remote video's HLS playlist is ready, Update when its expiry moves, Undo of the Create
when it is dropped."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.common import with_context

HLS_MEDIA_TYPE = "application/x-mpegURL"


def cache_file(cache_file_id: str, video_url: str, base_url: str, expires_at: datetime | None) -> dict[str, Any]:
    """PeerTube's CacheFileObject of a mirrored HLS playlist: `url.href` is the mirror's base
    URL, below which the origin's file names are served."""
    return {
        "id": cache_file_id,
        "type": "CacheFile",
        "object": video_url,
        "expires": _iso(expires_at),
        "url": {"type": "Link", "mediaType": HLS_MEDIA_TYPE, "href": base_url},
    }


def create(server_url: str, document: dict[str, Any], audience: list[str]) -> dict[str, Any]:
    return with_context(context_for("CacheFile"), _activity("Create", server_url, document, audience))


def update(server_url: str, document: dict[str, Any], audience: list[str]) -> dict[str, Any]:
    return with_context(context_for("CacheFile"), _activity("Update", server_url, document, audience))


def undo(server_url: str, document: dict[str, Any], audience: list[str]) -> dict[str, Any]:
    created = _activity("Create", server_url, document, audience)
    return with_context(context_for("CacheFile"), _activity("Undo", server_url, created, audience))


def _activity(kind: str, server_url: str, document: dict[str, Any], audience: list[str]) -> dict[str, Any]:
    # Every activity gets its own id: receivers process an id once, and a mirror is refreshed
    # (Update) many times over its life.
    return {
        "type": kind,
        "id": f"{document['id'] if kind != 'Undo' else document['object']['id']}/{kind.lower()}/{uuid.uuid4()}",
        "actor": server_url,
        "to": audience,
        "cc": [],
        "object": document,
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
