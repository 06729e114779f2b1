"""The ingest service's ports (ports.py) wired to Cirrus: the stream key's claim and the
live's items in DynamoDB, the video's state through its stage table, the media bucket, and
the replay's hand-over to the transcoding pipeline (domain/live_ingest.py decides; the
store's ports reach AWS).

The service runs on an asyncio loop and these calls block (boto3), so each runs in a worker
thread; none of them holds the loop while DynamoDB or S3 answers.

    python -m functions.live.cirrus_ports [--host 0.0.0.0] [--port 1935]

is the ingest as it runs on AWS (the Fargate task's command) and under `make run`
(local/stack.py starts the same service in-process).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from chalicelib.activitypub.outbound import subscriptions
from chalicelib.config import get_settings
from chalicelib.domain import live_ingest
from chalicelib.media import layout
from chalicelib.store import media, table
from functions.live.playlist import SEGMENT_TYPE
from functions.live.ports import LiveTarget, Refusal, SessionRecord
from functions.live.server import RtmpServer
from functions.live.service import LiveService
from functions.live.settings import LiveSettings, from_environment

log = logging.getLogger("cirrus.live")

# Playlists and segments-sha256.json change with every segment; segments never change (their
# names carry their session, chalicelib/media/layout.py), so they may be cached for long.
PLAYLIST_CACHE = media.LIVE_PLAYLIST
SEGMENT_CACHE = media.IMMUTABLE


async def authorise(stream_key: str) -> LiveTarget | Refusal:
    """The live behind `stream_key`, or why it may not publish (two DynamoDB reads)."""
    found = await asyncio.to_thread(live_ingest.authorise, stream_key)
    if isinstance(found, live_ingest.Denial):
        return Refusal(found.reason)
    return LiveTarget(
        video_id=str(found.video_id),
        directory=found.directory,
        permanent=found.permanent,
        latency_mode=found.latency_mode,
        save_replay=found.save_replay,
        simulcast=found.simulcast,
        max_duration=found.max_duration,
    )


async def on_state(video_id: str, state: int) -> None:
    await asyncio.to_thread(live_ingest.record_state, int(video_id), state)


async def on_session_end(session: SessionRecord) -> None:
    end = live_ingest.SessionEnd(
        started_at=session.started_at,
        ended_at=session.ended_at,
        error=session.error,
        reason=session.reason,
        segment_tag=session.segment_tag,
        renditions=[
            {
                "index": r.index,
                "resolution": r.resolution,
                "width": r.width,
                "height": r.height,
                "fps": r.fps,
                "segments": len(r.segments),
            }
            for r in session.renditions
        ],
        directory=session.target.directory,
        connections=session.connections,
    )
    await asyncio.to_thread(live_ingest.session_ended, int(session.target.video_id), end)


class MediaBucketSink:
    """The media bucket, under the lives' directories only (all the ingest's role may write)."""

    async def write(self, key: str, body: bytes, content_type: str) -> None:
        if not key.startswith(layout.LIVE_HLS_PREFIXES) or ".." in key:
            raise ValueError(f"sink key {key!r} is not under a live directory")
        cache = SEGMENT_CACHE if content_type == SEGMENT_TYPE else PLAYLIST_CACHE
        await asyncio.to_thread(media.put_file, key, body, content_type, cache)


def cirrus_service(settings: LiveSettings) -> LiveService:
    """The ingest service with Cirrus's ports; the process must have bound the table
    (store/table.py) and registered the event subscribers first (`prepare`)."""
    return LiveService(
        settings, authorise=authorise, on_state=on_state, sink=MediaBucketSink(), on_session_end=on_session_end
    )


def prepare() -> None:
    """What every process that runs domain code does first: the table, and the subscribers
    to domain events. The ingest reads no actor and pushes to no viewer itself: a state
    change becomes a notice to the broadcast function, which sends the video's Update and
    tells the viewers (functions/federation/broadcast.py)."""
    table.bind(get_settings())
    subscriptions.register_notices()


async def serve(host: str, port: int, settings: LiveSettings, stopping: asyncio.Event) -> None:
    """Serve until `stopping` is set, then end every session properly (last segments, closed
    playlists, states, hand-overs)."""
    server = RtmpServer(cirrus_service(settings))
    await server.start(host, port)
    log.info("RTMP ingest listening on %s:%d", host, port)
    try:
        await stopping.wait()
    finally:
        await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Cirrus's live ingest (rtmp://host:port/live/<stream key>)")
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=None)
    options = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = from_environment()
    prepare()

    async def run() -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
        await serve(options.host, options.port or settings.rtmp_port, settings, stopping)

    asyncio.run(run())


if __name__ == "__main__":
    main()
