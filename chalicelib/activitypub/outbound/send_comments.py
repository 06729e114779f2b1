"""A local account's new comment, told to the fediverse: on a remote video, to the video's
origin (which shows it and passes it on); on a local federated video, to the followers of
the video's account, channel and instance. Comments held for review are not sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.outbound.build import notes
from chalicelib.domain.federation_rules import can_federate_video
from chalicelib.store import actors, comments

if TYPE_CHECKING:
    from chalicelib.domain.events import CommentPosted
    from chalicelib.store.comments import CommentPlace
    from chalicelib.store.models import Video, VideoComment


def on_posted(event: CommentPosted) -> None:
    video, comment = event.video, event.comment
    if comment.held_for_review or comment.account_id is None:
        return
    if video.is_local and not can_federate_video(video):
        return
    author_id = int(comment.account_id)
    found = actors.get_actors({author_id, int(video.account_id)})
    author, owner = found.get(author_id), found.get(int(video.account_id))
    if author is None or owner is None or not author.is_local:
        return
    document = notes.create_note(
        notes.note(
            str(comment.url),
            str(comment.text),
            _parent_url(video, comment, event.parent_place),
            str(author.url),
            comment.created_at,
            comment.updated_at,
        )
    )
    if video.is_local:
        involved = [int(video.account_id), int(video.channel_id), actors.server_actor_id()]
        outbox.broadcast(document, author_id, followers_of=involved)
    else:
        outbox.broadcast(document, author_id, inboxes=[str(owner.shared_inbox_url or owner.inbox_url)])


def _parent_url(video: Video, comment: VideoComment, place: CommentPlace | None) -> str:
    if comment.in_reply_to_id is None:
        return str(video.url)
    place = place or comments.locate(int(comment.in_reply_to_id))
    parent = comments.get_comment(place, int(comment.in_reply_to_id)) if place else None
    return str(parent.url) if parent is not None and parent.url else str(video.url)
