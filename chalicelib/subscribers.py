"""Every subscriber of the domain events (domain/events.py), in one call: federation's
senders, then notifications, then a live's news to its viewers, then a new upload's
automatic transcription, then videos' automatic tags, then our mirrors of remote videos
whose renditions changed. Each entry calls `register()` once before its first event: app.py
at import, each Lambda module of functions/ as its `setup`
(tests/infra/test_event_subscriptions.py fails for an entry that can emit and forgot).
Calling it again changes nothing. Plugins' actions (chalicelib/plugins) are told here too,
after every other subscriber; with no plugin installed each costs a dictionary lookup. The
live ingest registers activitypub/outbound/subscriptions.register_notices() instead (it may
read no actor)."""

from __future__ import annotations

from chalicelib import plugins
from chalicelib.activitypub import mirror_news
from chalicelib.activitypub.outbound import subscriptions as federation
from chalicelib.domain import automatic_tags, events, live_news, transcriptions
from chalicelib.domain.notifications import subscriptions as notifications


def register() -> None:
    federation.register()
    notifications.register()
    events.subscribe(events.LiveStateChanged, live_news.on_state_changed)
    events.subscribe(events.VideoPublished, transcriptions.on_video_published)
    events.subscribe(events.VideoUploaded, _video_uploaded)
    automatic_tags.register()
    events.subscribe(events.LiveCreated, _live_created)
    events.subscribe(events.LiveStateChanged, _live_state_changed)
    events.subscribe(events.RemoteVideoStored, mirror_news.on_remote_video_stored)


def _video_uploaded(event: events.VideoUploaded) -> None:
    plugins.run_action("action:api.video.uploaded", video=event.video)


def _live_created(event: events.LiveCreated) -> None:
    plugins.run_action("action:api.live-video.created", video=event.video)


LIVE_STATE_HOOK = "action:live.video.state.updated"


def _live_state_changed(event: events.LiveStateChanged) -> None:
    # The video is read only when a plugin listens (PeerTube passes it to the action).
    if not plugins.has_hooks(LIVE_STATE_HOOK):
        return
    from chalicelib.store import videos

    video = videos.get_video(event.video_id)
    if video is not None:
        plugins.run_action(LIVE_STATE_HOOK, video=video, state=event.state)
