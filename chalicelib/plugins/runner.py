"""Running registered hooks as PeerTube does, without letting a plugin break a request.

- Handlers run in priority order, highest first (PeerTube sorts its hooks so); equal
  priorities keep their registration order.
- A filter's handler receives the previous result and the hook's params and returns the
  next result. A result of another type than the one it received is the plugin's bug: it is
  dropped and the previous result goes on.
- Each handler call has a time budget (HOOK_BUDGET_SECONDS). It runs in a daemon thread; one
  that overruns is abandoned (a thread cannot be killed) and the default path continues.
- A handler that raises, overruns or returns the wrong type is logged with the plugin and
  the hook, and counted (`PluginHookFailures`); the next handler, then the caller, go on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.observability import count, logger

FAILURES_METRIC = "PluginHookFailures"
HOOK_BUDGET_SECONDS = 1.0


@dataclass(frozen=True)
class Hook:
    plugin: str
    name: str
    handler: Callable[..., Any]
    priority: int
    order: int  # registration order, to keep equal priorities stable


def ordered(hooks: list[Hook]) -> list[Hook]:
    return sorted(hooks, key=lambda hook: (-hook.priority, hook.order))


def run_filter(hooks: list[Hook], result: Any, params: dict[str, Any], budget: float) -> Any:
    for hook in hooks:
        ok, value = _call(hook, (result, params), budget)
        if not ok:
            continue
        if not _same_kind(value, result):
            _failed(hook, f"returned {type(value).__name__} where {type(result).__name__} was expected")
            continue
        result = value
    return result


def run_action(hooks: list[Hook], params: dict[str, Any], budget: float) -> None:
    for hook in hooks:
        _call(hook, (params,), budget)


def _same_kind(value: Any, previous: Any) -> bool:
    if previous is None:
        return True
    if isinstance(previous, bool):
        return isinstance(value, bool)
    if isinstance(previous, int | float) and not isinstance(previous, bool):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, type(previous))


def call(hook: Hook, args: tuple[Any, ...], budget: float) -> tuple[bool, Any]:
    """One handler call within `budget`: (True, its value), or (False, None) once its
    failure is logged and counted."""
    return _call(hook, args, budget)


def _call(hook: Hook, args: tuple[Any, ...], budget: float) -> tuple[bool, Any]:
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = hook.handler(*args)
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=work, name=f"plugin-{hook.plugin}", daemon=True)
    thread.start()
    thread.join(budget)
    if thread.is_alive():
        _failed(hook, f"overran its {budget:g} s budget")
        return False, None
    if "error" in outcome:
        _failed(hook, f"raised {outcome['error']!r}")
        return False, None
    return True, outcome.get("value")


def failed(hook: Hook, why: str) -> None:
    """Log and count a handler's failure that its caller found."""
    _failed(hook, why)


def _failed(hook: Hook, why: str) -> None:
    logger.warning("plugin hook failed", extra={"plugin": hook.plugin, "hook": hook.name, "why": why})
    count(FAILURES_METRIC)
