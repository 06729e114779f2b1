"""Live videos, as PeerTube's API has them:

    POST /api/v1/videos/live                 create (JSON or multipart), 200 {video: {id, shortUUID, uuid}}
    GET  /api/v1/videos/live/{id}            its settings; the stream key and RTMP URLs to its managers only
    PUT  /api/v1/videos/live/{id}            change them while it waits for its encoder, 204
    GET  /api/v1/videos/live/{id}/sessions   its sessions (at most 100), to its managers
    GET  /api/v1/videos/{id}/live-session    the session a replay was made from

Each view checks its input first (400 problems), then the rules (403, 404), as PeerTube's
validators run before its controllers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import optional_session, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, media_type, multipart_form, query_param
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import iso
from chalicelib.api.video_passwords import password_header
from chalicelib.config import get_settings
from chalicelib.domain import custom_config, lives
from chalicelib.domain import videos as video_cases
from chalicelib.domain.oauth import utcnow
from chalicelib.domain.short_uuid import to_short
from chalicelib.errors import ValidationError

if TYPE_CHECKING:
    from chalice.app import Request, Response

    from chalicelib.config import Settings
    from chalicelib.store.models import LiveSession, LiveVideo, Video

lives_api = ApiBlueprint(__name__)

SESSION_SORTS = ("startDate", "createdAt")


@lives_api.route("/api/v1/videos/live", methods=["POST"], content_types=["application/json", "multipart/form-data"])
def create_live() -> dict[str, Any]:
    request = lives_api.current_request
    user = session(request).user
    fields = _fields(request)
    form = lives.read_create_form(fields)
    settings = custom_config.in_force(get_settings())
    video = lives.create_live(settings, settings.live, user, form, utcnow(), body=fields)
    return {"video": {"id": int(video.id), "shortUUID": to_short(video.uuid), "uuid": video.uuid}}


@lives_api.route("/api/v1/videos/live/{video_id}", methods=["GET"])
def get_live(video_id: str) -> dict[str, Any]:
    request = lives_api.current_request
    viewer = optional_session(request)
    user = viewer.user if viewer else None
    video = video_cases.find_video(video_id, "videoId")
    live = lives.get_live(video)
    manager = lives.can_manage(user, video)
    if not manager:
        # PeerTube answers anyone; Cirrus first asks whether they may see the video at all.
        video_cases.check_can_see(video, user, not video_id.isdigit(), password_header(request))
    return live_json(live, get_settings(), private=manager)


@lives_api.route("/api/v1/videos/live/{video_id}", methods=["PUT"])
def put_live(video_id: str) -> Response:
    request = lives_api.current_request
    user = session(request).user
    form = lives.read_update_form(json_object(request))
    video = video_cases.find_video(video_id, "videoId")
    live = lives.get_live(video)
    settings = custom_config.in_force(get_settings())
    lives.update_live(settings.live, user, video, live, form, utcnow())
    return no_content()


@lives_api.route("/api/v1/videos/live/{video_id}/sessions", methods=["GET"])
def list_sessions(video_id: str) -> dict[str, Any]:
    request = lives_api.current_request
    user = session(request).user
    newest_first = _session_order(request)
    video = video_cases.find_video(video_id, "videoId")
    lives.get_live(video)
    lives.check_can_manage(user, video)
    found = lives.list_sessions(video, newest_first)
    replays = lives.replay_videos(found)
    data = [session_json(item, replays) for item in found]
    return {"total": len(data), "data": data}


@lives_api.route("/api/v1/videos/{video_id}/live-session", methods=["GET"])
def get_replay_session(video_id: str) -> dict[str, Any]:
    request = lives_api.current_request
    video = video_cases.find_video(video_id, "videoId")
    viewer = optional_session(request)
    video_cases.check_can_see(video, viewer.user if viewer else None, not video_id.isdigit(), password_header(request))
    found = lives.session_of_replay(video)
    return session_json(found, {int(video.id): video})


def live_json(live: LiveVideo, settings: Settings, *, private: bool) -> dict[str, Any]:
    """PeerTube's LiveVideo; the key and URLs to those who manage the live only."""
    body: dict[str, Any] = {}
    if private and live.stream_key:
        body.update(
            {"streamKey": live.stream_key, "rtmpUrl": settings.live_rtmp_url, "rtmpsUrl": settings.live_rtmps_url}
        )
    body.update(
        {
            "permanentLive": bool(live.permanent_live),
            "saveReplay": bool(live.save_replay),
            "latencyMode": int(live.latency_mode or lives.LATENCY_DEFAULT),
            "schedules": [{"startAt": start} for start in (live.schedules or [])],
        }
    )
    if private:
        # Cirrus's simulcast: other platforms' URLs, stream keys included.
        body["simulcastTargets"] = list(live.simulcast_targets or [])
    if live.save_replay and live.replay_privacy is not None:
        body["replaySettings"] = {"privacy": int(live.replay_privacy)}
    return body


def session_json(item: LiveSession, replays: dict[int, Video]) -> dict[str, Any]:
    """PeerTube's LiveVideoSession."""
    body: dict[str, Any] = {
        "id": int(item.id),
        "startDate": iso(item.started_at),
        "endDate": iso(item.ended_at),
        "endingProcessed": bool(item.ending_processed),
        "saveReplay": bool(item.save_replay),
    }
    if item.save_replay and item.replay_privacy is not None:
        body["replaySettings"] = {"privacy": int(item.replay_privacy)}
    replay = replays.get(int(item.replay_video_id)) if item.replay_video_id is not None else None
    if replay is not None:
        body["replayVideo"] = {"id": int(replay.id), "uuid": replay.uuid, "shortUUID": to_short(replay.uuid)}
    body["error"] = int(item.error) if item.error is not None else None
    return body


def _fields(request: Request) -> dict[str, Any]:
    if media_type(request) == "multipart/form-data":
        # Thumbnail and preview files are not taken yet: the replay gets images made from it.
        return multipart_form(request)[0]
    return json_object(request)


def _session_order(request: Request) -> bool:
    """Whether the newest come first (PeerTube's sort: startDate by default)."""
    sort = query_param(request, "sort")
    if sort is None:
        return False
    if sort.removeprefix("-") not in SESSION_SORTS:
        raise ValidationError({"sort": "Invalid value"}, location="query")
    return sort.startswith("-")
