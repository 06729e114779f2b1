"""boto3 clients, built lazily and once per execution environment.

Each client costs 50-90 ms to build, so a handler only pays for the ones it uses, and the
import of this module costs nothing: boto3 itself is imported on first use. Every client,
PynamoDB's included, comes from one botocore session: a session parses the endpoint rules
and each service's model once, where a fresh session per client parsed them again.
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING, Any

from chalicelib import caches
from chalicelib.config import get_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient


# botocore sessions are not safe to build clients from concurrently (delivery sends from threads).
_building = threading.RLock()


@functools.cache
def _boto3_session() -> Any:
    """The process's session. It holds no endpoint or region, so nothing resets it."""
    import boto3

    return boto3.session.Session()


def botocore_session() -> Any:
    """The botocore session under the process's boto3 session (for PynamoDB)."""
    return _boto3_session()._session


@functools.cache
def _client(service: str) -> Any:
    settings = get_settings()
    with _building:
        return _boto3_session().client(
            service,
            region_name=settings.aws_region,
            endpoint_url=settings.aws_endpoint_url,
        )


def dynamodb() -> DynamoDBClient:
    return _client("dynamodb")  # type: ignore[no-any-return]


def s3() -> S3Client:
    return _client("s3")  # type: ignore[no-any-return]


def kms() -> Any:
    # No typed stubs for KMS among the dev dependencies; two calls are made (sealed_keys.py).
    return _client("kms")


def ecs() -> Any:
    # The work function starts import tasks (store/import_tasks.py); the tracker scaler reads
    # and sets its shards' services (store/tracker_fleet.py). A few calls, no stubs.
    return _client("ecs")


def cloudwatch() -> Any:
    # One call (GetMetricData: the tracker's connections, store/tracker_fleet.py).
    return _client("cloudwatch")


def sqs() -> SQSClient:
    return _client("sqs")  # type: ignore[no-any-return]


def sesv2() -> Any:
    # One call (SendEmail, store/mail.py): no typed stubs needed.
    return _client("sesv2")


def transcribe() -> Any:
    # Two calls (StartTranscriptionJob, GetTranscriptionJob: domain/amazon_transcribe.py).
    return _client("transcribe")


def lambda_() -> Any:
    # A few calls (an asynchronous Invoke, store/realtime.py; event source mappings,
    # store/job_queues.py): no typed stubs needed.
    return _client("lambda")


def logs() -> Any:
    # One call (FilterLogEvents, store/server_logs.py): no typed stubs needed.
    return _client("logs")


@functools.cache
def apigateway_management(endpoint_url: str) -> Any:
    """The management API of one WebSocket API stage (post_to_connection), at that API's
    own endpoint."""
    settings = get_settings()
    with _building:
        return _boto3_session().client(
            "apigatewaymanagementapi",
            region_name=settings.aws_region,
            endpoint_url=endpoint_url,
        )


@caches.register
def reset_clients() -> None:
    """Forget cached clients (another endpoint; `caches.reset_all()` forgets queue URLs too)."""
    _client.cache_clear()
    apigateway_management.cache_clear()
