"""Deliveries per second of one deliver instance, to real inboxes that verify every signature.

    python bench/federation.py [--deliveries 3000] [--hosts 10] [--seconds 20] [--reference DIR]

The deliver function's handler is fed SQS-shaped records directly, in batches of 10 (its
event source's batch size), one batch after the other as one Lambda instance receives them:
no SQS in the loop (moto's would dominate). Its DynamoDB and KMS (the signer's key, the
hosts' health) are moto's, in process. The inboxes are a separate process
(tests/inbox_receiver.py): `--hosts` hosts on loopback, one port each, that check every
request's digest and HTTP signature with Cirrus's verifier and count the connections opened.

Two cases: "all answer" (deliveries spread over the hosts), and "one slow" (one more host,
answering each request after 5 s, takes its share of the deliveries): the rate of the
others is what must hold. With `--reference DIR` (another checkout, e.g. main), the same
cases run with that code first, and the ratios are printed: both runs share the machine's
load at that moment, so only ratios are compared, never times across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BATCH = 10
SLOW_SECONDS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=3000, help="most deliveries fed per case")
    parser.add_argument("--hosts", type=int, default=10, help="hosts that answer at once")
    parser.add_argument("--seconds", type=float, default=20.0, help="most seconds of feeding per case")
    parser.add_argument("--reference", type=Path, help="another checkout to measure first (e.g. /work/main)")
    parser.add_argument("--drive", type=Path, help=argparse.SUPPRESS)  # internal: one case, with this code
    parser.add_argument("--case", default="", help=argparse.SUPPRESS)
    parser.add_argument("--receiver", default="", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.drive:
        drive(options.drive, json.loads(options.receiver), options.case, options.deliveries, options.seconds)
        return

    receiver = subprocess.Popen(
        [sys.executable, "-m", "tests.inbox_receiver", "--hosts", str(options.hosts + 1), "--slow-hosts", "1",
         "--slow-seconds", str(SLOW_SECONDS)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert receiver.stdout is not None
        address = json.loads(receiver.stdout.readline())
        codes = [("reference", options.reference.resolve())] if options.reference else []
        codes.append(("this", ROOT))
        results: dict[tuple[str, str], dict[str, Any]] = {}
        for case in ("all answer", "one slow"):
            for name, code in codes:
                results[(name, case)] = run_case(code, address, case, options)
                print(describe(name, case, results[(name, case)]), flush=True)
        if options.reference:
            for case in ("all answer", "one slow"):
                this, reference = results[("this", case)], results[("reference", case)]
                print(f"ratio this/reference, {case}: {this['rate'] / reference['rate']:.2f}x deliveries/s "
                      "to the hosts that answer at once")  # fmt: skip
    finally:
        receiver.terminate()
        receiver.wait()


def run_case(code: Path, address: dict[str, Any], case: str, options: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--drive", str(code), "--case", case,
               "--receiver", json.dumps(address), "--deliveries", str(options.deliveries),
               "--seconds", str(options.seconds)]  # fmt: skip
    out = subprocess.run(command, cwd=code, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(out.stderr[-4000:])
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def describe(name: str, case: str, result: dict[str, Any]) -> str:
    line = (
        f"[{name}] {case}: {result['fast_delivered']} deliveries to {result['fast_hosts']} hosts in "
        f"{result['seconds']:.2f} s = {result['rate']:.0f}/s ({result['per_cpu_second']:.0f} fed per CPU-second of "
        f"the deliver process); verified by the receiver "
        f"{result['verified']} of {result['answered']}; connections opened while fed {result['connections']}"
    )
    if case == "one slow":
        line += (
            f"; the slow host: {result['slow_fed']} fed, {result['slow_answered']} answered within "
            f"{SLOW_SECONDS + 2:.0f} s after, {result['slow_deferred']} put back for later"
        )
    return line


# --- One case, in its own process, with the code under test on sys.path ---------------------------


def drive(code: Path, address: dict[str, Any], case: str, most: int, seconds: float) -> None:  # noqa: PLR0915 - one scenario
    sys.path.insert(0, str(code))
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ["CIRRUS_FEDERATION_ALLOW_LOOPBACK"] = "1"
    from moto import mock_aws

    with mock_aws():
        from datetime import UTC, datetime

        from chalicelib import aws
        from chalicelib.activitypub.delivery.messages import Delivery
        from chalicelib.config import get_settings
        from chalicelib.domain.bootstrap import ensure_instance
        from chalicelib.store import actors, table
        from functions.federation.deliver import handle_deliver
        from local import moto_speedups, resources
        from local.lambda_runtime import LocalLambdaContext

        settings = get_settings()
        moto_speedups.apply()
        table.bind(settings)
        resources.provision(settings, aws.s3(), aws.sqs())
        ensure_instance(settings, datetime.now(UTC))
        server = actors.get_actor(actors.server_actor_id())
        assert server is not None
        control = f"http://127.0.0.1:{address['control']}"
        urllib.request.urlopen(urllib.request.Request(control, data=str(server.public_key_pem).encode()))

        ports: list[int] = address["ports"]
        slow_port, fast_ports = ports[0], ports[1:]
        hosts = ports if case == "one slow" else fast_ports
        activity = json.dumps(
            {
                "@context": "https://www.w3.org/ns/activitystreams",
                "type": "Create",
                "id": f"{server.url}/bench/1",
                "actor": str(server.url),
                "object": {"type": "Note", "id": f"{server.url}/bench/1/note", "content": "x" * 2000},
            }
        )

        def record(n: int) -> dict[str, Any]:
            port = hosts[n % len(hosts)]
            inbox = f"http://127.0.0.1:{port}/shared/{n}/inbox"
            return {
                "messageId": f"m-{n}", "receiptHandle": f"r-{n}", "eventSource": "aws:sqs", "messageAttributes": {},
                "body": json.dumps(Delivery(activity, int(server.id), inbox).to_json()),
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "0", "SenderId": "bench"},
            }  # fmt: skip

        context = LocalLambdaContext("deliver", 256, 30, "us-east-1")
        # One warm invocation first (the signer's key read, the first connections), as a
        # Lambda instance that has been delivering for a while.
        handle_deliver({"Records": [record(n) for n in range(len(fast_ports))]}, context)
        urllib.request.urlopen(urllib.request.Request(control, data=b"", method="POST"))

        fed = slow_fed = 0
        began, cpu_began = time.perf_counter(), time.process_time()
        while fed < most and time.perf_counter() - began < seconds:
            batch = [record(1000 + fed + i) for i in range(BATCH)]
            handle_deliver({"Records": batch}, context)
            slow_fed += sum(f":{slow_port}/" in r["body"] for r in batch)
            fed += BATCH
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
        stats = json.load(urllib.request.urlopen(control))
        fast_delivered = sum(stats["by_port"][str(port)] for port in fast_ports)
        result = {
            "seconds": elapsed,
            "fed": fed,
            "fast_hosts": len(fast_ports),
            "fast_delivered": fast_delivered,
            "rate": fast_delivered / elapsed,
            "per_cpu_second": fed / cpu,
            "connections": stats["connections"],
            "slow_fed": slow_fed,
        }
        if case == "one slow":
            time.sleep(SLOW_SECONDS + 2)  # what was handed off to the slow host ends
            stats = json.load(urllib.request.urlopen(control))
            deliver_queue = aws.sqs().get_queue_url(QueueName=settings.queues.deliver)["QueueUrl"]
            attributes = aws.sqs().get_queue_attributes(QueueUrl=deliver_queue, AttributeNames=["All"])["Attributes"]
            queued = {str(name): value for name, value in attributes.items()}
            result["slow_answered"] = stats["by_port"][str(slow_port)]
            result["slow_deferred"] = sum(
                int(queued.get(f"ApproximateNumberOfMessages{kind}", "0")) for kind in ("", "Delayed", "NotVisible")
            )
        result["answered"], result["verified"] = stats["answered"], stats["verified"]
        print(json.dumps(result))


if __name__ == "__main__":
    main()
