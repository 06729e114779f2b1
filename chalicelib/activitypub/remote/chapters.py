"""A remote video's chapters, as PeerTube federates them: the Video's `hasParts` names a
Chapters object on the video's host, whose `hasPart` lists `{name, startOffset, endOffset}`.
PeerTube fetches it each time it stores the video; so does Cirrus, and keeps the chapters where
a local video's are (store/captions.py, one item), for `GET /api/v1/videos/{id}/chapters`.

A chapters document that cannot be fetched or read leaves the chapters stored before: the
video itself is never refused for them. Entries that break PeerTube's rules for chapters
(a title of 1 to 100 characters, a whole timecode ≥ 0, unique) are left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.errors import RemoteFetchError
from chalicelib.activitypub.net.fetch import fetch_document
from chalicelib.activitypub.remote.parse.checks import InvalidDocument, as_list
from chalicelib.domain.chapters import MAX_CHAPTERS, TITLE_MAX
from chalicelib.observability import logger
from chalicelib.store import captions as store

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.store.models import Video


def refresh(video: Video, chapters_url: str | None, now: datetime) -> None:
    """Store the chapters `chapters_url` lists (none: nothing changes)."""
    if chapters_url is None:
        return
    try:
        document = fetch_document(chapters_url)
        found = parse_chapters(document, int(video.duration or 0))
    except (RemoteFetchError, InvalidDocument) as exc:
        logger.warning("remote chapters not read", extra={"video": str(video.url), "error": str(exc)})
        return
    stored = store.get_chapters(int(video.id)) or []
    if found != [(int(str(c["timecode"])), str(c["title"])) for c in stored]:
        store.set_chapters(int(video.id), found, now)


def parse_chapters(document: Any, duration: int) -> list[tuple[int, str]]:
    """(timecode, title) by timecode; past the video's end (when known) left out."""
    if not isinstance(document, dict):
        raise InvalidDocument("the chapters are not an object")
    found: dict[int, str] = {}
    for part in as_list(document.get("hasPart"))[: MAX_CHAPTERS * 2]:
        if not isinstance(part, dict) or len(found) >= MAX_CHAPTERS:
            continue
        name, start = part.get("name"), part.get("startOffset")
        if not isinstance(name, str) or not 1 <= len(name) <= TITLE_MAX:
            continue
        if isinstance(start, bool) or not isinstance(start, int) or start < 0 or start in found:
            continue
        if duration and start > duration:
            continue
        found[start] = name
    return sorted(found.items())
