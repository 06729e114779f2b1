"""The ingest service's settings, read once from the environment (CIRRUS_LIVE_* and
CIRRUS_RTMP_PORT), with PeerTube's defaults where it has one.

| variable | default | PeerTube |
|---|---|---|
| CIRRUS_RTMP_PORT | 1935 | `live.rtmp.port` |
| CIRRUS_LIVE_TRANSCODING | true | `live.transcoding.enabled` (false: the stream is only cut into segments) |
| CIRRUS_LIVE_RESOLUTIONS | 240,360,480,720,1080 | `live.transcoding.resolutions` (the input's own is always made) |
| CIRRUS_LIVE_MAX_DURATION | -1 (none), seconds | `live.max_duration` |
| CIRRUS_LIVE_MAX_RESOLUTION | 1080 (short side) | none: a 4K stream costs four 1080p transcodes |
| CIRRUS_LIVE_MAX_LIVES | 20 | `live.max_instance_lives` (sessions at once, per task here) |
| CIRRUS_LIVE_MAX_CONNECTIONS | 100 | none (connections at once, published or not) |
| CIRRUS_LIVE_RECONNECT_WINDOW | 60, seconds | none: PeerTube ends the session at once |
| CIRRUS_LIVE_THREADS | 2 | `live.transcoding.threads` |
| CIRRUS_LIVE_PRESET | veryfast | the default profile's preset |
| CIRRUS_LIVE_WORK_DIR | the system's temporary directory | where ffmpeg writes before the sink |
| CIRRUS_LIVE_MAX_SIMULCAST_TARGETS | 5 | none: targets pushed to per live (0 turns simulcast off) |
| CIRRUS_FEDERATION_ALLOW_LOOPBACK | off | none: local tests only; simulcast may reach loopback |
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from chalicelib.media.ladder import RESOLUTIONS

DEFAULT_RTMP_PORT = 1935
# After the encoder disconnects, PeerTube waits this long before it ends the session.
END_DELAY_SECONDS = 2.0


@dataclass(frozen=True)
class LiveSettings:
    rtmp_port: int = DEFAULT_RTMP_PORT
    transcoding: bool = True
    resolutions: tuple[int, ...] = (240, 360, 480, 720, 1080)
    max_duration: float = -1  # seconds; -1 for none
    max_resolution: int = 1080
    max_lives: int = 20
    max_connections: int = 100
    reconnect_window: float = 60.0
    end_delay: float = END_DELAY_SECONDS
    threads: int = 2
    preset: str = "veryfast"
    work_dir: Path = Path(tempfile.gettempdir()) / "cirrus-live"
    # Connections must reach `publish` within this long, and then send media.
    handshake_timeout: float = 10.0
    media_timeout: float = 10.0
    # A publisher silent this long is cut (bad socket health); a second encoder on its key
    # takes its place after half of it instead of being refused.
    idle_timeout: float = 10.0
    ffmpeg: str = "ffmpeg"
    ffprobe: str = "ffprobe"
    max_simulcast_targets: int = 5
    # Simulcast targets on loopback (the federation's test switch): never on in a deployment.
    allow_loopback: bool = False

    @property
    def end_wait(self) -> float:
        """How long after a disconnect the session ends if nobody comes back."""
        return max(self.end_delay, self.reconnect_window)


def from_environment(environ: Mapping[str, str] | None = None) -> LiveSettings:
    env = os.environ if environ is None else environ
    defaults = LiveSettings()
    resolutions = _resolutions(env.get("CIRRUS_LIVE_RESOLUTIONS"), defaults.resolutions)
    return LiveSettings(
        rtmp_port=int(env.get("CIRRUS_RTMP_PORT", defaults.rtmp_port)),
        transcoding=env.get("CIRRUS_LIVE_TRANSCODING", "true").lower() not in ("0", "false", "no"),
        resolutions=resolutions,
        max_duration=float(env.get("CIRRUS_LIVE_MAX_DURATION", defaults.max_duration)),
        max_resolution=int(env.get("CIRRUS_LIVE_MAX_RESOLUTION", defaults.max_resolution)),
        max_lives=int(env.get("CIRRUS_LIVE_MAX_LIVES", defaults.max_lives)),
        max_connections=int(env.get("CIRRUS_LIVE_MAX_CONNECTIONS", defaults.max_connections)),
        reconnect_window=float(env.get("CIRRUS_LIVE_RECONNECT_WINDOW", defaults.reconnect_window)),
        threads=int(env.get("CIRRUS_LIVE_THREADS", defaults.threads)),
        preset=env.get("CIRRUS_LIVE_PRESET", defaults.preset),
        work_dir=Path(env.get("CIRRUS_LIVE_WORK_DIR", str(defaults.work_dir))),
        max_simulcast_targets=int(env.get("CIRRUS_LIVE_MAX_SIMULCAST_TARGETS", defaults.max_simulcast_targets)),
        allow_loopback=env.get("CIRRUS_FEDERATION_ALLOW_LOOPBACK", "").strip().lower() in ("1", "true", "yes", "on"),
    )


def _resolutions(raw: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    if raw is None:
        return default
    values = tuple(sorted({int(part) for part in raw.replace(" ", "").split(",") if part}))
    unknown = [value for value in values if value not in RESOLUTIONS]
    if unknown:
        raise ValueError(f"CIRRUS_LIVE_RESOLUTIONS: {unknown} are not among {list(RESOLUTIONS)}")
    return values
