"""The ingest's side of a live (functions/live calls these through its ports,
functions/live/cirrus_ports.py): whether a stream key may publish, the video's state as its
stream becomes playable and ends, and what is kept of a session when it ends.

Every write is conditional on the stage the live is in (store/lives.py), so a notice the
ingest repeats (a retry, a task restarted) changes nothing twice; each move that happened is
told as `VideoChanged` (federation's Update) and `LiveStateChanged` (the realtime channel).
Reads and writes stay within what the ingest's AWS role allows: the `LIVEKEY#` claim and the
video's partition, the media bucket's live directories, and the transcode queue, where the
replay is handed over (domain/live_replays.py makes it).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.config import LIVE_RESOLUTIONS, get_settings
from chalicelib.domain import custom_config, events
from chalicelib.domain.transcoding import REPLAY, Step
from chalicelib.media import infohashes, layout
from chalicelib.observability import logger
from chalicelib.store import lives, media, queues, videos
from chalicelib.store.models.video_stages import STAGE_LIVE_ENDED, STAGE_LIVE_ON, STAGE_LIVE_WAITING

if TYPE_CHECKING:
    from chalicelib.store.models import LiveSession, LiveVideo, Video

PUBLISHED, WAITING_FOR_LIVE, LIVE_ENDED = 1, 4, 5
MAX_KEY_LENGTH = 200
UNKNOWN_KEY = "unknown stream key"


@dataclass(frozen=True)
class Grant:
    """A stream key's live, as the ingest needs it."""

    video_id: int
    video_uuid: str
    directory: str  # the media bucket prefix of its HLS files
    permanent: bool
    latency_mode: int
    save_replay: bool
    simulcast: tuple[str, ...] = ()
    # The instance's maximum duration now (seconds; -1: none), the administrator's
    # `live.maxDuration` included: it applies from the next encoder connection.
    max_duration: float | None = None


@dataclass(frozen=True)
class Denial:
    reason: str


@dataclass(frozen=True)
class SessionEnd:
    """What the ingest knows of a session that ended (functions/live/ports.SessionRecord)."""

    started_at: float  # epoch seconds
    ended_at: float | None = None
    error: int | None = None
    reason: str | None = None
    segment_tag: str = ""
    # Per rendition: index, resolution, width, height, fps, segments (their count; sequences
    # start at 0), highest resolution first.
    renditions: list[dict[str, Any]] = field(default_factory=list)
    directory: str | None = None
    connections: int = 0

    @property
    def has_segments(self) -> bool:
        return any(int(r.get("segments") or 0) > 0 for r in self.renditions)


def authorise(stream_key: str) -> Grant | Denial:
    """May this key publish now? (LV2, LV4 and the custom configuration: three reads.)
    Refused: a key nobody holds, a live whose owner is blocked, a non-permanent live that
    has ended or become its replay.
    A live already streaming is granted: the ingest continues its session for an encoder that
    comes back within the reconnect window, and refuses a second encoder itself."""
    if not stream_key or len(stream_key) > MAX_KEY_LENGTH:
        return Denial(UNKNOWN_KEY)
    video, live = lives.find_by_stream_key(stream_key)
    if video is None or live is None or not video.is_local:
        return Denial(UNKNOWN_KEY)
    if live.owner_blocked:
        return Denial("the live's owner is blocked")
    if video.stage == STAGE_LIVE_ENDED:
        return Denial("this live has ended")
    if video.stage not in (STAGE_LIVE_WAITING, STAGE_LIVE_ON):
        return Denial("this video is no longer a live")
    private = layout.in_private_directory(int(video.privacy))
    return Grant(
        video_id=int(video.id),
        video_uuid=video.uuid,
        directory=layout.live_directory(video.uuid, private),
        permanent=bool(live.permanent_live),
        latency_mode=int(live.latency_mode or 1),
        save_replay=bool(live.save_replay),
        simulcast=tuple(live.simulcast_targets or ()),
        max_duration=float(custom_config.in_force(get_settings()).live.max_duration),
    )


def record_state(video_id: int, state: int, now: datetime | None = None) -> bool:
    """The ingest says the live's state moved: PUBLISHED when its first segments are playable
    (its session opens), LIVE_ENDED at the end of a non-permanent live's session,
    WAITING_FOR_LIVE at the end of a permanent one's. Whether the video moved (False for a
    notice already recorded, or a live deleted meanwhile)."""
    moment = now or datetime.now(UTC)
    video, live = lives.get_video_and_live(video_id)
    if video is None or live is None:
        logger.info("live state of a deleted live, ignored", extra={"video": video_id, "state": state})
        return False
    before = copy.copy(video)
    if state == PUBLISHED:
        moved = lives.go_live(video, moment)
        if live.current_session is None:
            lives.open_session(live, moment)
    elif state == LIVE_ENDED:
        moved = lives.end_live(video, moment)
    elif state == WAITING_FOR_LIVE:
        moved = lives.wait_again(video, moment)
    else:
        raise ValueError(f"no live moves to state {state}")
    if not moved:
        return False
    _share_by_p2p(video, live, state)
    after = videos.get_video(video_id)
    if after is not None:
        logger.info("live state", extra={"video": video.uuid, "state": state})
        events.emit(events.VideoChanged(before, after))
        events.emit(events.LiveStateChanged(video_id, state))
    return True


# Main streams a live can have: every rendition of the ladder, and the source's own.
LIVE_MAX_STREAMS = len(LIVE_RESOLUTIONS) + 1


def live_info_hashes(video: Video) -> list[str]:
    """The P2P swarms of a live's playlist, as the player names them (media/infohashes.py)."""
    base = layout.live_url_base(
        get_settings().instance_url, video.uuid, layout.in_private_directory(int(video.privacy))
    )
    return infohashes.live_info_hashes(f"{base}{layout.LIVE_MASTER}", LIVE_MAX_STREAMS)


def _share_by_p2p(video: Video, live: LiveVideo, state: int) -> None:
    """The tracker accepts a live's swarms while it is on air (PeerTube's tracker, those of its
    playlist); a non-permanent live gives them up when it ends, a permanent one keeps its URL."""
    if state == PUBLISHED:
        lives.share_swarms(video, live_info_hashes(video))
    elif state == LIVE_ENDED and not live.permanent_live:
        lives.give_up_swarms(video, live_info_hashes(video))


def session_ended(video_id: int, end: SessionEnd) -> LiveSession | None:
    """A session is over: it is recorded (once), and its replay handed to the transcoding
    pipeline if the live saves replays, else its files are removed. The session, or None
    when it had already been recorded or the live is gone."""
    video, live = lives.get_video_and_live(video_id)
    if video is None or live is None:
        logger.info("session of a deleted live, ignored", extra={"video": video_id})
        return None
    session = _current_or_new(live, end)
    if session is None:
        return None
    ended = datetime.fromtimestamp(end.ended_at, UTC) if end.ended_at else datetime.now(UTC)
    details = {
        "error": end.error,
        "reason": (end.reason or "")[:500] or None,
        "segment_tag": end.segment_tag or None,
        "renditions": end.renditions or None,
        "directory": end.directory,
        "connections": end.connections,
    }
    if not lives.close_session(live, session, ended, details):
        return None
    session.renditions, session.segment_tag, session.directory = end.renditions, end.segment_tag, end.directory
    if session.save_replay and end.has_segments:
        step = Step(video.uuid, REPLAY, session=int(session.number))
        queues.send_transcode_steps([step.to_message()])
        logger.info("live replay handed over", extra={"video": video.uuid, "session": int(session.number)})
    else:
        lives.mark_processed(session)
        remove_session_files(video, session)
    return session


def remove_session_files(video: Video, session: LiveSession) -> None:
    """A session's segments, and, once a non-permanent live is over, its playlists too (by
    name: the ingest may delete objects under the live directories, not list them)."""
    found = session_segment_keys(session)
    if not session.permanent_live and session.directory:
        names = [layout.LIVE_MASTER, layout.LIVE_HASHES]
        names += [layout.live_playlist_name(int(r.get("index", 0))) for r in session.renditions or []]
        found += [f"{session.directory}/{name}" for name in names]
    if found:
        media.delete_files(found)
        logger.info("live session files removed", extra={"video": video.uuid, "files": len(found)})


def session_segment_keys(session: LiveSession, renditions: list[int] | None = None) -> list[str]:
    """The media bucket keys of a session's segments (of the renditions given, else all),
    in order: the ingest names them `<tag>-<rendition>-<sequence>.ts` from sequence 0."""
    if not session.directory:
        return []
    found = []
    for rendition in session.renditions or []:
        index = int(rendition.get("index", 0))
        if renditions is not None and index not in renditions:
            continue
        for sequence in range(int(rendition.get("segments") or 0)):
            name = layout.live_segment_name(index, sequence, str(session.segment_tag or ""))
            found.append(f"{session.directory}/{name}")
    return found


def _current_or_new(live: LiveVideo, end: SessionEnd) -> LiveSession | None:
    """The session under way; a session never playable was never opened: opened now. None
    when this end was already recorded (the last session carries its segments' tag)."""
    if live.current_session is not None:
        current = lives.get_session(int(live.video_id), int(live.current_session))
        if current is not None:
            return current
    latest = lives.list_sessions(int(live.video_id), newest_first=True, limit=1)
    if latest and end.segment_tag and latest[0].segment_tag == end.segment_tag:
        return None
    started = datetime.fromtimestamp(end.started_at, UTC)
    return lives.open_session(live, started)
