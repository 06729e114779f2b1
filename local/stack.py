"""The embedded stack: AWS endpoint, persistence, event pump and gateway in one process.

Start order matters: the snapshot is restored into moto before its port opens, the
environment points the app at the endpoint before the app is imported, and resources are
provisioned before the pump and the gateway take traffic. Stop order is the reverse, and
ends with a final snapshot.
"""

from __future__ import annotations

import importlib
import ipaddress
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.domain.bootstrap import Bootstrap, ensure_instance
from local.aws_endpoint import LocalAwsEndpoint, release_in_flight_messages
from local.lambda_runtime import LocalFunction
from local.persistence import SnapshotError, SnapshotStore, Snapshotter
from local.pump import EventPump, Invoke, S3Binding, SqsBinding
from local.scheduler import Scheduler
from local.ttl import TtlReaper

if TYPE_CHECKING:
    from chalicelib.deploy_specs import UploadTrigger

log = logging.getLogger("cirrus.local")

ROOT = Path(__file__).resolve().parent.parent
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "cirrus-local", "AWS_SECRET_ACCESS_KEY": "cirrus-local"}
S3_EVENTS_QUEUE_SUFFIX = "-s3-events"


@dataclass(frozen=True)
class StackOptions:
    data_dir: Path
    port: int
    aws_port: int
    host: str = "127.0.0.1"
    web_dist: Path = ROOT / "web" / "dist"
    snapshot_interval: float = 1.0

    @property
    def aws_host(self) -> str:
        """Where the AWS endpoint listens: loopback, whatever address the instance is exposed
        on. It is moto, unauthenticated, and holds everything (private keys, password hashes);
        only this process and the browser on this machine (presigned upload URLs) use it.
        Another loopback address is kept, so that stacks side by side each have their own."""
        try:
            if ipaddress.ip_address(self.host).is_loopback:
                return self.host
        except ValueError:
            pass
        return "127.0.0.1"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> StackOptions:
        env = dict(os.environ if env is None else env)
        port = int(env.get("CIRRUS_PORT", "9000"))
        return cls(
            data_dir=Path(env.get("CIRRUS_DATA_DIR", ROOT / ".cirrus-data")).resolve(),
            port=port,
            # Another loopback address (127.0.0.2 ...) lets two instances run side by side
            # under different host names, as the federation tests do.
            host=env.get("CIRRUS_BIND_ADDRESS", "127.0.0.1"),
            aws_port=int(env.get("CIRRUS_AWS_PORT", str(port + 1))),
            web_dist=Path(env.get("CIRRUS_WEB_DIST", ROOT / "web" / "dist")),
        )


class LocalStack:
    def __init__(self, options: StackOptions) -> None:
        self.options = options
        self.endpoint = LocalAwsEndpoint(options.aws_host, options.aws_port)
        self.store = SnapshotStore(options.data_dir / "aws")
        self._snapshotter: Snapshotter | None = None
        self._pump: EventPump | None = None
        self._reaper: TtlReaper | None = None
        self._scheduler: Scheduler | None = None
        self.gateway_app: Any = None
        self.tracker: Any = None
        self.realtime: Any = None
        self.live: Any = None
        self.bootstrap: Bootstrap | None = None

    def start(self) -> None:
        options = self.options
        options.data_dir.mkdir(parents=True, exist_ok=True)
        if self.store.exists():
            self.store.restore()
            released = release_in_flight_messages()
            log.info("restored AWS state from %s (%d messages in flight released)", self.store.state_path, released)
        self.endpoint.start()
        self._configure_environment()

        from chalicelib import aws
        from chalicelib.config import get_settings
        from chalicelib.deploy_specs import schedule_specs
        from local import resources

        settings = get_settings()
        if settings.log_file:
            write_log_file(Path(settings.log_file))
        queue_urls = resources.provision(settings, aws.s3(), aws.sqs())
        app_module = importlib.import_module("app")
        self.bootstrap = ensure_instance(settings, datetime.now(UTC))

        self._snapshotter = Snapshotter(
            self.store,
            changes=lambda: self.endpoint.changes,
            quiet=self.endpoint.paused,
            interval=options.snapshot_interval,
            on_error=self._snapshot_failed,
            on_recovered=self._snapshot_recovered,
        )
        self._snapshotter.start()
        self._reaper = TtlReaper(aws.dynamodb(), [settings.table_name])
        self._reaper.start()
        self._pump = EventPump(aws.sqs(), settings.aws_region, paused_file=options.data_dir / "paused-queues.json")
        from chalicelib.store import job_queues

        # POST /api/v1/jobs/pause and resume reach the pump, as they reach the event source
        # mappings on AWS.
        job_queues.use_switch(self._pump)
        self._bind_functions(app_module, settings, queue_urls)
        self._scheduler = Scheduler(
            [
                (
                    spec.name,
                    LocalFunction(spec.name, resolve_handler(spec.handler), timeout=spec.timeout).invoke,
                    # CIRRUS_SCHEDULE_<NAME>_SECONDS runs it more often (tests of the sweeper).
                    float(os.environ.get(f"CIRRUS_SCHEDULE_{spec.name.upper()}_SECONDS", 60 * spec.rate_minutes)),
                )
                for spec in schedule_specs()
            ]
        )
        self._scheduler.start()

        from chalicelib.store import realtime as realtime_store
        from functions.realtime.handler import handle_websocket
        from functions.tracker.app import store_policy, tracker_routes
        from functions.tracker.service import Tracker
        from local.gateway import Gateway
        from local.realtime import LocalRealtime
        from local.rest_api import rest_api

        api = rest_api(settings.aws_region)
        # The tracker in-process, private as on AWS: it reads info hashes from the same table.
        self.tracker = Tracker(store_policy())
        # The WebSocket API's stand-in: /socket.io/ to the realtime function, pushes back.
        self.realtime = LocalRealtime(
            LocalFunction("realtime", handle_websocket, timeout=30, region=settings.aws_region), settings.instance_host
        )
        realtime_store.use_ports(self.realtime, self.realtime)
        # Email goes to files under the data directory, never to anyone (store/mail.py).
        from chalicelib.store import mail

        mail.use_mailer(mail.DirectoryMailer(options.data_dir / "mail"))
        gateway = Gateway(
            api,
            list(app_module.app.api.binary_types),
            aws.s3(),
            settings.media_bucket,
            options.web_dist,
            extra_routes=[*tracker_routes(self.tracker), *self.realtime.routes()],
        )
        self.gateway_app = gateway.asgi()
        self._start_live_ingest()

    def _start_live_ingest(self) -> None:
        """The RTMP ingest on CIRRUS_RTMP_PORT, as its Fargate task runs it (docs/live.md)."""
        from functions.live.settings import from_environment
        from local.live import LocalIngest

        self.live = LocalIngest(self.options.host, from_environment())
        self.live.start()

    def stop(self) -> None:
        """Stop everything, saving the state last; raises SnapshotError when it could not be saved."""
        if self.live is not None:
            self.live.stop()  # its sessions end first: their last writes reach the state saved
        if self._pump is not None:
            self._pump.stop()
        if self._reaper is not None:
            self._reaper.stop()
        if self._scheduler is not None:
            self._scheduler.stop()
        try:
            if self._snapshotter is not None:
                self._snapshotter.stop()
                log.info("saved AWS state to %s", self.store.state_path)
        except Exception as exc:
            log.error("the last changes could not be saved to %s: %s", self.store.directory, exc)
            raise SnapshotError(f"state not saved: {exc}") from exc
        finally:
            self.endpoint.stop()

    def _snapshot_failed(self, exc: BaseException) -> None:
        # A write that cannot be saved would be lost on restart: refuse writes until a
        # snapshot succeeds again, and say so loudly, every time it fails.
        self.endpoint.refuse_writes(f"the state cannot be saved to {self.store.directory} ({exc})")
        log.error("snapshot failed, writes are refused until it succeeds: %s", exc, exc_info=exc)

    def _snapshot_recovered(self) -> None:
        self.endpoint.refuse_writes(None)
        log.warning("snapshot saved again; writes are accepted")

    def _configure_environment(self) -> None:
        os.environ.update(LOCAL_CREDENTIALS)
        os.environ["CIRRUS_AWS_ENDPOINT_URL"] = self.endpoint.url
        os.environ.setdefault("CIRRUS_PORT", str(self.options.port))
        os.environ.setdefault("AWS_REGION", "us-east-1")
        os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "CirrusLocal")
        # Actors' private keys are sealed with this key (chalicelib/store/sealed_keys.py): it
        # lives beside the saved AWS state, and both are needed to restart the instance.
        os.environ.setdefault("CIRRUS_LOCAL_KEY_FILE", str(self.options.data_dir / "actor-keys.key"))
        # Lives: on (PeerTube's default is off; a laptop is where one tries them), the ingest
        # on CIRRUS_RTMP_PORT, its URL on the address the instance listens on.
        os.environ.setdefault("CIRRUS_LIVE_ENABLED", "true")
        rtmp_port = os.environ.setdefault("CIRRUS_RTMP_PORT", "1935")
        os.environ.setdefault("CIRRUS_LIVE_RTMP_URL", f"rtmp://{self._rtmp_host()}:{rtmp_port}/live")
        os.environ.setdefault("CIRRUS_LIVE_WORK_DIR", str(self.options.data_dir / "live-work"))
        # The log /api/v1/server/logs reads (CloudWatch's stand-in): every function's lines.
        os.environ.setdefault("CIRRUS_LOG_FILE", str(self.options.data_dir / "logs" / "cirrus.log"))
        from chalicelib import caches

        caches.reset_all()  # the settings just set, and clients of this endpoint

    def _rtmp_host(self) -> str:
        host = self.options.host
        return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host

    def _bind_functions(self, app_module: Any, settings: Any, queue_urls: dict[str, str]) -> None:
        """Give each queue with a consumer in app.py an event source mapping, as AWS would."""
        from chalicelib import aws
        from chalicelib.deploy_specs import queue_specs, upload_triggers

        assert self._pump is not None
        functions = {f.name: f for f in app_module.app.pure_lambda_functions}
        sqs = aws.sqs()
        for spec in queue_specs(settings):
            function = resolve_handler(spec.function) if spec.function and ":" in spec.function else None
            function = function or functions.get(spec.function or "")
            if function is None:
                continue
            url = queue_urls[spec.name]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            runtime = LocalFunction(spec.function or spec.key, function, timeout=spec.function_timeout)
            self._pump.add_sqs(SqsBinding(url, arn, runtime.invoke, spec.batch_size, spec.key))
        s3_binding = bind_s3_handlers(
            app_module,
            aws.s3(),
            sqs,
            f"{settings.table_name}{S3_EVENTS_QUEUE_SUFFIX}",
            upload_triggers(settings),
            queue_urls,
        )
        if s3_binding is not None:
            self._pump.add_s3(s3_binding)


def write_log_file(path: Path) -> None:
    """Copy the functions' JSON log lines (Powertools' logger, `cirrus`, and its children) to
    `path`, rotated at 10 MB with three older files, as CloudWatch keeps them on AWS."""
    from logging.handlers import RotatingFileHandler

    from chalicelib.observability import logger as function_logger
    from chalicelib.store.server_logs import LOCAL_BACKUPS

    path.parent.mkdir(parents=True, exist_ok=True)
    target = logging.getLogger(function_logger.name)
    if any(getattr(h, "baseFilename", None) == str(path) for h in target.handlers):
        return
    handler = RotatingFileHandler(path, maxBytes=10 * 1024 * 1024, backupCount=LOCAL_BACKUPS, encoding="utf-8")
    handler.setFormatter(function_logger.registered_formatter)
    target.addHandler(handler)


def resolve_handler(reference: str) -> Any:
    """`module:function` to the function (handlers that live outside the Chalice app)."""
    module_name, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def bind_s3_handlers(
    app_module: Any,
    s3: Any,
    sqs: Any,
    queue_name: str,
    triggers: Sequence[UploadTrigger] = (),
    queue_urls: dict[str, str] | None = None,
) -> S3Binding | None:
    """Route the S3 notifications of the app's `on_s3_event` handlers to them, via a queue.

    S3 notifies an internal queue (with a DLQ after three attempts, like Lambda's
    asynchronous invocations); the pump hands each event to the bucket's handler. None when
    the app has no S3 handler.
    """
    from chalice.app import S3EventConfig

    from chalicelib.deploy_specs import QueueSpec, queue_specs
    from local import resources

    configs: list[tuple[str, list[str], str | None, str | None, Any, str, int]] = [
        (c.bucket, c.events, c.prefix, c.suffix, getattr(app_module, c.handler_string.rsplit(".", 1)[-1]), c.name, 60)
        for c in app_module.app.event_sources
        if isinstance(c, S3EventConfig)
    ]
    configs += [
        (t.bucket, ["s3:ObjectCreated:*"], t.prefix, None, resolve_handler(t.handler), t.handler, t.timeout)
        for t in triggers
    ]
    if not configs:
        return None
    spec = QueueSpec("s3-events", queue_name, function_timeout=10, max_receive_count=3, batch_size=10)
    urls = resources.ensure_queue(sqs, spec)
    queue_arn = sqs.get_queue_attributes(QueueUrl=urls[spec.name], AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    handlers: dict[str, Invoke] = {}
    per_bucket: dict[str, list[dict[str, Any]]] = {}
    for bucket, events, prefix, suffix, handler, name, timeout in configs:
        handlers[bucket] = LocalFunction(name, handler, timeout=timeout).invoke
        queue_config: dict[str, Any] = {"QueueArn": queue_arn, "Events": events}
        rules = [{"Name": n, "Value": v} for n, v in (("prefix", prefix), ("suffix", suffix)) if v]
        if rules:
            queue_config["Filter"] = {"Key": {"FilterRules": rules}}
        per_bucket.setdefault(bucket, []).append(queue_config)
    for bucket, queue_configs in per_bucket.items():
        notification: Any = {"QueueConfigurations": queue_configs}
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=notification)
    from chalicelib.config import get_settings

    # Each trigger's on-failure destination, by the QueueSpec key it names.
    specs = {q.key: q.name for q in queue_specs(get_settings())}
    on_failure = {
        t.bucket: (queue_urls or {})[specs[t.on_failure]] for t in triggers if t.on_failure and queue_urls is not None
    }
    return S3Binding(urls[spec.name], handlers, on_failure)
