"""Moving house over real HTTP between two local instances: on A, a user with a channel, a
transcoded video, a playlist, a subscription and a block asks for an export with its video
files; the archive is downloaded from its presigned link (the embedded S3, as on AWS) and
uploaded with the resumable protocol to B, where the import restores them: the video goes
through B's own transcoding and plays from B's HLS, the subscription to A's channel is a
federated follow, the blocked account is found on A by WebFinger."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import requests

from tests.conftest import ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, put_chunk, wait_for, wait_published


def me(client: Client, token: str) -> dict[str, Any]:
    return dict(client.send("GET", "/api/v1/users/me", token).json())


def settle_on_a(on_a: Client, a: RunningStack, tmp_path: Path) -> tuple[str, dict[str, Any], dict[str, Any], str]:
    """alice on A: her video (transcoded), a playlist, a subscription to bob's channel, a block."""
    on_a.register("alice", "alice password")
    root = on_a.login("root", ROOT_PASSWORD)["access_token"]
    for name in ("bob", "troll"):  # by the administrator: sign-ups are rate limited per address
        body = {"username": name, "password": f"{name} password", "email": f"{name}@example.org", "role": 2}
        assert on_a.send("POST", "/api/v1/users", root, json=body).status_code == 200
    alice = on_a.login("alice", "alice password")["access_token"]
    alice_me = me(on_a, alice)
    channel = alice_me["videoChannels"][0]
    bob_channel = me(on_a, on_a.login("bob", "bob password")["access_token"])["videoChannels"][0]["name"]
    with open(make_clip(tmp_path / "clip.mp4"), "rb") as handle:
        uploaded = on_a.send(
            "POST",
            "/api/v1/videos/upload",
            alice,
            data={"name": "Moving clip", "channelId": str(channel["id"]), "privacy": "1"},
            files={"videofile": ("clip.mp4", handle, "video/mp4")},
        )
    assert uploaded.status_code == 200, uploaded.text
    wait_published(on_a, alice, uploaded.json()["video"]["uuid"])
    created = on_a.send(
        "POST",
        "/api/v1/video-playlists",
        alice,
        json={"displayName": "Boxes", "privacy": 1, "videoChannelId": channel["id"]},
    )
    assert created.status_code == 200, created.text
    playlist_id = created.json()["videoPlaylist"]["id"]
    added = on_a.send(
        "POST", f"/api/v1/video-playlists/{playlist_id}/videos", alice, json={"videoId": uploaded.json()["video"]["id"]}
    )
    assert added.status_code == 200, added.text
    assert (
        on_a.send("POST", "/api/v1/users/me/subscriptions", alice, json={"uri": f"{bob_channel}@{a.host}"}).status_code
        == 204
    )
    assert (
        on_a.send("POST", "/api/v1/users/me/blocklist/accounts", alice, json={"accountName": "troll"}).status_code
        == 204
    )

    return alice, alice_me, channel, bob_channel


def upload(on_b: Client, token: str, user_id: int, archive: bytes) -> None:
    """The archive, with the resumable protocol, a mebibyte a chunk."""
    started = on_b.send(
        "POST",
        f"/api/v1/users/{user_id}/imports/import-resumable",
        token,
        json={"filename": "alice-export.zip"},
        headers={"X-Upload-Content-Length": str(len(archive)), "X-Upload-Content-Type": "application/zip"},
    )
    assert started.status_code == 201, started.text
    location = started.headers["Location"]
    url = f"http:{location}" if location.startswith("//") else location
    step = 1024 * 1024
    answer = None
    for first in range(0, len(archive), step):
        answer = put_chunk(url, token, archive, first, step)
        assert answer.status_code in (200, 308), answer.text
    assert answer is not None and answer.status_code == 200 and "userImport" in answer.json()


@needs_ffmpeg
def test_an_account_moves_to_another_instance(instances: tuple[RunningStack, RunningStack], tmp_path: Path) -> None:
    a, b = instances
    on_a, on_b = Client(a), Client(b)

    alice, alice_me, channel, bob_channel = settle_on_a(on_a, a, tmp_path)
    # The export, with the video files, made by A's work queue.
    exports = f"/api/v1/users/{alice_me['id']}/exports"
    assert on_a.send("POST", f"{exports}/request", alice, json={"withVideoFiles": True}).status_code == 200

    def completed() -> dict[str, Any] | None:
        data = on_a.send("GET", exports, alice).json()["data"]
        assert data and data[0]["state"]["id"] in (1, 2, 3), data
        return data[0] if data[0]["state"]["id"] == 3 else None

    export = wait_for("the export", completed)
    download = requests.get(export["privateDownloadUrl"], timeout=60)
    assert download.status_code == 200 and len(download.content) == export["size"]
    archive = download.content
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert "peertube/videos.json" in names and "activity-pub/actor.json" in names
    assert any(n.startswith("files/videos/video-files/") for n in names)

    # On B: alice moves in, uploading the archive in chunks.
    on_b.register("alice", "alice password")
    alice_b = on_b.login("alice", "alice password")["access_token"]
    alice_b_id = me(on_b, alice_b)["id"]
    upload(on_b, alice_b, alice_b_id, archive)

    def restored() -> dict[str, Any] | None:
        latest = on_b.send("GET", f"/api/v1/users/{alice_b_id}/imports/latest", alice_b).json()
        assert latest["state"]["id"] in (1, 2, 3), latest
        return dict(latest) if latest["state"]["id"] == 3 else None

    summary = wait_for("the import", restored)["resultSummary"]["stats"]
    assert summary["videos"]["success"] == 1, summary
    assert summary["videoPlaylists"]["success"] == 2, summary  # Boxes, and Watch later merged into B's

    # The video is B's now: transcoded by B, its HLS served by B, and it plays.
    mine = on_b.send("GET", f"/api/v1/video-channels/{channel['name']}/videos", alice_b).json()["data"]
    assert [v["name"] for v in mine] == ["Moving clip"]
    details = wait_published(on_b, alice_b, mine[0]["uuid"], seconds=180)
    playlist_url = details["streamingPlaylists"][0]["playlistUrl"]
    assert playlist_url.startswith(f"{b.url}/static/streaming-playlists/hls/")
    decoded = subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", playlist_url, "-t", "2", "-f", "null", "-"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert decoded.returncode == 0, decoded.stderr.decode()

    # The playlist holds the imported video; the subscription is a follow of A's channel; the block holds.
    playlists = on_b.send("GET", "/api/v1/accounts/alice/video-playlists", alice_b).json()["data"]
    boxes = next(p for p in playlists if p["displayName"] == "Boxes")
    elements = on_b.send("GET", f"/api/v1/video-playlists/{boxes['id']}/videos", alice_b).json()["data"]
    assert [e["video"]["uuid"] for e in elements] == [mine[0]["uuid"]]

    def subscribed() -> list[str]:
        data = on_b.send("GET", "/api/v1/users/me/subscriptions", alice_b).json()["data"]
        return [f"{s['name']}@{s['host']}" for s in data]

    assert wait_for("the subscription on B", subscribed) == [f"{bob_channel}@{a.host}"]
    blocked = on_b.send("GET", "/api/v1/users/me/blocklist/accounts", alice_b).json()["data"]
    assert [(x["blockedAccount"]["name"], x["blockedAccount"]["host"]) for x in blocked] == [("troll", a.host)]
