"""Views: the player's pings (PeerTube's POST /videos/{id}/views and its /watching alias)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.api.auth import optional_session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, source_ip, viewer_region
from chalicelib.api.responses import no_content
from chalicelib.api.video_passwords import password_header
from chalicelib.domain import events, user_agents, video_stats
from chalicelib.domain import videos as video_cases
from chalicelib.domain import views as view_cases
from chalicelib.domain.oauth import utcnow
from chalicelib.store import queues

if TYPE_CHECKING:
    from chalice.app import Request, Response

views_api = ApiBlueprint(__name__)


@views_api.route("/api/v1/videos/{video_id}/views", methods=["POST", "PUT"])
def add_view(video_id: str) -> Response:
    return _ping(video_id)


@views_api.route("/api/v1/videos/{video_id}/watching", methods=["POST", "PUT"])
def watching(video_id: str) -> Response:
    return _ping(video_id)


def _ping(video_id: str) -> Response:
    request = views_api.current_request
    caller = optional_session(request)  # bad credentials still fail, as in PeerTube
    ping = view_cases.read_ping(json_object(request))
    video = video_cases.find_video(video_id)
    # Unlike PeerTube, only those who may watch the video count a view: a private video's
    # id (sequential) must not reveal it exists, nor let anyone move its counters.
    video_cases.check_can_see(video, caller.user if caller else None, not video_id.isdigit(), password_header(request))
    view_cases.check_position(video, ping.position)
    viewer = view_cases.viewer_key(ping.session_id, source_ip(request))
    user = caller.user if caller else None
    outcome = view_cases.record_ping(video, viewer, ping, utcnow(), user, _viewing(request, ping))
    counted = outcome.counted
    messages = []
    if counted is not None:
        view = {"view": counted.view_id, "video": counted.video_id, "at": counted.at.isoformat()}
        messages.append({**view, "local": counted.local})
    if outcome.watch is not None:
        state = video_stats.viewer_message(video, viewer, outcome.watch)
        if state is not None:
            messages.append(state)
    if messages:
        queues.send_views(messages)  # one SendMessageBatch for both
    if counted is not None and not video.is_local:
        events.emit(events.RemoteVideoViewed(video, counted.view_id))
    return no_content()


def _viewing(request: Request, ping: view_cases.Ping) -> view_cases.Viewing:
    country, subdivision = viewer_region(request)
    agent = user_agents.described(request.headers.get("user-agent"), ping.client, ping.device, ping.operating_system)
    return view_cases.Viewing(country, subdivision, agent.client, agent.device, agent.operating_system)
