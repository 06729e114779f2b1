"""A live session's replay, as PeerTube makes it (its video-live-ending job): the recorded
segments become a video on demand through the transcoding pipeline.

- A non-permanent live becomes its own replay: no longer a live, TO_TRANSCODE, the privacy of
  its replay settings (stage live-ended → uploaded).
- A permanent live makes a new video per session, named after the live and the session's
  start, with the live's metadata and the replay settings' privacy.

The ingest hands a session over on the transcode queue (domain/live_ingest.py); the
transcoder joins the session's best rendition into one source file (functions/transcoder)
and the video's usual steps follow. Every move is conditional and the new video's UUID is
derived from the session, so a message delivered twice makes one replay.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalicelib.config import get_settings
from chalicelib.domain import events, live_ingest
from chalicelib.errors import ConflictError
from chalicelib.media import layout
from chalicelib.observability import logger
from chalicelib.store import counters, keys, lives, videos
from chalicelib.store.models import Video
from chalicelib.store.models.video_stages import STAGE_ENCODING, STAGE_LIVE_ENDED, STAGE_UPLOADED

if TYPE_CHECKING:
    from chalicelib.store.models import LiveSession

SOURCE_NAME = "replay-source.mp4"
STATE_TO_TRANSCODE = 2
NAME_MAX = 120


@dataclass(frozen=True)
class ReplayPlan:
    live: Video  # the live the session belongs to
    session: LiveSession
    replay: Video  # what becomes the replay: the live itself, or a video of its own
    segment_keys: tuple[str, ...]  # the session's best rendition, in order (media bucket keys)

    @property
    def source_key(self) -> str:
        """Where the joined segments go: the replay's work files in the uploads bucket."""
        return layout.work_key(self.replay.uuid, SOURCE_NAME)

    @property
    def needs_source(self) -> bool:
        """Whether the pipeline has not taken the replay in yet (its source is still wanted)."""
        return self.replay.stage in (STAGE_LIVE_ENDED, STAGE_UPLOADED)


def plan(live_uuid: str, number: int, now: datetime | None = None) -> ReplayPlan | None:
    """What the session's replay is made of, and which video it becomes (a permanent live's
    is created now, once); None when there is nothing to make (the live or session is gone,
    the replay is not saved, nothing was recorded, or the replay was deleted)."""
    live = videos.find_video_by_uuid(live_uuid)
    session = lives.get_session(int(live.id), number) if live is not None else None
    if live is None or session is None:
        logger.info("replay of a deleted live or session, dropped", extra={"video": live_uuid, "session": number})
        return None
    segment_keys = tuple(live_ingest.session_segment_keys(session, renditions=[0]))
    if not session.save_replay or not segment_keys:
        lives.mark_processed(session)
        return None
    if session.replay_video_id is not None:
        replay = videos.get_video(int(session.replay_video_id))
    elif session.permanent_live:
        replay = _new_replay_video(live, session, now or datetime.now(UTC))
    else:
        replay = live
    if replay is None:
        return None
    return ReplayPlan(live, session, replay, segment_keys)


def start(replay_plan: ReplayPlan, now: datetime | None = None) -> Video | None:
    """The source is in the uploads bucket: the replay enters the pipeline (a non-permanent
    live leaves live-ended now); the video to ingest, or None if the pipeline has it already."""
    moment = now or datetime.now(UTC)
    replay, session = replay_plan.replay, replay_plan.session
    if replay.stage == STAGE_LIVE_ENDED:
        before = copy.copy(replay)
        privacy = int(session.replay_privacy or replay.privacy)
        place = _session_place(session)
        if lives.become_replay(replay, replay_plan.source_key, privacy, place, moment):
            after = videos.get_video(int(replay.id))
            if after is not None:
                events.emit(events.VideoChanged(before, after))
    lives.set_replay_video(session, int(replay.id))
    current = videos.get_video(int(replay.id))
    if current is None or current.stage not in (STAGE_UPLOADED, STAGE_ENCODING):
        return None
    return current


def remove_live_files(replay_plan: ReplayPlan) -> None:
    """The session's files are in the replay's source: its segments go (and a non-permanent
    live's playlists, since it will not stream again)."""
    live_ingest.remove_session_files(replay_plan.live, replay_plan.session)


def replay_uuid(live_uuid: str, number: int) -> str:
    """A permanent live's replay of a session: the same UUID whoever makes it, however often
    (a version 4 UUID, as every video's, from a digest of the live and the session)."""
    digest = bytearray(hashlib.sha256(f"{live_uuid}#replay#{number}".encode()).digest()[:16])
    return str(uuid.UUID(bytes=bytes(digest), version=4))


def _new_replay_video(live: Video, session: LiveSession, now: datetime) -> Video | None:
    """PeerTube's saveReplayToExternalVideo: the live's metadata, the replay's privacy."""
    video_uuid = replay_uuid(live.uuid, int(session.number))
    existing = videos.find_video_by_uuid(video_uuid)
    if existing is not None:
        return existing
    video_id = counters.next_id("video")
    video = Video(
        keys.video_pk(video_id),
        keys.ENTITY_SK,
        id=video_id,
        uuid=video_uuid,
        name=_replay_name(str(live.name), session.started_at),
        channel_id=int(live.channel_id),
        account_id=int(live.account_id),
        user_id=live.user_id,
        url=f"{get_settings().instance_url}/videos/watch/{video_uuid}",
        privacy=int(session.replay_privacy or live.privacy),
        state=STATE_TO_TRANSCODE,
        category=live.category,
        licence=live.licence,
        language=live.language,
        description=live.description,
        support=live.support,
        tags=live.tags,
        nsfw=bool(live.nsfw),
        wait_transcoding=True,
        comments_policy=int(live.comments_policy or 1),
        download_enabled=bool(live.download_enabled),
        source_key=layout.work_key(video_uuid, SOURCE_NAME),
        live_session=_session_place(session),
        created_at=now,
        updated_at=now,
        published_at=now,
    )
    try:
        videos.create_video(video)
    except ConflictError:
        return videos.find_video_by_uuid(video_uuid)  # made by another delivery meanwhile
    logger.info("live replay video created", extra={"live": live.uuid, "replay": video_uuid})
    return video


def _replay_name(name: str, started: datetime) -> str:
    """`<live name> - <session start>`, as PeerTube names it (its date in en-US form)."""
    hour, noon = started.hour % 12 or 12, "AM" if started.hour < 12 else "PM"
    suffix = f" - {started.month}/{started.day}/{started.year}, {hour}:{started:%M:%S} {noon}"
    return name[: NAME_MAX - len(suffix)] + suffix


def _session_place(session: LiveSession) -> str:
    return f"{int(session.video_id)}#{int(session.number)}"
