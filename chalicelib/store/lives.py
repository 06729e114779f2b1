"""Access patterns of lives: their settings, stream keys and sessions (LV1-LV9 in
docs/data-model.md).

A live's items live in its video's partition (`LIVE`, `LIVESESSION#<n>`), and its stream key
is a claim keyed by the key's SHA-256 (`LIVEKEY#<hex>`) whose target is the video id: the
ingest finds the live behind a key with one GetItem, then reads the video and its live with
one Query, and writes nothing but UpdateItems in `VIDEO#` partitions (what its AWS role
allows). A session's number comes from the live's counter, so no global sequence is needed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.store import activity_days, claims, infohashes, keys, videos
from chalicelib.store.models import Claim, LiveSession, LiveVideo, TableItem, Video
from chalicelib.store.models.video import STATE_PUBLISHED
from chalicelib.store.models.video_stages import (
    STAGE_LIVE_ENDED,
    STAGE_LIVE_ON,
    STAGE_LIVE_WAITING,
    STAGE_UPLOADED,
)
from chalicelib.store.writes import NewClaim, connection, is_condition_failure

STATE_WAITING_FOR_LIVE, STATE_LIVE_ENDED, STATE_TO_TRANSCODE = 4, 5, 2
KEY_TAKEN = "This stream key is already in use."
# PeerTube's session ids are global integers; here a live's sessions are numbered, and the id
# joins the two (unique, and readable back into the item's key).
SESSION_ID_FACTOR = 100_000


def key_digest(stream_key: str) -> str:
    """What a stream key is stored under: its SHA-256 (a claim's key is read by every
    publish, and leaks nothing of the key)."""
    return hashlib.sha256(stream_key.encode("utf-8")).hexdigest()


def key_claim(stream_key: str, video_id: int) -> NewClaim:
    return NewClaim(keys.LIVE_KEY, key_digest(stream_key), str(video_id), KEY_TAKEN)


def key_claim_item(stream_key: str) -> Claim:
    """The claim item of a stream key (to delete it with its live)."""
    return Claim(keys.claim_pk(keys.LIVE_KEY, key_digest(stream_key)), keys.CLAIM_SK)


def create_live(video: Video, live: LiveVideo, stream_key: str, extra: Sequence[TableItem] = ()) -> None:
    """LV1: a live's video, its settings and its stream key's claim (with `extra` items of its
    partition: a password-protected live's passwords), in one transaction (W1)."""
    videos.create_video(video, [live, *extra], claims=[key_claim(stream_key, int(video.id))])


def get_live(video_id: int, *, consistent: bool = False) -> LiveVideo | None:
    """LV3."""
    try:
        return LiveVideo.get(keys.video_pk(video_id), keys.LIVE_SK, consistent_read=consistent)
    except LiveVideo.DoesNotExist:
        return None


def get_video_and_live(video_id: int) -> tuple[Video | None, LiveVideo | None]:
    """LV4: the video and its live settings in one Query (`ENTITY` .. `LIVE`, its files between)."""
    items = TableItem.query(
        keys.video_pk(video_id), TableItem.sk.between(keys.ENTITY_SK, keys.LIVE_SK), consistent_read=True
    )
    video: Video | None = None
    live: LiveVideo | None = None
    for item in items:
        if isinstance(item, Video):
            video = item
        elif isinstance(item, LiveVideo):
            live = item
    return video, live


def find_by_stream_key(stream_key: str) -> tuple[Video | None, LiveVideo | None]:
    """LV2 then LV4: the live a stream key opens (one GetItem and one Query); (None, None)
    for a key nobody holds."""
    target = claims.target(keys.LIVE_KEY, key_digest(stream_key))
    if target is None or not target.isdigit():
        return None, None
    return get_video_and_live(int(target))


def update_settings(video: Video, live: LiveVideo, changes: dict[str, Any], now: datetime) -> bool:
    """LV5: change a live's settings while it waits for its encoder (PeerTube refuses a live
    that has started); False when the video has moved on (or is gone)."""
    attributes = LiveVideo.get_attributes()
    actions: list[Any] = [
        attributes[name].remove() if value is None else attributes[name].set(value) for name, value in changes.items()
    ]
    actions.append(LiveVideo.updated_at.set(now))
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.condition_check(
                Video, keys.video_pk(int(video.id)), keys.ENTITY_SK, condition=Video.stage == STAGE_LIVE_WAITING
            )
            transaction.update(live, actions=actions, condition=LiveVideo.pk.exists())
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    for name, value in changes.items():
        setattr(live, name, value)
    return True


def set_owner_blocked(video_ids: Sequence[int], blocked: bool) -> None:
    """LV6: a blocked owner's lives refuse their encoders (and take them back when unblocked);
    lives deleted meanwhile are skipped."""
    for video_id in video_ids:
        live = LiveVideo(keys.video_pk(video_id), keys.LIVE_SK)
        try:
            live.update(actions=[LiveVideo.owner_blocked.set(blocked)], condition=LiveVideo.pk.exists())
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise


# --- The live's moves (the stage table: store/models/video_stages.py) --------------------


def go_live(video: Video, now: datetime) -> bool:
    """live-waiting → live-on, PUBLISHED (PeerTube dates its publication then); False if it
    was not waiting (a repeated notice)."""
    went = videos.transition(
        video,
        STAGE_LIVE_WAITING,
        STAGE_LIVE_ON,
        [Video.state.set(STATE_PUBLISHED), Video.published_at.set(now), Video.updated_at.set(now)],
    )
    if went:
        activity_days.mark_active("channels", int(video.channel_id), now)
    return went


def share_swarms(video: Video, info_hashes: Sequence[str]) -> None:
    """P1 for a live on air: its swarms named on the video first (deleted with it, P2), then
    claimed for the tracker. Repeated harmlessly."""
    video.update(actions=[Video.info_hashes.add(set(info_hashes))])
    infohashes.add(info_hashes, int(video.id))


def give_up_swarms(video: Video, info_hashes: Sequence[str]) -> None:
    """A non-permanent live's swarms when it ends: the claims first, so that no claim is left
    that its video does not name."""
    infohashes.remove(info_hashes)
    video.update(actions=[Video.info_hashes.delete(set(info_hashes))])


def end_live(video: Video, now: datetime) -> bool:
    """live-on (or live-waiting, for a session never playable) → live-ended, LIVE_ENDED."""
    return videos.transition(
        video,
        (STAGE_LIVE_WAITING, STAGE_LIVE_ON),
        STAGE_LIVE_ENDED,
        [Video.state.set(STATE_LIVE_ENDED), Video.updated_at.set(now)],
    )


def wait_again(video: Video, now: datetime) -> bool:
    """live-on → live-waiting, WAITING_FOR_LIVE: a permanent live's session ended."""
    return videos.transition(
        video, STAGE_LIVE_ON, STAGE_LIVE_WAITING, [Video.state.set(STATE_WAITING_FOR_LIVE), Video.updated_at.set(now)]
    )


def become_replay(video: Video, source_key: str, privacy: int, session: str, now: datetime) -> bool:
    """live-ended → uploaded: a non-permanent live becomes its own replay (PeerTube's
    replaceLiveByReplay: no longer a live, TO_TRANSCODE, the replay's privacy), its source
    where the pipeline reads it; False if it already did."""
    return videos.transition(
        video,
        STAGE_LIVE_ENDED,
        STAGE_UPLOADED,
        [
            Video.state.set(STATE_TO_TRANSCODE),
            Video.privacy.set(privacy),
            Video.wait_transcoding.set(True),
            Video.source_key.set(source_key),
            Video.live_session.set(session),
            Video.updated_at.set(now),
        ],
    )


# --- Sessions ----------------------------------------------------------------------------


def session_id(video_id: int, number: int) -> int:
    return video_id * SESSION_ID_FACTOR + number


def session_place(session_id_: int) -> tuple[int, int]:
    """(video id, number) of a session id."""
    return divmod(session_id_, SESSION_ID_FACTOR)


def open_session(live: LiveVideo, started_at: datetime) -> LiveSession | None:
    """LV7: a session begins: its number from the live's counter, its item, and the live's
    `current_session`; None if one is already under way (a repeated notice)."""
    video_id = int(live.video_id)
    try:
        live.update(
            actions=[LiveVideo.sessions.add(1)],
            condition=LiveVideo.pk.exists() & LiveVideo.current_session.does_not_exist(),
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return None
        raise
    number = int(live.sessions)
    session = LiveSession(
        keys.video_pk(video_id),
        keys.live_session_sk(number),
        id=session_id(video_id, number),
        video_id=video_id,
        number=number,
        started_at=started_at,
        save_replay=bool(live.save_replay),
        replay_privacy=live.replay_privacy,
        permanent_live=bool(live.permanent_live),
    )
    # UpdateItems only (the ingest's role may not PutItem): this one creates the item.
    session.update(actions=_set_all(session))
    live.update(actions=[LiveVideo.current_session.set(number)])
    return session


def close_session(
    live: LiveVideo,
    session: LiveSession,
    ended_at: datetime,
    details: dict[str, Any],
) -> bool:
    """LV8: a session ends (once: False if it had already), with what the replay needs
    (`details`: error, reason, segment_tag, renditions, directory, connections); the live
    has no session under way any more."""
    attributes = LiveSession.get_attributes()
    actions: list[Any] = [LiveSession.ended_at.set(ended_at)]
    actions += [attributes[name].set(value) for name, value in details.items() if value is not None]
    try:
        session.update(actions=actions, condition=LiveSession.pk.exists() & LiveSession.ended_at.does_not_exist())
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    try:
        live.update(
            actions=[LiveVideo.current_session.remove()],
            condition=LiveVideo.current_session == int(session.number),
        )
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
    return True


def get_session(video_id: int, number: int) -> LiveSession | None:
    """LV9."""
    try:
        return LiveSession.get(keys.video_pk(video_id), keys.live_session_sk(number), consistent_read=True)
    except LiveSession.DoesNotExist:
        return None


def list_sessions(video_id: int, *, newest_first: bool = False, limit: int = 100) -> list[LiveSession]:
    """LV9: a live's sessions, by their number (the order they began)."""
    query = LiveSession.query(
        keys.video_pk(video_id),
        LiveSession.sk.startswith(keys.LIVE_SESSION_SK_PREFIX),
        scan_index_forward=not newest_first,
        limit=limit,
    )
    return [item for item in query if isinstance(item, LiveSession)]


def set_replay_video(session: LiveSession, replay_video_id: int) -> bool:
    """The session's replay is this video (once: False if another one already is)."""
    try:
        session.update(
            actions=[LiveSession.replay_video_id.set(replay_video_id), LiveSession.ending_processed.set(True)],
            condition=LiveSession.replay_video_id.does_not_exist() | (LiveSession.replay_video_id == replay_video_id),
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def mark_processed(session: LiveSession) -> None:
    """Nothing more will be made of the session (no replay, or its replay is on its way)."""
    session.update(actions=[LiveSession.ending_processed.set(True)])


def _set_all(item: TableItem) -> list[Any]:
    attributes = type(item).get_attributes()
    skip = {"pk", "sk"}
    return [
        attributes[name].set(getattr(item, name))
        for name in attributes
        if name not in skip and getattr(item, name) is not None and not name.startswith(("gsi", "catalog"))
    ]
