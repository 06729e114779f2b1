"""The embedded AWS endpoint: moto's DynamoDB, S3 and SQS behind one local HTTP port.

moto runs in this process as a threaded WSGI server. A thin gate in front of it counts the
requests that may change state (so the snapshotter knows when to save), can hold new
requests back for a moment, so a snapshot never sees a request half applied, and refuses
writes while the state cannot be saved, so nothing is accepted that a restart would lose.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from local import moto_speedups

# DynamoDB operations that never change a table (X-Amz-Target suffixes).
_DYNAMODB_READS = frozenset(
    {
        "GetItem",
        "BatchGetItem",
        "Query",
        "Scan",
        "TransactGetItems",
        "DescribeTable",
        "DescribeTimeToLive",
        "ListTables",
        "DescribeContinuousBackups",
        "ListTagsOfResource",
    }
)
_SQS_READS = frozenset({"GetQueueUrl", "GetQueueAttributes", "ListQueues", "ListQueueTags"})

StartResponse = Callable[..., Any]


class _Gate:
    """WSGI middleware: counts state-changing requests and can pause traffic."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._condition = threading.Condition()
        self._in_flight = 0
        self._paused = False
        self.changes = 0
        self.refusing: str | None = None  # why writes are refused, while they are

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        if self.refusing is not None and _may_change_state(environ):
            return _service_unavailable(start_response, self.refusing)
        with self._condition:
            self._condition.wait_for(lambda: not self._paused)
            self._in_flight += 1
        try:
            body = list(self._app(environ, start_response))
            if _changes_state(environ, body):
                with self._condition:
                    self.changes += 1
            return body
        finally:
            with self._condition:
                self._in_flight -= 1
                self._condition.notify_all()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Hold new requests and wait for those in flight; the state is then consistent."""
        with self._condition:
            self._condition.wait_for(lambda: not self._paused)
            self._paused = True
            self._condition.wait_for(lambda: self._in_flight == 0)
        try:
            yield
        finally:
            with self._condition:
                self._paused = False
                self._condition.notify_all()


def _changes_state(environ: dict[str, Any], body: list[bytes]) -> bool:
    if not _may_change_state(environ):
        return False
    if environ.get("HTTP_X_AMZ_TARGET", "").endswith("SQS.ReceiveMessage"):
        # An empty receive changes nothing; one that returns messages bumps their
        # receive count and visibility, which must survive a restart.
        return any(b"ReceiptHandle" in chunk for chunk in body)
    return True


def _may_change_state(environ: dict[str, Any]) -> bool:
    if environ.get("REQUEST_METHOD", "GET") in ("GET", "HEAD", "OPTIONS"):
        return False
    service, _, operation = environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")
    if service.startswith("DynamoDB"):
        return operation not in _DYNAMODB_READS
    if service == "AmazonSQS":
        return operation not in _SQS_READS
    return True


def _service_unavailable(start_response: StartResponse, reason: str) -> list[bytes]:
    # The JSON error shape both boto3 protocols in use (DynamoDB's and SQS's JSON) read; S3
    # clients see the status. botocore retries a 503 a few times, then the caller fails.
    body = json.dumps({"__type": "ServiceUnavailable", "message": f"writes refused: {reason}"}).encode()
    start_response(
        "503 Service Unavailable",
        [("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(body)))],
    )
    return [body]


class _QuietRequestHandler(MotoRequestHandler):  # type: ignore[misc]
    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        # One line per AWS call would drown the instance's own logs.
        pass


class LocalAwsEndpoint:
    """moto's server on 127.0.0.1, with the gate in front."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._gate = _Gate(DomainDispatcherApplication(create_backend_app))
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("endpoint not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def changes(self) -> int:
        return self._gate.changes

    def paused(self) -> contextlib.AbstractContextManager[None]:
        return self._gate.paused()

    def refuse_writes(self, reason: str | None) -> None:
        """Refuse state-changing requests with 503 while `reason` is set; None accepts them again."""
        self._gate.refusing = reason

    def start(self) -> LocalAwsEndpoint:
        moto_speedups.apply()
        self._server = make_server(
            self._host, self._port, self._gate, threaded=True, request_handler=_QuietRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, name="aws-endpoint", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()


def release_in_flight_messages() -> int:
    """Make every received but undeleted SQS message visible again; how many were.

    Called at start, over restored state: the consumers that received them died with the
    previous process, and on AWS their messages would come back after the visibility
    timeout (90 minutes for a transcoding step). Here they come back at once, their
    receive counts kept. A delivery waiting out its backoff is retried early: harmless.
    """
    from moto.backends import get_backend

    released = 0
    backends = get_backend("sqs")
    for account_id in list(backends.keys()):
        for backend in list(backends[account_id].values()):
            for queue in list(backend.queues.values()):
                for message in list(queue._messages):
                    if not message.visible:
                        message.visible_at = 0.0
                        released += 1
    return released
