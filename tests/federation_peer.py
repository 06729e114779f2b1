"""Another ActivityPub server on loopback, for tests: it serves its actors, WebFinger and
NodeInfo over real HTTP, records what its inboxes receive, answers with chosen statuses,
and signs what it sends with real HTTP signatures."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from chalicelib.activitypub.signatures import sign_request
from chalicelib.config import get_settings
from tests.api_client import ApiClient, ApiResponse
from tests.unit.ap_fixtures import fixture

AP_CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]


def _jpeg(width: int = 32, height: int = 18) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


THUMBNAIL = _jpeg()  # a small real JPEG: remote images are decoded and re-encoded


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Peer:
    keys: dict[str, str] = field(default_factory=lambda: fixture("peertube/keys.json"))
    received: list[Received] = field(default_factory=list)
    inbox_statuses: list[int] = field(default_factory=list)  # answers to give, in order, then 204
    fetches: list[str] = field(default_factory=list)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # served at their path (and query)
    redirects: dict[str, str] = field(default_factory=dict)  # path (and query) -> Location of a 302
    aliases: dict[str, list[str]] = field(default_factory=dict)  # actor name -> its alsoKnownAs
    _server: ThreadingHTTPServer | None = None

    def start(self) -> Peer:
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                peer.fetches.append(self.path)
                if self.path in peer.redirects:
                    self.send_response(302)
                    self.send_header("Location", peer.redirects[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status, content_type, body = peer.answer_get(self.path)
                self._send(status, content_type, body)

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                peer.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status = peer.inbox_statuses.pop(0) if peer.inbox_statuses else 204
                self._send(status, "application/json", b"")

            def _send(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def host(self) -> str:
        assert self._server is not None
        return f"127.0.0.1:{self._server.server_address[1]}"

    @property
    def base(self) -> str:
        return f"http://{self.host}"

    def url(self, name: str = "peertube") -> str:
        return f"{self.base}/accounts/{name}"

    def channel_url(self, name: str = "cats") -> str:
        return f"{self.base}/video-channels/{name}"

    def channel(self, name: str = "cats", owner: str = "carol") -> dict[str, Any]:
        document = self._actor_document("Group", self.channel_url(name), name)
        document["attributedTo"] = [{"type": "Person", "id": self.url(owner)}]
        return document

    def video(self, video_uuid: str, name: str = "A remote video", **fields: Any) -> dict[str, Any]:
        url = f"{self.base}/videos/watch/{video_uuid}"
        hls = f"{self.base}/static/streaming-playlists/hls/{video_uuid}"
        document: dict[str, Any] = {
            "type": "Video",
            "id": url,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [f"{self.url('carol')}/followers"],
            "name": name,
            "duration": "PT12S",
            "uuid": video_uuid,
            "views": 3,
            "sensitive": False,
            "commentsPolicy": 1,
            "downloadEnabled": True,
            "waitTranscoding": True,
            "state": 1,
            "published": "2026-11-01T10:00:00.000Z",
            "updated": "2026-11-01T10:05:00.000Z",
            "tag": [{"type": "Hashtag", "name": "remote"}],
            "mediaType": "text/markdown",
            "content": "Made **elsewhere**.",
            "icon": [
                {
                    "type": "Image",
                    "url": f"{self.base}/thumb.jpg",
                    "mediaType": "image/jpeg",
                    "width": 280,
                    "height": 157,
                }
            ],
            "url": [
                {"type": "Link", "mediaType": "text/html", "href": url},
                {
                    "type": "Link",
                    "mediaType": "application/x-mpegURL",
                    "href": f"{hls}/abc-master.m3u8",
                    "tag": [
                        {
                            "type": "Link",
                            "name": "sha256",
                            "mediaType": "application/json",
                            "href": f"{hls}/abc-segments-sha256.json",
                        },
                        {
                            "type": "Link",
                            "mediaType": "video/mp4",
                            "href": f"{hls}/abc-720-fragmented.mp4",
                            "height": 720,
                            "width": 1280,
                            "size": 1000,
                            "fps": 30,
                        },
                        {
                            "type": "Link",
                            "mediaType": "video/mp4",
                            "href": f"{hls}/abc-240-fragmented.mp4",
                            "height": 240,
                            "width": 426,
                            "size": 300,
                            "fps": 30,
                        },
                    ],
                },
            ],
            "attributedTo": [{"type": "Person", "id": self.url("carol")}, {"type": "Group", "id": self.channel_url()}],
        }
        document.update(fields)
        return document

    def actor(self, name: str = "peertube") -> dict[str, Any]:
        return self._actor_document("Application" if name == "peertube" else "Person", self.url(name), name)

    def _actor_document(self, kind: str, url: str, name: str) -> dict[str, Any]:
        document: dict[str, Any] = {
            "@context": AP_CONTEXT,
            "type": kind,
            "id": url,
            "preferredUsername": name,
            "name": name.title(),
            "inbox": f"{url}/inbox",
            "outbox": f"{url}/outbox",
            "followers": f"{url}/followers",
            "following": f"{url}/following",
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "publicKey": {"id": f"{url}#main-key", "owner": url, "publicKeyPem": self.keys["publicKey"]},
        }
        if name in self.aliases:
            document["alsoKnownAs"] = self.aliases[name]
        return document

    def answer_get(self, raw_path: str) -> tuple[int, str, bytes]:  # noqa: PLR0911 - one answer per route
        parts = urlsplit(raw_path)
        segments = parts.path.strip("/").split("/")
        if len(segments) == 2 and segments[0] == "accounts":
            return 200, "application/activity+json; charset=utf-8", json.dumps(self.actor(segments[1])).encode()
        if len(segments) == 2 and segments[0] == "video-channels":
            return 200, "application/activity+json; charset=utf-8", json.dumps(self.channel(segments[1])).encode()
        with_query = f"{parts.path}?{parts.query}" if parts.query else parts.path
        for key in (with_query, parts.path):  # a page of a collection first, then the collection
            if key in self.objects:
                return 200, "application/activity+json", json.dumps(self.objects[key]).encode()
        if parts.path == "/thumb.jpg":
            return 200, "image/jpeg", THUMBNAIL
        if parts.path == "/.well-known/nodeinfo":
            links = {"links": [{"rel": "https://www.w3.org/ns/activitystreams#Application", "href": self.url()}]}
            return 200, "application/json", json.dumps(links).encode()
        if parts.path == "/.well-known/webfinger":
            resource = parse_qs(parts.query).get("resource", [""])[0]
            name = resource.removeprefix("acct:").partition("@")[0]
            href = self.channel_url(name) if name == "cats" else self.url(name)  # "cats" is a channel
            document: dict[str, Any] = {
                "subject": resource,
                "links": [{"rel": "self", "type": "application/activity+json", "href": href}],
            }
            return 200, "application/jrd+json", json.dumps(document).encode()
        return 404, "application/json", b"{}"

    def post(
        self,
        api: ApiClient,
        path: str,
        activity: dict[str, Any],
        *,
        name: str = "peertube",
        channel: bool = False,
        **overrides: str,
    ) -> ApiResponse:
        """POST `activity` to one of our inboxes, signed as this peer's actor `name` (a channel
        if `channel`; "cats" always is one)."""
        body = json.dumps(activity).encode()
        target = f"{get_settings().instance_url}{path}"
        signer = self.channel_url(name) if name == "cats" or channel else self.url(name)
        headers = dict(sign_request("POST", target, body, f"{signer}#main-key", self.keys["privateKey"]))
        headers.update(overrides)
        headers["Content-Type"] = "application/activity+json"
        return api.request("POST", path, body=body, headers=headers)

    def create(self, video: dict[str, Any]) -> dict[str, Any]:
        """The Create activity by which carol, the owner of the peer's channel, publishes `video`."""
        return {
            "type": "Create",
            "id": f"{video['id']}/activity",
            "actor": self.url("carol"),
            "to": video.get("to", []),
            "cc": video.get("cc", []),
            "object": video,
        }

    def publish(self, api: ApiClient, video: dict[str, Any]) -> None:
        """Deliver the video's Create to our inbox and let our instance process it."""
        from tests.queue_runner import drain_federation

        assert self.post(api, "/inbox", self.create(video), name="carol").status == 204  # answered before processing
        drain_federation()

    def followed_by_our_instance(self, api: ApiClient, admin_token: str) -> None:
        """Our instance follows this peer's instance actor, and the peer accepts: from then on
        its videos and playlists are listed here (PeerTube's rule)."""
        from tests.queue_runner import drain_federation

        assert api.post_json("/api/v1/server/following", {"hosts": [self.host]}, admin_token).status == 204
        drain_federation()
        follow = next(r.json() for r in reversed(self.received) if r.json().get("type") == "Follow")
        accept = {"type": "Accept", "id": f"{self.base}/accepts/follows/{len(self.received)}", "actor": self.url()}
        assert self.post(api, "/accounts/peertube/inbox", {**accept, "object": follow}).status == 204
        drain_federation()

    def follow_our_instance(self, api: ApiClient) -> None:
        """The peer's instance actor follows ours (so hears what our instance actor's followers hear)."""
        from tests.queue_runner import drain_federation

        follow = {
            "type": "Follow",
            "id": f"{self.url()}/follows/1",
            "actor": self.url(),
            "object": f"{get_settings().instance_url}/accounts/peertube",
        }
        assert self.post(api, "/inbox", follow).status == 204
        drain_federation()
        self.received.clear()

    def inbox_activities(self, path: str | None = None) -> list[dict[str, Any]]:
        return [r.json() for r in self.received if path is None or r.path == path]
