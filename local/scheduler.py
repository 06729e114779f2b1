"""EventBridge schedules for the embedded stack: each scheduled function runs once soon after
start, then at its rate, in a thread of its own."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger("cirrus.local.scheduler")
FIRST_RUN_DELAY = 5.0  # seconds


class Scheduler:
    def __init__(self, jobs: Sequence[tuple[str, Callable[[dict[str, Any]], Any], float]]) -> None:
        """`jobs`: (name, invoke, period in seconds)."""
        self._jobs = jobs
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=job, name=f"schedule-{job[0]}", daemon=True) for job in jobs
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _run(self, name: str, invoke: Callable[[dict[str, Any]], Any], period: float) -> None:
        delay = FIRST_RUN_DELAY
        while not self._stop.wait(delay):
            delay = period
            try:
                invoke({"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}})
            except Exception:
                log.exception("scheduled function %s failed", name)
