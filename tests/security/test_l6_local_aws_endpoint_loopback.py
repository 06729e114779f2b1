"""L6: the local stack's AWS endpoint (moto: the whole database, private keys and password
hashes, unauthenticated) stays on loopback whatever address the instance is exposed on."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from local.stack import LocalStack, StackOptions


def _lan_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def _can_connect(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def exposed_stack(tmp_path: Path) -> Iterator[LocalStack]:
    options = StackOptions.from_env(
        {"CIRRUS_BIND_ADDRESS": "0.0.0.0", "CIRRUS_AWS_PORT": "0", "CIRRUS_DATA_DIR": str(tmp_path)}
    )
    stack = LocalStack(options)
    stack.endpoint.start()
    yield stack
    stack.endpoint.stop()


def test_the_aws_endpoint_binds_loopback_when_the_instance_is_exposed(exposed_stack: LocalStack) -> None:
    url = exposed_stack.endpoint.url
    assert url.startswith("http://127.0.0.1:"), url
    port = int(url.rsplit(":", 1)[1])
    assert _can_connect("127.0.0.1", port)
    lan = _lan_address()
    if lan is not None:
        assert not _can_connect(lan, port)


@pytest.mark.parametrize(
    ("bind", "expected"),
    [("0.0.0.0", "127.0.0.1"), ("192.168.1.20", "127.0.0.1"), ("::", "127.0.0.1"), ("127.0.0.2", "127.0.0.2")],
)
def test_the_aws_endpoint_address(bind: str, expected: str) -> None:
    """Another loopback address stays usable: the federation tests run two stacks side by side."""
    assert StackOptions.from_env({"CIRRUS_BIND_ADDRESS": bind}).aws_host == expected
