"""A month of Cirrus on AWS at list prices, from counted requests, against one always-on server.

    python bench/cost.py [--scenario small] [--views N] [--upload-hours H] [--p2p 0.3] ...

A scenario is what an instance does in a month: hours of video uploaded, views and the
minutes each watches, deliveries to and activities from other servers. It becomes counted
requests (API calls, Lambda GB-seconds, DynamoDB request units, S3 and SQS requests,
CloudFront bytes), using the figures measured in this repository, then a bill per service.

Prices: AWS list prices for us-east-1 (N. Virginia) as published on the services' pricing
pages in June 2025, on-demand, without free tiers, savings plans or taxes. Check them
before relying on the totals: they are constants below, each with its page.

Measured figures (the benches named): the API makes 0 to 2 DynamoDB calls per catalogue
request (bench/api.py, docs/catalogue.md); transcoding takes 66 s of a 2-core machine per
minute of 1080p30 with six renditions (bench/transcode.py, docs/transcoding.md); a delivery
is one SQS message and one signed POST, 3.9 ms of CPU (bench/federation.py). What is not
measured is an assumption, named as such where it is set.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, replace
from typing import Any

REGION = "us-east-1"
PRICES_AS_OF = "2025-06"
HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600

# --- Prices (USD) ------------------------------------------------------------------------------
# aws.amazon.com/lambda/pricing: x86, per GB-second and per request; /tmp above 512 MB.
LAMBDA_GB_SECOND = 0.0000166667
LAMBDA_REQUEST = 0.20 / 1e6
LAMBDA_STORAGE_GB_SECOND = 0.0000000309
# aws.amazon.com/api-gateway/pricing: REST APIs, first 333 million requests a month.
API_GATEWAY_REQUEST = 3.50 / 1e6
# aws.amazon.com/dynamodb/pricing/on-demand: request units, storage, continuous backups.
DYNAMODB_WRITE_UNIT = 0.625 / 1e6
DYNAMODB_READ_UNIT = 0.125 / 1e6
DYNAMODB_GB_MONTH = 0.25
DYNAMODB_PITR_GB_MONTH = 0.20
# aws.amazon.com/s3/pricing: S3 Standard, first 50 TB; PUT/COPY/POST/LIST and GET requests.
S3_GB_MONTH = 0.023
S3_PUT = 0.005 / 1000
S3_GET = 0.0004 / 1000
# aws.amazon.com/cloudfront/pricing: to the internet from North America and Europe, first
# 10 TB; HTTPS requests; CloudFront Functions invocations. Origin fetches from S3 are free.
CLOUDFRONT_GB_TIERS = ((10_000, 0.085), (40_000, 0.080), (100_000, 0.060), (math.inf, 0.040))
CLOUDFRONT_HTTPS_REQUEST = 0.0100 / 10_000
CLOUDFRONT_FUNCTION = 0.10 / 1e6
# aws.amazon.com/sqs/pricing: standard queues, per request (64 KB chunk).
SQS_REQUEST = 0.40 / 1e6
# aws.amazon.com/cloudwatch/pricing: standard-resolution alarm; log ingestion and storage.
ALARM_MONTH = 0.10
LOG_INGEST_GB = 0.50
# aws.amazon.com/xray/pricing: traces recorded.
XRAY_TRACE = 5.00 / 1e6
# aws.amazon.com/fargate/pricing (Linux x86), /elasticloadbalancing/pricing (ALB hour),
# /vpc/pricing (public IPv4 address hour).
FARGATE_VCPU_HOUR = 0.04048
FARGATE_GB_HOUR = 0.004445
ALB_HOUR = 0.0225
PUBLIC_IPV4_HOUR = 0.005
# aws.amazon.com/ec2/pricing/on-demand: t3.small (2 vCPU, 2 GiB), its unlimited-mode surplus
# per vCPU-hour above the 20 % baseline; /ebs/pricing: gp3; data transfer out, first 10 TB.
T3_SMALL_HOUR = 0.0208
T3_SURPLUS_VCPU_HOUR = 0.05
T3_SMALL_BASELINE = 0.20
EBS_GP3_GB_MONTH = 0.08
EC2_TRANSFER_OUT_GB_TIERS = ((10_000, 0.09), (40_000, 0.085), (100_000, 0.07), (math.inf, 0.05))
# A t3.small's baseline network bandwidth (it bursts higher for minutes at a time).
T3_SMALL_BASELINE_MBIT = 128

# --- What the stack is ---------------------------------------------------------------------------
ALARMS = 5 + 2 * 8  # one per dead-letter queue, errors and throttles of each function (infra/README.md)
QUEUE_MAPPINGS = 5
# Assumption: an event source mapping keeps five long polls (20 s) open on an idle queue.
IDLE_POLLS_PER_MAPPING = 5 * SECONDS_PER_MONTH / 20
TRENDING_RUNS = 24 * 30
TRENDING_GB_SECONDS = 0.5 * 2.0  # 512 MB, about two seconds a run (assumption)

# --- Measured or derived per-request figures -----------------------------------------------------
API_MEMORY_GB = 1.0
# bench/api.py: 3 to 6 ms of the function's own time for lists and gets, 125 ms for search;
# with DynamoDB's round trips (about 5 ms each) and JSON, 40 ms on average (assumption).
API_SECONDS = 0.040
# docs/catalogue.md: lists 0 or 1 Query (the change feed, at most once a second), a video
# 1 or 2; writes (a view ping, a comment) about 2 write units. Per API request, on average:
API_READ_UNITS = 2.0
API_WRITE_UNITS = 0.3
PING_SECONDS = 5  # the player's view pings (web/src/components/Player.tsx)
# bench/transcode.py: 66 s of a 2-core machine per minute of 1080p30 (six renditions, a test
# pattern: film costs more); the transcoder has 3008 MB, about 1.7 vCPUs.
TRANSCODE_SECONDS_PER_MINUTE = 66 * 2 / 1.7
TRANSCODER_MEMORY_GB = 3008 / 1024
TRANSCODER_STORAGE_GB = 10 - 0.5
INGEST_SECONDS_PER_VIDEO = 5.0  # ffprobe over a presigned URL (assumption)
# chalicelib/media/ladder.py caps for a 1080p30 ladder (144p to 1080p) and 128 kbit/s audio:
# about 12.6 Mbit/s in all, 94 MB per minute stored (the test pattern made 63 MB).
STORED_MB_PER_MINUTE = 94.0
SEGMENT_SECONDS = 4  # chalicelib/media/commands.py
RENDITIONS = 6
# Per upload: the video item, files, counters, the catalogue and the federation notices.
UPLOAD_WRITE_UNITS = 40
DELIVERY_SECONDS = 0.150  # a signed POST to a remote inbox: mostly waiting for it (assumption)
DELIVERY_MEMORY_GB = 0.25
INBOX_SECONDS = 0.100
INBOX_MEMORY_GB = 0.5
INBOX_WRITE_UNITS = 4  # the activity's receipt, its object, counters (assumption)
LOG_BYTES_PER_INVOCATION = 600  # Powertools' JSON lines, start and end reports


def tiered(gb: float, tiers: tuple[tuple[float, float], ...]) -> float:
    """The price of `gb` over volume tiers of (size of the tier in GB, price per GB)."""
    cost, left = 0.0, gb
    for size, price in tiers:
        used = min(left, size)
        cost, left = cost + used * price, left - used
    return cost


@dataclass(frozen=True)
class Scenario:
    name: str
    upload_hours: float  # hours of video uploaded in the month
    average_upload_minutes: float
    views: int  # counted views in the month
    watch_minutes: float  # minutes watched per view
    viewed_mbit: float  # average bitrate of the rendition watched
    api_requests_per_view: float  # the watch page: video, comments, related list, view pings
    p2p_share: float  # fraction of segment bytes viewers got from each other
    library_hours: float  # video stored at the end of the month
    deliveries: int  # signed POSTs to remote inboxes
    inbox_activities: int  # activities received
    tracker: bool


SCENARIOS = {
    "idle": Scenario("idle", 0, 10, 0, 0, 2.5, 0, 0, 0, 0, 0, False),
    "small": Scenario("small", 10, 10, 20_000, 5, 2.5, 8, 0.0, 100, 50_000, 30_000, False),
    "medium": Scenario("medium", 100, 15, 1_000_000, 6, 2.5, 8, 0.3, 1_000, 2_000_000, 1_000_000, True),
}


@dataclass
class Bill:
    lines: dict[str, float]

    def add(self, service: str, amount: float) -> None:
        self.lines[service] = self.lines.get(service, 0.0) + amount

    @property
    def total(self) -> float:
        return sum(self.lines.values())


def tracker_month() -> float:
    """One 0.5 vCPU / 1 GB task, the load balancer, and three public addresses (two for the ALB)."""
    return HOURS_PER_MONTH * (0.5 * FARGATE_VCPU_HOUR + 1 * FARGATE_GB_HOUR + ALB_HOUR + 3 * PUBLIC_IPV4_HOUR)


def idle_bill(tracker: bool) -> Bill:
    """What the stack costs with no one using it."""
    bill = Bill({})
    bill.add("CloudWatch", ALARMS * ALARM_MONTH)
    bill.add("SQS", QUEUE_MAPPINGS * IDLE_POLLS_PER_MAPPING * SQS_REQUEST)
    bill.add("Lambda", TRENDING_RUNS * (TRENDING_GB_SECONDS * LAMBDA_GB_SECOND + LAMBDA_REQUEST))
    if tracker:
        bill.add("Tracker (Fargate, ALB, IPv4)", tracker_month())
    return bill


def month(s: Scenario) -> tuple[Bill, dict[str, float]]:
    """The month's bill, and the counts it was made from."""
    bill = idle_bill(s.tracker)
    upload_minutes = s.upload_hours * 60
    uploads = upload_minutes / s.average_upload_minutes if s.average_upload_minutes else 0
    watched_minutes = s.views * s.watch_minutes
    api_requests = s.views * s.api_requests_per_view
    segments_watched = watched_minutes * 60 / SEGMENT_SECONDS
    edge_bytes = watched_minutes * 60 * s.viewed_mbit * 1e6 / 8 * (1 - s.p2p_share)
    stored_gb = s.library_hours * 60 * STORED_MB_PER_MINUTE / 1000
    counts = {
        "API requests": api_requests,
        "segments served by CloudFront": segments_watched * (1 - s.p2p_share),
        "GB sent by CloudFront": edge_bytes / 1e9,
        "transcode GB-seconds": upload_minutes * TRANSCODE_SECONDS_PER_MINUTE * TRANSCODER_MEMORY_GB,
        "media stored (GB)": stored_gb,
    }

    # The API: API Gateway, Lambda, DynamoDB; its requests pass CloudFront (uncached).
    bill.add("API Gateway", api_requests * API_GATEWAY_REQUEST)
    bill.add("Lambda", api_requests * (API_SECONDS * API_MEMORY_GB * LAMBDA_GB_SECOND + LAMBDA_REQUEST))
    bill.add("DynamoDB", api_requests * (API_READ_UNITS * DYNAMODB_READ_UNIT + API_WRITE_UNITS * DYNAMODB_WRITE_UNIT))
    # Views reach their videos through the views queue, in batches (send, receive, delete).
    bill.add("SQS", s.views * 1.2 * SQS_REQUEST)
    # Statistics (docs/stats.md): every ping (one each PING_SECONDS of watching) carries its
    # viewer window on the same queue, and the consumer applies each window about once a
    # batch window (30 s): a transaction of about 4 items (2 write units each) and 3 reads.
    pings = watched_minutes * 60 / PING_SECONDS
    counts["view pings"] = pings
    bill.add("SQS", pings * 1.2 * SQS_REQUEST)
    bill.add("DynamoDB", watched_minutes * 2 * (8 * DYNAMODB_WRITE_UNIT + 3 * DYNAMODB_READ_UNIT))

    # Viewing: the edge. Playlists are a few requests per view; segments one per 4 s watched.
    edge_requests = api_requests + s.views * (2 + RENDITIONS) + counts["segments served by CloudFront"]
    bill.add("CloudFront", tiered(edge_bytes / 1e9, CLOUDFRONT_GB_TIERS) + edge_requests * CLOUDFRONT_HTTPS_REQUEST)
    bill.add("CloudFront", (api_requests + s.views) * CLOUDFRONT_FUNCTION)
    bill.add("S3", (s.views * RENDITIONS + counts["segments served by CloudFront"] * 0.05) * S3_GET)  # 95 % hits

    # Uploads: ingest, the transcoding steps, S3 writes, DynamoDB writes.
    steps = upload_minutes * 2 * RENDITIONS  # one step per 30 s chunk and rendition
    bill.add(
        "Lambda",
        counts["transcode GB-seconds"] * LAMBDA_GB_SECOND
        + upload_minutes * TRANSCODE_SECONDS_PER_MINUTE * TRANSCODER_STORAGE_GB * LAMBDA_STORAGE_GB_SECOND
        + uploads * INGEST_SECONDS_PER_VIDEO * API_MEMORY_GB * LAMBDA_GB_SECOND
        + (steps + uploads) * LAMBDA_REQUEST,
    )
    segment_puts = upload_minutes * 60 / SEGMENT_SECONDS * RENDITIONS
    bill.add("S3", (segment_puts + steps * 3 + uploads * 20) * S3_PUT)
    bill.add("SQS", steps * 3 * SQS_REQUEST)
    bill.add("DynamoDB", uploads * UPLOAD_WRITE_UNITS * DYNAMODB_WRITE_UNIT)

    # Federation: each delivery is a queued message and a signed POST; each activity received
    # an API request (the inbox), a queued message and its processing.
    bill.add("SQS", (s.deliveries + s.inbox_activities) * 1.2 * SQS_REQUEST)
    bill.add(
        "Lambda",
        s.deliveries * (DELIVERY_SECONDS * DELIVERY_MEMORY_GB * LAMBDA_GB_SECOND + LAMBDA_REQUEST / 10)
        + s.inbox_activities * (INBOX_SECONDS * INBOX_MEMORY_GB * LAMBDA_GB_SECOND + LAMBDA_REQUEST / 10)
        + s.inbox_activities * (API_SECONDS * API_MEMORY_GB * LAMBDA_GB_SECOND + LAMBDA_REQUEST),
    )
    bill.add("API Gateway", s.inbox_activities * API_GATEWAY_REQUEST)
    bill.add(
        "DynamoDB",
        s.deliveries * (DYNAMODB_READ_UNIT + DYNAMODB_WRITE_UNIT)
        + s.inbox_activities * INBOX_WRITE_UNITS * DYNAMODB_WRITE_UNIT,
    )

    # Storage: media (CloudFront reads it, never the viewers directly), the table with backups.
    table_gb = 0.5 + s.library_hours * 0.001
    bill.add("S3", stored_gb * S3_GB_MONTH)
    bill.add("DynamoDB", table_gb * (DYNAMODB_GB_MONTH + DYNAMODB_PITR_GB_MONTH))

    # Observability: logs of every invocation, X-Ray traces (1 a second, then 5 %).
    invocations = api_requests + s.inbox_activities * 2 + s.deliveries / 10 + steps + s.views / 50
    bill.add("CloudWatch", invocations * LOG_BYTES_PER_INVOCATION / 1e9 * LOG_INGEST_GB)
    traced = min(invocations, SECONDS_PER_MONTH) + 0.05 * max(0.0, invocations - SECONDS_PER_MONTH)
    bill.add("X-Ray", traced * XRAY_TRACE)
    return bill, counts


def server_month(s: Scenario) -> Bill:
    """One always-on t3.small (2 vCPU, 2 GiB: PeerTube's FAQ asks for 2 vCPUs and at least 1 GB;
    its demonstration server has 2 vCores and 2 GB), serving every byte itself, storing the
    videos on gp3, transcoding on its own CPU (a 2-core machine needs 66 s per minute of video,
    both cores busy, bench/transcode.py) beyond its 20 % baseline in unlimited mode."""
    bill = Bill({})
    bill.add("EC2 t3.small", HOURS_PER_MONTH * (T3_SMALL_HOUR + PUBLIC_IPV4_HOUR))
    transcode_vcpu_hours = s.upload_hours * 60 * 66 * 2 / 3600
    baseline_vcpu_hours = 2 * T3_SMALL_BASELINE * HOURS_PER_MONTH * 0.5  # half the credits left for the rest
    bill.add("EC2 CPU surplus", max(0.0, transcode_vcpu_hours - baseline_vcpu_hours) * T3_SURPLUS_VCPU_HOUR)
    stored_gb = s.library_hours * 60 * STORED_MB_PER_MINUTE / 1000
    bill.add("EBS gp3", max(20.0, 20 + stored_gb * 1.2) * EBS_GP3_GB_MONTH)  # system, database, 20 % free
    sent_gb = s.views * s.watch_minutes * 60 * s.viewed_mbit / 8 / 1000 * (1 - s.p2p_share)
    bill.add("Data transfer out", tiered(sent_gb, EC2_TRANSFER_OUT_GB_TIERS))
    return bill


def report(s: Scenario) -> str:
    bill, counts = month(s)
    idle = month(replace(SCENARIOS["idle"], tracker=s.tracker))[0].total
    server = server_month(s)
    lines = [f"Scenario {s.name!r}: {s.upload_hours:g} h uploaded, {s.views:,} views of {s.watch_minutes:g} min "
             f"at {s.viewed_mbit:g} Mbit/s ({s.p2p_share:.0%} peer-to-peer), {s.library_hours:g} h stored, "
             f"{s.deliveries:,} deliveries out, {s.inbox_activities:,} activities in"]  # fmt: skip
    lines.append(f"AWS list prices, {REGION}, {PRICES_AS_OF}; USD a month")
    lines.append("")
    lines += [f"  {service:<30} {amount:>10.2f}" for service, amount in sorted(bill.lines.items(), key=lambda i: -i[1])]
    lines.append(f"  {'Cirrus total':<30} {bill.total:>10.2f}")
    lines.append(f"  {'  idle (no traffic)':<30} {idle:>10.2f}")
    if s.views:
        viewing = (bill.lines.get("CloudFront", 0) + bill.lines.get("API Gateway", 0)) / s.views * 1000
        lines.append(f"  {'per 1,000 views (edge, API)':<30} {viewing:>10.3f}")
    if s.upload_hours:
        per_hour = per_upload_hour()
        lines.append(
            f"  {'per hour of video uploaded':<30} {per_hour:>10.3f}  (+{storage_per_hour():.3f} a month stored)"
        )
    lines.append("")
    lines += [f"  {item:<30} {amount:>10.2f}" for item, amount in server.lines.items()]
    lines.append(f"  {'one always-on server':<30} {server.total:>10.2f}")
    concurrent = s.views * s.watch_minutes / (HOURS_PER_MONTH * 60)
    capacity = T3_SMALL_BASELINE_MBIT / s.viewed_mbit
    lines.append(
        f"  viewers at once on average: {concurrent:,.0f}; the server's baseline network carries {capacity:,.0f}"
    )
    lines.append("")
    lines += [f"  {name}: {value:,.1f}" for name, value in counts.items()]
    return "\n".join(lines)


def per_upload_hour() -> float:
    """Transcoding and writing one hour of video (storage apart)."""
    one_hour = replace(SCENARIOS["idle"], upload_hours=1, average_upload_minutes=60)
    return month(one_hour)[0].total - idle_bill(False).total


def storage_per_hour() -> float:
    return 60 * STORED_MB_PER_MINUTE / 1000 * S3_GB_MONTH


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=SCENARIOS, default=None, help="one scenario (default: all)")
    for field in ("upload_hours", "views", "watch_minutes", "viewed_mbit", "p2p_share", "library_hours",
                  "deliveries", "inbox_activities"):  # fmt: skip
        parser.add_argument(f"--{field.replace('_', '-')}", type=float, default=None)
    parser.add_argument("--tracker", action=argparse.BooleanOptionalAction, default=None)
    args = parser.parse_args()
    chosen = [SCENARIOS[args.scenario]] if args.scenario else list(SCENARIOS.values())
    reports = []
    for scenario in chosen:
        changes: dict[str, Any] = {
            key: (int(value) if isinstance(getattr(scenario, key), int) and not isinstance(value, bool) else value)
            for key, value in vars(args).items()
            if key not in ("scenario",) and value is not None
        }
        reports.append(report(replace(scenario, **changes) if changes else scenario))
    print("\n\n".join(reports))
    assert math.isfinite(per_upload_hour())


if __name__ == "__main__":
    main()
