"""Lambda entry point of the broadcast queue: one activity's audience becomes one delivery
message per inbox (followers' shared inboxes deduplicated).

A broadcast that fails part-way is retried whole, so some inboxes may receive an activity
twice: receivers deduplicate by activity id, as ActivityPub servers do.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING

from chalicelib import subscribers
from chalicelib.activitypub.delivery.fanout import FanOut, fan_out
from chalicelib.activitypub.delivery.messages import Broadcast, LiveStateNotice, Publication
from chalicelib.activitypub.delivery.outbox import serialise
from chalicelib.activitypub.delivery.signer_keys import UnknownSigner, signer_key
from chalicelib.config import get_settings
from chalicelib.observability import count, logger
from chalicelib.store import follows, queues, remote_hosts
from functions.consumer import sqs_consumer

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from chalicelib.store.models import Video
    from functions.consumer import Received


def _parse(record: SQSRecord) -> Publication | LiveStateNotice | Broadcast | None:
    data = json.loads(record.body)
    if Publication.is_one(data):
        return Publication.from_json(data)
    if LiveStateNotice.is_one(data):
        return LiveStateNotice.from_json(data)
    if _from_transcoder(record):
        # The transcoder may announce publications only: a broadcast names the actor
        # whose key signs it, and ffmpeg runs on hostile files in that function.
        logger.error("a broadcast sent by the transcoder's role, dropped", extra={"id": record.message_id})
        count("BroadcastsRefused")
        return None
    return Broadcast.from_json(data)


def _send(received: Received[Publication | LiveStateNotice | Broadcast]) -> None:
    message = received.message
    if isinstance(message, Publication):
        announce(message)
        return
    if isinstance(message, LiveStateNotice):
        live_state(message)
        return
    result = expand(message)
    count("DeliveriesQueued", len(result.deliveries))
    count("DeliveriesSavedByDedup", result.requests_saved)


handle_broadcast = sqs_consumer(_parse, _send, what="a broadcast message", setup=subscribers.register)


def expand(message: Broadcast) -> FanOut:
    """Sign the activity (LD), then queue one delivery per inbox of the broadcast's audience."""
    settings = get_settings()
    signed = replace(message, body=ld_signed(message.body, message.signer_id))
    result = fan_out(signed, follows.remote_follower_inboxes, _unreachable, settings.instance_host.lower())
    queues.send_deliveries([delivery.to_json() for delivery in result.deliveries])
    return result


def _from_transcoder(record: SQSRecord) -> bool:
    """Whether the transcoder's role sent `record` (SQS's SenderId: role id, then session)."""
    role = get_settings().federation.transcoder_role_id
    return bool(role) and record.attributes.sender_id.split(":", 1)[0] == role


def announce(publication: Publication) -> None:
    """A local video was published (by the transcoder), or a live created: send its Create
    and Announces; or a published video gained a rendition: its Update."""
    from chalicelib.activitypub.errors import Unannounced
    from chalicelib.activitypub.outbound import send_videos
    from chalicelib.store import videos
    from chalicelib.store.models.video import published_upload
    from chalicelib.store.models.video_stages import LIVE_STAGES

    video = videos.get_video(publication.video_id)
    # A video published progressively is PUBLISHED while its other renditions encode.
    if video is None or (video.stage not in LIVE_STAGES and not published_upload(video)):
        logger.info("publication of a missing or unpublished video, dropped", extra={"video": publication.video_id})
        return
    if not publication.rendition_added and video.stage not in LIVE_STAGES:
        # A replay's first publication: from its first rendition on (progressive publication).
        _tell_replay_viewers(video)
    try:
        if publication.rendition_added:
            send_videos.rendition_added(video)
        else:
            send_videos.published(video)
    except Unannounced as reason:
        logger.info("video not announced", extra={"reason": str(reason)})


def _tell_replay_viewers(video: Video) -> None:
    """A non-permanent live became its replay (the same video, published): whoever still
    watches its page hears the state move from ended to published, and gets the replay."""
    from chalicelib.domain import live_news
    from chalicelib.store import lives

    live = lives.get_live(int(video.id))
    if live is not None and not live.permanent_live:
        live_news.tell_viewers(int(video.id), int(video.state))


def live_state(notice: LiveStateNotice) -> None:
    """A live's state moved (told by the ingest): its viewers hear it, its subscribers are
    notified when it goes on air, the fediverse gets the video's Update. The notice says the
    state it moved to; the Update carries the stored one."""
    from chalicelib.activitypub.errors import Unannounced
    from chalicelib.activitypub.outbound import send_videos
    from chalicelib.domain import events, lives
    from chalicelib.store import videos

    video = videos.get_video(notice.video_id)
    if video is None or not lives.is_live(video):
        logger.info("live state notice of a missing video or not a live, dropped", extra={"video": notice.video_id})
        return
    # What the ingest could not do itself: its viewers told, its subscribers notified
    # (chalicelib/subscribers.py registers both, as under `make run` where the ingest emits it).
    events.emit(events.LiveStateChanged(notice.video_id, notice.state))
    try:
        send_videos.live_state_changed(video)
    except Unannounced as reason:
        logger.info("live state not announced", extra={"reason": str(reason)})


def ld_signed(body: str, signer_id: int) -> str:
    """The activity with its actor's RsaSignature2017, so servers that receive it forwarded can
    trust it by its author's key. Left unsigned if its signer is not the actor it names."""
    from chalicelib.activitypub.signatures.ld import sign_document

    activity = json.loads(body)
    try:
        key = signer_key(signer_id)
    except UnknownSigner:
        return body
    if not isinstance(activity, dict) or f"{activity.get('actor')}#main-key" != key.key_id:
        return body
    return serialise(sign_document(activity, key.key_id, key.private_key_pem))


def _unreachable(hosts: set[str]) -> set[str]:
    return {host for host, item in remote_hosts.get_hosts(hosts).items() if item.unreachable_since is not None}
