"""A caption through the real pipeline (real ffmpeg, moto behind a local HTTP endpoint, the
local gateway as CloudFront): put while the video is transcoding, it is in the master
playlist the transcoder publishes, its media playlist and file are served, and ffprobe reads
that playlist over HTTP as a WebVTT stream with the sample's cues."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.api_client import ApiClient
from tests.integration.test_captions import SAMPLE, _parse_master, _put
from tests.integration.test_transcoding_pipeline import _context, _upload_event
from tests.integration.test_web_videos import (  # the real-ffmpeg harness and its fixtures
    _details,
    _run_until,
    _uploaded,
    api,  # noqa: F401
    clip,  # noqa: F401
    gateway,  # noqa: F401
    people,  # noqa: F401
    stack,  # noqa: F401
)
from tests.members import Member


def _get(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


def test_a_caption_put_during_transcoding_is_in_the_published_master_playlist(
    stack: dict[str, Any],  # noqa: F811
    clip: Path,  # noqa: F811
    people: dict[str, Member],  # noqa: F811
    api: ApiClient,  # noqa: F811
    gateway: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    from functions.transcoder.handler import handle_upload

    alice = people["alice"]
    video = _uploaded(stack, clip, alice)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    assert _put(api, video, "fr", SAMPLE.read_bytes(), alice.token).status == 204
    (pending,) = api.get(f"/api/v1/videos/{video.uuid}/captions").json()["data"]
    assert pending["m3u8Url"] is None, "no HLS yet"

    _run_until(stack, video, lambda: _details(api, video, alice.token)["state"]["id"] == 1, seconds=120)
    details = _details(api, video, alice.token)
    master_url = details["streamingPlaylists"][0]["playlistUrl"]
    master = _get(_local(gateway, master_url)).decode()
    subtitles, streams = _parse_master(master)
    (caption,) = api.get(f"/api/v1/videos/{video.uuid}/captions").json()["data"]
    assert [(s["LANGUAGE"], s["NAME"]) for s in subtitles] == [("fr", "French")]
    base = master_url.rsplit("/", 1)[0] + "/"
    assert caption["m3u8Url"] == base + subtitles[0]["URI"]
    assert streams and all(s["SUBTITLES"] == "subtitles" for s in streams)
    playlist = _get(_local(gateway, caption["m3u8Url"])).decode()
    assert "#EXT-X-TARGETDURATION:10" in playlist.splitlines() and caption["fileUrl"] in playlist.splitlines()
    assert _get(_local(gateway, caption["fileUrl"])).startswith(b"WEBVTT\n")

    # ffprobe (5.1 cannot open a master's subtitle group; hls.js does, web/e2e/captions.spec.ts)
    # reads the caption's media playlist over HTTP, its URI pointed at the gateway (the
    # instance's host is not served here): one WebVTT stream whose cues are the sample's.
    (tmp_path / "captions.m3u8").write_text(playlist.replace(stack["settings"].instance_url, gateway))
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-protocol_whitelist", "file,http,tcp,crypto,data", "-show_streams",
         "-show_packets", "-of", "json", str(tmp_path / "captions.m3u8")],
        capture_output=True,
        timeout=60,
        check=True,
    )  # fmt: skip
    found = json.loads(probe.stdout)
    assert [s["codec_name"] for s in found["streams"]] == ["webvtt"], probe.stderr
    assert [float(p["pts_time"]) for p in found["packets"]] == [0.5, 3.0, 5.2, 3723.004]


def _local(host: str, url: str) -> str:
    """The same path on the local gateway (CloudFront's stand-in)."""
    return host + "/" + url.split("/", 3)[3]
