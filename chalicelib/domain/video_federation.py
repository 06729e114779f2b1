"""Telling the fediverse about a local video's life: published, changed, gone.

As PeerTube: on first federation the owner account sends Create(Video) to its followers,
then the channel and the instance actor each Announce it to the followers of all three
(so that instance and channel followers see it); later changes send Update(Video) to those
followers; a deletion, or a video leaving the public, sends Delete(Video).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.documents.videos import can_federate, video_object
from chalicelib.activitypub.net.fetch import server_actor_id
from chalicelib.activitypub.outbound import videos as activities
from chalicelib.config import get_settings
from chalicelib.observability import logger
from chalicelib.store import actors, videos

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Video


def published(video: Video) -> None:
    """The video was just published (transcoding done)."""
    if can_federate(video):
        _send_new(video)


def changed(before: Video, after: Video) -> None:
    """The video's metadata or privacy changed (`before` as it was, `after` as stored)."""
    was, now = can_federate(before), can_federate(after)
    if now and was:
        _send_update(after)
    elif now:
        _send_new(after)
    elif was:
        _send_delete(after)


def removed(video: Video) -> None:
    if can_federate(video):
        _send_delete(video)


def _parties(video: Video) -> tuple[Actor, Actor, Actor]:
    found = actors.get_actors({int(video.account_id), int(video.channel_id), server_actor_id()})
    try:
        return found[int(video.account_id)], found[int(video.channel_id)], found[server_actor_id()]
    except KeyError:
        raise Unannounced("the video's account or channel is gone") from None


class Unannounced(Exception):
    """The video's actors are gone (deleted with it): nobody is left to send its activities."""


def safely(action: Callable[[], None]) -> None:
    """Run a federation step without failing the local change it follows: the change is done,
    and a delivery problem must not undo it for the user (it is logged with its cause)."""
    try:
        action()
    except Unannounced as reason:
        logger.info("video activity not sent", extra={"reason": str(reason)})
    except Exception:
        logger.exception("video activity not sent")


def _send_new(video: Video) -> None:
    account, channel, server = _parties(video)
    document = video_object(video, videos.list_files(int(video.id)), account, channel, get_settings())
    outbox.broadcast(activities.create(document, str(account.url)), int(account.id), followers_of=[int(account.id)])
    involved = [account, channel, server]
    followers = [str(actor.followers_url or f"{actor.url}/followers") for actor in involved]
    for announcer in (channel, server):
        announce = activities.announce(str(video.url), str(announcer.url), int(announcer.id), followers)
        outbox.broadcast(announce, int(announcer.id), followers_of=[int(actor.id) for actor in involved])


def _send_update(video: Video) -> None:
    account, channel, server = _parties(video)
    document = video_object(video, videos.list_files(int(video.id)), account, channel, get_settings())
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
