"""What every Lambda entry point outside the Chalice app does around its own work.

Once per execution environment, when the entry module is imported: the models are bound to
the configured table, then the function's own set-up runs (`setup`, for what must exist
before the first event, such as subscribers). On every invocation: the Lambda context goes
into the logs (request id, cold start) and the metrics recorded are flushed at the end.
SQS consumers are built on this by `functions/consumer.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from chalicelib.config import get_settings
from chalicelib.observability import logger, metrics
from chalicelib.store import table

if TYPE_CHECKING:
    from collections.abc import Callable

R = TypeVar("R")

# The set-ups that ran in this execution environment: a module that builds two handlers
# (the transcoder's) runs its set-up once.
_done: set[Callable[[], None]] = set()


def prepare(setup: Callable[[], None] | None = None) -> None:
    """Bind the table to the settings, and run `setup` unless it already ran here."""
    table.bind(get_settings())
    if setup is not None and setup not in _done:
        setup()
        _done.add(setup)


def lambda_entry(
    setup: Callable[[], None] | None = None,
) -> Callable[[Callable[[dict[str, Any], Any], R]], Callable[[dict[str, Any], Any], R]]:
    """Decorate a Lambda handler: prepared now, with its context logged and metrics flushed."""
    prepare(setup)

    def wrap(handler: Callable[[dict[str, Any], Any], R]) -> Callable[[dict[str, Any], Any], R]:
        return logger.inject_lambda_context(clear_state=True)(metrics.log_metrics(handler))

    return wrap
