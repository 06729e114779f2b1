"""A new video's notification fan-out to many subscribers, through the real work function.

    python bench/notifications_fanout.py [--subscribers 1000] [--redeliver]

Runs in one process over moto: a channel followed by `--subscribers` local accounts (their
users, accounts and follows written in batches), one VideoPublished event, then the work queue
drained as Lambda's event source mapping would, one message per invocation. Prints the
messages the fan-out took, its time (moto's SQS and DynamoDB; AWS's round trips are longer,
and pages run in parallel there), the DynamoDB calls per page, and that every subscriber got
exactly one notification. With --redeliver, every page's message is run a second time under
its own message id (a redelivery) and under a new one (a continuation sent twice), and the
count must not move.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--redeliver", action="store_true")
    options = parser.parse_args()

    from moto import mock_aws

    with mock_aws():
        run(options.subscribers, options.redeliver)


def run(subscribers: int, redeliver: bool) -> None:  # noqa: PLR0915 - one scenario
    from chalicelib import aws
    from chalicelib import subscribers as wiring
    from chalicelib.config import get_settings
    from chalicelib.domain import events
    from chalicelib.domain.bootstrap import ensure_instance
    from chalicelib.domain.notifications import tasks
    from chalicelib.store import keys, table
    from chalicelib.store.models import Actor, Follow, Notification, TableItem, User
    from chalicelib.store.models.follow import STATE_ACCEPTED
    from local import moto_speedups, resources
    from tests.video_seed import add_video

    settings = get_settings()
    moto_speedups.apply()
    table.bind(settings)
    resources.provision(settings, aws.s3(), aws.sqs())
    now = datetime.now(UTC)
    ensure_instance(settings, now)
    wiring.register()
    channel_id, owner_id = 900_000_000, 900_000_001
    started = time.perf_counter()
    with TableItem.batch_write() as batch:
        for actor_id, kind in ((channel_id, "Group"), (owner_id, "Person")):
            batch.save(_actor(Actor, keys, actor_id, kind, now, None))
        for n in range(subscribers):
            user_id, account_id = 1_000_000 + n, 2_000_000 + n
            batch.save(_actor(Actor, keys, account_id, "Person", now, user_id))
            batch.save(
                User(
                    keys.user_pk(user_id), keys.ENTITY_SK, id=user_id, username=f"fan{n}", email=f"fan{n}@example.org",
                    password_hash="x", account_id=account_id, created_at=now,
                )
            )  # fmt: skip
            batch.save(
                Follow(
                    keys.actor_pk(account_id), keys.follow_sk(channel_id), follow_id=n + 1, follower_id=account_id,
                    target_id=channel_id, state=STATE_ACCEPTED, created_at=now, updated_at=now,
                    gsi1pk=keys.followers_gsi1pk(channel_id), gsi1sk=keys.created_sort_key(now.isoformat(), account_id),
                )
            )  # fmt: skip
    print(f"seeded {subscribers} subscribers in {time.perf_counter() - started:.1f} s")

    video = add_video(owner_id, channel_id, "premiere")
    calls: Counter[str] = Counter()
    client = TableItem._get_connection().connection.client
    client.meta.events.register("before-call.dynamodb", lambda model, **_: calls.update([model.name]))
    sent = time.perf_counter()
    events.emit(events.VideoPublished(video))
    print(f"the publishing process: {dict(calls)} DynamoDB calls, 1 SQS message, {time.perf_counter() - sent:.3f} s")

    sqs = aws.sqs()
    url = sqs.get_queue_url(QueueName=settings.queues.work)["QueueUrl"]
    bodies: list[tuple[str, dict[str, Any]]] = []
    calls.clear()
    began = time.perf_counter()
    import json

    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages", [])
        if not got:
            break
        message = got[0]
        task = json.loads(message["Body"])
        tasks.run(task, message["MessageId"], datetime.now(UTC))
        bodies.append((message["MessageId"], task))
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    elapsed = time.perf_counter() - began
    pages = len(bodies)
    rate = subscribers / elapsed
    print(f"fan-out: {pages} messages ({tasks.FANOUT_PAGE} follows a page) in {elapsed:.1f} s, "
          f"{elapsed / pages * 1000:.0f} ms a page, {rate:.0f} notifications/s in one consumer")  # fmt: skip
    per_page = {name: round(count / pages, 1) for name, count in sorted(calls.items())}
    print(f"DynamoDB calls a page (average): {per_page}")

    def notified() -> Counter[int]:
        found: Counter[int] = Counter()
        for n in range(subscribers):
            for item in Notification.query(keys.user_pk(1_000_000 + n), Notification.sk.startswith("NOTIFICATION#")):
                found[int(item.type)] += 1
        return found

    counted = notified()
    print(f"notifications stored: {dict(counted)} for {subscribers} subscribers")
    assert counted == {1: subscribers}, counted
    if redeliver:
        again = time.perf_counter()
        for message_id, task in bodies:
            tasks.run(task, message_id, datetime.now(UTC))  # the same message, delivered again
            tasks.run(task, f"{message_id}-resent", datetime.now(UTC))  # another message for a taken page
        while sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
            pass  # continuations queued by the redeliveries: taken pages, dropped if run
        assert notified() == {1: subscribers}
        print(f"every page delivered again and sent again: still one each ({time.perf_counter() - again:.1f} s)")


def _actor(actor_model: Any, keys: Any, actor_id: int, kind: str, now: datetime, user_id: int | None) -> Any:
    return actor_model(
        keys.actor_pk(actor_id), keys.ENTITY_SK, id=actor_id, actor_type=kind, preferred_username=f"a{actor_id}",
        url=f"https://bench.example/a/{actor_id}", inbox_url=f"https://bench.example/a/{actor_id}/inbox",
        display_name=f"Actor {actor_id}", public_key_pem="-", user_id=user_id,
        account_id=900_000_001 if kind == "Group" else None, created_at=now, updated_at=now,
    )  # fmt: skip


if __name__ == "__main__":
    main()
