"""The tracker through `make run`'s gateway: a published video's swarms are served at the
URL its details list, peers meet there, and unknown swarms are refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from chalicelib.media.infohashes import playlist_info_hashes
from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, wait_published

pytestmark = pytest.mark.e2e


def _send(peer: ClientConnection, **fields: Any) -> None:
    peer.send(json.dumps(fields))


def _recv(peer: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(peer.recv(timeout=10)))


@needs_ffmpeg
def test_viewers_of_a_published_video_meet_on_the_gateway_tracker(stack: RunningStack, tmp_path: Path) -> None:
    stack.start()
    client = Client(stack)
    client.register("petra", "petra password")
    token = client.login("petra", "petra password")["access_token"]
    channel_id = client.send("GET", "/api/v1/users/me", token).json()["videoChannels"][0]["id"]
    with open(make_clip(tmp_path / "clip.mp4", seconds=3), "rb") as handle:
        uploaded = client.send(
            "POST",
            "/api/v1/videos/upload",
            token,
            data={"name": "Shared", "channelId": str(channel_id), "privacy": "1"},
            files={"videofile": ("clip.mp4", handle, "video/mp4")},
        )
    assert uploaded.status_code == 200, uploaded.text
    video = wait_published(client, token, uploaded.json()["video"]["uuid"])

    tracker_url = video["trackerUrls"][1]
    assert tracker_url == f"ws://{stack.host}/tracker/socket"
    playlist = video["streamingPlaylists"][0]
    hashes = playlist_info_hashes(playlist["playlistUrl"], [f["resolution"]["id"] for f in playlist["files"]])
    # What p2p-media-loader announces for the first variant: 20 ASCII characters.
    swarm = bytes.fromhex(hashes[0]).decode("ascii")

    with connect(tracker_url) as a, connect(tracker_url) as b, connect(tracker_url) as stranger:
        _send(b, action="announce", info_hash=swarm, peer_id="B" * 20, event="started", numwant=0)
        assert _recv(b) == {"action": "announce", "interval": 120, "info_hash": swarm, "complete": 0, "incomplete": 1}
        offer = {"type": "offer", "sdp": "v=0"}
        _send(a, action="announce", info_hash=swarm, peer_id="A" * 20, event="started", numwant=1,
              offers=[{"offer": offer, "offer_id": "\xff" * 20}])  # fmt: skip
        assert _recv(a)["incomplete"] == 2
        relayed = _recv(b)
        assert (relayed["offer"], relayed["offer_id"], relayed["peer_id"]) == (offer, "\xff" * 20, "A" * 20)
        _send(b, action="announce", info_hash=swarm, peer_id="B" * 20, to_peer_id="A" * 20,
              answer={"type": "answer", "sdp": "v=0"}, offer_id="\xff" * 20)  # fmt: skip
        assert _recv(a)["peer_id"] == "B" * 20

        _send(stranger, action="announce", info_hash="N" * 20, peer_id="C" * 20, event="started")
        assert _recv(stranger)["failure reason"] == "info_hash not allowed on this tracker"
        with pytest.raises(ConnectionClosed):
            stranger.recv(timeout=10)

    health = stack.get("/tracker/health").json()
    assert health["status"] == "ok"
