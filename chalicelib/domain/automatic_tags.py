"""Automatic tags (PeerTube's AutomaticTagger): what a comment's (or a video's) text is
tagged with, which tags an account may use, and the account's policy of holding tagged
comments on its videos for review.

A text gets `external-link` when it links to another host, and one tag per watched-word list
that matches it (domain/watched_words.py). A comment is tagged twice over: by the lists of
the video's owner account (what the owner sees, and what its policy acts on) and by the
instance's lists (what the staff see). A video's name and description are tagged by the
instance's lists (PeerTube's buildVideoAutomaticTags), for the staff's video list
(`autoTagOneOf`, and `automaticTags` with `include` flag 64): when a local video is uploaded,
changed or published (an import takes its name then), and when a remote one is stored, by a
work task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chalicelib.config import get_settings
from chalicelib.domain import events, watched_words
from chalicelib.errors import BadRequestError, ValidationError
from chalicelib.store import actors, moderation, queues, video_autotags, videos

if TYPE_CHECKING:
    from chalicelib.store.models import Video

EXTERNAL_LINK = "external-link"  # PeerTube's only core tag
CORE_TAGS = (EXTERNAL_LINK,)

# What linkify-it (PeerTube's link finder) takes for a link: a URL with a scheme, a `www.`
# address, or a bare host whose last label is one of its default top-level domains or any
# two letters (a country's).
_SCHEMED = r"(?i)\b(?:https?|ftp)://([^\s/?#<>\"']+)"
_WWW = r"(?i)(?<![\w.@/-])(www\.[^\s/?#<>\"']+)"
_FUZZY_TLDS = "biz|com|edu|gov|net|org|pro|web|xxx|aero|asia|coop|info|museum|name|shop|рф|[a-z]{2}"
_BARE = (
    rf"(?i)(?<![\w.@/:-])((?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?\.)+"
    rf"(?:{_FUZZY_TLDS}))(?::\d+)?(?![\w@-])"
)


@cache
def _link_finders() -> tuple[re.Pattern[str], ...]:
    # Compiled on first use, not at import: the bare host's case-insensitive class over most of
    # Unicode takes 18 ms to compile, 4 % of the API function's cold import (issue #24).
    return tuple(re.compile(pattern) for pattern in (_SCHEMED, _WWW, _BARE))


@dataclass(frozen=True)
class CommentTags:
    owner: list[str]  # by the video owner account's lists
    server: list[str]  # by the instance's lists


def links_elsewhere(text: str | None, own_host: str) -> bool:
    """PeerTube's hasExternalLinks: some link in the text whose host is not this instance's."""
    if not text:
        return False
    hosts = [m.group(1) for finder in _link_finders() for m in finder.finditer(text)]
    for host in hosts:
        parsed = urlsplit(f"//{host.rstrip('.,;:!?)')}")
        if (parsed.netloc or "").lower() != own_host.lower():
            return True
    return False


def tags_of(
    text: str | None, account_id: int, own_host: str, found: moderation.AccountModeration | None = None
) -> list[str]:
    """The tags an account's lists (and the core tag) give a text, in PeerTube's order."""
    lists = (found or moderation.read_account(account_id)).lists
    tags = [str(item.list_name) for item in lists if watched_words.matches(list(item.words or []), text)]
    if EXTERNAL_LINK not in tags and links_elsewhere(text, own_host):
        tags.append(EXTERNAL_LINK)
    return tags


def comment_tags(video: Video, text: str, own_host: str) -> tuple[CommentTags, list[str]]:
    """A new comment's tags, and the review policy of the video's owner account (two Queries)."""
    owner_id = int(video.account_id)
    owner = moderation.read_account(owner_id) if video.is_local else moderation.AccountModeration()
    server = tags_of(text, actors.server_actor_id(), own_host)
    return CommentTags(tags_of(text, owner_id, own_host, owner), server), owner.review


def video_tags(video: Video, own_host: str) -> list[str]:
    """A video's tags by the instance's lists: its name's, then its description's (one Query)."""
    server_id = actors.server_actor_id()
    lists = moderation.read_account(server_id)
    found = tags_of(video.name, server_id, own_host, lists) + tags_of(video.description, server_id, own_host, lists)
    return list(dict.fromkeys(found))


TAG_VIDEO_TASK = "video-autotags"


def tagged_video_ids(tags: frozenset[str]) -> frozenset[int]:
    """The videos the instance's lists tagged with any of these (one Query a tag)."""
    return video_autotags.tagged_with(tags)


def tags_of_videos(video_ids: list[int]) -> dict[int, list[str]]:
    """Each video's tags (one BatchGetItem a page)."""
    return video_autotags.tags_of(video_ids)


def tag_video(video_id: int) -> None:
    """The work task: tag the video as it is now (gone meanwhile: nothing to do)."""
    video = videos.get_video(video_id)
    if video is not None:
        video_autotags.replace(video_id, video_tags(video, get_settings().instance_host))


def register() -> None:
    """Tagging reads the instance's lists and writes the tags: the work function does it
    (the transcoder, which publishes, may touch only the video's own items), one message per
    change, so lists and uploads cost one SQS send."""
    events.subscribe(events.VideoUploaded, _video_stored)
    events.subscribe(events.VideoPublished, _video_stored)
    events.subscribe(events.RemoteVideoStored, _video_stored)
    events.subscribe(events.VideoChanged, _video_changed)


def _video_stored(event: events.VideoUploaded | events.VideoPublished | events.RemoteVideoStored) -> None:
    queues.send_work([{"task": TAG_VIDEO_TASK, "video": int(event.video.id)}])


def _video_changed(event: events.VideoChanged) -> None:
    before, after = event.before, event.after
    if (before.name, before.description) != (after.name, after.description):
        queues.send_work([{"task": TAG_VIDEO_TASK, "video": int(after.id)}])


# The routes' use cases


def available(account_id: int) -> dict[str, Any]:
    """PeerTube's AutomaticTagAvailable: the account's list names, then the core tags."""
    lists = moderation.read_account(account_id).lists
    names = [{"name": str(item.list_name), "type": "watched-words-list"} for item in lists]
    return {"available": names + [{"name": tag, "type": "core"} for tag in CORE_TAGS]}


def review_policy(account_id: int) -> dict[str, Any]:
    return {"review": moderation.read_account(account_id).review}


def set_review_policy(account_id: int, body: dict[str, Any]) -> None:
    """The tags that hold comments on the account's videos; each must be available to it."""
    review = body.get("review")
    if not isinstance(review, list) or not all(isinstance(tag, str) for tag in review):
        raise ValidationError({"review": "Should have a valid review array"})
    found = moderation.read_account(account_id, consistent=True)
    usable = {str(item.list_name) for item in found.lists} | set(CORE_TAGS)
    for tag in review:
        if tag not in usable:
            raise BadRequestError(f"{tag} is not an available automatic tag")
    moderation.set_review_policy(account_id, list(dict.fromkeys(review)))
