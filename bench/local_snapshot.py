"""What the embedded stack's persistence costs: snapshot pause, write and restore times.

    python bench/local_snapshot.py [--items 20000] [--objects 20] [--object-mb 5] [--messages 2000]

Fills the local AWS endpoint, then times one snapshot (the pause during which requests are
held back, and the write to disk), a second snapshot after one small change (S3 bodies are
already on disk then), and a restore into empty backends.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
from moto.core.base_backend import BackendDict  # noqa: E402

from local.aws_endpoint import LocalAwsEndpoint  # noqa: E402
from local.persistence import SnapshotStore  # noqa: E402


def fill(url: str, items: int, objects: int, object_mb: int, messages: int) -> Any:
    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    ddb, s3, sqs = (session.client(n, endpoint_url=url) for n in ("dynamodb", "s3", "sqs"))
    ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for start in range(0, items, 25):
        batch = [
            {"PutRequest": {"Item": {"pk": {"S": f"item-{i}"}, "body": {"S": "x" * 300}}}}
            for i in range(start, min(start + 25, items))
        ]
        ddb.batch_write_item(RequestItems={"t": batch})
    s3.create_bucket(Bucket="media")
    for i in range(objects):
        s3.put_object(Bucket="media", Key=f"static/{i}.mp4", Body=os.urandom(object_mb * 1024 * 1024))
    queue = sqs.create_queue(QueueName="q")["QueueUrl"]
    for start in range(0, messages, 10):
        entries = [{"Id": str(i), "MessageBody": "m" * 500} for i in range(start, min(start + 10, messages))]
        sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    return ddb


def snapshot(endpoint: LocalAwsEndpoint, store: SnapshotStore) -> tuple[float, float, int]:
    started = time.perf_counter()
    with endpoint.paused():
        snap = store.capture()
    paused = time.perf_counter() - started
    store.write(snap)
    return paused, time.perf_counter() - started - paused, len(snap.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--objects", type=int, default=20)
    parser.add_argument("--object-mb", type=int, default=5)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()

    endpoint = LocalAwsEndpoint().start()
    ddb = fill(endpoint.url, args.items, args.objects, args.object_mb, args.messages)
    print(
        f"state: {args.items} items of ~300 B, {args.objects} objects of {args.object_mb} MB, "
        f"{args.messages} queued messages"
    )
    with tempfile.TemporaryDirectory() as directory:
        store = SnapshotStore(Path(directory))
        paused, written, size = snapshot(endpoint, store)
        print(f"first snapshot:  requests held {paused * 1000:.0f} ms, write {written * 1000:.0f} ms")
        print(f"                 state.pickle {size / 1e6:.1f} MB (S3 bodies are blobs, written once)")
        ddb.put_item(TableName="t", Item={"pk": {"S": "one-more"}})
        paused, written, size = snapshot(endpoint, store)
        print(f"next snapshot:   requests held {paused * 1000:.0f} ms, write {written * 1000:.0f} ms")
        endpoint.stop()
        BackendDict.reset()
        started = time.perf_counter()
        store.restore()
        print(f"restore:         {(time.perf_counter() - started) * 1000:.0f} ms")
    started = time.perf_counter()
    empty = LocalAwsEndpoint().start()
    print(f"endpoint start:  {(time.perf_counter() - started) * 1000:.0f} ms")
    empty.stop()


if __name__ == "__main__":
    main()
