"""Remote comments as Cirrus keeps them: a Note from another server, replying to a video this
instance knows (its own, or a remote one it stores) or to a comment on it, stored once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.documents.videos import PRIVACY_PUBLIC, PRIVACY_UNLISTED
from chalicelib.activitypub.remote import quotas
from chalicelib.activitypub.remote.parse.checks import InvalidDocument, host
from chalicelib.activitypub.remote.parse.notes import RemoteNote, parse_note
from chalicelib.config import get_settings
from chalicelib.domain import comments as comment_cases
from chalicelib.errors import CirrusError
from chalicelib.store import comments, remote_videos, videos

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.store.models import Actor, Video, VideoComment


def store_note(document: object, author: Actor, now: datetime) -> bool:
    """Keep a remote comment; False if it was kept already."""
    note = parse_note(document)
    if note.author_url != str(author.url):
        raise InvalidDocument("the comment is not by the actor sending it")
    if host(note.url) != host(str(author.url)):
        raise InvalidDocument("the comment is not on its author's host")
    if comments.find_remote_comment_id(note.url) is not None:
        return False
    video, parent_id = _parent(note)
    if video.is_local and int(video.privacy) not in (PRIVACY_PUBLIC, PRIVACY_UNLISTED):
        # Private, internal (and password-protected) videos are not for other servers to
        # answer, even when their UUID leaked; an unlisted one is, as in PeerTube.
        raise InvalidDocument("the video is not public")
    quotas.check("comments", host(note.url))
    try:
        added = comment_cases.add_remote(video, int(author.id), note.text, note.url, parent_id, get_settings(), now)
    except CirrusError as refused:  # comments disabled, a parent not on the video: as for a local one
        raise InvalidDocument(refused.detail) from None
    if added:  # deleted comments stay stored, blanked (as in PeerTube): counted while they exist
        quotas.stored("comments", host(note.url))
    return added


def _parent(note: RemoteNote) -> tuple[Video, int | None]:
    """The video a comment is on, and the comment it answers (None for a new thread)."""
    video = local_objects.local_video(note.in_reply_to) or remote_videos.find_by_url(note.in_reply_to)
    if video is not None:
        return video, None
    ours = local_objects.local_comment_reference(note.in_reply_to)
    if ours is not None:
        return ours[0], ours[1]
    parent_id = comments.find_remote_comment_id(note.in_reply_to)
    if parent_id is not None:
        place = comments.locate(parent_id)
        parent_video = videos.get_video(place.video_id) if place else None
        if parent_video is not None:
            return parent_video, parent_id
    raise InvalidDocument("the comment answers nothing this instance knows")


def delete_note(url: str, by: Actor, now: datetime) -> bool:
    """A comment deleted by another server (blanked, as PeerTube keeps deleted comments):
    a remote comment by its author or by the video's owner account (PeerTube's rule), or one
    of ours on a remote video by that video's owner, whose origin moderates its comments.
    False if Cirrus does not hold it."""
    found = _held_comment(url)
    if found is None:
        return False
    video, comment = found
    if comment.deleted_at is not None:
        return True
    by_author = comment.account_id is not None and int(comment.account_id) == int(by.id)
    by_owner = video is not None and int(video.account_id) == int(by.id) and not video.is_local
    if not (by_author or by_owner):
        raise InvalidDocument("only its author or the video's owner may delete a comment")
    if video is not None:
        counted = comment_cases.by_video_author(comment.account_id, video)
        comments.mark_deleted(comment, video, by_video_author=counted, now=now)
    return True


def _held_comment(url: str) -> tuple[Video | None, VideoComment] | None:
    """The comment at `url` (a remote one by its URL, or one of ours by its path) and its video."""
    comment_id = comments.find_remote_comment_id(url)
    if comment_id is None:
        ours = local_objects.local_comment_reference(url)
        comment_id = ours[1] if ours is not None else None
    place = comments.locate(comment_id) if comment_id is not None else None
    comment = comments.get_comment(place, comment_id) if place is not None and comment_id is not None else None
    if comment is None or place is None:
        return None
    return videos.get_video(place.video_id), comment
