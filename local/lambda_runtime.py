"""Run a handler the way Lambda runs a function: one invocation at a time per function,
with a context object that carries a request id and a deadline."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[[Any, Any], Any]

ACCOUNT_ID = "123456789012"


@dataclass
class LocalLambdaContext:
    """The attributes of Lambda's context object that handlers and powertools read."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    region: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds
        self.log_group_name = f"/aws/lambda/{self.function_name}"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class LocalFunction:
    """One Lambda function: its handler and a single warm execution environment.

    A Chalice app keeps the current request on the app object, so two invocations must
    never overlap in one environment; Lambda guarantees that, and so does the lock here.
    """

    def __init__(
        self,
        name: str,
        handler: Handler,
        *,
        timeout: int = 30,
        memory: int = 1024,
        region: str = "us-east-1",
        environment_of: LocalFunction | None = None,
    ) -> None:
        """`environment_of`: another function whose handler's objects this one's shares in
        this process (the same module), whose invocations this one's must not overlap."""
        self.name = name
        self._handler = handler
        self._timeout = timeout
        self._memory = memory
        self._region = region
        self._lock: threading.Lock = environment_of._lock if environment_of is not None else threading.Lock()

    def invoke(self, event: Any) -> Any:
        context = LocalLambdaContext(self.name, self._memory, self._timeout, self._region)
        with self._lock:
            return self._handler(event, context)
