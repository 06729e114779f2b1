"""A video's chapters (PeerTube's VideoChapter): `GET`/`PUT /api/v1/videos/{id}/chapters`.

PeerTube (lib/video-chapters.ts, core-utils parseChapters): chapters are set by their owner, or
taken from the description: consecutive lines that start with a timecode (`00:00`, `1:02:03`,
`1h2m3s`) and a space, the rest of the line being the title (cut at 100 characters), and only
when there are at least two. Cirrus stores chapters only once the owner sets them; until then
the description's are read at every GET (the same answer as PeerTube, which copies them at
upload and at each description change while the owner has not set others).

Validation, PeerTube's: a list of `{timecode, title}`, timecodes whole seconds ≥ 0 and unique,
titles 1 to 100 characters, no chapters on a live. Cirrus also refuses a timecode past the end
of a video whose duration is known (PeerTube stores it and its player ignores it).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import events, video_edits
from chalicelib.errors import BadRequestError, ValidationError
from chalicelib.store import captions as store
from chalicelib.store.models.video_stages import LIVE_STAGES

if TYPE_CHECKING:
    from chalicelib.store.models import User, Video

TITLE_MAX = 100
MAX_CHAPTERS = 500  # PeerTube has no limit; a list this long is no table of contents
INVALID = "Chapters must have a valid title and timecode, and each timecode must be unique"
_TIMECODE = re.compile(r"^((?:\d+[h:])?(?:\d+[m:])?\d+s?)\s")
_UNITS = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


def chapters_of(video: Video) -> list[dict[str, Any]]:
    """VC4, or the description's when the owner set none."""
    stored = store.get_chapters(int(video.id))
    found = stored if stored is not None else parse_description(video.description or "")
    return sorted(found, key=lambda c: int(c["timecode"]))


def parse_description(text: str) -> list[dict[str, Any]]:
    """PeerTube's parseChapters: the first run of lines opening with a timecode, if it has
    more than one line."""
    found: list[dict[str, Any]] = []
    for line in re.split(r"\r?\n|\r", text):
        matched = _TIMECODE.match(line)
        if matched is None:
            if found:
                break
            continue
        found.append({"timecode": time_to_int(matched.group(1)), "title": line[len(matched.group(0)) :][:TITLE_MAX]})
    return found if len(found) > 1 else []


def time_to_int(text: str) -> int:
    """`1h2m3s` or `1:02:03` as seconds (PeerTube's timeToInt)."""
    units = _UNITS.match(text)
    if units:
        hours, minutes, seconds = (int(part or 0) for part in units.groups())
        return hours * 3600 + minutes * 60 + seconds
    total = 0
    for multiplier, part in zip((1, 60, 3600), reversed(text.split(":")), strict=False):
        if not part.isdigit():
            return 0
        total += multiplier * int(part)
    return total


def read_body(body: Any) -> list[tuple[int, str]]:
    """The `chapters` of a PUT body, checked as PeerTube's areVideoChaptersValid."""
    chapters = body.get("chapters") if isinstance(body, dict) else None
    if not isinstance(chapters, list) or len(chapters) > MAX_CHAPTERS:
        raise ValidationError({"chapters": INVALID})
    parsed: list[tuple[int, str]] = []
    for chapter in chapters:
        if not isinstance(chapter, dict):
            raise ValidationError({"chapters": INVALID})
        timecode, title = chapter.get("timecode"), chapter.get("title")
        if isinstance(timecode, bool) or not isinstance(timecode, int | str) or not str(timecode).isdigit():
            raise ValidationError({"chapters": INVALID})
        if not isinstance(title, str) or not 1 <= len(title) <= TITLE_MAX:
            raise ValidationError({"chapters": INVALID})
        parsed.append((int(timecode), title))
    if len({timecode for timecode, _ in parsed}) != len(parsed):
        raise ValidationError({"chapters": INVALID})
    return sorted(parsed)


def replace(video: Video, user: User, chapters: list[tuple[int, str]], now: datetime) -> None:
    """PUT /videos/{id}/chapters: all of them at once (an empty list: none, whatever the
    description says)."""
    if video.stage in LIVE_STAGES:
        raise BadRequestError("You cannot add chapters to a live video")
    video_edits.check_can_manage(video, user)
    duration = int(video.duration or 0)
    if duration and any(timecode > duration for timecode, _ in chapters):
        raise ValidationError({"chapters": "Chapter timecodes must be within the video duration"})
    store.set_chapters(int(video.id), chapters, now)
    events.emit(events.VideoChanged(video, video))
