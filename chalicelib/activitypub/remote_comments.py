"""Remote comments as Cirrus keeps them: a Note from another server, replying to a video this
instance knows (its own, or a remote one it stores) or to a comment on it, stored once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.activitypub import local_objects, remote_quotas
from chalicelib.activitypub.documents.videos import PRIVACY_PUBLIC, PRIVACY_UNLISTED
from chalicelib.activitypub.inbound.checks import InvalidDocument, host
from chalicelib.activitypub.inbound.notes import RemoteNote, parse_note
from chalicelib.domain import events
from chalicelib.domain.comments import POLICY_DISABLED, POLICY_REQUIRES_APPROVAL
from chalicelib.store import comments, counters, remote_videos, videos

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.store.models import Actor, Video


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
    if int(video.comments_policy or 1) == POLICY_DISABLED:
        raise InvalidDocument("comments are disabled on this video")
    thread_id: int | None = None
    if parent_id is not None:
        place = comments.locate(parent_id)
        if place is None or place.video_id != int(video.id):
            raise InvalidDocument("the parent comment is not on the video")
        thread_id = place.thread_id
    remote_quotas.check("comments", host(note.url))
    comment_id = counters.next_id("comment")
    comment = comments.new_comment(
        video,
        comment_id=comment_id,
        thread_id=thread_id if thread_id is not None else comment_id,
        in_reply_to_id=parent_id,
        account_id=int(author.id),
        text=note.text,
        url=note.url,
        held=bool(video.is_local) and int(video.comments_policy or 1) == POLICY_REQUIRES_APPROVAL,
        now=now,
    )
    added = comments.add_comment(comment, video, by_video_author=False, remote=True)
    if added:  # deleted comments stay stored, blanked (as in PeerTube): counted while they exist
        remote_quotas.stored("comments", host(note.url))
        events.emit(events.RemoteCommentStored(video, comment))
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


def delete_note(url: str, author: Actor, now: datetime) -> bool:
    """A remote comment deleted by its author (blanked, as PeerTube keeps deleted comments);
    False if Cirrus does not hold it."""
    comment_id = comments.find_remote_comment_id(url)
    place = comments.locate(comment_id) if comment_id is not None else None
    comment = comments.get_comment(place, comment_id) if place is not None and comment_id is not None else None
    if comment is None or place is None:
        return False
    if comment.account_id is None or int(comment.account_id) != int(author.id):
        raise InvalidDocument("only its author may delete a comment")
    video = videos.get_video(place.video_id)
    if video is not None and comment.deleted_at is None:
        comments.mark_deleted(comment, video, by_video_author=False, now=now)
    return True
