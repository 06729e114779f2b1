"""Named places where the fault tests (tests/faults/) kill the process, to prove what a crash
right there leaves behind: `CIRRUS_FAILPOINTS=name[,name]` in a local stack's environment
sends SIGKILL to the process the first time it reaches one of them, as `kill -9` would.

Only a local stack arms them (CIRRUS_ENV=local); a deployment never reads the list twice.
The places are where a crash hurts most: between a side effect and the write that records it.

`CIRRUS_FAILPOINTS_SETTLE_SECONDS` waits that long before dying, so that the local stack's
snapshot (taken within a second of a change) holds everything before the failpoint, as
DynamoDB, S3 and SQS would on AWS: the test then sees what the crash itself leaves, not the
local stack's own last-second loss (which docs/reliability.md states apart).
"""

from __future__ import annotations

import os
import signal
import time
from functools import cache

from chalicelib import caches

RESUMABLE_PART_WRITTEN = "resumable.part-written"  # a chunk is in S3, the session not advanced
TRANSCODE_STEP_DONE = "transcode.step-done"  # a step's outputs are in S3, the step not counted
VIEWS_COUNTED = "views.counted"  # a batch of views is counted, its messages not deleted
DELIVER_POSTED = "deliver.posted"  # an activity reached its inbox, its message not deleted


@cache
def _armed() -> frozenset[str]:
    if os.environ.get("CIRRUS_ENV", "local") != "local":
        return frozenset()
    return frozenset(name.strip() for name in os.environ.get("CIRRUS_FAILPOINTS", "").split(",") if name.strip())


caches.register(_armed.cache_clear)


def reached(name: str) -> None:
    """Die here, at once and without cleaning up, if the test armed this place."""
    if name in _armed():
        time.sleep(float(os.environ.get("CIRRUS_FAILPOINTS_SETTLE_SECONDS", "0")))
        os.kill(os.getpid(), signal.SIGKILL)
