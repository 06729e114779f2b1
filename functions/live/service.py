"""Who may publish, and the sessions' lives: admission (stream key, one encoder per live,
instance limits), the media check, one ffmpeg run per encoder connection, the video's state,
and the end of a session, either when the encoder has been gone longer than the reconnect
window or at once when the session is cut (duration exceeded, ffmpeg failed).

A session belongs to a video, not to a connection: an encoder that comes back with the same
key within `reconnect_window` seconds (default 60; PeerTube ends the session 2 s after the
encoder leaves) continues it: the same playlists, continuing sequence numbers after an
EXT-X-DISCONTINUITY, the same replay. An encoder that says it stops (FCUnpublish or
deleteStream: the streamer pressed stop) ends the session after PeerTube's short delay.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from functions.live import flv
from functions.live.ladder import ffmpeg_args, renditions, segment_seconds
from functions.live.media_check import MediaGate, MediaRefused, StreamInfo, check_video
from functions.live.muxing import MuxingError, MuxingRun
from functions.live.ports import (
    BAD_SOCKET_HEALTH,
    DURATION_EXCEEDED,
    FFMPEG_ERROR,
    LIVE_ENDED,
    PUBLISHED,
    WAITING_FOR_LIVE,
    Authorise,
    LiveTarget,
    OnSessionEnd,
    OnState,
    Refusal,
    Sink,
)
from functions.live.rtmp import AUDIO, VIDEO
from functions.live.session import LiveSession
from functions.live.simulcast import Relay

if TYPE_CHECKING:
    from chalicelib.media.ladder import Rendition
    from functions.live.settings import LiveSettings

log = logging.getLogger("cirrus.live")


class Publisher(Protocol):
    """What the service needs of an encoder's connection."""

    peer: str
    last_data: float  # time.monotonic() of the last bytes received

    def cut(self, reason: str) -> None:
        """Close the connection (its handler then calls `Publication.end`)."""


@dataclass
class Metrics:
    """Figures kept for the health answer and the measurements in docs/live.md."""

    refused: int = 0
    sessions: int = 0
    first_playable_seconds: list[float] = field(default_factory=list)


@dataclass(eq=False)
class _Live:
    target: LiveTarget
    publisher: Publisher | None
    session: LiveSession | None = None
    run: MuxingRun | None = None
    finishing: asyncio.Task[None] | None = None
    end_timer: asyncio.TimerHandle | None = None
    duration_timer: asyncio.TimerHandle | None = None
    ended: bool = False
    first_packet_at: float | None = None


# Why a connection ended when the encoder said it stops publishing (server.py).
UNPUBLISHED = "the encoder stopped publishing"


class LiveService:
    def __init__(
        self,
        settings: LiveSettings,
        *,
        authorise: Authorise,
        on_state: OnState,
        sink: Sink,
        on_session_end: OnSessionEnd,
    ) -> None:
        self.settings = settings
        self.authorise = authorise
        self.on_state = on_state
        self.sink = sink
        self.on_session_end = on_session_end
        self.metrics = Metrics()
        self._lives: dict[str, _Live] = {}
        self._saving: set[str] = set()  # videos whose ended session is being handed over
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def live_count(self) -> int:
        return len(self._lives)

    async def publish(self, stream_key: str, publisher: Publisher) -> Publication | Refusal:
        """An encoder asks to publish under `stream_key`: a Publication to send its media
        to, or why not (checked before any media is accepted)."""
        target = await self.authorise(stream_key)
        if isinstance(target, Refusal):
            return self._refuse(publisher, target.reason)
        live = self._lives.get(target.video_id)
        if live is None:
            if target.video_id in self._saving:
                return self._refuse(publisher, "the live's previous session is still being saved")
            if len(self._lives) >= self.settings.max_lives:
                return self._refuse(publisher, f"this server already has {self.settings.max_lives} lives")
            live = _Live(target, publisher)
            self._lives[target.video_id] = live
        elif live.publisher is not None:
            silent = time.monotonic() - live.publisher.last_data
            if silent < self.settings.idle_timeout / 2:
                return self._refuse(publisher, "this live already has an encoder connected")
            # The connection in place has gone quiet: most likely the same encoder, back
            # before the server noticed its connection was dead.
            log.info("live %s: encoder %s silent %.1f s, replaced", target.video_id, live.publisher.peer, silent)
            old = live.publisher
            self._detach(live)
            old.cut(f"replaced by a new connection after {silent:.1f} s of silence")
            live.publisher = publisher
        else:
            if live.end_timer is not None:
                live.end_timer.cancel()
                live.end_timer = None
            live.publisher = publisher
            live.target = target
        log.info("live %s: publishing from %s", target.video_id, publisher.peer)
        return Publication(self, live, publisher)

    async def stop(self) -> None:
        """Shutting down: every session ends now."""
        for live in list(self._lives.values()):
            await self._end(live, None, "the ingest server stopped")
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _refuse(self, publisher: Publisher, reason: str) -> Refusal:
        self.metrics.refused += 1
        log.warning("refused %s: %s", publisher.peer, reason)
        return Refusal(reason)

    # The media of a connection.

    async def _attach(self, live: _Live, publisher: Publisher, info: StreamInfo) -> MuxingRun:
        """The connection's stream passed the check: its ffmpeg run, in a new session or the
        one it reconnects to."""
        if live.finishing is not None:  # the previous connection's last segments first
            await live.finishing
        if live.publisher is not publisher or live.ended:
            raise MediaRefused("the session ended while the stream was being checked")
        settings = self.settings
        session = live.session
        if session is None:
            seconds = segment_seconds(live.target.latency_mode)
            ladder = renditions(info, settings.resolutions, transcoding=settings.transcoding)
            session = LiveSession(
                live.target,
                info,
                ladder,
                seconds,
                self.sink,
                transcoding=settings.transcoding,
                ffprobe=settings.ffprobe,
            )
            live.session = session
            self.metrics.sessions += 1
            self._spawn(self._announce_playable(live, session))
            limit = settings.max_duration if live.target.max_duration is None else live.target.max_duration
            if limit > 0:
                live.duration_timer = asyncio.get_running_loop().call_later(
                    limit,
                    lambda: self._spawn(
                        self._end(live, DURATION_EXCEEDED, f"the live reached its maximum of {limit:g} s")
                    ),
                )
            log.info(
                "live %s: session %s, %dx%d %.0f fps%s, renditions %s",
                live.target.video_id, session.session_id, info.picture.width, info.picture.height, info.fps,
                " with audio" if info.has_audio else "", [r.resolution for r in ladder],
            )  # fmt: skip
        elif info.has_audio != session.info.has_audio:
            has = "has" if session.info.has_audio else "has no"
            raise MediaRefused(f"the session {has} audio and the reconnected stream does not match")
        session.begin_run()
        workdir = settings.work_dir / session.session_id / f"run-{session.connections}"
        run = MuxingRun(
            self._argv(info, session.renditions, session.segment_seconds, workdir),
            workdir,
            len(session.renditions),
            session.add_segment,
        )
        await run.start()
        live.run = run
        self._spawn(self._watch_run(live, run))
        return run

    def _relays(self, live: _Live) -> list[Relay]:
        """The live's simulcast targets, one relay each for the connection now starting."""
        relays = [
            Relay(
                url,
                video_id=live.target.video_id,
                ffmpeg=self.settings.ffmpeg,
                allow_loopback=self.settings.allow_loopback,
            )
            for url in live.target.simulcast[: self.settings.max_simulcast_targets]
        ]
        for relay in relays:
            relay.start()
        return relays

    def _argv(self, info: StreamInfo, ladder: list[Rendition], seconds: int, workdir: Any) -> list[str]:
        settings = self.settings
        return ffmpeg_args(
            info,
            ladder,
            workdir,
            segment_seconds=seconds,
            transcoding=settings.transcoding,
            preset=settings.preset,
            threads=settings.threads,
            ffmpeg=settings.ffmpeg,
        )

    def _detach(self, live: _Live) -> None:
        """The connection leaves: its ffmpeg run finishes in the background."""
        live.publisher = None
        run, live.run = live.run, None
        if run is not None:
            live.finishing = self._spawn(self._finish(live, run))

    async def _finish(self, live: _Live, run: MuxingRun) -> None:
        try:
            status = await run.finish()
        except Exception as exc:
            log.exception("live %s: the run's last segments were lost", live.target.video_id)
            self._spawn(self._end(live, FFMPEG_ERROR, f"storing segments failed: {exc}"))
            return
        if status != 0 and run.failure is None:
            log.warning("live %s: ffmpeg ended with %s: %s", live.target.video_id, status, run.reason())

    def _left(self, live: _Live, publisher: Publisher, reason: str) -> None:
        if live.publisher is not publisher:
            return  # replaced, or the session already ended
        self._detach(live)
        if live.session is None:  # nothing was published: nothing to keep
            if self._lives.get(live.target.video_id) is live:
                del self._lives[live.target.video_id]
            return
        # A deliberate stop is not a drop: no reconnection is coming.
        wait = self.settings.end_delay if reason == UNPUBLISHED else self.settings.end_wait
        log.info(
            "live %s: encoder left (%s); the session ends in %.0f s unless it returns",
            live.target.video_id,
            reason,
            wait,
        )
        live.end_timer = asyncio.get_running_loop().call_later(wait, lambda: self._spawn(self._end(live, None, None)))

    async def _watch_run(self, live: _Live, run: MuxingRun) -> None:
        status = await run.wait()
        if live.run is run and not live.ended:  # not finished by us: ffmpeg failed
            reason = run.failure or run.reason()
            log.error("live %s: ffmpeg exited with %s while live: %s", live.target.video_id, status, reason)
            await self._end(live, FFMPEG_ERROR, reason)

    async def _announce_playable(self, live: _Live, session: LiveSession) -> None:
        await session.playable.wait()
        if live.ended:
            return
        if live.first_packet_at is not None and session.first_segment_at is not None:
            seconds = session.first_segment_at - live.first_packet_at
            self.metrics.first_playable_seconds.append(seconds)
            log.info("live %s: playable %.2f s after the first packet", live.target.video_id, seconds)
        await self._state(live, PUBLISHED)

    async def _end(self, live: _Live, error: int | None, reason: str | None) -> None:
        if live.ended:
            return
        live.ended = True
        for timer in (live.end_timer, live.duration_timer):
            if timer is not None:
                timer.cancel()
        video_id = live.target.video_id
        publisher = live.publisher
        self._detach(live)
        if publisher is not None:
            publisher.cut(reason or "the session ended")
        if live.finishing is not None:
            with contextlib.suppress(Exception):
                await live.finishing
        if self._lives.get(video_id) is live:
            del self._lives[video_id]
        session = live.session
        if session is None:
            return
        self._saving.add(video_id)
        try:
            log.info("live %s: session %s ended%s", video_id, session.session_id, f": {reason}" if reason else "")
            try:
                await session.close_playlists()
            except Exception:
                log.exception("live %s: closing the playlists failed", video_id)
            if not live.target.permanent:
                await self._state(live, LIVE_ENDED)
            elif session.playable.is_set():
                await self._state(live, WAITING_FOR_LIVE)
            try:
                await self.on_session_end(session.record(error=error, reason=reason))
            except Exception:
                log.exception("live %s: handing the session over failed", video_id)
        finally:
            self._saving.discard(video_id)
            await asyncio.to_thread(shutil.rmtree, self.settings.work_dir / session.session_id, True)

    async def _state(self, live: _Live, state: int) -> None:
        try:
            await self.on_state(live.target.video_id, state)
        except Exception:
            log.exception("live %s: recording state %s failed", live.target.video_id, state)

    def _spawn(self, coroutine: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task


class Publication:
    """One encoder connection's stream, from `publish` to its end."""

    def __init__(self, service: LiveService, live: _Live, publisher: Publisher) -> None:
        self._service = service
        self._live = live
        self._publisher = publisher
        self._gate: MediaGate | None = MediaGate(service.settings.max_resolution)
        self._run: MuxingRun | None = None
        self._relays: list[Relay] = []
        self.ended = False

    @property
    def target(self) -> LiveTarget:
        return self._live.target

    @property
    def accepted(self) -> bool:
        """Whether the stream passed the media check (ffmpeg is running for it)."""
        return self._run is not None

    def metadata(self, values: dict[str, Any]) -> None:
        if self._gate is not None:
            self._gate.metadata = values

    async def media(self, tag_type: int, timestamp: int, body: bytes) -> None:
        """An audio or video message. MediaRefused or MuxingError: the connection must be
        closed with that reason."""
        live = self._live
        if live.first_packet_at is None:
            live.first_packet_at = time.monotonic()
        if self._run is not None:
            if tag_type == VIDEO:
                check_video(body, self._service.settings.max_resolution)
            data = flv.tag(tag_type, timestamp, body)
            for relay in self._relays:
                relay.feed(data)
            await self._run.write(data)
            return
        gate = self._gate
        assert gate is not None
        info = gate.add(tag_type, timestamp, body)
        if info is None:
            return
        self._gate = None
        self._run = await self._service._attach(live, self._publisher, info)
        held = b"".join(flv.tag(kind, stamp, data) for kind, stamp, data in gate.held if kind in (AUDIO, VIDEO))
        start = flv.header(has_audio=info.has_audio, has_video=True) + held
        self._relays = self._service._relays(live)
        for relay in self._relays:
            relay.feed(start)
        await self._run.write(start)

    def end(self, reason: str) -> None:
        """The connection closed (the encoder left, was cut, or broke the protocol)."""
        if self.ended:
            return
        self.ended = True
        for relay in self._relays:
            self._service._spawn(relay.finish())
        self._service._left(self._live, self._publisher, reason)


__all__ = ["BAD_SOCKET_HEALTH", "LiveService", "MuxingError", "Publication", "Publisher"]
