"""PeerTube's embed hooks (`filter:html.embed.video.allowed.result`,
`filter:html.embed.video-playlist.allowed.result`), asked by the web client's embed page.

PeerTube runs them when its server renders the embed's HTML. Cirrus's embed page is a static
file of the web client, served by the CDN without the API, so the page asks these two
Cirrus routes first and shows the plugin's `html` (sanitised) instead of the player when it
is refused. The plugin sees the embed's request as a PluginRequest: its query, and the page
that frames it as the `referer` header (the iframe's document.referrer, sent as `referrer`).
"""

from __future__ import annotations

from typing import Any

from chalicelib import plugins
from chalicelib.api.auth import optional_session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.domain.playlists import find_playlist
from chalicelib.domain.videos import find_video
from chalicelib.plugins.router import PluginRequest

embed_hooks_api = ApiBlueprint(__name__)
VIDEO_HOOK = "filter:html.embed.video.allowed.result"
PLAYLIST_HOOK = "filter:html.embed.video-playlist.allowed.result"
MAX_REFERRER = 2000


@embed_hooks_api.route("/api/v1/videos/{video_id}/embed-allowed", methods=["GET"])
def video_embed_allowed(video_id: str) -> dict[str, Any]:
    video = find_video(video_id)
    return _verdict(VIDEO_HOOK, f"/videos/embed/{video_id}", video=video)


@embed_hooks_api.route("/api/v1/video-playlists/{playlist_id}/embed-allowed", methods=["GET"])
def playlist_embed_allowed(playlist_id: str) -> dict[str, Any]:
    playlist = find_playlist(playlist_id).playlist
    return _verdict(PLAYLIST_HOOK, f"/video-playlists/embed/{playlist_id}", playlist=playlist)


def _verdict(hook: str, path: str, **params: Any) -> dict[str, Any]:
    """`{allowed, html}`: Cirrus allows every embed; a plugin may refuse with its own HTML."""
    if not plugins.has_hooks(hook):
        return {"allowed": True}
    request = embed_hooks_api.current_request
    query = dict(request.query_params or {})
    referrer = str(query.pop("referrer", ""))[:MAX_REFERRER]
    current = optional_session(request)
    asked = PluginRequest(
        method="GET",
        path=path,
        query=query,
        headers={"referer": referrer} if referrer else {},
        user=current.user if current else None,
    )
    verdict = plugins.run_filter(hook, {"allowed": True, "html": None}, request=asked, **params)
    html = verdict.get("html")
    if verdict.get("allowed") is True:
        return {"allowed": True}
    return {"allowed": False, "html": html if isinstance(html, str) else ""}
