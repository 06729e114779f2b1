"""Two Cirrus instances side by side on loopback, federating as two PeerTube instances would:
B follows A; a video published on A appears on B and plays from A; a comment, a like and a
view from B reach A; deliveries queued while A is down arrive once it is back; a deletion on
A reaches B. Everything goes over real HTTP with real signatures, through each stack's
queues and functions."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

from tests.conftest import ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, wait_for, wait_published


@needs_ffmpeg
def test_two_instances_federate(instances: tuple[RunningStack, RunningStack], tmp_path: Path) -> None:
    a, b = instances
    on_a, on_b = Client(a), Client(b)
    root_b = on_b.login("root", ROOT_PASSWORD)["access_token"]

    # B follows A; A accepts automatically.
    assert on_b.send("POST", "/api/v1/server/following", root_b, json={"hosts": [a.host]}).status_code == 204
    wait_for(
        "A's Accept",
        lambda: [f for f in on_b.send("GET", "/api/v1/server/following").json()["data"] if f["state"] == "accepted"],
    )
    followers = on_a.send("GET", "/api/v1/server/followers").json()["data"]
    assert [(f["follower"]["host"], f["state"]) for f in followers] == [(b.host, "accepted")]

    # A video published on A appears on B, and plays from A.
    on_a.register("alice", "alice password")
    alice = on_a.login("alice", "alice password")["access_token"]
    channel_id = on_a.send("GET", "/api/v1/users/me", alice).json()["videoChannels"][0]["id"]
    with open(make_clip(tmp_path / "clip.mp4"), "rb") as handle:
        uploaded = on_a.send(
            "POST",
            "/api/v1/videos/upload",
            alice,
            data={"name": "Federated clip", "channelId": str(channel_id), "privacy": "1"},
            files={"videofile": ("clip.mp4", handle, "video/mp4")},
        )
    assert uploaded.status_code == 200, uploaded.text
    uuid = uploaded.json()["video"]["uuid"]
    wait_published(on_a, alice, uuid)

    def remote_copy() -> dict[str, Any] | None:
        found = on_b.send("GET", "/api/v1/videos?isLocal=false").json()["data"]
        return next((v for v in found if v["uuid"] == uuid), None)

    listed = wait_for("the video on B", remote_copy)
    assert listed["name"] == "Federated clip" and listed["channel"]["host"] == a.host
    details = on_b.send("GET", f"/api/v1/videos/{uuid}").json()
    playlist = details["streamingPlaylists"][0]["playlistUrl"]
    assert playlist.startswith(f"{a.url}/static/streaming-playlists/hls/{uuid}/")
    decoded = subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", playlist, "-t", "2", "-f", "null", "-"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert decoded.returncode == 0, decoded.stderr.decode()

    # A comment, a like and a view from B reach A.
    on_b.register("bob", "bob password")
    bob = on_b.login("bob", "bob password")["access_token"]
    commented = on_b.send("POST", f"/api/v1/videos/{uuid}/comment-threads", bob, json={"text": "Hello from B"})
    assert commented.status_code == 200, commented.text
    assert on_b.send("PUT", f"/api/v1/videos/{uuid}/rate", bob, json={"rating": "like"}).status_code == 204
    for position in (0, 4):  # half of a 6 s clip watched: a view (the clock allows 4x + 5 s)
        assert (
            on_b.send(
                "POST", f"/api/v1/videos/{uuid}/views", json={"currentTime": position, "sessionId": "b1"}
            ).status_code
            == 204
        )
        time.sleep(0.5)

    def comments_on_a() -> list[str]:
        data = on_a.send("GET", f"/api/v1/videos/{uuid}/comment-threads").json()["data"]
        return [c["text"] for c in data if c["account"]["host"] == b.host]

    assert wait_for("B's comment on A", comments_on_a) == ["Hello from B"]
    wait_for("B's like on A", lambda: on_a.send("GET", f"/api/v1/videos/{uuid}").json()["likes"] == 1)
    wait_for("B's view on A", lambda: on_a.send("GET", f"/api/v1/videos/{uuid}").json()["views"] >= 1)

    # A goes down; what B sends meanwhile waits in B's delivery queue and arrives later.
    a.stop()
    again = on_b.send("POST", f"/api/v1/videos/{uuid}/comment-threads", bob, json={"text": "Are you there?"})
    assert again.status_code == 200
    time.sleep(4)  # at least one failed attempt
    a.start()
    assert "Are you there?" in wait_for(
        "the delayed comment", lambda: "Are you there?" in comments_on_a() and comments_on_a(), seconds=120
    )

    # A deletes the video; B forgets it.
    assert on_a.send("DELETE", f"/api/v1/videos/{uuid}", alice).status_code == 204
    wait_for("the deletion on B", lambda: on_b.send("GET", f"/api/v1/videos/{uuid}").status_code == 404)
    assert remote_copy() is None
