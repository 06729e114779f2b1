"""What the tracker scaler reads and changes of the tracker's tasks: their connections (the
CloudWatch metric each task writes, functions/tracker/metrics.py) and each shard's ECS service
(its desired and running task counts; starting or stopping its one task).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib import aws

# The tracker's metric (functions/tracker/metrics.py writes it; infra alarms read it).
NAMESPACE = "Cirrus"
CONNECTIONS = "TrackerConnections"
DIMENSIONS = [{"Name": "service", "Value": "tracker"}]


@dataclass(frozen=True)
class ServiceCounts:
    desired: int
    running: int


def connections_per_minute(until: datetime, minutes: int) -> list[float]:
    """The average connections per tracker task in each whole minute of the `minutes` before
    `until` (rounded down to its minute), oldest first; a minute no task reported is absent.
    One GetMetricData call."""
    end = until.replace(second=0, microsecond=0)
    answer = aws.cloudwatch().get_metric_data(
        MetricDataQueries=[
            {
                "Id": "connections",
                "MetricStat": {
                    "Metric": {"Namespace": NAMESPACE, "MetricName": CONNECTIONS, "Dimensions": DIMENSIONS},
                    "Period": 60,
                    "Stat": "Average",
                },
                "ReturnData": True,
            }
        ],
        StartTime=end - timedelta(minutes=minutes),
        EndTime=end,
        ScanBy="TimestampAscending",
    )
    results = answer.get("MetricDataResults") or [{}]
    points = sorted(zip(results[0].get("Timestamps", []), results[0].get("Values", []), strict=False))
    return [float(value) for _, value in points]


def service_counts(cluster: str, services: Sequence[str]) -> dict[str, ServiceCounts]:
    """Each named service's desired and running task counts (one DescribeServices call, at
    most 10 services: the template's 8 shards fit). A service ECS does not know is absent."""
    if not services:
        return {}
    answer = aws.ecs().describe_services(cluster=cluster, services=list(services))
    return {
        str(service["serviceName"]): ServiceCounts(
            int(service.get("desiredCount", 0)), int(service.get("runningCount", 0))
        )
        for service in answer.get("services", [])
        if service.get("status") != "INACTIVE"
    }


def set_task_counts(cluster: str, counts: Mapping[str, int]) -> None:
    """One UpdateService per service: its desired task count (0 or 1 for a tracker shard)."""
    for service, desired in counts.items():
        aws.ecs().update_service(cluster=cluster, service=service, desiredCount=desired)
