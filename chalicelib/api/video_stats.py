"""A video's statistics (PeerTube's /api/v1/videos/{id}/stats/*) and the player's playback
metrics (POST /api/v1/metrics/playback), with Cirrus's quality-of-experience figures at
/api/v1/videos/{id}/stats/qoe (docs/stats.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import optional_session, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, query_param, source_ip
from chalicelib.api.responses import no_content
from chalicelib.api.video_passwords import password_header
from chalicelib.domain import playback_metrics, video_stats
from chalicelib.domain import videos as video_cases
from chalicelib.domain import views as view_cases
from chalicelib.domain.oauth import utcnow

if TYPE_CHECKING:
    from chalice.app import Response

    from chalicelib.store.models import Video

video_stats_api = ApiBlueprint(__name__)


@video_stats_api.route("/api/v1/videos/{video_id}/stats/overall", methods=["GET"])
def overall(video_id: str) -> dict[str, Any]:
    video = _readable(video_id)
    return video_stats.overall(video, _window(), utcnow())


@video_stats_api.route("/api/v1/videos/{video_id}/stats/user-agent", methods=["GET"])
def user_agent(video_id: str) -> dict[str, Any]:
    video = _readable(video_id)
    return video_stats.user_agents_of(video, _window(), utcnow())


@video_stats_api.route("/api/v1/videos/{video_id}/stats/retention", methods=["GET"])
def retention(video_id: str) -> dict[str, Any]:
    return video_stats.retention(_readable(video_id))


@video_stats_api.route("/api/v1/videos/{video_id}/stats/timeseries/{metric}", methods=["GET"])
def timeseries(video_id: str, metric: str) -> dict[str, Any]:
    video = _readable(video_id)
    return video_stats.timeseries(video, metric, _window(both=True), utcnow())


@video_stats_api.route("/api/v1/videos/{video_id}/stats/qoe", methods=["GET"])
def qoe(video_id: str) -> dict[str, Any]:
    video = _readable(video_id)
    return playback_metrics.qoe(video, _window(), utcnow())


@video_stats_api.route("/api/v1/metrics/playback", methods=["POST"])
def playback(_: None = None) -> Response:
    request = video_stats_api.current_request
    caller = optional_session(request)
    report = playback_metrics.read_report(json_object(request))
    video = video_cases.find_video(str(report.video_id), "videoId")
    by_uuid = not str(report.video_id).isdigit()
    video_cases.check_can_see(video, caller.user if caller else None, by_uuid, password_header(request))
    viewer = view_cases.viewer_key(report.session_id, source_ip(request))
    playback_metrics.record(video, viewer, source_ip(request), report, utcnow())
    return no_content()


def _readable(video_id: str) -> Video:
    user = session(video_stats_api.current_request).user
    video = video_cases.find_video(video_id, "videoId")
    video_stats.check_can_read(video, user)
    return video


def _window(*, both: bool = False) -> video_stats.Window:
    request = video_stats_api.current_request
    return video_stats.read_window(query_param(request, "startDate"), query_param(request, "endDate"), both=both)
