"""socket.io-client (Node) as a test peer: tests/socketio_driver.mjs in a subprocess,
commands in, what the sockets saw out, every wait bounded in time."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
DRIVER = Path(__file__).with_name("socketio_driver.mjs")


def needs_socketio_client() -> pytest.MarkDecorator:
    present = shutil.which("node") is not None and (WEB / "node_modules" / "socket.io-client").is_dir()
    return pytest.mark.skipif(not present, reason="needs node and web/node_modules (make test installs them)")


class SocketIoClient:
    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._process = process
        self._seen: queue.Queue[dict[str, Any]] = queue.Queue()
        self.log: list[dict[str, Any]] = []
        self._pending: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.expect(lambda m: m.get("type") == "ready", timeout=20)

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._seen.put(json.loads(line))

    def command(self, **fields: Any) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(fields) + "\n")
        self._process.stdin.flush()

    def open(self, socket_id: str, url: str, **opts: Any) -> None:
        self.command(op="open", id=socket_id, url=url, opts={"transports": ["websocket"], **opts})

    def emit(self, socket_id: str, event: str, *args: Any) -> None:
        self.command(op="emit", id=socket_id, event=event, args=list(args))

    def expect(self, matches: Callable[[dict[str, Any]], bool], timeout: float = 10) -> dict[str, Any]:
        """The first message not yet taken that matches (others wait for their own `expect`), or a
        failure at the deadline."""
        for index, message in enumerate(self._pending):
            if matches(message):
                return self._pending.pop(index)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"nothing matched within {timeout} s; seen: {self.log[-20:]}")
            try:
                message = self._seen.get(timeout=left)
            except queue.Empty:
                continue
            self.log.append(message)
            if matches(message):
                return message
            self._pending.append(message)

    def expect_of(self, socket_id: str, kind: str, timeout: float = 10) -> dict[str, Any]:
        return self.expect(lambda m: m.get("id") == socket_id and m.get("type") == kind, timeout)

    def quiet_for(self, seconds: float, socket_id: str, kind: str) -> None:
        """Nothing of `kind` for that socket during `seconds`."""
        try:
            found = self.expect_of(socket_id, kind, seconds)
        except AssertionError:
            return
        raise AssertionError(f"unexpected {found}")


@contextmanager
def socketio_client() -> Iterator[SocketIoClient]:
    node = shutil.which("node")
    assert node is not None
    process = subprocess.Popen(
        [node, str(DRIVER)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "CIRRUS_WEB_DIR": str(WEB)},
    )
    try:
        yield SocketIoClient(process)
    finally:
        process.kill()
        process.wait(timeout=10)
