"""The tracker's figures for CloudWatch: one embedded-metric-format log line a minute.

The container's stdout goes to its log group (awslogs), where CloudWatch reads lines in the
embedded metric format as metrics, so the tracker needs no client, role or call of its own.
`TrackerConnections` (Maximum across shards) drives template.yaml's TrackerConnectionsHigh
alarm: time to add shards. Written by hand: aws-lambda-powertools would be the container's
largest dependency for one line a minute.
"""

from __future__ import annotations

import json

NAMESPACE = "Cirrus"  # the functions' POWERTOOLS_METRICS_NAMESPACE
SERVICE = "tracker"
REPORT_SECONDS = 60.0


def emf_line(health: dict[str, int | str], now_ms: int) -> str:
    """The line for the tracker's health figures (connections, swarms, peers) at `now_ms`."""
    figures = {
        "TrackerConnections": int(health["connections"]),
        "TrackerSwarms": int(health["swarms"]),
        "TrackerPeers": int(health["peers"]),
    }
    document = {
        "_aws": {
            "Timestamp": now_ms,
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [["service"]],
                    "Metrics": [{"Name": name, "Unit": "Count"} for name in figures],
                }
            ],
        },
        "service": SERVICE,
        **figures,
    }
    return json.dumps(document, separators=(",", ":"))
