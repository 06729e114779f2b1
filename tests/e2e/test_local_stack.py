"""`make run`'s stack, driven over real HTTP: it serves, stops, restarts and keeps its data."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from tests.conftest import ROOT, ROOT_PASSWORD
from tests.openapi import ACTOR_NULLS, USER_NULLS, assert_conforms

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
            "CIRRUS_SIGNUP_ENABLED": "true",
            "CIRRUS_SIGNUP_REQUIRES_APPROVAL": "false",
            "PT_INITIAL_ROOT_PASSWORD": ROOT_PASSWORD,
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


class Client:
    """A PeerTube client app talking to the stack over HTTP."""

    def __init__(self, stack: RunningStack) -> None:
        self.stack = stack
        credentials = stack.get("/api/v1/oauth-clients/local").json()
        self.client_id, self.client_secret = credentials["client_id"], credentials["client_secret"]

    def token(self, **fields: str) -> requests.Response:
        form = {"client_id": self.client_id, "client_secret": self.client_secret, **fields}
        return requests.post(f"{self.stack.url}/api/v1/users/token", data=form, timeout=10)

    def login(self, username: str, password: str) -> dict[str, Any]:
        response = self.token(grant_type="password", username=username, password=password)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def send(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, f"{self.stack.url}{path}", headers=headers, timeout=10, **kwargs)

    def register(self, username: str, password: str) -> None:
        body = {"username": username, "password": password, "email": f"{username}@example.org"}
        response = self.send("POST", "/api/v1/users/register", json=body)
        assert response.status_code == 204, response.text


def _aws(stack: RunningStack, service: str) -> Any:
    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    return session.client(service, endpoint_url=stack.aws_url)


def test_the_account_flow_over_http(stack: RunningStack) -> None:
    stack.start()
    client = Client(stack)
    client.register("alice", "alice password")
    tokens = client.login("alice", "alice password")
    me = client.send("GET", "/api/v1/users/me", tokens["access_token"])
    assert_conforms("User", me.json(), known_deviations=USER_NULLS + ACTOR_NULLS)

    refreshed = client.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200
    token = refreshed.json()["access_token"]
    created = client.send("POST", "/api/v1/video-channels", token, json={"name": "alice_tv", "displayName": "TV"})
    assert created.status_code == 200, created.text
    updated = client.send("PUT", "/api/v1/video-channels/alice_tv", token, json={"displayName": "Alice TV"})
    assert updated.status_code == 204
    channel = client.send("GET", "/api/v1/video-channels/alice_tv")
    assert_conforms("VideoChannel", channel.json(), known_deviations=ACTOR_NULLS)
    assert channel.json()["displayName"] == "Alice TV"

    assert client.send("POST", "/api/v1/users/revoke-token", token).status_code == 200
    refused = client.send("GET", "/api/v1/users/me", token)
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_the_stack_serves_restarts_and_keeps_its_data(stack: RunningStack) -> None:
    stack.start()
    config = stack.get("/api/v1/config")
    assert config.status_code == 200
    assert_conforms("ServerConfig", config.json())
    assert stack.get("/api/v1/nope").headers["content-type"].startswith("application/problem+json")

    client = Client(stack)
    client.register("alice", "alice password")
    _aws(stack, "s3").put_object(Bucket="cirrus-media", Key="static/e2e.txt", Body=b"kept across restarts")
    sqs = _aws(stack, "sqs")
    queue = sqs.get_queue_url(QueueName="cirrus-deliver")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="queued before the restart")
    assert stack.get("/api/v1/server/stats").json()["totalUsers"] == 2  # root and alice

    assert stack.stop(signal.SIGTERM) == 0
    stack.start()

    assert Client(stack).client_id == client.client_id
    Client(stack).login("alice", "alice password")
    assert stack.get("/api/v1/server/stats").json()["totalUsers"] == 2
    media = stack.get("/static/e2e.txt", headers={"Range": "bytes=0-3"})
    assert (media.status_code, media.content) == (206, b"kept")
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in messages] == ["queued before the restart"]

    # A crash loses at most the last moment: what was written two seconds before is kept.
    Client(stack).register("bob", "bob password")
    time.sleep(2.5)
    stack.stop(signal.SIGKILL)
    stack.start()
    Client(stack).login("bob", "bob password")
    assert stack.get("/api/v1/server/stats").json()["totalUsers"] == 3
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
