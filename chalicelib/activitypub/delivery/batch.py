"""A batch of deliveries sent at once, so that a slow or dead host does not hold up the others.

Each delivery runs on a bounded pool of threads the execution environment keeps. The batch
waits for them at most `patience` seconds: a delivery still running then (its host is slow)
is handed off: it goes on in its thread, and settles its message itself when it ends, while
the batch returns and the next one starts. A host known to be slow (one of its deliveries was
handed off in the last SLOW_MEMORY_SECONDS) is not waited for at all: its deliveries are
handed off as soon as the batch's others are done. A host may have at most `per_host`
deliveries handed off at once: while it has that many, a delivery to it is not started but
deferred (its caller puts it back on the queue for later), so one slow host cannot take every
thread. A host that answers in time has no cap but the threads'. Items with the same order
key (deliveries to one inbox) are sent one after the other, in the batch's order, so that a
Follow and its Undo in one batch reach their inbox in that order; different keys run at once.

Nothing here touches AWS: the caller says how to send one delivery, how to hand one off and
how to defer one (functions/federation/deliver.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from enum import Enum
from typing import Generic, TypeVar

T = TypeVar("T")

# Threads sending at once: a batch (10 messages) and the slow deliveries handed off before it.
SENDERS = 32
PER_HOST = 4
PATIENCE_SECONDS = 1.0
SLOW_MEMORY_SECONDS = 60.0


class Result(Enum):
    DONE = "done"  # settled (delivered, refused or dropped): the record succeeded
    RETRY = "retry"  # failed, to be tried again by SQS: the record failed
    HANDED_OFF = "handed off"  # still running; it settles its message itself
    DEFERRED = "deferred"  # its host was at its cap: not started


@dataclass
class _Job(Generic[T]):
    item: T
    host: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: bool = False
    cancelled: bool = False  # its batch gave up on it before it started: never sent
    finished: bool = False
    succeeded: bool = False
    handed_off: bool = False


class HostSlots:
    """How many deliveries each (slow) host has handed off, capped, and which hosts were slow."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self._busy: dict[Hashable, int] = {}
        self._slow_until: dict[Hashable, float] = {}
        self._lock = threading.Lock()

    def known_slow(self, host: Hashable) -> bool:
        with self._lock:
            if self._busy.get(host, 0):
                return True
            until = self._slow_until.get(host)
            if until is not None and until <= time.monotonic():
                del self._slow_until[host]
                return False
            return until is not None

    def full(self, host: Hashable) -> bool:
        with self._lock:
            return self._busy.get(host, 0) >= self.per_host

    def take(self, host: Hashable) -> None:
        with self._lock:
            self._busy[host] = self._busy.get(host, 0) + 1
            self._slow_until[host] = time.monotonic() + SLOW_MEMORY_SECONDS

    def give_back(self, host: Hashable) -> None:
        with self._lock:
            busy = self._busy.get(host, 1) - 1
            if busy > 0:
                self._busy[host] = busy
            else:
                self._busy.pop(host, None)

    def in_flight(self, host: Hashable) -> int:
        with self._lock:
            return self._busy.get(host, 0)


class BatchSender(Generic[T]):
    """Sends batches of `T`: `send(item)` says whether it is done with (True) or must be
    tried again (False); `settle(item, succeeded)` is told how a handed-off one ended."""

    def __init__(
        self,
        send: Callable[[T], bool],
        settle: Callable[[T, bool], None],
        order_key: Callable[[T], Hashable],
        *,
        senders: int = SENDERS,
        per_host: int = PER_HOST,
        patience: float = PATIENCE_SECONDS,
    ) -> None:
        self.send = send
        self.settle = settle
        self.order_key = order_key
        self.patience = patience
        self.slots = HostSlots(per_host)
        self._senders = senders
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()
        self._running: set[Future[None]] = set()

    def run(self, items: Sequence[tuple[T, str]]) -> list[Result]:
        """Send each (item, host) and say what became of each, in order."""
        results: list[Result | None] = [None] * len(items)
        jobs: list[tuple[int, _Job[T]]] = []
        chains: dict[Hashable, list[_Job[T]]] = {}
        for index, (item, host) in enumerate(items):
            if self.slots.full(host):
                results[index] = Result.DEFERRED
                continue
            job = _Job(item, host)
            jobs.append((index, job))
            chains.setdefault(self.order_key(item), []).append(job)
        futures = [(chain, self._submit(chain)) for chain in chains.values()]
        # Known slow hosts are not waited for; the others, up to the batch's patience.
        awaited = [future for chain, future in futures if not self.slots.known_slow(chain[0].host)]
        if awaited:
            wait(awaited, timeout=self.patience)
        for index, job in jobs:
            with job.lock:
                if job.finished:
                    results[index] = Result.DONE if job.succeeded else Result.RETRY
                elif not job.started:  # never sent (threads busy, or behind a slow one): tried again
                    job.cancelled = True
                    results[index] = Result.RETRY
                else:
                    job.handed_off = True
                    self.slots.take(job.host)
                    results[index] = Result.HANDED_OFF
        return [result or Result.RETRY for result in results]

    def settled(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for every delivery still running, handed-off ones
        included (for a caller that must see them end, such as a test draining its queues);
        whether they all ended."""
        with self._executor_lock:
            running = list(self._running)
        return not wait(running, timeout=timeout).not_done if running else True

    def _submit(self, chain: list[_Job[T]]) -> Future[None]:
        future = self._executor_or_new().submit(self._run_chain, chain)
        with self._executor_lock:
            self._running.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future[None]) -> None:
        with self._executor_lock:
            self._running.discard(future)

    def _run_chain(self, chain: list[_Job[T]]) -> None:
        for job in chain:
            with job.lock:
                if job.cancelled:
                    continue
                job.started = True
            self._run(job)

    def _run(self, job: _Job[T]) -> None:
        succeeded = False
        try:
            succeeded = self.send(job.item)
        finally:
            with job.lock:
                job.finished, job.succeeded = True, succeeded
                handed_off = job.handed_off
            if handed_off:
                self.slots.give_back(job.host)
                self.settle(job.item, succeeded)

    def _executor_or_new(self) -> ThreadPoolExecutor:
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=self._senders, thread_name_prefix="deliver")
            return self._executor
