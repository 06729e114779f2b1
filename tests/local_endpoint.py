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
    from chalicelib import caches
    from chalicelib.config import get_settings
    from local import resources
    from local.aws_endpoint import LocalAwsEndpoint

    BackendDict.reset()
    endpoint = LocalAwsEndpoint().start()
    monkeypatch.setenv("CIRRUS_AWS_ENDPOINT_URL", endpoint.url)
    caches.reset_all()
    try:
        urls = resources.provision(get_settings(), aws_clients.s3(), aws_clients.sqs())
        queue = urls[get_settings().queues.transcode]
        aws_clients.sqs().set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "1"})
        yield {"queue": queue, "settings": get_settings(), "s3": aws_clients.s3(), "sqs": aws_clients.sqs()}
    finally:
        endpoint.stop()
        BackendDict.reset()
        monkeypatch.delenv("CIRRUS_AWS_ENDPOINT_URL")
        caches.reset_all()


def transcoder_context() -> Any:
    """The context Lambda hands the transcoder."""
    from local.lambda_runtime import LocalLambdaContext

    return LocalLambdaContext("transcoder", 3008, 900, "us-east-1")


def drain_transcoding(stack: dict[str, Any], video: Any, seconds: float = 90) -> Any:
    """Run the transcode queue's steps, as Lambda would, until the video is done or failed."""
    import time

    from chalicelib.store import videos
    from functions.transcoder.handler import handle_step
    from local.pump import EventPump, SqsBinding

    arn = stack["sqs"].get_queue_attributes(QueueUrl=stack["queue"], AttributeNames=["QueueArn"])["Attributes"]
    binding = SqsBinding(
        stack["queue"],
        arn["QueueArn"],
        lambda event: handle_step(event, transcoder_context()),
        batch_size=1,
        name="transcode",
    )
    pump = EventPump(stack["sqs"], "us-east-1")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        current = videos.get_video(int(video.id))
        if current is not None and current.stage in ("done", "failed"):
            return current
        if not pump.poll_sqs_once(binding):
            time.sleep(0.2)
    raise AssertionError("transcoding did not finish")
