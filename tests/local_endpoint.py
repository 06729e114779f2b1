"""moto's DynamoDB, S3 and SQS behind a real local HTTP endpoint, with the instance's resources:
for tests where ffmpeg reads presigned URLs (it cannot read moto's in-process mock)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


@contextmanager
def endpoint_with_resources(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The endpoint, provisioned; failed transcoding steps come back after one second."""
    from moto.core.base_backend import BackendDict

    from chalicelib import aws as aws_clients
    from chalicelib.config import get_settings
    from local import resources
    from local.aws_endpoint import LocalAwsEndpoint

    BackendDict.reset()
    endpoint = LocalAwsEndpoint().start()
    monkeypatch.setenv("CIRRUS_AWS_ENDPOINT_URL", endpoint.url)
    get_settings.cache_clear()
    aws_clients.reset_clients()
    try:
        urls = resources.provision(get_settings(), aws_clients.s3(), aws_clients.sqs())
        queue = urls[get_settings().queues.transcode]
        aws_clients.sqs().set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "1"})
        yield {"queue": queue, "settings": get_settings(), "s3": aws_clients.s3(), "sqs": aws_clients.sqs()}
    finally:
        endpoint.stop()
        BackendDict.reset()
        monkeypatch.delenv("CIRRUS_AWS_ENDPOINT_URL")
        get_settings.cache_clear()
        aws_clients.reset_clients()
