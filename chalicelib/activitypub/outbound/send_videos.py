"""Telling the fediverse about a local video's life: published, changed, gone.

As PeerTube: on first federation the owner account sends Create(Video) to its followers,
then the channel and the instance actor each Announce it to the followers of all three
(so that instance and channel followers see it); later changes send Update(Video) to those
followers; a deletion, or a video leaving the public, sends Delete(Video).

A publication is the exception to "the subscriber sends": the transcoder publishes, and
may read no actor, so its subscriber only queues a publication notice; the broadcast
function then calls `published` (functions/federation/broadcast.py). The live ingest is
the same: it queues a live state notice, and the broadcast function calls
`live_state_changed`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.documents.videos import video_object
from chalicelib.activitypub.errors import Unannounced
from chalicelib.activitypub.outbound.build import videos as activities
from chalicelib.activitypub.outbound.changes import send_change
from chalicelib.config import get_settings
from chalicelib.domain import caption_files
from chalicelib.domain.federation_rules import can_federate_video
from chalicelib.store import actors, videos

if TYPE_CHECKING:
    from chalicelib.domain.events import (
        LiveStateChanged,
        VideoChanged,
        VideoOwnerChanged,
        VideoPublished,
        VideoRemoved,
        VideoRenditionAdded,
    )
    from chalicelib.store.models import Actor, Video


def on_published(event: VideoPublished) -> None:
    """Have the broadcast function announce the video (it reads the actors and signs)."""
    outbox.announce_published(int(event.video.id))


def on_rendition_added(event: VideoRenditionAdded) -> None:
    """As for a publication: the broadcast function sends the Update."""
    outbox.announce_published(int(event.video.id), rendition_added=True)


def rendition_added(video: Video) -> None:
    """A published video gained a rendition: its Update, with the files it has now (PeerTube
    federates an Update whenever a transcoding job adds files to a published video, and its
    remotes replace the video's file list from it)."""
    if can_federate_video(video):
        _send_update(video)


def published(video: Video) -> None:
    """The video was just published (transcoding done): its Create and Announces, or, for a
    video its followers know already (its file was replaced, or a studio edit replaced its
    files), its Update (PeerTube's isNewVideo is false then)."""
    if can_federate_video(video):
        if video.input_file_updated_at is not None or int(video.studio_edits or 0):
            _send_update(video)
        else:
            _send_new(video)


def on_live_state_noticed(event: LiveStateChanged) -> None:
    """In the ingest, which may read no actor: a notice for the broadcast function instead."""
    outbox.announce_live_state(event.video_id, event.state)


def live_state_changed(video: Video) -> None:
    """A live's state moved (told by the ingest's notice): its Update. Every live state
    federates (PeerTube's isStateForFederation), so no Create or Delete comes of it."""
    if can_federate_video(video):
        _send_update(video)


def on_changed(event: VideoChanged) -> None:
    send_change(
        event.before, event.after, can_federate_video, create=_send_new, update=_send_update, delete=_send_delete
    )


def on_owner_changed(event: VideoOwnerChanged) -> None:
    """An accepted ownership change, as PeerTube's (changeVideoChannelShare, then
    sendUpdateVideo): the former channel takes its Announce back (Undo) and the new channel
    announces the video, so that each channel's followers see it where it now is; then the
    Update with the new attributedTo comes from the former account, which remote instances
    hold as the video's owner, to the followers of the former and the new account and
    channel and of the instance."""
    video = event.after
    if not can_federate_video(video):
        return
    former_account, former_channel, server = _parties(event.before)
    account, channel, _ = _parties(video)
    if int(former_channel.id) != int(channel.id):
        _move_channel_announce(str(video.url), [former_account, former_channel, server], [account, channel, server])
    audience = {int(a.id) for a in (former_account, former_channel, account, channel, server)}
    outbox.broadcast(
        activities.update(_document(video, account, channel), str(former_account.url)),
        int(former_account.id),
        followers_of=sorted(audience),
    )


def _move_channel_announce(video_url: str, before: list[Actor], after: list[Actor]) -> None:
    """Undo of the former channel's Announce to those it reached (the followers of the
    actors involved then), and the new channel's Announce to the followers of those now."""
    former_channel, channel = before[1], after[1]
    undo = activities.undo_announce(video_url, str(former_channel.url), int(former_channel.id), _followers(before))
    outbox.broadcast(undo, int(former_channel.id), followers_of=[int(actor.id) for actor in before])
    announce = activities.announce(video_url, str(channel.url), int(channel.id), _followers(after))
    outbox.broadcast(announce, int(channel.id), followers_of=[int(actor.id) for actor in after])


def _followers(involved: list[Actor]) -> list[str]:
    return [str(actor.followers_url or f"{actor.url}/followers") for actor in involved]


def on_removed(event: VideoRemoved) -> None:
    if can_federate_video(event.video):
        _send_delete(event.video)


def _parties(video: Video) -> tuple[Actor, Actor, Actor]:
    found = actors.get_actors({int(video.account_id), int(video.channel_id), actors.server_actor_id()})
    try:
        return found[int(video.account_id)], found[int(video.channel_id)], found[actors.server_actor_id()]
    except KeyError:
        raise Unannounced("the video's account or channel is gone") from None


def _document(video: Video, account: Actor, channel: Actor) -> dict[str, Any]:
    found = videos.get_video_whole(int(video.id))
    captions = caption_files.listing(video)
    return video_object(video, found.files, account, channel, get_settings(), found.live, found.web_files, captions)


def _send_new(video: Video) -> None:
    account, channel, server = _parties(video)
    document = _document(video, account, channel)
    outbox.broadcast(activities.create(document, str(account.url)), int(account.id), followers_of=[int(account.id)])
    involved = [account, channel, server]
    followers = [str(actor.followers_url or f"{actor.url}/followers") for actor in involved]
    for announcer in (channel, server):
        announce = activities.announce(str(video.url), str(announcer.url), int(announcer.id), followers)
        outbox.broadcast(announce, int(announcer.id), followers_of=[int(actor.id) for actor in involved])


def _send_update(video: Video) -> None:
    account, channel, server = _parties(video)
    document = _document(video, account, channel)
    outbox.broadcast(
        activities.update(document, str(account.url)),
        int(account.id),
        followers_of=[int(account.id), int(channel.id), int(server.id)],
    )


def _send_delete(video: Video) -> None:
    account, channel, server = _parties(video)
    outbox.broadcast(
        activities.delete(str(video.url), str(account.url)),
        int(account.id),
        followers_of=[int(account.id), int(channel.id), int(server.id)],
    )
