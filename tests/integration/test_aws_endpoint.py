"""The embedded AWS endpoint, over real HTTP, does what the instance needs of S3 and DynamoDB."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from moto.core.base_backend import BackendDict

from local.aws_endpoint import LocalAwsEndpoint


@pytest.fixture
def clients() -> Iterator[dict[str, Any]]:
    BackendDict.reset()
    endpoint = LocalAwsEndpoint().start()
    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    yield {name: session.client(name, endpoint_url=endpoint.url) for name in ("dynamodb", "s3", "sqs")}
    endpoint.stop()
    BackendDict.reset()


def test_presigned_put_and_multipart_upload_notify_the_queue(clients: dict[str, Any]) -> None:
    s3, sqs = clients["s3"], clients["sqs"]
    s3.create_bucket(Bucket="uploads")
    queue = sqs.create_queue(QueueName="s3-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket="uploads",
        NotificationConfiguration={"QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]},
    )

    # A browser uploads a small file with a presigned PUT ...
    url = s3.generate_presigned_url("put_object", Params={"Bucket": "uploads", "Key": "small.webm"}, ExpiresIn=300)
    assert requests.put(url, data=b"tiny video", timeout=10).status_code == 200

    # ... and a large one in parts, each with its own presigned URL.
    upload = s3.create_multipart_upload(Bucket="uploads", Key="large.mp4")["UploadId"]
    parts = []
    chunks = [os.urandom(5 * 1024 * 1024), os.urandom(1024)]
    for number, chunk in enumerate(chunks, start=1):
        part_url = s3.generate_presigned_url(
            "upload_part",
            Params={"Bucket": "uploads", "Key": "large.mp4", "UploadId": upload, "PartNumber": number},
        )
        response = requests.put(part_url, data=chunk, timeout=10)
        assert response.status_code == 200
        parts.append({"PartNumber": number, "ETag": response.headers["ETag"]})
    s3.complete_multipart_upload(Bucket="uploads", Key="large.mp4", UploadId=upload, MultipartUpload={"Parts": parts})
    assert s3.get_object(Bucket="uploads", Key="large.mp4")["Body"].read() == b"".join(chunks)

    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    events = [r for m in messages for r in json.loads(m["Body"]).get("Records", [])]
    # moto names both events ObjectCreated:Put (AWS says CompleteMultipartUpload for the
    # second), so handlers subscribe to ObjectCreated:* and never branch on the suffix.
    created = {r["s3"]["object"]["key"] for r in events if r["eventName"].startswith("ObjectCreated:")}
    assert created == {"small.webm", "large.mp4"}


def test_conditional_writes_and_transactions(clients: dict[str, Any]) -> None:
    ddb = clients["dynamodb"]
    ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="t", Item={"pk": {"S": "taken"}}, ConditionExpression="attribute_not_exists(pk)")
    with pytest.raises(ClientError, match="ConditionalCheckFailed"):
        ddb.put_item(TableName="t", Item={"pk": {"S": "taken"}}, ConditionExpression="attribute_not_exists(pk)")
    with pytest.raises(ClientError, match="TransactionCanceled"):
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "new"}}}},
                {
                    "Put": {
                        "TableName": "t",
                        "Item": {"pk": {"S": "taken"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    assert "Item" not in ddb.get_item(TableName="t", Key={"pk": {"S": "new"}})
