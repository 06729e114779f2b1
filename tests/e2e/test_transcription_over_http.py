"""Automatic transcription on the whole local stack: with `videoTranscription` on, a new
upload becomes a `video-transcription` runner job once published; a runner speaking PeerTube's
protocol over HTTP takes it, downloads its input with the job token (ffprobe finds the sound),
and uploads a WebVTT to the job's custom upload URL (S3); the caption is then listed as
automatically generated, sets the video's language, and is named in the HLS master playlist."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import requests

from tests.conftest import ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, wait_for, wait_published

JOBS = "/api/v1/runners/jobs"
VTT = (
    "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nA tone at three hundred hertz\n\n"
    "00:00:02.500 --> 00:00:04.000\nStill going\n"
)


def _enable_transcription(client: Client, root: str) -> None:
    custom = copy.deepcopy(client.send("GET", "/api/v1/config/custom", root).json())
    custom["videoTranscription"] = {"enabled": True, "remoteRunners": {"enabled": True}}
    assert client.send("PUT", "/api/v1/config/custom", root, json=custom).status_code == 200


def _register_runner(client: Client, root: str) -> str:
    assert client.send("POST", "/api/v1/runners/registration-tokens/generate", root).status_code == 204
    registration = client.send("GET", "/api/v1/runners/registration-tokens", root).json()["data"][0]
    body = {"registrationToken": registration["registrationToken"], "name": "whisper-box"}
    registered = client.send("POST", "/api/v1/runners/register", json=body)
    assert registered.status_code == 200, registered.text
    return str(registered.json()["runnerToken"])


def _probe(path: Path) -> dict[str, Any]:
    """The file's streams and its whole duration (a fragmented MP4's, over every fragment)."""
    probed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name:format=duration",
         "-of", "json", str(path)],
        capture_output=True, check=True, timeout=30,
    )  # fmt: skip
    return dict(json.loads(probed.stdout))


@needs_ffmpeg
def test_a_runner_transcribes_an_upload_over_http(stack: RunningStack, tmp_path: Path) -> None:
    stack.start()
    client = Client(stack)
    root = client.login("root", ROOT_PASSWORD)["access_token"]
    _enable_transcription(client, root)
    assert client.send("GET", "/api/v1/config").json()["videoTranscription"]["enabled"] is True
    runner = _register_runner(client, root)

    channel_id = client.send("GET", "/api/v1/users/me", root).json()["videoChannels"][0]["id"]
    with open(make_clip(tmp_path / "clip.mp4", seconds=5), "rb") as handle:
        uploaded = client.send(
            "POST", "/api/v1/videos/upload", root,
            data={"name": "Spoken words", "channelId": str(channel_id), "privacy": "1"},
            files={"videofile": ("clip.mp4", handle, "video/mp4")},
        )  # fmt: skip
    assert uploaded.status_code == 200, uploaded.text
    video_uuid = uploaded.json()["video"]["uuid"]
    wait_published(client, root, video_uuid, seconds=180)

    # The upload's transcription: offered only to a runner asking for the type.
    assert client.send("POST", f"{JOBS}/request", json={"runnerToken": runner}).json() == {"availableJobs": []}
    offered = wait_for(
        "the transcription job",
        lambda: client.send(
            "POST", f"{JOBS}/request", json={"runnerToken": runner, "jobTypes": ["video-transcription"]}
        ).json()["availableJobs"],
        seconds=30,
    )
    assert [o["type"] for o in offered] == ["video-transcription"]
    busy = client.send("POST", f"/api/v1/videos/{video_uuid}/captions/generate", root)
    assert busy.status_code == 409, busy.text

    accepted = client.send("POST", f"{JOBS}/{offered[0]['uuid']}/accept", json={"runnerToken": runner})
    assert accepted.status_code == 200, accepted.text
    job = accepted.json()["job"]
    tokens = {"runnerToken": runner, "jobToken": job["jobToken"]}
    input_url = job["payload"]["input"]["videoFileUrl"]
    assert input_url.endswith(f"/files/videos/{video_uuid}/max-quality/audio")
    refused = requests.post(input_url, json={"runnerToken": runner, "jobToken": "ptrjt-nope"}, timeout=10)
    assert refused.status_code == 404
    downloaded = requests.post(input_url, json=tokens, timeout=30)  # follows the redirect to S3
    assert downloaded.status_code == 200 and downloaded.content
    sound = tmp_path / "input.mp4"
    sound.write_bytes(downloaded.content)
    probed = _probe(sound)
    # The smallest published file with the sound: the audio-only rendition when the video
    # has one, else its smallest rendition (PeerTube's splitAudioAndVideo is off by default).
    assert "audio" in [s["codec_type"] for s in probed["streams"]]
    assert float(probed["format"]["duration"]) > 4.5  # all of the 5 s clip's

    # The WebVTT goes to the job's custom upload URL (S3, presigned), then `success` names
    # only the language, as tools/runner does.
    upload = job["payload"]["output"]["vttFileCustomUpload"]
    assert upload["method"] == "PUT" and not upload["url"].startswith(stack.url)
    fields = {**tokens, "payload[inputLanguage]": "en"}
    form = {name: (None, value) for name, value in fields.items()}
    early = requests.post(f"{stack.url}{JOBS}/{job['uuid']}/success", files=form, timeout=30)
    assert early.status_code == 400, early.text  # nothing uploaded yet: the job stays the runner's
    assert requests.put(upload["url"], data=VTT.encode(), timeout=30).status_code == 200
    success = requests.post(f"{stack.url}{JOBS}/{job['uuid']}/success", files=form, timeout=30)
    assert success.status_code == 204, success.text

    _check_caption_shown(client, root, video_uuid)
    finished = client.send("GET", f"{JOBS}?count=100", root).json()["data"]
    transcription = next(j for j in finished if j["type"] == "video-transcription")
    assert transcription["state"]["id"] == 3


def _check_caption_shown(client: Client, root: str, video_uuid: str) -> None:
    listed = client.send("GET", f"/api/v1/videos/{video_uuid}/captions").json()
    assert listed["total"] == 1
    caption = listed["data"][0]
    assert caption["language"]["id"] == "en" and caption["automaticallyGenerated"] is True
    served = requests.get(caption["fileUrl"], timeout=10)
    assert served.status_code == 200 and "A tone at three hundred hertz" in served.text

    video = client.send("GET", f"/api/v1/videos/{video_uuid}", root).json()
    assert video["language"]["id"] == "en"  # the upload named none: the detected one
    master = requests.get(video["streamingPlaylists"][0]["playlistUrl"], timeout=10).text
    subtitles = [line for line in master.splitlines() if "TYPE=SUBTITLES" in line]
    assert len(subtitles) == 1 and 'LANGUAGE="en"' in subtitles[0]
    playlist_name = subtitles[0].split('URI="')[1].split('"')[0]
    base = video["streamingPlaylists"][0]["playlistUrl"].rsplit("/", 1)[0]
    assert requests.get(f"{base}/{playlist_name}", timeout=10).status_code == 200
