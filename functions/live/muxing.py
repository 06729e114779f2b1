"""One encoder connection's ffmpeg: FLV in through its standard input, HLS segments out into
a work directory, each handed over as soon as ffmpeg has finished it.

ffmpeg renames a segment into place when it is complete (`temp_file`), then rewrites its
playlist with the segment's duration; the watcher checks for the next segment's file every
`poll` seconds (one stat per rendition) and reads the playlist only when it exists.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from functions.live.playlist import Entry, playlist_name, read_entries

log = logging.getLogger("cirrus.live")

POLL_SECONDS = 0.1
# After its input ends, ffmpeg writes its last segment and exits; past this it is killed.
FINISH_TIMEOUT_SECONDS = 20.0
STDERR_KEPT = 4000

OnSegment = Callable[[int, Path, Entry], Awaitable[None]]


class MuxingError(RuntimeError):
    """ffmpeg stopped on its own, with the reason it gave."""


class MuxingRun:
    def __init__(self, argv: list[str], workdir: Path, renditions: int, on_segment: OnSegment) -> None:
        self.argv = argv
        self.workdir = workdir
        self.renditions = renditions
        self.on_segment = on_segment
        self.stderr = b""
        self.failure: str | None = None  # why segments stopped being handed over, if they did
        self._seen = [0] * renditions
        self._process: asyncio.subprocess.Process | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._stderr_reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            cwd=self.workdir,
        )
        self._stderr_reader = asyncio.create_task(self._read_stderr())
        self._watcher = asyncio.create_task(self._watch())

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def write(self, data: bytes) -> None:
        """Hand bytes to ffmpeg, waiting while it is behind (the encoder's TCP window then
        fills: real time is kept by the encoder dropping frames, not by memory here)."""
        process = self._require()
        stdin = process.stdin
        if stdin is None or process.returncode is not None:
            raise MuxingError(self.reason())
        try:
            stdin.write(data)
            await stdin.drain()
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise MuxingError(self.reason()) from exc

    async def finish(self) -> int:
        """End of input: ffmpeg writes its last segment; every segment is handed over
        before this returns. Returns ffmpeg's exit status."""
        process = self._require()
        if process.stdin is not None and not process.stdin.is_closing():
            process.stdin.close()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                await process.stdin.wait_closed()
        try:
            await asyncio.wait_for(process.wait(), FINISH_TIMEOUT_SECONDS)
        except TimeoutError:
            log.warning("ffmpeg %s did not finish in %.0f s: killed", process.pid, FINISH_TIMEOUT_SECONDS)
            process.kill()
            await process.wait()
        if self._watcher is not None:
            await self._watcher
        if self._stderr_reader is not None:
            await self._stderr_reader
        return process.returncode if process.returncode is not None else -1

    async def wait(self) -> int:
        """Until ffmpeg exits by itself (a failure while the encoder is still sending)."""
        return await self._require().wait()

    def reason(self) -> str:
        text = self.stderr.decode("utf-8", "replace").strip()
        return text.splitlines()[-1] if text else "ffmpeg stopped"

    def _require(self) -> asyncio.subprocess.Process:
        if self._process is None:
            raise RuntimeError("the run was not started")
        return self._process

    async def _watch(self) -> None:
        exited = asyncio.ensure_future(self._require().wait())
        while not exited.done():
            await self._collect(only_if_ready=True)
            await asyncio.wait({exited}, timeout=POLL_SECONDS)
        await self._collect(only_if_ready=False)

    async def _collect(self, *, only_if_ready: bool) -> None:
        for index in range(self.renditions):
            playlist = self.workdir / playlist_name(index)
            if only_if_ready and not (self.workdir / f"{index}-{self._seen[index]:06d}.ts").exists():
                continue
            try:
                entries = read_entries(playlist.read_text())
            except FileNotFoundError:
                continue
            for entry in entries[self._seen[index] :]:
                self._seen[index] += 1
                if self.failure is not None:
                    continue
                try:
                    await self.on_segment(index, self.workdir / Path(entry.uri).name, entry)
                except Exception as exc:
                    # Segments that cannot be stored: stop ffmpeg rather than go on without them.
                    log.exception("segment %s of rendition %d not stored", entry.uri, index)
                    self.failure = f"storing a segment failed: {exc}"
                    if self._process is not None and self._process.returncode is None:
                        self._process.kill()

    async def _read_stderr(self) -> None:
        stream = self._require().stderr
        if stream is None:
            return
        while chunk := await stream.read(4096):
            self.stderr = (self.stderr + chunk)[-STDERR_KEPT:]
