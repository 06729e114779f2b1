"""The live ingest under `make run`: the same service the Fargate task runs
(functions/live/cirrus_ports.py), on CIRRUS_RTMP_PORT (1935), in a thread with its own event
loop, writing to the embedded stack's media bucket and table.

A port already taken (another instance, another RTMP server) is said loudly and leaves the
rest of the instance running: lives then cannot be streamed to, everything else works.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from functions.live.settings import LiveSettings

log = logging.getLogger("cirrus.local.live")
STOP_SECONDS = 60.0  # sessions end properly first: last segments, playlists, states, hand-overs


class LocalIngest:
    def __init__(self, host: str, settings: LiveSettings) -> None:
        self.host = host
        self.settings = settings
        self.listening = threading.Event()
        self.failed: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="live-ingest", daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        self._thread.start()
        if not self.listening.wait(timeout) and self.failed is None:
            self.failed = f"the live ingest did not start within {timeout:g} s"
        if self.failed:
            log.error("lives cannot be streamed to: %s", self.failed)

    def stop(self) -> None:
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stopping.set)
        self._thread.join(STOP_SECONDS)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except OSError as exc:  # the port is taken, or the address not ours
            self.failed = f"RTMP port {self.settings.rtmp_port} on {self.host}: {exc.strerror or exc}"
            self.listening.set()
        except Exception as exc:
            self.failed = f"the live ingest stopped: {exc}"
            log.exception("the live ingest stopped")
            self.listening.set()

    async def _serve(self) -> None:
        from functions.live.cirrus_ports import cirrus_service
        from functions.live.server import RtmpServer

        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        server = RtmpServer(cirrus_service(self.settings))
        await server.start(self.host, self.settings.rtmp_port)
        log.info("RTMP ingest listening on rtmp://%s:%d/live", self.host, self.settings.rtmp_port)
        self.listening.set()
        try:
            await self._stopping.wait()
        finally:
            await server.stop()
