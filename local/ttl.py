"""DynamoDB's Time To Live, locally: expired items are deleted in the background.

On AWS, items whose TTL attribute is in the past disappear some time later (usually within
days). moto stores the TTL setting but never deletes anything, so the stack sweeps every
TTL-enabled table once a minute. This is the only Scan in Cirrus, and it is local-only.
Readers never rely on the sweep: they check expiry themselves, as they must on AWS.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

log = logging.getLogger("cirrus.local.ttl")
SWEEP_INTERVAL_SECONDS = 60.0


class TtlReaper:
    def __init__(self, dynamodb: Any, tables: list[str], interval: float = SWEEP_INTERVAL_SECONDS) -> None:
        self._dynamodb = dynamodb
        self._tables = tables
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ttl-reaper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def sweep(self, now: float | None = None) -> int:
        """Delete every expired item of the tables; return how many were deleted."""
        now = time.time() if now is None else now
        deleted = 0
        for table in self._tables:
            deleted += self._sweep_table(table, now)
        return deleted

    def _sweep_table(self, table: str, now: float) -> int:
        description = self._dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
        if description.get("TimeToLiveStatus") != "ENABLED":
            return 0
        attribute = description["AttributeName"]
        keys = [k["AttributeName"] for k in self._dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]]
        deleted = 0
        paginator = self._dynamodb.get_paginator("scan")
        pages = paginator.paginate(
            TableName=table,
            FilterExpression="#ttl < :now",
            ExpressionAttributeNames={"#ttl": attribute},
            ExpressionAttributeValues={":now": {"N": str(int(now))}},
        )
        for page in pages:
            for item in page.get("Items", []):
                self._dynamodb.delete_item(TableName=table, Key={k: item[k] for k in keys})
                deleted += 1
        return deleted

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                swept = self.sweep()
                if swept:
                    log.info("TTL: deleted %d expired items", swept)
            except Exception:
                log.exception("TTL sweep failed")
