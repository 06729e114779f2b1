"""`make run`'s stack, driven over real HTTP: it serves, stops, restarts and keeps its data."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from chalicelib.config import get_settings
from chalicelib.store import keys, table
from chalicelib.store.models import User
from chalicelib.store.writes import NewClaim, create_items
from tests.conftest import ROOT
from tests.openapi import assert_conforms

pytestmark = pytest.mark.e2e
STARTUP_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RunningStack:
    def __init__(self, data_dir: Path) -> None:
        self.port = _free_port()
        self.aws_port = _free_port()
        self.data_dir = data_dir
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"stack-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def aws_url(self) -> str:
        return f"http://127.0.0.1:{self.aws_port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "CIRRUS_PORT": str(self.port),
            "CIRRUS_AWS_PORT": str(self.aws_port),
            "CIRRUS_DATA_DIR": str(self.data_dir),
        }
        env.pop("CIRRUS_AWS_ENDPOINT_URL", None)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "local"], cwd=ROOT, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the stack exited early:\n{self.log.read_text()}")
            try:
                if requests.get(f"{self.url}/api/v1/config", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"the stack did not start in {STARTUP_SECONDS}s:\n{self.log.read_text()}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = self.process.wait(timeout=30)
        self.process = None
        return code

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.get(f"{self.url}{path}", timeout=10, **kwargs)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[RunningStack]:
    running = RunningStack(tmp_path / "data")
    yield running
    if running.process is not None:
        running.stop(signal.SIGKILL)


@pytest.fixture
def store_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Point this process's store at a running stack's AWS endpoint."""

    def bind(stack: RunningStack) -> None:
        monkeypatch.setenv("CIRRUS_AWS_ENDPOINT_URL", stack.aws_url)
        get_settings.cache_clear()
        table.bind(get_settings())

    yield bind
    monkeypatch.delenv("CIRRUS_AWS_ENDPOINT_URL", raising=False)
    get_settings.cache_clear()
    table.bind(get_settings())


def _add_user(user_id: int) -> None:
    name = f"user{user_id}"
    user = User(
        keys.user_pk(user_id),
        keys.ENTITY_SK,
        id=user_id,
        username=name,
        email=f"{name}@example.org",
        password_hash="x",
        account_id=user_id,
        created_at=datetime.now(UTC),
    )
    create_items([user], [NewClaim(keys.USERNAME, name, str(user_id), "taken")], stats={"users": 1})


def _aws(stack: RunningStack, service: str) -> Any:
    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    return session.client(service, endpoint_url=stack.aws_url)


def test_the_stack_serves_restarts_and_keeps_its_data(stack: RunningStack, store_at: Any) -> None:
    stack.start()
    config = stack.get("/api/v1/config")
    assert config.status_code == 200
    assert_conforms("ServerConfig", config.json())
    assert stack.get("/api/v1/nope").headers["content-type"].startswith("application/problem+json")

    store_at(stack)
    _add_user(1)
    _aws(stack, "s3").put_object(Bucket="cirrus-media", Key="static/e2e.txt", Body=b"kept across restarts")
    sqs = _aws(stack, "sqs")
    queue = sqs.get_queue_url(QueueName="cirrus-deliver")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="queued before the restart")
    assert stack.get("/api/v1/server/stats").json()["totalUsers"] == 1

    assert stack.stop(signal.SIGTERM) == 0
    stack.start()

    assert stack.get("/api/v1/server/stats").json()["totalUsers"] == 1
    media = stack.get("/static/e2e.txt", headers={"Range": "bytes=0-3"})
    assert (media.status_code, media.content) == (206, b"kept")
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in messages] == ["queued before the restart"]

    # A crash loses at most the last moment: what was written two seconds before is kept.
    _add_user(2)
    time.sleep(2.5)
    stack.stop(signal.SIGKILL)
    stack.start()
    assert stack.get("/api/v1/server/stats").json()["totalUsers"] == 2
    assert stack.stop(signal.SIGINT) == 0


def test_the_web_client_is_served_with_client_routes(stack: RunningStack) -> None:
    if not (ROOT / "web" / "dist" / "index.html").exists():
        pytest.skip("web/dist is not built (make test builds it)")
    stack.start()
    for path in ("/", "/about", "/videos/watch/123"):
        page = stack.get(path)
        assert page.status_code == 200
        assert "<title>Cirrus</title>" in page.text
    activitypub = stack.get("/videos/watch/123", headers={"Accept": "application/activity+json"})
    assert activitypub.headers["content-type"].startswith("application/problem+json")
