"""`make run` has real time: socket.io-client reaches PeerTube's namespaces on the stack's
own port, with PeerTube's refusals, and the pinger's schedule runs there."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Client, RunningStack
from tests.socketio_client import needs_socketio_client, socketio_client

pytestmark = [pytest.mark.e2e, needs_socketio_client()]


def test_the_stack_serves_socket_io(stack: RunningStack) -> None:
    stack.start()
    client = Client(stack)
    client.register("rita", "rita password")
    token = client.login("rita", "rita password")["access_token"]

    with socketio_client() as peer:
        peer.open("live", f"{stack.url}/live-videos")
        peer.open("me", f"{stack.url}/user-notifications", query={"accessToken": token})
        peer.open("forged", f"{stack.url}/user-notifications", query={"accessToken": "0" * 40})
        peer.open("polling", f"{stack.url}/live-videos", transports=["polling"])

        peer.expect_of("live", "connect", timeout=20)
        peer.expect_of("me", "connect", timeout=20)
        assert peer.expect_of("forged", "connect_error", timeout=20)["message"] == "Invalid access token."
        # Long-polling is not served (API Gateway cannot hold it): the client is told at once.
        peer.expect_of("polling", "connect_error", timeout=20)
        peer.emit("live", "subscribe", {"videoId": 1})
        peer.quiet_for(0.5, "live", "disconnect")
