"""A remote runner: registers with a registration token, polls for jobs, encodes them with
the machine's ffmpeg and sends the results back, over PeerTube's runner protocol.

It takes Cirrus's chunk jobs (`vod-hls-transcoding` with `output.cirrusChunk`): one chunk of
one rendition, encoded with the same command builder as the transcoder Lambda
(chalicelib/media/commands.py), so the runner's chunks join the Lambda's seamlessly; and
studio jobs (`video-studio-transcoding`, PeerTube's payload), run with the studio's own
ffmpeg work (chalicelib/media/studio.py), its task files fetched as the input is. It
reads the input over the presigned URL the instance redirects to, and writes the result to
the job's custom upload URL when it has one (`videoFileCustomUpload`, `vttFileCustomUpload`,
`storyboardFileCustomUpload`:
results never pass through the API, whose bodies API Gateway caps at 10 MB), else in the
success call's body.

While it encodes, it reports progress every `update_every` seconds: a job without news for
the instance's stall time (PeerTube's 2 minutes) goes back to pending for another runner.

It draws storyboards (`generate-video-storyboard`, PeerTube's payload) with the transcoder's
own storyboard command (chalicelib/media/storyboard.py).

It takes `video-transcription` jobs only when the machine has a Whisper engine ready
(tools/runner/whisper.py: the `whisper-ctranslate2` command and a model already on disk);
otherwise it never asks for them. It downloads no model.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from chalicelib.media import commands, transcode
from chalicelib.media import storyboard as sheets
from chalicelib.media import studio as edits
from chalicelib.media.ladder import DEFAULT_CRF, Rendition
from chalicelib.media.probe import ProbeError, probe
from tools.runner import whisper

log = logging.getLogger("cirrus.runner")
HLS_JOB = "vod-hls-transcoding"
STUDIO_JOB = "video-studio-transcoding"
TRANSCRIPTION_JOB = "video-transcription"
STORYBOARD_JOB = "generate-video-storyboard"
TIMEOUT = 30


class ProtocolError(Exception):
    """The instance answered a call with an error."""


@dataclass
class Runner:
    url: str
    runner_token: str
    update_every: float = 10.0
    whisper: whisper.Engine | None = None  # a local Whisper engine, for transcription jobs

    @classmethod
    def register(cls, url: str, registration_token: str, name: str, description: str = "") -> Runner:
        answer = _post(url, "/api/v1/runners/register", {
            "registrationToken": registration_token, "name": name, "description": description,
        })  # fmt: skip
        return cls(url.rstrip("/"), str(answer["runnerToken"]))

    def unregister(self) -> None:
        _post(self.url, "/api/v1/runners/unregister", {"runnerToken": self.runner_token})

    def request(self) -> list[dict[str, Any]]:
        answer = _post(
            self.url, "/api/v1/runners/jobs/request", {"runnerToken": self.runner_token, "jobTypes": self.job_types()}
        )
        return list(answer.get("availableJobs") or [])

    def job_types(self) -> list[str]:
        """What this runner can do: transcription only with a Whisper engine ready."""
        always = [HLS_JOB, STUDIO_JOB, STORYBOARD_JOB]
        return [*always, TRANSCRIPTION_JOB] if self.whisper is not None else always

    def run_once(self) -> int:
        """Take and process every job offered now, one at a time; how many were done."""
        done = 0
        for offered in self.request():
            if offered["type"] == HLS_JOB and "cirrusChunk" not in (offered["payload"].get("output") or {}):
                continue  # a whole rendition: PeerTube's runner's (docs/runners.md), left to it
            job = self._accept(offered["uuid"])
            if job is not None:
                self.process(job)
                done += 1
        return done

    def run_forever(self, poll_every: float = 2.0, stop: Callable[[], bool] = lambda: False) -> None:
        while not stop():
            try:
                if self.run_once() == 0:
                    time.sleep(poll_every)
            except (requests.RequestException, ProtocolError) as error:
                log.warning("the instance could not be reached: %s", error)
                time.sleep(poll_every)

    def _accept(self, job_uuid: str) -> dict[str, Any] | None:
        response = requests.post(
            f"{self.url}/api/v1/runners/jobs/{job_uuid}/accept",
            json={"runnerToken": self.runner_token},
            timeout=TIMEOUT,
        )
        if response.status_code == 409:  # another runner was quicker
            return None
        return dict(_checked(response)["job"])

    def process(self, job: dict[str, Any]) -> None:
        tokens = {"runnerToken": self.runner_token, "jobToken": job["jobToken"]}
        base = f"{self.url}/api/v1/runners/jobs/{job['uuid']}"
        output = job["payload"].get("output") or {}
        if job["type"] == TRANSCRIPTION_JOB and self.whisper is not None:
            self._run_with_heartbeat(job, tokens, base, self._transcribe)
            return
        if job["type"] == STUDIO_JOB:
            self._run_with_heartbeat(job, tokens, base, self._edit_and_send)
            return
        if job["type"] == STORYBOARD_JOB:
            self._run_with_heartbeat(job, tokens, base, self._draw_and_send)
            return
        if job["type"] != HLS_JOB or "cirrusChunk" not in output:
            _post(
                self.url,
                f"/api/v1/runners/jobs/{job['uuid']}/abort",
                {**tokens, "reason": "Not a job this runner takes"},
            )
            return
        self._run_with_heartbeat(job, tokens, base, self._encode_and_send)

    def _run_with_heartbeat(
        self, job: dict[str, Any], tokens: dict[str, str], base: str, work: Callable[..., None]
    ) -> None:
        """Do the job's work while reporting progress; report an error if it fails."""
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(base, tokens, stop), daemon=True)
        beat.start()
        try:
            with tempfile.TemporaryDirectory(prefix="cirrus-runner-") as directory:
                work(job, tokens, base, Path(directory), stop)
        except (
            transcode.TranscodeError,
            whisper.WhisperError,
            ProbeError,
            OSError,
            requests.RequestException,
            ProtocolError,
        ) as error:
            stop.set()
            log.warning("job %s failed: %s", job["uuid"], error)
            requests.post(f"{base}/error", json={**tokens, "message": str(error)[:1000]}, timeout=TIMEOUT)
        finally:
            stop.set()
            beat.join()

    def _encode_and_send(
        self, job: dict[str, Any], tokens: dict[str, str], base: str, workdir: Path, stop: threading.Event
    ) -> None:
        result = self._encode(job, tokens, workdir)
        stop.set()
        _send(base, tokens, job["payload"], "videoFile", result, "video/mp4")

    def _edit_and_send(
        self, job: dict[str, Any], tokens: dict[str, str], base: str, workdir: Path, stop: threading.Event
    ) -> None:
        result = self._edit(job, tokens, workdir)
        stop.set()
        _send(base, tokens, job["payload"], "videoFile", result, "video/mp4")

    def _draw_and_send(
        self, job: dict[str, Any], tokens: dict[str, str], base: str, workdir: Path, stop: threading.Event
    ) -> None:
        """A storyboard (PeerTube's GenerateStoryboardSuccess): the payload's tiles drawn from
        its input with the transcoder's own command, sent as `storyboardFile`."""
        payload = job["payload"]
        sprites = payload["sprites"]
        columns, rows = int(sprites["count"]["width"]), int(sprites["count"]["height"])
        grid = sheets.Grid(
            int(sprites["size"]["width"]), int(sprites["size"]["height"]), columns, rows,
            int(sprites["duration"]), columns * rows,
        )  # fmt: skip
        source = _fetch(payload["input"]["videoFileUrl"], tokens, workdir / "input")
        sheet, _, _ = sheets.make(source, grid, workdir)
        stop.set()
        _send(base, tokens, payload, "storyboardFile", sheet, "image/jpeg")

    def _transcribe(
        self, job: dict[str, Any], tokens: dict[str, str], base: str, workdir: Path, stop: threading.Event
    ) -> None:
        """Download the sound (with the job token), run Whisper, send the WebVTT and the
        language it detected (PeerTube's TranscriptionSuccess)."""
        assert self.whisper is not None
        source = workdir / "input"
        with requests.post(job["payload"]["input"]["videoFileUrl"], json=tokens, stream=True, timeout=TIMEOUT) as got:
            if got.status_code >= 400:
                raise ProtocolError(f"{got.status_code} {got.text[:300]}")
            with open(source, "wb") as written:
                for block in got.iter_content(1024 * 1024):
                    written.write(block)
        transcript = self.whisper.transcribe(source, workdir / "transcript")
        stop.set()
        fields = {**tokens, "payload[inputLanguage]": transcript.language}
        _send(base, fields, job["payload"], "vttFile", transcript.vtt, "text/vtt")

    def _encode(self, job: dict[str, Any], tokens: dict[str, str], workdir: Path) -> Path:
        payload = job["payload"]
        source = _fetch(payload["input"]["videoFileUrl"], tokens, workdir / "input")
        chunk, spec = payload["output"]["cirrusChunk"], payload["output"]["cirrusRendition"]
        rendition = Rendition(
            int(spec["resolution"]),
            int(spec["width"]),
            int(spec["height"]),
            int(spec["fps"]),
            int(spec["maxBitrate"]),
            int(spec.get("crf", DEFAULT_CRF)),  # an older instance sends none: PeerTube's
        )
        output = workdir / "chunk.mp4"
        start, end = float(chunk["start"]), float(chunk["end"])
        transcode.run(
            commands.video_encode_args(
                source, str(output), rendition, portrait=bool(spec["portrait"]), start=start, duration=end - start
            )
        )
        return output

    def _edit(self, job: dict[str, Any], tokens: dict[str, str], workdir: Path) -> Path:
        """A studio job: its tasks in order on its input (PeerTube's task names and options)."""
        payload = job["payload"]
        source = _fetch(payload["input"]["videoFileUrl"], tokens, workdir / "input")
        duration = probe(source).duration
        tasks: list[edits.Task] = []
        for index, task in enumerate(payload.get("tasks") or []):
            options = task.get("options") or {}
            name = task.get("name")
            if name == "cut":
                start, end = float(options.get("start") or 0), float(options.get("end") or duration)
                tasks.append(edits.Keep(((start, end),)))
                duration = end - start
            elif name == "remove-segments":
                removed = [(float(s["start"]), float(s["end"])) for s in options.get("segments") or []]
                kept = edits.kept_ranges(duration, removed)
                tasks.append(edits.Keep(kept))
                duration = sum(end - start for start, end in kept)
            elif name in ("add-intro", "add-outro", "add-watermark"):
                local = workdir / f"task-{index}"
                _download(_fetch(str(options["file"]), tokens, local), local)
                if name == "add-watermark":
                    tasks.append(edits.Watermark(local))
                else:
                    tasks.append(edits.Join(local, before=name == "add-intro"))
            else:
                raise ProtocolError(f"unknown studio task {name!r}")
        return edits.apply(source, tasks, workdir, source_is_upload=True)

    def _heartbeat(self, base: str, tokens: dict[str, str], stop: threading.Event) -> None:
        while not stop.wait(self.update_every):
            try:
                requests.post(f"{base}/update", json=tokens, timeout=TIMEOUT)
            except requests.RequestException as error:
                log.warning("progress not reported: %s", error)


def _send(base: str, fields: dict[str, str], payload: dict[str, Any], field: str, path: Path, kind: str) -> None:
    """A job's result file and `success`: the file to its custom upload URL when the job
    names one (never through the instance's API), else in the success call's body."""
    upload = (payload.get("output") or {}).get(f"{field}CustomUpload")
    if upload:
        _upload(upload, path)
        _checked(requests.post(f"{base}/success", files=_form(fields), timeout=TIMEOUT))
        return
    with open(path, "rb") as opened:
        files: dict[str, Any] = {**_form(fields), f"payload[{field}]": (path.name, opened, kind)}
        _checked(requests.post(f"{base}/success", files=files, timeout=300))


def _upload(upload: dict[str, Any], path: Path) -> None:
    """A result file to the job's custom upload URL (a presigned S3 PUT): the file itself as
    the body, never through the instance's API."""
    method = str(upload.get("method") or "PUT")
    if method != "PUT":
        raise ProtocolError(f"custom upload by {method} is not supported")
    with open(path, "rb") as opened:
        put = requests.put(str(upload["url"]), data=opened, timeout=300)
    if put.status_code >= 300:
        raise ProtocolError(f"the upload was refused: {put.status_code} {put.text[:300]}")


def _fetch(url: str, tokens: dict[str, str], local: Path) -> str:
    """One of a job's files: the presigned URL the instance redirects to, or the body saved."""
    found = requests.post(url, json=tokens, allow_redirects=False, timeout=TIMEOUT)
    if found.status_code in (301, 302, 303, 307, 308):
        return str(found.headers["Location"])
    local.write_bytes(_checked_bytes(found))
    return str(local)


def _download(source: str, local: Path) -> None:
    """A task file read whole (ffmpeg reads it from disk with the file whitelist only)."""
    if source == str(local):
        return
    with requests.get(source, stream=True, timeout=TIMEOUT) as answer:
        if answer.status_code >= 400:
            raise ProtocolError(f"task file: {answer.status_code}")
        with open(local, "wb") as written:
            for block in answer.iter_content(1 << 20):
                written.write(block)


def _form(fields: dict[str, str]) -> dict[str, tuple[None, str]]:
    """Text fields of a multipart body (requests sends a file-less multipart this way)."""
    return {name: (None, value) for name, value in fields.items()}


def _post(url: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return _checked(requests.post(f"{url.rstrip('/')}{path}", json=body, timeout=TIMEOUT))


def _checked(response: requests.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        raise ProtocolError(f"{response.status_code} {response.text[:300]}")
    return dict(response.json()) if response.content else {}


def _checked_bytes(response: requests.Response) -> bytes:
    if response.status_code >= 400:
        raise ProtocolError(f"{response.status_code} {response.text[:300]}")
    return response.content


def load_or_register(state: Path, url: str, registration_token: str | None, name: str) -> Runner:
    """The runner saved in `state`, or a new registration saved there."""
    if state.exists():
        saved = json.loads(state.read_text())
        return Runner(saved["url"], saved["runnerToken"])
    if not registration_token:
        raise SystemExit("not registered yet: give --registration-token")
    runner = Runner.register(url, registration_token, name)
    state.write_text(json.dumps({"url": runner.url, "runnerToken": runner.runner_token}))
    return runner
