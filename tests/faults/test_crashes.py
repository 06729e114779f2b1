"""`kill -9` at the worst moments, on the real local stack: each time the stack starts again,
the work goes on from where the crash left it, and nothing counts twice.

The stack kills itself at a named place (chalicelib/failpoints.py, armed by
CIRRUS_FAILPOINTS), exactly as `kill -9` would: no clean-up, no last snapshot, so whatever
changed in the last second before it is lost too, and the rest must still agree.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from chalicelib import failpoints
from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, put_chunk, wait_published

pytestmark = pytest.mark.e2e

CHUNK = 64 * 1024


def _start_armed(stack: RunningStack, *names: str) -> None:
    stack.extra_env["CIRRUS_FAILPOINTS"] = ",".join(names)
    # Everything before the failpoint is saved first, as it would be on AWS.
    stack.extra_env["CIRRUS_FAILPOINTS_SETTLE_SECONDS"] = "2.5"
    stack.start()


def _wait_killed(stack: RunningStack, seconds: float = 120) -> None:
    """The stack killed itself at its failpoint: reap it, as a supervisor would."""
    assert stack.process is not None
    code = stack.process.wait(timeout=seconds)
    assert code == -signal.SIGKILL, f"the stack exited with {code}, not by its failpoint"
    stack.process = None


def _upload_until_killed(client: Client, token: str, channel_id: int, data: bytes) -> dict[str, Any]:
    """Start a resumable upload and send chunks until the stack dies under one of them."""
    init = _init_upload(client, token, channel_id, len(data))
    assert init.status_code == 201, init.text
    url = "http:" + init.headers["Location"]
    for start in range(0, len(data), CHUNK):
        try:
            put_chunk(url, token, data, start, CHUNK)
        except requests.ConnectionError:
            return {"url": url}
    raise AssertionError("the upload completed: the failpoint was never reached")


def _init_upload(client: Client, token: str, channel_id: int, size: int) -> requests.Response:
    # The same file and name: a repeated init resumes its session (PeerTube's resumable uploads).
    return client.send(
        "POST",
        "/api/v1/videos/upload-resumable",
        token,
        json={"name": "Crash test", "channelId": channel_id, "privacy": 1, "filename": "crash.mp4", "lastModified": 1},
        headers={"X-Upload-Content-Length": str(size), "X-Upload-Content-Type": "video/mp4"},
    )


def _resume_upload(client: Client, token: str, channel_id: int, data: bytes) -> dict[str, Any]:
    """What an uploader does after a failure: init again, and go on from the Range it gets."""
    init = _init_upload(client, token, channel_id, len(data))
    assert init.status_code in (200, 201), init.text
    received = int(init.headers["Range"].rsplit("-", 1)[1]) + 1 if "Range" in init.headers else 0
    url = "http:" + init.headers["Location"]
    sent = None
    for start in range(received, len(data), CHUNK):
        sent = put_chunk(url, token, data, start, CHUNK)
        assert sent.status_code in (200, 308), sent.text
    assert sent is not None and sent.status_code == 200
    return dict(sent.json()["video"])


@needs_ffmpeg
def test_crashes_mid_upload_mid_transcode_and_mid_view_count_lose_nothing(stack: RunningStack, tmp_path: Path) -> None:
    data = make_clip(tmp_path / "clip.mp4", seconds=6, size="640x360", bitrate="1500k").read_bytes()
    assert len(data) > 2 * CHUNK

    # 1. Killed after a chunk reached S3, before the upload session recorded it.
    _start_armed(stack, failpoints.RESUMABLE_PART_WRITTEN)
    client = Client(stack)
    client.register("kim", "kim password")
    token = client.login("kim", "kim password")["access_token"]
    channel_id = client.send("GET", "/api/v1/users/me", token).json()["videoChannels"][0]["id"]
    _upload_until_killed(client, token, channel_id, data)
    _wait_killed(stack)

    # 2. The upload resumes; then the stack is killed after a transcoding step wrote its
    #    outputs, before the step was counted.
    _start_armed(stack, failpoints.TRANSCODE_STEP_DONE)
    token = client.login("kim", "kim password")["access_token"]
    video = _resume_upload(client, token, channel_id, data)
    _wait_killed(stack)

    # 3. Transcoding goes on from where it was, and the video is published; a view is then
    #    counted and the stack killed before the view's message is deleted.
    _start_armed(stack, failpoints.VIEWS_COUNTED)
    token = client.login("kim", "kim password")["access_token"]
    published = wait_published(client, token, video["shortUUID"], seconds=240)
    for position in (0, 4):
        ping = {"currentTime": position, "sessionId": "crash-viewer"}
        assert client.send("POST", f"/api/v1/videos/{video['id']}/views", json=ping).status_code == 204
    _wait_killed(stack)

    stack.extra_env.pop("CIRRUS_FAILPOINTS")
    stack.start()
    deadline = time.monotonic() + 60
    while (again := client.send("GET", f"/api/v1/videos/{video['uuid']}").json())["views"] < 1:
        assert time.monotonic() < deadline, "the view was never counted"
        time.sleep(0.5)
    time.sleep(2)  # the redelivered view message has been handled by now: it must not count twice
    again = client.send("GET", f"/api/v1/videos/{video['uuid']}").json()
    assert again["views"] == 1
    assert again["state"]["id"] == 1
    mine = client.send("GET", "/api/v1/users/me/videos", token).json()
    assert mine["total"] == 1, "the resumed upload made a second video"
    files = again["streamingPlaylists"][0]["files"]
    assert [f["resolution"]["id"] for f in files] == [
        f["resolution"]["id"] for f in published["streamingPlaylists"][0]["files"]
    ]
    for file in files:
        assert requests.get(file["playlistUrl"], timeout=10).status_code == 200
        assert requests.get(file["fileUrl"], headers={"Range": "bytes=0-1023"}, timeout=10).status_code == 206


def test_a_crash_after_a_delivery_reached_its_inbox_delivers_the_same_activity_again(
    stack: RunningStack, tmp_path: Path
) -> None:
    from chalicelib.activitypub.signatures import sign_request
    from tests.federation_peer import Peer

    peer = Peer().start()
    try:
        stack.extra_env["CIRRUS_FEDERATION_ALLOW_LOOPBACK"] = "1"
        _start_armed(stack, failpoints.DELIVER_POSTED)
        # The peer's instance follows ours: our Accept is the first delivery, and the stack
        # dies right after the peer's inbox took it.
        ours = f"http://{stack.host}/accounts/peertube"
        follow = {"type": "Follow", "id": f"{peer.url()}/follows/crash", "actor": peer.url(), "object": ours}
        body = json.dumps(follow).encode()
        headers = dict(
            sign_request("POST", f"http://{stack.host}/inbox", body, f"{peer.url()}#main-key", peer.keys["privateKey"])
        )
        headers["Content-Type"] = "application/activity+json"
        assert requests.post(f"{stack.url}/inbox", data=body, headers=headers, timeout=10).status_code == 204
        _wait_killed(stack)
        accepts = [a for a in peer.inbox_activities() if a.get("type") == "Accept"]
        assert len(accepts) == 1

        stack.extra_env.pop("CIRRUS_FAILPOINTS")
        stack.start()
        deadline = time.monotonic() + 60
        while len([a for a in peer.inbox_activities() if a.get("type") == "Accept"]) < 2:
            assert time.monotonic() < deadline, "the delivery in flight at the crash was not retried"
            time.sleep(0.3)
        # At least once, the same activity: the receiver's inbox takes it once by its id.
        again = [a for a in peer.inbox_activities() if a.get("type") == "Accept"]
        assert {a["id"] for a in again} == {accepts[0]["id"]}
        follows = requests.get(
            f"{stack.url}/accounts/peertube/followers", headers={"Accept": "application/activity+json"}, timeout=10
        ).json()
        assert follows["totalItems"] == 1
    finally:
        peer.stop()
