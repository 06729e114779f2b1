"""Fan-out and delivery of one activity to many inboxes, through the real pipeline.

    python bench/federation.py [--inboxes 1000] [--followers-per-inbox 3] [--consumers 1]

Runs in one process over moto (SQS and DynamoDB semantics): an instance actor followed by
`inboxes x followers-per-inbox` remote accounts, spread over `--inboxes` shared inboxes of a
small receiver on loopback (a threaded HTTP server answering 202 and checking every HTTP
signature). One Create is broadcast: the broadcast function expands it, then `--consumers`
threads drain the deliver queue as concurrent Lambda invocations would. Prints deliveries
per second, signatures made and checked per second, and the requests shared-inbox
deduplication saved. moto's SQS adds its own latency; AWS's is lower.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ["CIRRUS_FEDERATION_ALLOW_LOOPBACK"] = "1"


class Receiver:
    """Shared inboxes on loopback: counts POSTs and verifies their signatures."""

    def __init__(self, public_key_pem: str) -> None:
        from chalicelib.activitypub.signatures import InboundRequest, parse_signature, verify_signature

        self.received = 0
        self.verified = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                request = InboundRequest("POST", self.path, dict(self.headers.items()), body, "http")
                ok = verify_signature(parse_signature(request), public_key_pem)
                with receiver.lock:
                    receiver.received += 1
                    receiver.verified += ok
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inboxes", type=int, default=1000)
    parser.add_argument("--followers-per-inbox", type=int, default=3)
    parser.add_argument("--consumers", type=int, default=1)
    options = parser.parse_args()

    from moto import mock_aws

    with mock_aws():
        run(options.inboxes, options.followers_per_inbox, options.consumers)


def run(inbox_count: int, followers_per_inbox: int, consumers: int) -> None:  # noqa: PLR0915 - one scenario
    from chalicelib import aws
    from chalicelib.activitypub.delivery import outbox
    from chalicelib.activitypub.signatures import sign_request
    from chalicelib.config import get_settings
    from chalicelib.domain.bootstrap import ensure_instance
    from chalicelib.store import keys, table
    from chalicelib.store.models import Actor, Follow
    from chalicelib.store.models.follow import STATE_ACCEPTED
    from local import moto_speedups, resources

    settings = get_settings()
    moto_speedups.apply()
    table.bind(settings)
    resources.provision(settings, aws.s3(), aws.sqs())
    now = datetime.now(UTC)
    ensure_instance(settings, now)
    from chalicelib.store import actors

    server = actors.get_actor(actors.server_actor_id())
    assert server is not None
    receiver = Receiver(str(server.public_key_pem))

    started = time.perf_counter()
    # Followers written in batches (the follows' counters are not what is measured here).
    with Actor.batch_write() as batch:
        for n in range(inbox_count * followers_per_inbox):
            actor_id = 1_000_000 + n
            url = f"{receiver.base}/users/{n}"
            shared = f"{receiver.base}/shared/{n % inbox_count}/inbox"
            batch.save(
                Follow(
                    keys.actor_pk(actor_id), keys.follow_sk(int(server.id)), follower_id=actor_id,
                    target_id=int(server.id), state=STATE_ACCEPTED, url=f"{url}/follows/1", follower_inbox=shared,
                    created_at=now, updated_at=now, gsi1pk=keys.followers_gsi1pk(int(server.id)),
                    gsi1sk=keys.created_sort_key(now.isoformat(), actor_id),
                )
            )  # fmt: skip
    print(f"seeded {inbox_count * followers_per_inbox} followers in {time.perf_counter() - started:.1f} s")

    activity = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Create",
        "id": f"{server.url}/bench/1",
        "actor": str(server.url),
        "object": {"type": "Note", "id": f"{server.url}/bench/1/note", "content": "x" * 2000},
    }
    began = time.perf_counter()
    outbox.broadcast(activity, int(server.id), followers_of=[int(server.id)])
    from chalicelib.activitypub.delivery.messages import Broadcast
    from functions.federation.broadcast import expand

    sqs = aws.sqs()
    broadcast_url = sqs.get_queue_url(QueueName=settings.queues.broadcast)["QueueUrl"]
    message = sqs.receive_message(QueueUrl=broadcast_url, MaxNumberOfMessages=1)["Messages"][0]
    fanned = expand(Broadcast.from_json(json.loads(message["Body"])))
    sqs.delete_message(QueueUrl=broadcast_url, ReceiptHandle=message["ReceiptHandle"])
    expanded = time.perf_counter()

    deliver_url = sqs.get_queue_url(QueueName=settings.queues.deliver)["QueueUrl"]
    from functions.federation.deliver import handle_deliver
    from local.lambda_runtime import LocalLambdaContext

    function_time = [0.0]  # seconds spent inside the deliver function, all consumers together
    function_time_lock = threading.Lock()

    def consume() -> None:
        context = LocalLambdaContext("deliver", 256, 30, "us-east-1")
        while True:
            batch = sqs.receive_message(QueueUrl=deliver_url, MaxNumberOfMessages=10, AttributeNames=["All"])
            messages = batch.get("Messages", [])
            if not messages:
                return
            records = [
                {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                 "attributes": m.get("Attributes", {}), "messageAttributes": {}, "eventSource": "aws:sqs"}
                for m in messages
            ]  # fmt: skip
            invoked = time.perf_counter()
            result = handle_deliver({"Records": records}, context)
            with function_time_lock:
                function_time[0] += time.perf_counter() - invoked
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
            done: list[Any] = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(messages)
                if m["MessageId"] not in failed
            ]
            if done:
                sqs.delete_message_batch(QueueUrl=deliver_url, Entries=done)

    if consumers == 1:
        consume()  # in this thread, where a profiler sees it
    else:
        threads = [threading.Thread(target=consume) for _ in range(consumers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finished = time.perf_counter()

    key = f"{server.url}#main-key"
    sign_started = time.perf_counter()
    signs = 500
    for _ in range(signs):
        sign_request("POST", f"{receiver.base}/inbox", b"{}" * 500, key, str(server.private_key_pem))
    sign_rate = signs / (time.perf_counter() - sign_started)

    delivered = receiver.received
    print(f"followers: {fanned.followers_seen}, inboxes after deduplication: {len(fanned.deliveries)}, "
          f"requests saved by shared inboxes: {fanned.requests_saved}")  # fmt: skip
    print(f"fan-out (broadcast function): {expanded - began:.2f} s")
    rate = delivered / (finished - expanded)
    print(f"deliveries: {delivered} in {finished - expanded:.2f} s with {consumers} consumers = {rate:.0f}/s "
          "(moto's SQS scans every message on each receive: most of this wall time is moto)")  # fmt: skip
    own = delivered / function_time[0] if function_time[0] else 0.0
    print(f"deliver function alone: {function_time[0]:.2f} s of invocations = {own:.0f} deliveries/s per instance")
    print(f"signatures verified by the receiver: {receiver.verified} of {delivered}")
    print(f"HTTP signatures made (RSA-2048, one thread): {sign_rate:.0f}/s")


if __name__ == "__main__":
    main()
