"""Callbacks run at their deadlines by one thread, for the transport's watchdogs.

A `threading.Timer` per request starts (and waits for) a thread each time: at hundreds of
deliveries a second that costs more than the request. Here one daemon thread keeps a heap of
deadlines; a cancelled alarm stays in the heap, ignored, until its time comes.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import threading
import time
from collections.abc import Callable


class Alarm:
    __slots__ = ("callback", "cancelled")

    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


_heap: list[tuple[float, int, Alarm]] = []
_order = itertools.count()
_wake = threading.Condition()
_thread: threading.Thread | None = None


def schedule(seconds: float, callback: Callable[[], None]) -> Alarm:
    """Run `callback` in the alarm thread `seconds` from now, unless cancelled first."""
    global _thread  # noqa: PLW0603 - one thread per process, started on first use
    alarm = Alarm(callback)
    at = time.monotonic() + seconds
    with _wake:
        earliest = _heap[0][0] if _heap else None
        heapq.heappush(_heap, (at, next(_order), alarm))
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="transport-alarms", daemon=True)
            _thread.start()
        elif earliest is None or at < earliest:
            _wake.notify()
    return alarm


def _run() -> None:
    while True:
        with _wake:
            while not _heap:
                _wake.wait()
            at, _, alarm = _heap[0]
            delay = at - time.monotonic()
            if delay > 0:
                _wake.wait(delay)
                continue
            heapq.heappop(_heap)
        if not alarm.cancelled:
            with contextlib.suppress(Exception):  # one failing callback must not stop the others
                alarm.callback()
