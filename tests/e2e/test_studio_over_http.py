"""The video studio under the local stack, over HTTP (docs/studio.md): bad edits are refused
with PeerTube's 400 and change nothing; an edit that cuts 2 s and adds a watermark sends the
video to TO_EDIT, then through the transcoding pipeline again: the published result is 2 s
shorter (ffprobe), the picture under the watermark's place changed, the owner is told
(MY_VIDEO_STUDIO_EDITION_FINISHED) and the instance that follows sees the new duration
(an Update)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import requests

from tests.conftest import ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack, all_renditions_in, make_clip, needs_ffmpeg, wait_for, wait_published

WIDTH, HEIGHT, SECONDS = 320, 180, 8
# PeerTube's placement: 1/10 of the height, margins of 1/20 of the height, top right.
MARK_SIZE, MARGIN = HEIGHT // 10, HEIGHT // 20
MARK_CENTRE = (WIDTH - MARGIN - MARK_SIZE // 2, MARGIN + MARK_SIZE // 2)


def _frame_pixel(url: str, at: float) -> tuple[int, int, int]:
    """The RGB pixel at the watermark's centre in the frame at `at` seconds of `url`."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(at), "-i", url, "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    x, y = MARK_CENTRE
    offset = (y * WIDTH + x) * 3
    assert len(raw) == WIDTH * HEIGHT * 3, len(raw)
    return raw[offset], raw[offset + 1], raw[offset + 2]


def _duration(url: str) -> float:
    described = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", url],
        capture_output=True, check=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    return float(json.loads(described)["format"]["duration"])


def _best_file(video: dict[str, Any]) -> dict[str, Any]:
    files = video["streamingPlaylists"][0]["files"]
    return dict(max(files, key=lambda f: f["resolution"]["id"]))


def _edit(client: Client, token: str, uuid: str, fields: dict[str, str], files: dict[str, Any] | None = None) -> Any:
    # requests sends multipart only with files: an empty file part keeps text-only forms multipart.
    parts = files or {"unused": ("", b"", "application/octet-stream")}
    return client.send("POST", f"/api/v1/videos/{uuid}/studio/edit", token, data=fields, files=parts)


def _red_square(path: Path) -> bytes:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=red:size=64x64", "-frames:v", "1", str(path)],
        check=True,
    )
    return path.read_bytes()


def _upload(client: Client, token: str, channel_id: int, clip: Path) -> dict[str, Any]:
    with open(clip, "rb") as handle:
        form = {"name": "Studio take", "channelId": str(channel_id), "privacy": "1"}
        files = {"videofile": ("c.mp4", handle, "video/mp4")}
        uploaded = client.send("POST", "/api/v1/videos/upload", token, data=form, files=files)
    assert uploaded.status_code == 200, uploaded.text
    video = wait_published(client, token, uploaded.json()["video"]["uuid"])
    assert video["duration"] == SECONDS
    return video


def _bad_edits_change_nothing(client: Client, token: str, uuid: str, clip: Path, original_url: str) -> None:
    """PeerTube's 400 for each, and the video stays as it was."""
    too_many = {f"tasks[{i}][name]": "cut" for i in range(11)} | {f"tasks[{i}][options][start]": "1" for i in range(11)}
    not_a_video = {"tasks[0][options][file]": ("intro.mp4", b"not a video at all", "video/mp4")}
    not_an_image = {"tasks[0][options][file]": ("mark.png", clip.read_bytes(), "image/png")}
    refusals = [
        ({"tasks[0][name]": "cut", "tasks[0][options][start]": "2", "tasks[0][options][end]": "9"}, None),
        ({"tasks[0][name]": "cut", "tasks[0][options][start]": "5", "tasks[0][options][end]": "5"}, None),
        ({"tasks[0][name]": "cut", "tasks[0][options][start]": "-1"}, None),
        (too_many, None),
        ({"tasks[0][name]": "speed-up"}, None),
        ({"tasks[0][name]": "add-intro"}, not_a_video),
        ({"tasks[0][name]": "add-watermark"}, not_an_image),
        ({"tasks[0][name]": "remove-segments", "tasks[0][options][segments][0][start]": "7",
          "tasks[0][options][segments][0][end]": "12"}, None),
    ]  # fmt: skip
    for fields, files in refusals:
        refused = _edit(client, token, uuid, fields, files)
        assert refused.status_code == 400, (fields, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    unchanged = client.send("GET", f"/api/v1/videos/{uuid}", token).json()
    assert unchanged["state"]["id"] == 1 and unchanged["duration"] == SECONDS
    assert _best_file(unchanged)["fileUrl"] == original_url


@needs_ffmpeg
def test_a_studio_edit_cuts_and_watermarks_a_published_video(
    instances: tuple[RunningStack, RunningStack], tmp_path: Path
) -> None:
    a, b = instances
    on_a, on_b = Client(a), Client(b)
    root = on_a.login("root", ROOT_PASSWORD)["access_token"]
    on_a.register("ida", "ida password")
    ida = on_a.login("ida", "ida password")["access_token"]
    channel_id = on_a.send("GET", "/api/v1/users/me", ida).json()["videoChannels"][0]["id"]
    root_b = on_b.login("root", ROOT_PASSWORD)["access_token"]
    follow = on_b.send("POST", "/api/v1/server/following", root_b, json={"hosts": [a.host]})
    assert follow.status_code == 204, follow.text

    clip = make_clip(tmp_path / "clip.mp4", seconds=SECONDS, size=f"{WIDTH}x{HEIGHT}")
    before = _upload(on_a, ida, channel_id, clip)
    uuid = before["uuid"]
    original_url = _best_file(before)["fileUrl"]
    original_pixel = _frame_pixel(original_url, 3.5)

    def on_b_with(duration: int) -> bool:
        found = on_b.send("GET", f"/api/v1/videos/{uuid}")
        return found.status_code == 200 and found.json()["duration"] == duration

    wait_for("the video on the following instance", lambda: on_b_with(SECONDS), seconds=60)

    watermark = {"tasks[1][options][file]": ("mark.png", _red_square(tmp_path / "mark.png"), "image/png")}
    cut_and_mark = {"tasks[0][name]": "cut", "tasks[0][options][start]": "2", "tasks[1][name]": "add-watermark"}

    # The studio is off by default (PeerTube's videoStudio.enabled).
    assert _edit(on_a, ida, uuid, cut_and_mark, watermark).status_code == 400
    custom = on_a.send("GET", "/api/v1/config/custom", root).json()
    custom["videoStudio"]["enabled"] = True
    assert on_a.send("PUT", "/api/v1/config/custom", root, json=custom).status_code == 200
    assert on_a.send("GET", "/api/v1/config").json()["videoStudio"]["enabled"] is True

    _bad_edits_change_nothing(on_a, ida, uuid, clip, original_url)
    on_a.register("eve", "eve password")
    eve = on_a.login("eve", "eve password")["access_token"]
    assert _edit(on_a, eve, uuid, cut_and_mark, watermark).status_code == 403  # not hers

    # The edit: cut the first 2 s, then the watermark.
    started = time.monotonic()
    edited = _edit(on_a, ida, uuid, cut_and_mark, watermark)
    answered = time.monotonic() - started
    assert edited.status_code == 204, edited.text
    waiting = on_a.send("GET", f"/api/v1/videos/{uuid}", ida).json()
    assert waiting["state"]["id"] in (9, 2), waiting["state"]  # TO_EDIT, then TO_TRANSCODE
    assert _edit(on_a, ida, uuid, cut_and_mark, watermark).status_code == 409  # already being edited

    def republished() -> dict[str, Any] | None:
        video = on_a.send("GET", f"/api/v1/videos/{uuid}", ida).json()
        assert video["state"]["id"] in (1, 2, 9), video["state"]
        done = video["state"]["id"] == 1 and video["duration"] != SECONDS and all_renditions_in(video)
        return dict(video) if done else None

    after = wait_for("the edited video's publication", republished, seconds=240)
    took = time.monotonic() - started
    print(f"studio edit of {SECONDS} s: answered in {answered:.1f} s, published again after {took:.1f} s")
    _edited_as_asked(on_a, ida, after, original_url, original_pixel)
    wait_for("the Update on the following instance", lambda: on_b_with(SECONDS - 2), seconds=60)
    _save_as_new_video(on_a, ida, uuid)


def _edited_as_asked(
    client: Client, token: str, after: dict[str, Any], original_url: str, original_pixel: tuple[int, int, int]
) -> None:
    """2 s shorter (ffprobe), red under the watermark's place, the old files gone, the owner told."""
    assert after["duration"] == SECONDS - 2
    edited_url = _best_file(after)["fileUrl"]
    assert edited_url != original_url
    assert requests.get(original_url, timeout=10).status_code in (403, 404)  # the old files went
    assert abs(_duration(edited_url) - (SECONDS - 2)) < 0.3
    red, green, blue = _frame_pixel(edited_url, 1.5)  # the original's 3.5 s, 2 s cut before it
    assert red > 180 and green < 90 and blue < 90, (red, green, blue)
    assert (red, green, blue) != original_pixel
    notices = client.send("GET", "/api/v1/users/me/notifications", token).json()["data"]
    kinds = [(n["type"], n["video"]["uuid"]) for n in notices if n.get("video")]
    # MY_VIDEO_STUDIO_EDITION_FINISHED once; MY_VIDEO_PUBLISHED once, at the upload.
    assert kinds.count((19, after["uuid"])) == 1 and kinds.count((6, after["uuid"])) == 1, kinds


def _save_as_new_video(client: Client, token: str, uuid: str) -> None:
    """saveAsNewVideo: a second second removed into a new video; the edited one stays."""
    fields = {
        "tasks[0][name]": "remove-segments",
        "tasks[0][options][segments][0][start]": "1",
        "tasks[0][options][segments][0][end]": "2",
        "saveAsNewVideo": "true",
    }
    assert _edit(client, token, uuid, fields).status_code == 204
    assert client.send("GET", f"/api/v1/videos/{uuid}", token).json()["state"]["id"] == 1  # untouched

    def copy_published() -> dict[str, Any] | None:
        mine = client.send("GET", "/api/v1/users/me/videos", token).json()["data"]
        copies = [v for v in mine if v["uuid"] != uuid]
        if not copies:
            return None
        video = client.send("GET", f"/api/v1/videos/{copies[0]['uuid']}", token).json()
        return dict(video) if video["state"]["id"] == 1 else None

    copy = wait_for("the new video's publication", copy_published, seconds=240)
    assert copy["name"] == "Studio take" and copy["duration"] == SECONDS - 3
    assert abs(_duration(_best_file(copy)["fileUrl"]) - (SECONDS - 3)) < 0.3
    assert client.send("GET", f"/api/v1/videos/{uuid}", token).json()["duration"] == SECONDS - 2


@needs_ffmpeg
def test_with_studio_runners_a_remote_runner_makes_the_edit(stack: RunningStack, tmp_path: Path) -> None:
    """videoStudio.remoteRunners: the edit is a video-studio-transcoding job; tools/runner (a
    process of its own) takes it, fetches the input and the watermark, and its result is
    published as the transcoder's would be."""
    from tests.e2e.test_runners_over_http import _jobs, _start_runner

    stack.start()
    client = Client(stack)
    root = client.login("root", ROOT_PASSWORD)["access_token"]
    custom = client.send("GET", "/api/v1/config/custom", root).json()
    custom["videoStudio"] = {"enabled": True, "remoteRunners": {"enabled": True}}
    assert client.send("PUT", "/api/v1/config/custom", root, json=custom).status_code == 200
    assert client.send("POST", "/api/v1/runners/registration-tokens/generate", root).status_code == 204
    tokens = client.send("GET", "/api/v1/runners/registration-tokens", root).json()["data"]
    channel_id = client.send("GET", "/api/v1/users/me", root).json()["videoChannels"][0]["id"]
    before = _upload(
        client, root, channel_id, make_clip(tmp_path / "clip.mp4", seconds=SECONDS, size=f"{WIDTH}x{HEIGHT}")
    )
    uuid = before["uuid"]
    watermark = {"tasks[1][options][file]": ("mark.png", _red_square(tmp_path / "mark.png"), "image/png")}
    cut_and_mark = {"tasks[0][name]": "cut", "tasks[0][options][start]": "2", "tasks[1][name]": "add-watermark"}
    assert _edit(client, root, uuid, cut_and_mark, watermark).status_code == 204
    jobs = _jobs(client, root)
    assert [(j["type"], j["state"]["id"]) for j in jobs] == [("video-studio-transcoding", 1)]

    runner = _start_runner(stack, tmp_path, "studio", tokens[0]["registrationToken"])
    try:

        def republished() -> dict[str, Any] | None:
            video = client.send("GET", f"/api/v1/videos/{uuid}", root).json()
            done = video["state"]["id"] == 1 and video["duration"] == SECONDS - 2 and all_renditions_in(video)
            return dict(video) if done else None

        after = wait_for("the runner's edit published", republished, seconds=240)
    finally:
        runner.terminate()
        runner.wait(timeout=30)
    assert [(j["type"], j["state"]["id"]) for j in _jobs(client, root)] == [("video-studio-transcoding", 3)]
    edited_url = _best_file(after)["fileUrl"]
    assert abs(_duration(edited_url) - (SECONDS - 2)) < 0.3
    red, green, blue = _frame_pixel(edited_url, 1.5)
    assert red > 180 and green < 90 and blue < 90, (red, green, blue)


@needs_ffmpeg
def test_a_video_edited_in_chunks_is_published_again_cut_and_watermarked_throughout(tmp_path: Path) -> None:
    """docs/studio.md, "Long videos": with every edit made in chunks of 4 s, a 14 s video cut
    by 2 s and watermarked goes through four pieces, the audio and the join, then the
    pipeline: 12 s long (ffprobe), the watermark in the first piece's frames and the last's."""
    seconds = 14
    stack = RunningStack(tmp_path / "data", CIRRUS_STUDIO_CHUNKED_FROM_SECONDS="0", CIRRUS_STUDIO_CHUNK_SECONDS="4")
    stack.start()
    try:
        client = Client(stack)
        root = client.login("root", ROOT_PASSWORD)["access_token"]
        custom = client.send("GET", "/api/v1/config/custom", root).json()
        custom["videoStudio"]["enabled"] = True
        assert client.send("PUT", "/api/v1/config/custom", root, json=custom).status_code == 200
        channel_id = client.send("GET", "/api/v1/users/me", root).json()["videoChannels"][0]["id"]
        clip = make_clip(tmp_path / "clip.mp4", seconds=seconds, size=f"{WIDTH}x{HEIGHT}")
        with open(clip, "rb") as handle:
            form = {"name": "Long take", "channelId": str(channel_id), "privacy": "1"}
            uploaded = client.send(
                "POST", "/api/v1/videos/upload", root, data=form, files={"videofile": ("c.mp4", handle, "video/mp4")}
            )
        assert uploaded.status_code == 200, uploaded.text
        uuid = wait_published(client, root, uploaded.json()["video"]["uuid"])["uuid"]
        original_url = _best_file(client.send("GET", f"/api/v1/videos/{uuid}", root).json())["fileUrl"]
        originals = [_frame_pixel(original_url, at + 2) for at in (0.5, seconds - 2.5)]

        watermark = {"tasks[1][options][file]": ("mark.png", _red_square(tmp_path / "mark.png"), "image/png")}
        cut_and_mark = {"tasks[0][name]": "cut", "tasks[0][options][start]": "2", "tasks[1][name]": "add-watermark"}
        assert _edit(client, root, uuid, cut_and_mark, watermark).status_code == 204

        def republished() -> dict[str, Any] | None:
            video = client.send("GET", f"/api/v1/videos/{uuid}", root).json()
            assert video["state"]["id"] in (1, 2, 9), video["state"]
            done = video["state"]["id"] == 1 and video["duration"] == seconds - 2 and all_renditions_in(video)
            return dict(video) if done else None

        edited_url = _best_file(wait_for("the edited video's publication", republished, seconds=240))["fileUrl"]
        assert abs(_duration(edited_url) - (seconds - 2)) < 0.3
        for at, original in zip((0.5, seconds - 2.5), originals, strict=True):
            red, green, blue = _frame_pixel(edited_url, at)
            assert red > 180 and green < 90 and blue < 90 and (red, green, blue) != original, (at, red, green, blue)

        # Stopped and started again: the edited video is still the edited one.
        stack.stop()
        stack.start()
        again = client.send("GET", f"/api/v1/videos/{uuid}").json()
        assert again["state"]["id"] == 1 and again["duration"] == seconds - 2
        assert abs(_duration(_best_file(again)["fileUrl"]) - (seconds - 2)) < 0.3
    finally:
        if stack.process is not None:
            stack.stop()
