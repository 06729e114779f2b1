"""Instance settings, read once from the environment.

Every name that differs between a laptop and an AWS account (host, table, buckets, queues,
endpoint) comes from here, so the same code runs on the embedded stack and in Lambda.
The defaults are the embedded stack's.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from chalicelib import caches

LOCAL_PORT = 9000
# The tracker shards a deployment may run (template.yaml's TrackerMaxTasks, one service each).
MAX_TRACKER_SHARDS = 8
LOCAL_RTMP_PORT = 1935
# Where encoders publish under `make run` (the ingest listens on CIRRUS_RTMP_PORT, 1935).
LOCAL_RTMP_URL = "rtmp://127.0.0.1:1935/live"
# PeerTube's live resolutions; the ingest transcodes to these (functions/live/settings.py).
LIVE_RESOLUTIONS = (144, 240, 360, 480, 720, 1080, 1440, 2160)


@dataclass(frozen=True)
class QueueNames:
    transcode: str
    broadcast: str
    deliver: str
    inbox: str
    views: str
    work: str

    def by_key(self) -> dict[str, str]:
        """Every work queue's name by its key (deploy_specs.QueueSpec.key)."""
        return {key: str(value) for key, value in vars(self).items()}


@dataclass(frozen=True)
class SignupSettings:
    """Who may create an account (PeerTube's `signup` section; its defaults)."""

    enabled: bool = False
    limit: int = 10  # -1: no limit
    requires_approval: bool = True
    requires_email_verification: bool = False
    minimum_age: int = 16


@dataclass(frozen=True)
class UserDefaults:
    """What a new user gets (PeerTube's `user` section and channel limit)."""

    video_quota: int = -1  # bytes; -1 is unlimited
    video_quota_daily: int = -1
    max_channels: int = 20


@dataclass(frozen=True)
class LiveConfig:
    """PeerTube's `live` section: whether lives may be created, and their limits. The API
    enforces these (and the administrator may change them at run time); the ingest reads its
    own variables for what happens while a live runs (maximum duration, resolutions: the
    same CIRRUS_LIVE_* names, functions/live/settings.py)."""

    enabled: bool = False  # PeerTube's default; `make run` turns it on
    allow_replay: bool = True
    latency_setting: bool = True  # owners may choose a latency mode other than the default
    max_duration: int = -1  # seconds; -1: none
    max_instance_lives: int = 20  # lives not ended at once, -1: no limit
    max_user_lives: int = 3
    transcoding: bool = True
    resolutions: tuple[int, ...] = (240, 360, 480, 720, 1080)
    rtmp_port: int = LOCAL_RTMP_PORT


@dataclass(frozen=True)
class FederationSettings:
    """How Cirrus talks to other servers."""

    # Attempts of one delivery before its dead-letter queue (the deliver queue's maxReceiveCount):
    # with 60 s doubling, 8 attempts keep trying for about two hours.
    delivery_attempts: int = 8
    retry_base_seconds: int = 60
    # PeerTube's followers.instance.enabled / manual_approval and
    # followings.instance.auto_follow_back.enabled.
    accept_instance_followers: bool = True
    approve_instance_followers_manually: bool = False
    follow_back_instances: bool = False
    # Local tests only: lets remote requests use plain http to loopback addresses.
    allow_loopback: bool = False
    # What one remote host may have stored here (beyond, its new objects are refused and
    # logged): any server can push content, and every video joins each API instance's
    # in-memory catalogue (docs/catalogue.md).
    max_videos_per_host: int = 5000
    max_playlists_per_host: int = 1000
    max_comments_per_host: int = 20000
    # The transcoder's IAM role id (CIRRUS_TRANSCODER_ROLE_ID, the broadcast function's
    # only): messages it sends to the broadcast queue may only announce a publication, never
    # name an activity to sign, since ffmpeg runs on hostile files in that function.
    transcoder_role_id: str | None = None
    # PeerTube's remote_redundancy.videos.accept_from (a YAML setting there, not in the custom
    # configuration): whose CacheFiles of our videos are listed as mirrors (nobody, anybody,
    # followings); CIRRUS_REDUNDANCY_ACCEPT_FROM.
    accept_redundancy_from: str = "anybody"


REDUNDANCY_ACCEPT_FROM = ("nobody", "anybody", "followings")


@dataclass(frozen=True)
class Settings:
    instance_host: str
    instance_scheme: str
    instance_name: str
    table_name: str
    media_bucket: str
    uploads_bucket: str
    queues: QueueNames
    aws_region: str
    aws_endpoint_url: str | None
    production: bool
    signup: SignupSettings = SignupSettings()
    user_defaults: UserDefaults = UserDefaults()
    federation: FederationSettings = FederationSettings()
    # PeerTube's own variable: the first start creates `root` with this password.
    initial_root_password: str | None = None
    # The WebTorrent tracker's websocket URL when it is not the instance's own host
    # (CIRRUS_TRACKER_URL: a tracker shard, or a dedicated host in front of Fargate).
    tracker_url_override: str | None = None
    # Tracker shards (docs/tracker.md, "Scaling beyond one task"): each video's swarms meet on
    # one of them, chosen from its UUID (chalicelib/tracker_shards.py). Either their URLs
    # (CIRRUS_TRACKER_URLS, comma-separated), or how many run behind the tracker URL above
    # (CIRRUS_TRACKER_SHARDS: shard k at .../tracker/<k>/socket, the template's TrackerMaxTasks).
    tracker_shard_urls: tuple[str, ...] = ()
    tracker_shard_count: int = 1
    # Whether a scaler changes how many of the shards are active (docs/tracker.md, "Scaling on
    # connections"): the API then hashes over the active ones only, read from the table
    # (CIRRUS_TRACKER_SCALED, set by the template when TrackerMaxTasks is above 1). The scaler
    # finds shard k's ECS service as CIRRUS_TRACKER_SERVICE_PREFIX + k in CIRRUS_TRACKER_CLUSTER.
    tracker_scaled: bool = False
    tracker_cluster: str | None = None
    tracker_service_prefix: str | None = None
    # A local video that has not progressed towards publication for this long is resumed by
    # the sweeper (functions/transcoder/sweeper.py). Longer than a failing step's retries
    # take to come back (the transcode queue's visibility timeout, 90 minutes).
    transcoding_stall_seconds: int = 2 * 3600
    # A remote runner's job without news for this long goes back to pending (PeerTube's
    # remote_runners.stalled_jobs.vod, 2 minutes); CIRRUS_RUNNER_STALL_SECONDS.
    runner_stall_seconds: int = 120
    # A studio edit of a video longer than this runs in chunks, one transcoder invocation
    # each (docs/studio.md, "Long videos"); CIRRUS_STUDIO_CHUNKED_FROM_SECONDS. Their source
    # length: the transcoding pipeline's for the video's height (media/chunks.chunk_seconds),
    # or CIRRUS_STUDIO_CHUNK_SECONDS when set (tests use short ones).
    studio_chunked_from_seconds: int = 300
    studio_chunk_seconds: int = 0
    # What may transcribe videos (docs/media.md, the template's TranscriptionEngine):
    # "runners" (remote runners with a Whisper engine), "transcribe" (Amazon Transcribe, or
    # runners when the administrator enables them) or "none"; CIRRUS_TRANSCRIPTION_ENGINE.
    transcription_engine: str = "runners"
    # Video imports by URL (docs/imports.md): the largest file one may fetch, whatever the
    # user's quota (CIRRUS_IMPORT_MAX_BYTES), and how long its download may take
    # (CIRRUS_IMPORT_TIMEOUT_SECONDS, PeerTube's import.videos.timeout, 2 hours; in the work
    # function its own time bounds it too, and a longer download goes to the import task).
    import_max_bytes: int = 4 * 1024**3
    import_timeout_seconds: int = 7200
    # The rate a download in the work function is expected to keep (bytes a second,
    # CIRRUS_IMPORT_LAMBDA_BYTES_PER_SECOND): a URL import whose announced size would take
    # longer than the function's time at this rate goes to the import task.
    import_lambda_bytes_per_second: int = 8 * 1024 * 1024
    # The operator's outgoing proxies for imports and channel listings (CIRRUS_IMPORT_PROXIES,
    # comma-separated http://[user:password@]host:port; PeerTube's import.videos.http.proxies,
    # one chosen at random per download). The address policy is applied before them
    # (media/checked_proxy.py), so they reach only what a direct connection could.
    import_proxies: tuple[str, ...] = ()
    # The import task on Fargate (template.yaml ImportImage): its cluster, task definition,
    # subnets (comma-separated) and security group (CIRRUS_IMPORT_TASK_CLUSTER, _DEFINITION,
    # _SUBNETS, _SECURITY_GROUP). No cluster: under `make run` the task is a subprocess of
    # the stack; deployed without one, torrent and long imports fail with a clear error.
    import_task_cluster: str | None = None
    import_task_definition: str | None = None
    import_task_subnets: tuple[str, ...] = ()
    import_task_security_group: str | None = None
    # The value CloudFront sends in X-Cirrus-Edge to the API origin (CIRRUS_EDGE_SECRET): proof
    # that a request came through the distribution, so that its X-Forwarded-For can be read.
    edge_secret: str | None = None
    # Local actors' private keys are sealed before they are stored (store/sealed_keys.py):
    # with this KMS key in a deployment (CIRRUS_ACTOR_KEY_ID), with the AES key in this file
    # under `make run` (CIRRUS_LOCAL_KEY_FILE, created on first use).
    actor_key_id: str | None = None
    local_key_file: str | None = None
    # How long a deleted account's or channel's actors outlive its videos (the work queue's
    # last step waits this long, SQS's maximum delay): their keys sign the videos' Delete
    # activities, which the broadcast and deliver functions send in the meantime.
    deletion_grace_seconds: int = 900
    # The RTMP and RTMPS URLs a live's owner publishes to (PeerTube's rtmpUrl and rtmpsUrl in
    # GET /videos/live/{id}), the stream key after them. On AWS, the live ingest's load
    # balancer (template.yaml, LiveImage); None: no ingest deployed, or no RTMPS.
    live_rtmp_url: str | None = LOCAL_RTMP_URL
    live_rtmps_url: str | None = None
    # Where pushes to real-time connections go (CIRRUS_REALTIME_ENDPOINT): the WebSocket API's
    # management endpoint, https://<api id>.execute-api.<region>.amazonaws.com/<stage>, never
    # the CloudFront host. Unset under `make run`, whose gateway pushes in-process.
    realtime_endpoint: str | None = None
    live: LiveConfig = LiveConfig()
    # The address emails come from (CIRRUS_MAIL_FROM): on AWS an identity SES has verified
    # (template.yaml MailFromAddress). None: noreply@ the instance's host.
    mail_from_override: str | None = None
    # The most an account archive may expand to when imported (CIRRUS_USER_IMPORT_MAX_BYTES):
    # a larger one, or a zip bomb, is refused before anything is restored.
    user_import_max_bytes: int = 12 * 1024 * 1024 * 1024
    # Where /api/v1/server/logs reads: the stack's CloudWatch log groups (CIRRUS_LOG_GROUPS,
    # comma-separated; template.yaml lists every function's), or under `make run` the
    # stack's log file (CIRRUS_LOG_FILE, JSON lines), which wins when set.
    log_groups: tuple[str, ...] = ()
    log_file: str | None = None

    @property
    def mail_from(self) -> str:
        if self.mail_from_override:
            return self.mail_from_override
        return f"noreply@{self.instance_host.split(':')[0]}"

    @property
    def instance_url(self) -> str:
        return f"{self.instance_scheme}://{self.instance_host}"

    @property
    def ws_scheme(self) -> str:
        return "wss" if self.instance_scheme == "https" else "ws"

    @property
    def tracker_url(self) -> str:
        """The tracker's websocket URL in `trackerUrls`: PeerTube's form (host with its
        port, path /tracker/socket) on the instance's host unless overridden."""
        if self.tracker_url_override:
            return self.tracker_url_override
        host = self.instance_host
        if ":" not in host:
            host = f"{host}:{443 if self.instance_scheme == 'https' else 80}"
        return f"{self.ws_scheme}://{host}/tracker/socket"

    @property
    def tracker_shards(self) -> tuple[str, ...]:
        """Every tracker shard's websocket URL (one: the tracker URL itself)."""
        if self.tracker_shard_urls:
            return self.tracker_shard_urls
        if self.tracker_shard_count <= 1:
            return (self.tracker_url,)
        base = self.tracker_url.removesuffix("/socket")
        return tuple(f"{base}/{shard}/socket" for shard in range(self.tracker_shard_count))


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from an environment mapping (os.environ by default)."""
    env = os.environ if env is None else env
    stage = env.get("CIRRUS_ENV", "local")
    if stage not in ("local", "production"):
        raise ValueError(f"CIRRUS_ENV must be 'local' or 'production', not {stage!r}")
    port = env.get("CIRRUS_PORT", str(LOCAL_PORT))
    prefix = env.get("CIRRUS_RESOURCE_PREFIX", "cirrus")
    scheme = env.get("CIRRUS_SCHEME", "https" if stage == "production" else "http")
    if scheme not in ("http", "https"):
        raise ValueError(f"CIRRUS_SCHEME must be http or https, not {scheme!r}")
    return Settings(
        instance_host=env.get("CIRRUS_HOST", f"localhost:{port}"),
        instance_scheme=scheme,
        instance_name=env.get("CIRRUS_INSTANCE_NAME", "Cirrus"),
        table_name=env.get("CIRRUS_TABLE", f"{prefix}-main"),
        media_bucket=env.get("CIRRUS_MEDIA_BUCKET", f"{prefix}-media"),
        uploads_bucket=env.get("CIRRUS_UPLOADS_BUCKET", f"{prefix}-uploads"),
        queues=QueueNames(
            transcode=env.get("CIRRUS_TRANSCODE_QUEUE", f"{prefix}-transcode"),
            broadcast=env.get("CIRRUS_BROADCAST_QUEUE", f"{prefix}-broadcast"),
            deliver=env.get("CIRRUS_DELIVER_QUEUE", f"{prefix}-deliver"),
            inbox=env.get("CIRRUS_INBOX_QUEUE", f"{prefix}-inbox"),
            views=env.get("CIRRUS_VIEWS_QUEUE", f"{prefix}-views"),
            work=env.get("CIRRUS_WORK_QUEUE", f"{prefix}-work"),
        ),
        aws_region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
        aws_endpoint_url=env.get("CIRRUS_AWS_ENDPOINT_URL") or None,
        production=stage == "production",
        user_import_max_bytes=_integer(
            env.get("CIRRUS_USER_IMPORT_MAX_BYTES"), Settings.user_import_max_bytes, "CIRRUS_USER_IMPORT_MAX_BYTES"
        ),
        log_groups=tuple(name.strip() for name in env.get("CIRRUS_LOG_GROUPS", "").split(",") if name.strip()),
        log_file=env.get("CIRRUS_LOG_FILE") or None,
        signup=SignupSettings(
            enabled=_flag(env.get("CIRRUS_SIGNUP_ENABLED"), SignupSettings.enabled),
            limit=_integer(env.get("CIRRUS_SIGNUP_LIMIT"), SignupSettings.limit, "CIRRUS_SIGNUP_LIMIT"),
            requires_approval=_flag(env.get("CIRRUS_SIGNUP_REQUIRES_APPROVAL"), SignupSettings.requires_approval),
            requires_email_verification=_flag(
                env.get("CIRRUS_SIGNUP_REQUIRES_EMAIL_VERIFICATION"), SignupSettings.requires_email_verification
            ),
            minimum_age=_integer(
                env.get("CIRRUS_SIGNUP_MINIMUM_AGE"), SignupSettings.minimum_age, "CIRRUS_SIGNUP_MINIMUM_AGE"
            ),
        ),
        user_defaults=UserDefaults(
            video_quota=_integer(
                env.get("CIRRUS_USER_VIDEO_QUOTA"), UserDefaults.video_quota, "CIRRUS_USER_VIDEO_QUOTA"
            ),
            video_quota_daily=_integer(
                env.get("CIRRUS_USER_VIDEO_QUOTA_DAILY"),
                UserDefaults.video_quota_daily,
                "CIRRUS_USER_VIDEO_QUOTA_DAILY",
            ),
            max_channels=_integer(
                env.get("CIRRUS_MAX_CHANNELS_PER_USER"), UserDefaults.max_channels, "CIRRUS_MAX_CHANNELS_PER_USER"
            ),
        ),
        federation=FederationSettings(
            delivery_attempts=_integer(
                env.get("CIRRUS_DELIVERY_ATTEMPTS"), FederationSettings.delivery_attempts, "CIRRUS_DELIVERY_ATTEMPTS"
            ),
            retry_base_seconds=_integer(
                env.get("CIRRUS_DELIVERY_RETRY_SECONDS"),
                FederationSettings.retry_base_seconds,
                "CIRRUS_DELIVERY_RETRY_SECONDS",
            ),
            accept_instance_followers=_flag(
                env.get("CIRRUS_INSTANCE_FOLLOWERS_ENABLED"), FederationSettings.accept_instance_followers
            ),
            approve_instance_followers_manually=_flag(
                env.get("CIRRUS_INSTANCE_FOLLOWERS_MANUAL_APPROVAL"),
                FederationSettings.approve_instance_followers_manually,
            ),
            allow_loopback=_flag(env.get("CIRRUS_FEDERATION_ALLOW_LOOPBACK"), FederationSettings.allow_loopback),
            follow_back_instances=_flag(env.get("CIRRUS_AUTO_FOLLOW_BACK"), FederationSettings.follow_back_instances),
            max_videos_per_host=_integer(
                env.get("CIRRUS_MAX_VIDEOS_PER_HOST"),
                FederationSettings.max_videos_per_host,
                "CIRRUS_MAX_VIDEOS_PER_HOST",
            ),
            max_playlists_per_host=_integer(
                env.get("CIRRUS_MAX_PLAYLISTS_PER_HOST"),
                FederationSettings.max_playlists_per_host,
                "CIRRUS_MAX_PLAYLISTS_PER_HOST",
            ),
            max_comments_per_host=_integer(
                env.get("CIRRUS_MAX_COMMENTS_PER_HOST"),
                FederationSettings.max_comments_per_host,
                "CIRRUS_MAX_COMMENTS_PER_HOST",
            ),
            transcoder_role_id=env.get("CIRRUS_TRANSCODER_ROLE_ID") or None,
            accept_redundancy_from=_one_of(
                env.get("CIRRUS_REDUNDANCY_ACCEPT_FROM"),
                FederationSettings.accept_redundancy_from,
                REDUNDANCY_ACCEPT_FROM,
                "CIRRUS_REDUNDANCY_ACCEPT_FROM",
            ),
        ),
        initial_root_password=env.get("PT_INITIAL_ROOT_PASSWORD") or None,
        mail_from_override=env.get("CIRRUS_MAIL_FROM") or None,
        tracker_url_override=_websocket_url(env.get("CIRRUS_TRACKER_URL")),
        tracker_shard_urls=_websocket_urls(env.get("CIRRUS_TRACKER_URLS")),
        tracker_shard_count=_shard_count(env.get("CIRRUS_TRACKER_SHARDS")),
        tracker_scaled=_flag(env.get("CIRRUS_TRACKER_SCALED"), False),
        tracker_cluster=env.get("CIRRUS_TRACKER_CLUSTER") or None,
        tracker_service_prefix=env.get("CIRRUS_TRACKER_SERVICE_PREFIX") or None,
        transcoding_stall_seconds=_integer(
            env.get("CIRRUS_TRANSCODING_STALL_SECONDS"),
            Settings.transcoding_stall_seconds,
            "CIRRUS_TRANSCODING_STALL_SECONDS",
        ),
        runner_stall_seconds=_integer(
            env.get("CIRRUS_RUNNER_STALL_SECONDS"), Settings.runner_stall_seconds, "CIRRUS_RUNNER_STALL_SECONDS"
        ),
        studio_chunked_from_seconds=_integer(
            env.get("CIRRUS_STUDIO_CHUNKED_FROM_SECONDS"),
            Settings.studio_chunked_from_seconds,
            "CIRRUS_STUDIO_CHUNKED_FROM_SECONDS",
        ),
        studio_chunk_seconds=_integer(
            env.get("CIRRUS_STUDIO_CHUNK_SECONDS"), Settings.studio_chunk_seconds, "CIRRUS_STUDIO_CHUNK_SECONDS"
        ),
        transcription_engine=_transcription_engine(env.get("CIRRUS_TRANSCRIPTION_ENGINE")),
        import_max_bytes=_integer(
            env.get("CIRRUS_IMPORT_MAX_BYTES"), Settings.import_max_bytes, "CIRRUS_IMPORT_MAX_BYTES"
        ),
        import_timeout_seconds=_integer(
            env.get("CIRRUS_IMPORT_TIMEOUT_SECONDS"), Settings.import_timeout_seconds, "CIRRUS_IMPORT_TIMEOUT_SECONDS"
        ),
        import_lambda_bytes_per_second=_integer(
            env.get("CIRRUS_IMPORT_LAMBDA_BYTES_PER_SECOND"),
            Settings.import_lambda_bytes_per_second,
            "CIRRUS_IMPORT_LAMBDA_BYTES_PER_SECOND",
        ),
        import_proxies=_proxy_urls(env.get("CIRRUS_IMPORT_PROXIES")),
        import_task_cluster=env.get("CIRRUS_IMPORT_TASK_CLUSTER") or None,
        import_task_definition=env.get("CIRRUS_IMPORT_TASK_DEFINITION") or None,
        import_task_subnets=tuple(
            part.strip() for part in (env.get("CIRRUS_IMPORT_TASK_SUBNETS") or "").split(",") if part.strip()
        ),
        import_task_security_group=env.get("CIRRUS_IMPORT_TASK_SECURITY_GROUP") or None,
        edge_secret=env.get("CIRRUS_EDGE_SECRET") or None,
        actor_key_id=env.get("CIRRUS_ACTOR_KEY_ID") or None,
        local_key_file=env.get("CIRRUS_LOCAL_KEY_FILE") or None,
        deletion_grace_seconds=_integer(
            env.get("CIRRUS_DELETION_GRACE_SECONDS"), Settings.deletion_grace_seconds, "CIRRUS_DELETION_GRACE_SECONDS"
        ),
        live_rtmp_url=_ingest_url(
            env.get("CIRRUS_LIVE_RTMP_URL", _local_rtmp_url(env)), "rtmp", "CIRRUS_LIVE_RTMP_URL"
        ),
        live_rtmps_url=_ingest_url(env.get("CIRRUS_LIVE_RTMPS_URL"), "rtmps", "CIRRUS_LIVE_RTMPS_URL"),
        realtime_endpoint=env.get("CIRRUS_REALTIME_ENDPOINT") or None,
        live=_live_config(env),
    )


def _local_rtmp_url(env: Mapping[str, str]) -> str:
    """`make run`'s ingest URL, on its port (CIRRUS_RTMP_PORT)."""
    port = env.get("CIRRUS_RTMP_PORT")
    if not port:
        return LOCAL_RTMP_URL
    return f"rtmp://127.0.0.1:{_integer(port, LOCAL_RTMP_PORT, 'CIRRUS_RTMP_PORT')}/live"


def _live_config(env: Mapping[str, str]) -> LiveConfig:
    default = LiveConfig()
    seconds = env.get("CIRRUS_LIVE_MAX_DURATION")
    return LiveConfig(
        enabled=_flag(env.get("CIRRUS_LIVE_ENABLED"), default.enabled),
        allow_replay=_flag(env.get("CIRRUS_LIVE_ALLOW_REPLAY"), default.allow_replay),
        latency_setting=_flag(env.get("CIRRUS_LIVE_LATENCY_SETTING"), default.latency_setting),
        # The ingest takes fractions of a second; PeerTube's configuration shows whole ones.
        max_duration=int(float(seconds)) if seconds else default.max_duration,
        max_instance_lives=_integer(
            env.get("CIRRUS_LIVE_MAX_INSTANCE_LIVES"), default.max_instance_lives, "CIRRUS_LIVE_MAX_INSTANCE_LIVES"
        ),
        max_user_lives=_integer(
            env.get("CIRRUS_LIVE_MAX_USER_LIVES"), default.max_user_lives, "CIRRUS_LIVE_MAX_USER_LIVES"
        ),
        transcoding=_flag(env.get("CIRRUS_LIVE_TRANSCODING"), default.transcoding),
        resolutions=_resolutions(env.get("CIRRUS_LIVE_RESOLUTIONS"), default.resolutions),
        rtmp_port=_integer(env.get("CIRRUS_RTMP_PORT"), default.rtmp_port, "CIRRUS_RTMP_PORT"),
    )


def _resolutions(value: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    if value is None:
        return default
    try:
        found = tuple(sorted({int(part) for part in value.replace(" ", "").split(",") if part}))
    except ValueError:
        raise ValueError(f"CIRRUS_LIVE_RESOLUTIONS must list resolutions, not {value!r}") from None
    if not set(found) <= set(LIVE_RESOLUTIONS):
        raise ValueError(f"CIRRUS_LIVE_RESOLUTIONS: {value!r} is not among {list(LIVE_RESOLUTIONS)}")
    return found


def _websocket_url(value: str | None) -> str | None:
    if not value:
        return None
    if not value.startswith(("ws://", "wss://")):
        raise ValueError(f"CIRRUS_TRACKER_URL must be a ws:// or wss:// URL, not {value!r}")
    return value


def _websocket_urls(value: str | None) -> tuple[str, ...]:
    urls = tuple(part.strip() for part in (value or "").split(",") if part.strip())
    for url in urls:
        if not url.startswith(("ws://", "wss://")):
            raise ValueError(f"CIRRUS_TRACKER_URLS must list ws:// or wss:// URLs, not {url!r}")
    if len(set(urls)) != len(urls):
        raise ValueError("CIRRUS_TRACKER_URLS lists a URL twice")
    return urls


def _shard_count(value: str | None) -> int:
    count = _integer(value, 1, "CIRRUS_TRACKER_SHARDS")
    if not 1 <= count <= MAX_TRACKER_SHARDS:
        raise ValueError(f"CIRRUS_TRACKER_SHARDS must be between 1 and {MAX_TRACKER_SHARDS}, not {count}")
    return count


def _ingest_url(value: str | None, scheme: str, name: str) -> str | None:
    """An ingest URL of this scheme, or None when it is empty (no such endpoint deployed)."""
    if not value:
        return None
    if not value.startswith(f"{scheme}://"):
        raise ValueError(f"{name} must be an {scheme}:// URL, not {value!r}")
    return value.rstrip("/")


def _proxy_urls(value: str | None) -> tuple[str, ...]:
    """CIRRUS_IMPORT_PROXIES: http://[user:password@]host:port URLs, comma-separated."""
    urls = tuple(part.strip() for part in (value or "").split(",") if part.strip())
    for url in urls:
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            port = None
        if parts.scheme != "http" or not parts.hostname or port is None or parts.path not in ("", "/"):
            raise ValueError("CIRRUS_IMPORT_PROXIES must list http://[user:password@]host:port URLs")
    return urls


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected a boolean (true/false), not {value!r}")


def _one_of(value: str | None, default: str, allowed: tuple[str, ...], name: str) -> str:
    if value is None or value == "":
        return default
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _integer(value: str | None, default: int, name: str) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be an integer, not {value!r}") from None


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings; tests that change the environment call `get_settings.cache_clear()`."""
    return load_settings()


caches.register(get_settings.cache_clear)


TRANSCRIPTION_ENGINES = ("runners", "transcribe", "none")


def _transcription_engine(value: str | None) -> str:
    if value is None or value == "":
        return Settings.transcription_engine
    if value not in TRANSCRIPTION_ENGINES:
        raise ValueError(f"CIRRUS_TRANSCRIPTION_ENGINE must be one of {', '.join(TRANSCRIPTION_ENGINES)}")
    return value
