"""Which requests go to the API and which to the web client: one list for every front door.

CloudFront (template.yaml and the CDK app) and the local gateway (local/gateway.py) route the
same paths the same way. The API paths get their own uncached CloudFront behaviours; the
paths shared by the web client's pages and ActivityPub documents are told apart per request,
as PeerTube does, by the Accept header, in a CloudFront Function whose code
`viewer_request_code()` writes from these lists. tests/infra runs that code in Node against
`is_api_request` on the same cases.
"""

from __future__ import annotations

import json

# Served from the media bucket (HLS, web videos, thumbnails, previews, avatars).
MEDIA_PREFIXES = ("/static/", "/lazy-static/")
# Under the media paths but the API's: the HLS files and web videos of private, internal and
# password-protected videos, read with a video file token (chalicelib/api/video_files.py), and
# every torrent (chalicelib/api/video_downloads.py: the API checks the video's privacy).
# Their behaviours come before the media ones, since CloudFront takes the first pattern that
# matches.
PRIVATE_MEDIA_PREFIXES = (
    "/static/streaming-playlists/hls/private/",
    "/static/web-videos/private/",
    "/lazy-static/torrents/",
    "/static/torrents/",
)
# Both torrent paths (PeerTube's, and PeerTube 5's) in one behaviour: CloudFront's default
# quota is 25 behaviours a distribution.
TORRENTS_PATH_PATTERN = "/*static/torrents/*"
# Under the media paths too: lives' HLS (functions/live/ports.py LIVE_HLS_PREFIXES), whose
# playlists and hashes change with every segment. Their behaviour comes before the VOD
# playlists' (which match these playlists too), with the ingest's Cache-Control.
LIVE_MEDIA_PREFIXES = ("/static/streaming-playlists/hls/live/",)
# Always the API function (/feeds/: PeerTube's syndication feeds; /services/: its oEmbed;
# /plugins/: plugins' routes, client scripts and global.css, docs/plugins.md).
API_PREFIXES = ("/api/", "/.well-known/", "/nodeinfo/", "/download/", "/feeds/", "/services/", "/plugins/")
API_EXACT = ("/api", "/inbox", "/nodeinfo")
# A page of the web client for a browser, an ActivityPub document for a server. /w/, /a/ and
# /c/ are PeerTube's short forms of the video, account and channel URLs.
ACTIVITYPUB_PREFIXES = ("/accounts/", "/video-channels/", "/videos/", "/video-playlists/", "/w/", "/a/", "/c/")
# The three /video... prefixes share one CloudFront behaviour: the distribution is at
# CloudFront's default quota of 25 behaviours, and this made room for /feeds/ and /services/.
VIDEO_PAGES_PATTERN = "/video*"
ACTIVITYPUB_TYPES = ("application/activity+json", "application/ld+json")
# The CloudFront origin ids (the Function selects the API origin by its id).
API_ORIGIN_ID = "api"
WEB_ORIGIN_ID = "web"
MEDIA_ORIGIN_ID = "media"
TRACKER_ORIGIN_ID = "tracker"
REALTIME_ORIGIN_ID = "realtime"
# socket.io's default path (PeerTube's clients keep it): the real-time channel, an API
# Gateway WebSocket API on AWS (docs/realtime.md), local/realtime.py under `make run`.
REALTIME_PREFIX = "/socket.io/"
# The WebSocket API's stage. Its URL is the stage and nothing more (a longer path is refused
# with 403), so the realtime behaviour's Function rewrites every /socket.io/ path to it.
REALTIME_STAGE = "live"
# The web client's shell, served for every client-side route.
SPA_INDEX = "/index.html"


def is_api_request(path: str, accept: str) -> bool:
    """Whether a request for `path` with this Accept header is the API's (else the web client's
    or, for the media paths, the media bucket's)."""
    if path in API_EXACT or path.startswith(API_PREFIXES) or path.startswith(PRIVATE_MEDIA_PREFIXES):
        return True
    if path.startswith(ACTIVITYPUB_PREFIXES):
        # Remote servers POST activities to actors' inboxes without an Accept to go by.
        return any(media in accept for media in ACTIVITYPUB_TYPES) or path.endswith("/inbox")
    return False


def spa_uri(path: str) -> str:
    """What the web origin is asked for: the file itself, or the shell for a client route."""
    last_segment = path.rsplit("/", 1)[-1]
    return path if "." in last_segment else SPA_INDEX


def path_pattern(route: str) -> str:
    """A CloudFront path pattern for a prefix ("/api/" -> "/api/*") or an exact path."""
    return f"{route}*" if route.endswith("/") else route


def api_path_patterns() -> list[str]:
    return [path_pattern(route) for route in (*API_PREFIXES, *API_EXACT)]


def private_media_path_patterns() -> list[str]:
    torrents = [route for route in PRIVATE_MEDIA_PREFIXES if route.endswith("static/torrents/")]
    others = [path_pattern(route) for route in PRIVATE_MEDIA_PREFIXES if route not in torrents]
    return [*others, TORRENTS_PATH_PATTERN]


def live_media_path_patterns() -> list[str]:
    return [path_pattern(route) for route in LIVE_MEDIA_PREFIXES]


def negotiated_path_patterns() -> list[str]:
    patterns: list[str] = []
    for route in ACTIVITYPUB_PREFIXES:
        pattern = VIDEO_PAGES_PATTERN if route.startswith("/video") else path_pattern(route)
        if pattern not in patterns:
            patterns.append(pattern)
    return patterns


def viewer_request_code() -> str:
    """The CloudFront Function (JavaScript runtime 2.0) on the web client's behaviours."""
    constants = {
        "API_PREFIXES": list(API_PREFIXES),
        "API_EXACT": list(API_EXACT),
        "PRIVATE_MEDIA_PREFIXES": list(PRIVATE_MEDIA_PREFIXES),
        "ACTIVITYPUB_PREFIXES": list(ACTIVITYPUB_PREFIXES),
        "ACTIVITYPUB_TYPES": list(ACTIVITYPUB_TYPES),
        "API_ORIGIN_ID": API_ORIGIN_ID,
        "SPA_INDEX": SPA_INDEX,
    }
    declarations = "".join(f"var {name} = {json.dumps(value)};\n" for name, value in constants.items())
    return _HEADER + declarations + _BODY


def realtime_request_code() -> str:
    """The CloudFront Function on the /socket.io/* behaviour: the WebSocket API's stage path
    instead of socket.io's (the query string, with EIO, transport and accessToken, stays)."""
    return (
        "// Written by infra/edge_routes.py (realtime_request_code).\n"
        "function handler(event) {\n"
        "  var request = event.request;\n"
        f"  request.uri = {json.dumps('/' + REALTIME_STAGE)};\n"
        "  return request;\n"
        "}\n"
    )


_HEADER = """\
import cf from 'cloudfront';

// Written by infra/edge_routes.py (viewer_request_code); change the lists there.
"""

_BODY = """\

function startsWithAny(path, prefixes) {
  for (var i = 0; i < prefixes.length; i++) {
    if (path.startsWith(prefixes[i])) return true;
  }
  return false;
}

function isApiRequest(path, accept) {
  if (API_EXACT.indexOf(path) >= 0 || startsWithAny(path, API_PREFIXES)) return true;
  if (startsWithAny(path, PRIVATE_MEDIA_PREFIXES)) return true;
  if (startsWithAny(path, ACTIVITYPUB_PREFIXES)) {
    for (var i = 0; i < ACTIVITYPUB_TYPES.length; i++) {
      if (accept.indexOf(ACTIVITYPUB_TYPES[i]) >= 0) return true;
    }
    return path.endsWith('/inbox');
  }
  return false;
}

function handler(event) {
  var request = event.request;
  var header = request.headers.accept;
  var accept = header ? header.value : '';
  if (isApiRequest(request.uri, accept)) {
    cf.selectRequestOriginById(API_ORIGIN_ID);
    return request;
  }
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') < 0) request.uri = SPA_INDEX;
  return request;
}
"""


if __name__ == "__main__":
    print(viewer_request_code(), end="")
