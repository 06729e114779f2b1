"""What a process keeps between invocations, and one way to forget all of it.

A module that keeps a process cache (settings, boto3 clients, queue URLs, keys, what it read
from the table) registers how to empty it, when it is imported; `reset_all()` empties every
cache registered so far. Tests call it whenever they start from a fresh AWS, so nothing read
from one test's tables or queues is served to the next. A module not imported yet holds
nothing to forget.

tests/unit/test_caches.py finds the module-level caches of chalicelib/ and functions/ and
checks that each module registers, or is listed there with why it needs no reset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

Reset = TypeVar("Reset", bound=Callable[[], None])

_resets: list[Callable[[], None]] = []


def register(reset: Reset) -> Reset:
    """Have `reset_all()` call `reset`; returns it, so that it may decorate a module's reset()."""
    if reset not in _resets:
        _resets.append(reset)
    return reset


def reset_all() -> None:
    """Empty every registered cache (in the order the modules registered)."""
    for reset in list(_resets):
        reset()


def registered() -> list[Callable[[], None]]:
    """The resets registered so far (for the test that checks every cache has one)."""
    return list(_resets)
