"""Each fault test drives a stack of its own (tests/e2e/harness.py), started by the test."""

from __future__ import annotations

from tests.e2e.harness import stack

__all__ = ["stack"]  # the fixture, for pytest
