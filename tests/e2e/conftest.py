"""Fixtures of the end-to-end tests (the harness itself is in tests/e2e/harness.py)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import RunningStack


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[RunningStack]:
    """A stack of its own for one test, not started: the test starts (and may restart) it."""
    running = RunningStack(tmp_path / "data")
    yield running
    if running.process is not None:
        running.stop(signal.SIGKILL)
