"""A local account's new comment, told to the fediverse: on a remote video, to the video's
origin (which shows it and passes it on); on a local federated video, to the followers of
the video's account, channel and instance. Comments held for review are not sent.

A deletion goes where the comment went, as PeerTube's sendDeleteVideoComment: a local
comment's Delete is its author's; a remote comment deleted on a local video (by the video's
owner or a moderator) is deleted in the name of the video's owner account, which the
comment's server accepts from the video's origin. A remote comment on a remote video is only
blanked here: neither is ours to speak for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.outbound.build import notes
from chalicelib.domain import events
from chalicelib.domain.federation_rules import can_federate_video
from chalicelib.store import actors, comments

if TYPE_CHECKING:
    from chalicelib.domain.events import CommentApproved, CommentDeleted, CommentPosted
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


def on_approved(event: CommentApproved) -> None:
    """A local comment let through after review goes out as a new one would (PeerTube's
    sendCreateVideoCommentIfNeeded); a remote one is its own server's to send."""
    on_posted(events.CommentPosted(event.video, event.comment, event.place))


def on_deleted(event: CommentDeleted) -> None:
    video, comment = event.video, event.comment
    if comment.held_for_review or comment.account_id is None or not comment.url:
        return  # never sent (held), or nothing to name
    if video.is_local and not can_federate_video(video):
        return
    author_id, owner_id = int(comment.account_id), int(video.account_id)
    found = actors.get_actors({author_id, owner_id})
    author, owner = found.get(author_id), found.get(owner_id)
    if author is None or owner is None:
        return
    signer = author if author.is_local else owner
    if not signer.is_local:
        return
    own_id = None if signer is author else f"{video.url}/comments/{int(comment.id)}/delete"
    document = notes.delete_note(str(comment.url), str(signer.url), own_id)
    if video.is_local:
        involved = [owner_id, int(video.channel_id), actors.server_actor_id(), int(signer.id)]
        outbox.broadcast(document, int(signer.id), followers_of=involved)
    else:
        origin = str(owner.shared_inbox_url or owner.inbox_url)
        outbox.broadcast(document, int(signer.id), followers_of=[int(signer.id)], inboxes=[origin])


def _parent_url(video: Video, comment: VideoComment, place: CommentPlace | None) -> str:
    if comment.in_reply_to_id is None:
        return str(video.url)
    place = place or comments.locate(int(comment.in_reply_to_id))
    parent = comments.get_comment(place, int(comment.in_reply_to_id)) if place else None
    return str(parent.url) if parent is not None and parent.url else str(video.url)
