"""The AWS resources of one Cirrus instance, as the embedded stack creates them.

What they are (queues, dead-letter queues, buckets) is chalicelib/deploy_specs.py's, which
template.yaml and the CDK app declare too (tests/infra keeps them in step); this module
creates the main table, the buckets and the queues. Creation is idempotent, so it runs at
every start, over restored data too.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalicelib.deploy_specs import DLQ_RETENTION_SECONDS, bucket_names, queue_specs
from chalicelib.store import table

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.deploy_specs import QueueSpec


def provision(settings: Settings, s3: Any, sqs: Any) -> dict[str, str]:
    """Create what is missing; return the queue URLs by queue name (DLQs included)."""
    table.bind(settings)
    table.create_table()
    for bucket in bucket_names(settings):
        _ensure_bucket(s3, bucket, settings.aws_region)
    urls: dict[str, str] = {}
    for spec in queue_specs(settings):
        urls.update(ensure_queue(sqs, spec))
    _ensure_mail_identity(settings)
    return urls


def _ensure_mail_identity(settings: Settings) -> None:
    """The sending address, verified in (moto's) SES, as template.yaml's MailIdentity is on AWS."""
    from chalicelib import aws

    client = aws.sesv2()
    try:
        client.get_email_identity(EmailIdentity=settings.mail_from)
    except client.exceptions.NotFoundException:
        client.create_email_identity(EmailIdentity=settings.mail_from)


def ensure_queue(sqs: Any, spec: QueueSpec) -> dict[str, str]:
    """Create a queue and its DLQ with the redrive policy; return both URLs by name."""
    dlq_url = sqs.create_queue(
        QueueName=spec.dlq_name,
        Attributes={"MessageRetentionPeriod": str(DLQ_RETENTION_SECONDS)},
    )["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    attributes = {
        "VisibilityTimeout": str(spec.visibility_timeout),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": spec.max_receive_count}),
    }
    url = sqs.create_queue(QueueName=spec.name)["QueueUrl"]
    # create_queue refuses different attributes on an existing queue, so set them apart.
    sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    return {spec.name: url, spec.dlq_name: dlq_url}


def _ensure_bucket(s3: Any, bucket: str, region: str) -> None:
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket in existing:
        return
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
