"""Fixtures of the end-to-end tests (the harness itself is in tests/e2e/harness.py)."""

from __future__ import annotations

from tests.e2e.harness import instances, stack

__all__ = ["instances", "stack"]  # the fixtures, for pytest
