"""The embedded AWS endpoint: moto's DynamoDB, S3 and SQS behind one local HTTP port.

moto runs in this process as a threaded WSGI server. A thin gate in front of it counts the
requests that may change state (so the snapshotter knows when to save) and can hold new
requests back for a moment, so a snapshot never sees a request half applied.
"""

from __future__ import annotations

import contextlib
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

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
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
    method = environ.get("REQUEST_METHOD", "GET")
    if method in ("GET", "HEAD", "OPTIONS"):
        return False
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    service, _, operation = target.rpartition(".")
    if service.startswith("DynamoDB"):
        return operation not in _DYNAMODB_READS
    if service == "AmazonSQS":
        if operation in _SQS_READS:
            return False
        if operation == "ReceiveMessage":
            # An empty receive changes nothing; one that returns messages bumps their
            # receive count and visibility, which must survive a restart.
            return any(b"ReceiptHandle" in chunk for chunk in body)
    return True


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
