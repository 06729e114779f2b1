"""What PeerTube's syndication feeds list (/feeds/...): the newest public videos of a list,
with the file to enclose, and the newest comments of public videos.

Videos come from the in-memory catalogue through the same filters as the video lists
(browse.list_videos: privacy, publication, blocked owners, withheld videos), so a feed costs
one catalogue refresh and two BatchGetItems for its enclosures, never a Scan.

Enclosures: a video's top web video (a whole MP4) when it has one, else its top HLS file.
That file carries its sound (Cirrus packages audio into every HLS file); the podcast feed
names it by its generated download (`/download/videos/generate/<uuid>?videoFileIds=<id>`,
domain/generated_downloads.py: one plain MP4, built once by the transcoder), where the
other feeds name the fragmented MP4 itself (api/feeds.py `_files`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.domain import browse, muting
from chalicelib.domain.video_lists import PRIVACY_PUBLIC, Scope, VideoFilter, is_published
from chalicelib.errors import NotFoundError
from chalicelib.store import catalog, comments, videos
from chalicelib.store.models.video import hls_listed

if TYPE_CHECKING:
    from chalicelib.domain.muting import Muted
    from chalicelib.store.models import Actor, Video, VideoComment, VideoFile, WebVideoFile

FEED_VIDEOS = 20  # PeerTube's feeds.videos.count
FEED_COMMENTS = 20  # PeerTube's feeds.comments.count
# A comment feed without a video reads the threads of this many videos, the most recently
# published that have comments: a bounded number of Queries (docs/feeds.md says what this
# leaves out).
COMMENT_FEED_VIDEOS = 10
# Enough of a list's head to find COMMENT_FEED_VIDEOS with comments among them.
COMMENT_CANDIDATES = 500


@dataclass(frozen=True)
class FeedVideo:
    video: Video
    account: Actor
    channel: Actor
    hls_file: VideoFile | None = None  # its top resolution, packaged
    web_file: WebVideoFile | None = None  # its top resolution as an MP4 web video


@dataclass(frozen=True)
class FeedComment:
    comment: VideoComment
    video: Video
    author: Actor | None


def public_scope(scope: Scope) -> Scope:
    """Feeds are read anonymously (a feed reader has no session): public videos only."""
    return Scope(account_id=scope.account_id, channel_ids=scope.channel_ids, viewer_logged_in=False)


def list_feed_videos(scope: Scope, filters: VideoFilter, sort: str, host: str) -> list[FeedVideo]:
    page = browse.list_videos(public_scope(scope), filters, sort, 0, FEED_VIDEOS, host)
    # The catalogue keeps no transcoding plan: the listed videos are read whole (one
    # BatchGetItem), then the files of their top resolution (one more).
    local = [int(v.id) for v in page.videos if v.is_local]
    whole = videos.get_videos(local) if local else {}
    tops = {video_id: top for video_id, video in whole.items() if (top := top_resolution(video)) is not None}
    files = videos.get_top_files(list(tops.items())) if tops else {}
    listed = []
    for video in page.videos:
        found = files.get(int(video.id), videos.TopFiles())
        shown_original = found.original if video.stage != "done" else None  # retired at publication
        listed.append(
            FeedVideo(
                video,
                page.actors[int(video.account_id)],
                page.actors[int(video.channel_id)],
                found.hls if hls_listed(video) else None,
                found.web or shown_original,
            )
        )
    return listed


def top_resolution(video: Video) -> int | None:
    """The highest picture rendition of its transcoding plan (None before the plan)."""
    plan = video.plan or {}
    resolutions = [int(r["resolution"]) for r in plan.get("renditions", []) if int(r["resolution"]) > 0]
    return max(resolutions) if resolutions else None


def list_feed_comments(video: Video | None, scope: Scope, host: str) -> list[FeedComment]:
    """The newest visible comments (held and deleted ones, and those of accounts or servers
    the instance blocks, left out) of `video`, or of the most recently published public
    videos of the scope that have comments (their owners not blocked either)."""
    state = catalog.current()
    muted = muting.by_instance()
    filters = VideoFilter(muted_account_ids=muted.account_ids or None, muted_hosts=muted.hosts or None)
    if video is not None:
        candidates = [video] if _is_public(video) and int(video.id) not in state.withheld else []
    else:
        page = browse.list_videos(public_scope(scope), filters, "-publishedAt", 0, COMMENT_CANDIDATES, host)
        candidates = [v for v in page.videos if int(v.comments_count or 0) > 0][:COMMENT_FEED_VIDEOS]
    found: list[FeedComment] = []
    for candidate in candidates:
        threads = comments.list_threads(int(candidate.id), visible=None, newest_first=True, limit=FEED_COMMENTS)
        found.extend(
            FeedComment(c, candidate, state.actors.get(int(c.account_id)))
            for c in threads
            if c.deleted_at is None
            and not c.held_for_review
            and c.account_id is not None
            and not _is_muted(state.actors.get(int(c.account_id)), muted)
        )
    found.sort(key=lambda f: (f.comment.created_at, int(f.comment.id)), reverse=True)
    return found[:FEED_COMMENTS]


def get_actor_by_id(actor_id: int, *, channel: bool, not_found: str) -> Actor:
    """An account or channel by its numeric id, from the catalogue."""
    actor = catalog.current().actors.get(actor_id)
    if actor is None or (actor.actor_type == "Group") != channel or actor.deleting_at is not None:
        raise NotFoundError(not_found)
    return actor


def _is_muted(author: Actor | None, muted: Muted) -> bool:
    return author is not None and muted.mutes_actor(author)


def _is_public(video: Video) -> bool:
    return int(video.privacy) == PRIVACY_PUBLIC and is_published(video)
