"""Live videos as their owners manage them (PeerTube's /videos/live API): creating a live
with PeerTube's checks and limits, reading and changing its settings, its sessions, and the
session a replay came from. The ingest's side (stream keys, states, sessions' ends) is
domain/live_ingest.py; the replays, domain/live_replays.py.

PeerTube's order of checks on creation: the fields (400), the password of a
password-protected live, then the instance's rules (403: lives disabled, replays not
allowed, a latency mode the instance does not let owners choose), the channel, and the
limits of lives not yet ended, instance-wide then per user (counted in the catalogue: no
read per live).
"""

from __future__ import annotations

import copy
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import plugins
from chalicelib.domain import events, simulcast_targets
from chalicelib.domain.roles import Right
from chalicelib.domain.validation import Checks
from chalicelib.domain.video_metadata import parse_int
from chalicelib.domain.video_rights import manages
from chalicelib.domain.videos import PRIVACY_PASSWORD, VideoForm, publishing_channel, read_form
from chalicelib.errors import BadRequestError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.store import catalog, counters, keys, lives
from chalicelib.store import video_passwords as store_passwords
from chalicelib.store.models import LiveSession, LiveVideo, User, Video
from chalicelib.store.models.video_stages import LIVE_STAGES, STAGE_LIVE_ENDED, STAGE_LIVE_ON, STAGE_LIVE_WAITING

if TYPE_CHECKING:
    from chalicelib.config import LiveConfig, Settings

STATE_WAITING_FOR_LIVE = 4
LATENCY_DEFAULT, LATENCY_HIGH, LATENCY_SMALL = 1, 2, 3
LATENCY_MODES = frozenset({LATENCY_DEFAULT, LATENCY_HIGH, LATENCY_SMALL})
REPLAY_PRIVACIES = frozenset({1, 2, 3, 4})  # PeerTube: any privacy but password-protected
MAX_SCHEDULES = 10
LIVE_ACCEPT_HOOK = "filter:api.live-video.create.accept.result"
# PeerTube's messages and error codes.
LIVE_NOT_ENABLED = "Live is not enabled on this instance"
REPLAY_NOT_ENABLED = "Saving live replay is not enabled on this instance"
REPLAY_NOT_ALLOWED = "Saving live replay is not allowed by this instance"
LATENCY_NOT_ALLOWED = "Custom latency mode is not allowed by this instance"
MAX_INSTANCE_LIVES = "Cannot create this live because the max instance lives limit is reached."
MAX_USER_LIVES = "Cannot create this live because the max user lives limit is reached."
ALREADY_STARTED = "Cannot update a live that has already started"
NO_REPLAY_FOUND = "No live replay found"
# Fields of LiveVideoCreate and LiveVideoUpdate, with their checks' messages.
SAVE_REPLAY_MESSAGE = "Should have a valid saveReplay boolean"
PERMANENT_MESSAGE = "Should have a valid permanentLive boolean"
SCHEDULES_MESSAGE = "Should have a valid schedules array"


@dataclass(frozen=True)
class LiveSettingsForm:
    """The live fields a create or update sent (None: absent)."""

    save_replay: bool | None = None
    replay_settings: dict[str, Any] | None = None  # {"privacy": int | None} when sent
    permanent_live: bool | None = None
    latency_mode: int | None = None
    schedules: list[str] | None = None
    simulcast_targets: list[str] | None = None

    @property
    def replay_privacy(self) -> int | None:
        return None if self.replay_settings is None else self.replay_settings.get("privacy")


@dataclass(frozen=True)
class LiveForm:
    video: VideoForm
    live: LiveSettingsForm = field(default_factory=LiveSettingsForm)


def is_live(video: Video) -> bool:
    """PeerTube's `isLive`: a video in a live stage (a non-permanent live's replay is not)."""
    return video.stage in LIVE_STAGES


def read_create_form(fields: dict[str, Any]) -> LiveForm:
    """LiveVideoCreate: the usual video fields (as an upload's) and the live's, checked with
    PeerTube's messages; JSON or multipart strings."""
    checks = Checks()
    live = _read_live_fields(_normalised(fields), checks)
    try:
        video = read_form(fields)
    except ValidationError as invalid:
        for name, reason in invalid.invalid_params.items():
            checks.add(name, reason)
        checks.raise_if_any()
        raise
    checks.raise_if_any()
    return LiveForm(video, live)


def read_update_form(fields: dict[str, Any]) -> LiveSettingsForm:
    """LiveVideoUpdate, checked before the live is looked up (PeerTube's order)."""
    checks = Checks()
    live = _read_live_fields(_normalised(fields), checks)
    checks.raise_if_any()
    return live


def create_live(
    settings: Settings,
    live_config: LiveConfig,
    user: User,
    form: LiveForm,
    now: datetime,
    *,
    body: dict[str, Any] | None = None,
) -> Video:
    """A live waiting for its encoder, its settings and its stream key (PeerTube's addLiveVideo).
    Plugins may refuse it (`filter:api.live-video.create.accept.result`, 403 with their
    message) once PeerTube's own checks pass; `body` is what they see of the request."""
    check_allowed(live_config, form.live)
    channel = publishing_channel(form.video.channel_id, user)
    check_limits(live_config, int(channel.account_id or user.account_id))
    accepted, message = plugins.accepted(LIVE_ACCEPT_HOOK, key="accepted", live_video_create=body or {}, user=user)
    if not accepted:
        raise ForbiddenError(message or "Refused local live video")
    video_id = counters.next_id("video")
    video_uuid = str(uuid.uuid4())
    privacy = form.video.privacy
    video = Video(
        keys.video_pk(video_id),
        keys.ENTITY_SK,
        id=video_id,
        uuid=video_uuid,
        name=form.video.name,
        channel_id=int(channel.id),
        account_id=int(channel.account_id or user.account_id),
        user_id=int(user.id),
        url=f"{settings.instance_url}/videos/watch/{video_uuid}",
        privacy=privacy,
        state=STATE_WAITING_FOR_LIVE,
        stage=STAGE_LIVE_WAITING,
        category=form.video.category,
        licence=form.video.licence,
        language=form.video.language,
        description=form.video.description,
        support=form.video.support,
        tags=set(form.video.tags) or None,
        nsfw=form.video.nsfw,
        wait_transcoding=False,
        comments_policy=form.video.comments_policy,
        download_enabled=form.video.download_enabled,
        originally_published_at=form.video.originally_published_at,
        duration=0,
        created_at=now,
        updated_at=now,
        published_at=now,
    )
    settings_form = form.live
    save_replay = bool(settings_form.save_replay)
    live = LiveVideo(
        keys.video_pk(video_id),
        keys.LIVE_SK,
        video_id=video_id,
        stream_key=new_stream_key(),
        permanent_live=bool(settings_form.permanent_live),
        save_replay=save_replay,
        # PeerTube: the replay takes the live's privacy unless told otherwise.
        replay_privacy=(settings_form.replay_privacy or _replay_privacy_default(privacy)) if save_replay else None,
        latency_mode=settings_form.latency_mode or LATENCY_DEFAULT,
        schedules=settings_form.schedules or None,
        simulcast_targets=settings_form.simulcast_targets or None,
        created_at=now,
        updated_at=now,
    )
    passwords = store_passwords.new_passwords(video_id, form.video.passwords, now)
    lives.create_live(video, live, str(live.stream_key), passwords)
    # Federated at once when public, as PeerTube does (a live waiting is announced).
    events.emit(events.VideoPublished(video))
    events.emit(events.LiveCreated(video))
    return video


def new_stream_key() -> str:
    """PeerTube's keys are UUIDs; these are as long and as random."""
    return str(uuid.UUID(bytes=secrets.token_bytes(16), version=4))


def check_allowed(config: LiveConfig, form: LiveSettingsForm, *, creating: bool = True) -> None:
    """The instance's rules on lives (403 with PeerTube's messages and codes)."""
    if creating and not config.enabled:
        raise ForbiddenError(LIVE_NOT_ENABLED, code="live_not_enabled")
    if form.save_replay is True and not config.allow_replay:
        if creating:
            raise ForbiddenError(REPLAY_NOT_ENABLED, code="live_not_allowing_replay")
        raise ForbiddenError(REPLAY_NOT_ALLOWED)
    if not config.latency_setting and form.latency_mode not in (None, LATENCY_DEFAULT):
        raise ForbiddenError(LATENCY_NOT_ALLOWED)


def check_limits(config: LiveConfig, account_id: int) -> None:
    """Lives not yet ended, on the instance and of the account, from the catalogue."""
    if config.max_instance_lives == -1 and config.max_user_lives == -1:
        return
    running = [video for video in catalog.current().videos.values() if _not_ended_local_live(video)]
    if config.max_instance_lives != -1 and len(running) >= config.max_instance_lives:
        raise ForbiddenError(MAX_INSTANCE_LIVES, code="max_instance_lives_limit_reached")
    mine = sum(1 for video in running if int(video.account_id) == account_id)
    if config.max_user_lives != -1 and mine >= config.max_user_lives:
        raise ForbiddenError(MAX_USER_LIVES, code="max_user_lives_limit_reached")


def get_live(video: Video) -> LiveVideo:
    """A video's live settings; 404 (PeerTube's, without a body) for a video that is no live."""
    live = lives.get_live(int(video.id))
    if live is None:
        raise NotFoundError("Not Found")
    return live


def can_manage(user: User | None, video: Video) -> bool:
    """The owner, and those with PeerTube's GET_ANY_LIVE right (administrators, moderators)."""
    if user is None or not video.is_local:
        return False
    return manages(user, video, Right.GET_ANY_LIVE)


def check_can_manage(user: User, video: Video) -> None:
    if not video.is_local:
        raise ForbiddenError("Cannot manage a video of another server.")
    if not can_manage(user, video):
        raise ForbiddenError("Cannot manage a live of another user")


def update_live(
    config: LiveConfig, user: User, video: Video, live: LiveVideo, form: LiveSettingsForm, now: datetime
) -> None:
    """PeerTube's updateLiveVideo, with its checks in its order."""
    check_allowed(config, form, creating=False)
    _check_replay_consistency(live, form)
    if video.stage != STAGE_LIVE_WAITING:
        raise BadRequestError(ALREADY_STARTED)
    check_can_manage(user, video)
    changes: dict[str, Any] = {}
    save_replay = bool(live.save_replay) if form.save_replay is None else form.save_replay
    changes["save_replay"] = save_replay
    if not save_replay:
        changes["replay_privacy"] = None
    elif form.replay_privacy is not None:
        changes["replay_privacy"] = form.replay_privacy
    elif live.replay_privacy is None:
        changes["replay_privacy"] = _replay_privacy_default(int(video.privacy))
    if form.permanent_live is not None:
        changes["permanent_live"] = form.permanent_live
    if form.latency_mode is not None:
        changes["latency_mode"] = form.latency_mode
    if form.schedules is not None:
        changes["schedules"] = form.schedules or None
    if form.simulcast_targets is not None:
        changes["simulcast_targets"] = form.simulcast_targets or None
    before = copy.copy(video)
    if not lives.update_settings(video, live, changes, now):
        raise BadRequestError(ALREADY_STARTED)
    # PeerTube federates the live again: remote servers show its new settings.
    events.emit(events.VideoChanged(before, video))


def mark_owner_blocked(account_id: int, blocked: bool) -> None:
    """The account's lives (from the catalogue) refuse or take encoders again (LV6)."""
    ids = [
        int(video.id)
        for video in catalog.current().videos.values()
        if video.is_local and int(video.account_id) == account_id and video.stage in LIVE_STAGES
    ]
    lives.set_owner_blocked(ids, blocked)


def list_sessions(video: Video, newest_first: bool) -> list[LiveSession]:
    """PeerTube lists at most 100 sessions of a live."""
    return lives.list_sessions(int(video.id), newest_first=newest_first, limit=100)


def session_of_replay(video: Video) -> LiveSession:
    """The live session a replay was made from (404 `No live replay found` otherwise)."""
    place = video.live_session
    if place:
        live_id, _, number = str(place).partition("#")
        if live_id.isdigit() and number.isdigit():
            session = lives.get_session(int(live_id), int(number))
            if session is not None and session.replay_video_id is not None:
                return session
    raise NotFoundError(NO_REPLAY_FOUND)


def replay_videos(sessions: list[LiveSession]) -> dict[int, Video]:
    """The replays these sessions name, from the catalogue (a replay being deleted is left out)."""
    known = catalog.current().videos
    return {
        int(session.replay_video_id): known[int(session.replay_video_id)]
        for session in sessions
        if session.replay_video_id is not None and int(session.replay_video_id) in known
    }


def is_streaming(video: Video) -> bool:
    return video.stage == STAGE_LIVE_ON


def has_ended(video: Video) -> bool:
    return video.stage == STAGE_LIVE_ENDED


# Private


def _not_ended_local_live(video: Video) -> bool:
    return bool(video.is_local) and video.stage in (STAGE_LIVE_WAITING, STAGE_LIVE_ON)


def _replay_privacy_default(privacy: int) -> int:
    # A password-protected live's replay cannot be password-protected (it has no passwords
    # of its own): private is the closest.
    return 3 if privacy == PRIVACY_PASSWORD else privacy


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    """Multipart sends `replaySettings[privacy]`; JSON, an object."""
    if "replaySettings[privacy]" in fields and "replaySettings" not in fields:
        return {**fields, "replaySettings": {"privacy": fields["replaySettings[privacy]"]}}
    return fields


def _read_live_fields(fields: dict[str, Any], checks: Checks) -> LiveSettingsForm:
    save_replay = _boolean(fields, "saveReplay", SAVE_REPLAY_MESSAGE, checks)
    permanent = _boolean(fields, "permanentLive", PERMANENT_MESSAGE, checks)
    replay_settings: dict[str, Any] | None = None
    raw_settings = fields.get("replaySettings")
    if raw_settings is not None:
        if not isinstance(raw_settings, dict):
            checks.add("replaySettings.privacy", "Invalid value")
        else:
            replay_settings = {}
            if "privacy" in raw_settings and raw_settings["privacy"] not in (None, ""):
                privacy = parse_int(raw_settings["privacy"])
                if privacy is None or privacy not in REPLAY_PRIVACIES:
                    checks.add("replaySettings.privacy", "Invalid value")
                else:
                    replay_settings["privacy"] = privacy
    latency = None
    if fields.get("latencyMode") not in (None, ""):
        latency = parse_int(fields["latencyMode"])
        if latency is None or latency not in LATENCY_MODES:
            checks.add("latencyMode", "Invalid value")
            latency = None
    schedules = _schedules(fields.get("schedules"), checks) if "schedules" in fields else None
    simulcast = (
        simulcast_targets.read_targets(fields.get("simulcastTargets"), checks) if "simulcastTargets" in fields else None
    )
    return LiveSettingsForm(save_replay, replay_settings, permanent, latency, schedules, simulcast)


def _boolean(fields: dict[str, Any], name: str, message: str, checks: Checks) -> bool | None:
    value = fields.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    checks.add(name, message)
    return None


def _schedules(value: Any, checks: Checks) -> list[str] | None:
    """PeerTube's `schedules`: an array of `{startAt: <date>}` (null clears them)."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_SCHEDULES:
        checks.add("schedules", SCHEDULES_MESSAGE)
        return None
    found: list[str] = []
    for item in value:
        start = item.get("startAt") if isinstance(item, dict) else None
        try:
            moment = datetime.fromisoformat(start.replace("Z", "+00:00")) if isinstance(start, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            checks.add("schedules", SCHEDULES_MESSAGE)
            return None
        found.append(moment.isoformat())
    return found


def _check_replay_consistency(live: LiveVideo, form: LiveSettingsForm) -> None:
    """PeerTube's checkLiveSettingsReplayConsistency."""
    if not live.save_replay and form.save_replay is True:
        if form.replay_settings is None:
            raise BadRequestError("Replay settings are missing now the live replay is saved")
        if form.replay_privacy is None:
            raise BadRequestError("Privacy replay setting is missing now the live replay is saved")
    not_saved = (form.save_replay is None and not live.save_replay) or form.save_replay is False
    if not_saved and form.replay_settings is not None:
        raise BadRequestError("Cannot save replay settings since live replay is not enabled")
