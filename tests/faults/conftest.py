"""Each fault test drives a stack of its own (tests/e2e/harness.py), started by the test."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import RunningStack


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[RunningStack]:
    running = RunningStack(tmp_path / "data")
    yield running
    if running.process is not None:
        running.stop(signal.SIGKILL)
