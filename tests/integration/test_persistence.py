"""The embedded endpoint's state survives a restart: tables, objects and queued messages."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.core.base_backend import BackendDict

from local.aws_endpoint import LocalAwsEndpoint
from local.persistence import SnapshotStore, Snapshotter

BIG = os.urandom(3 * 1024 * 1024)


def _clients(url: str) -> dict[str, Any]:
    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    return {name: session.client(name, endpoint_url=url) for name in ("dynamodb", "s3", "sqs")}


@pytest.fixture
def endpoint() -> Iterator[LocalAwsEndpoint]:
    BackendDict.reset()
    running = LocalAwsEndpoint().start()
    yield running
    running.stop()
    BackendDict.reset()


def _restart(endpoint: LocalAwsEndpoint, store: SnapshotStore) -> LocalAwsEndpoint:
    endpoint.stop()
    BackendDict.reset()
    store.restore()
    return LocalAwsEndpoint().start()


def _seed(c: dict[str, Any]) -> str:
    c["dynamodb"].create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    c["dynamodb"].update_time_to_live(
        TableName="t", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )
    c["dynamodb"].transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "a"}, "n": {"N": "1"}}}},
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "b"}, "n": {"N": "2"}}}},
        ]
    )
    c["s3"].create_bucket(Bucket="media")
    c["s3"].put_object(Bucket="media", Key="static/big.bin", Body=BIG, ContentType="application/octet-stream")
    c["s3"].put_object(Bucket="media", Key="static/copy.bin", Body=BIG)
    queue = c["sqs"].create_queue(QueueName="work", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
    c["sqs"].send_message(QueueUrl=queue, MessageBody="first")
    c["sqs"].send_message(QueueUrl=queue, MessageBody="second")
    received = c["sqs"].receive_message(QueueUrl=queue, MaxNumberOfMessages=1)["Messages"]
    assert received[0]["Body"] == "first"
    return str(queue)


def test_state_survives_a_restart(endpoint: LocalAwsEndpoint, tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    _seed(_clients(endpoint.url))
    with endpoint.paused():
        snapshot = store.capture()
    store.write(snapshot)
    # Identical bodies share one blob.
    assert len(list((tmp_path / "blobs").iterdir())) == 1

    restarted = _restart(endpoint, store)
    try:
        c = _clients(restarted.url)
        items = c["dynamodb"].scan(TableName="t")["Items"]
        assert sorted(i["pk"]["S"] for i in items) == ["a", "b"]
        ttl = c["dynamodb"].describe_time_to_live(TableName="t")["TimeToLiveDescription"]
        assert ttl["AttributeName"] == "expires_at"
        obj = c["s3"].get_object(Bucket="media", Key="static/big.bin")
        assert obj["Body"].read() == BIG
        assert obj["ContentType"] == "application/octet-stream"
        queue = c["sqs"].get_queue_url(QueueName="work")["QueueUrl"]
        time.sleep(1.1)  # the received message becomes visible again, with its receive count
        messages = c["sqs"].receive_message(QueueUrl=queue, MaxNumberOfMessages=10, AttributeNames=["All"])
        counts = {m["Body"]: m["Attributes"]["ApproximateReceiveCount"] for m in messages["Messages"]}
        assert counts == {"first": "2", "second": "1"}
    finally:
        restarted.stop()


def test_blobs_no_longer_referenced_are_removed(endpoint: LocalAwsEndpoint, tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    c = _clients(endpoint.url)
    c["s3"].create_bucket(Bucket="media")
    c["s3"].put_object(Bucket="media", Key="k", Body=b"old")
    snapshotter = Snapshotter(store, changes=lambda: endpoint.changes, quiet=endpoint.paused, interval=60)
    assert snapshotter.save_if_changed()
    c["s3"].put_object(Bucket="media", Key="k", Body=b"new")
    assert snapshotter.save_if_changed()
    blobs = list((tmp_path / "blobs").iterdir())
    assert [b.read_bytes() for b in blobs] == [b"new"]


def test_reads_do_not_trigger_snapshots(endpoint: LocalAwsEndpoint, tmp_path: Path) -> None:
    c = _clients(endpoint.url)
    queue = c["sqs"].create_queue(QueueName="q")["QueueUrl"]
    snapshotter = Snapshotter(SnapshotStore(tmp_path), changes=lambda: endpoint.changes, quiet=endpoint.paused)
    assert snapshotter.save_if_changed()
    c["sqs"].receive_message(QueueUrl=queue, WaitTimeSeconds=0)
    c["s3"].list_buckets()
    assert not snapshotter.save_if_changed()
    c["sqs"].send_message(QueueUrl=queue, MessageBody="x")
    assert snapshotter.save_if_changed()


def test_objects_completed_from_multipart_uploads_survive_a_restart(endpoint: LocalAwsEndpoint, tmp_path: Path) -> None:
    # Resumable uploads complete a multipart upload: moto disposes of the parts (closing their
    # buffers) while the completed key still refers to them. Snapshots failed on every such key.
    store = SnapshotStore(tmp_path)
    c = _clients(endpoint.url)
    c["s3"].create_bucket(Bucket="uploads")
    upload = c["s3"].create_multipart_upload(Bucket="uploads", Key="clip.mp4")["UploadId"]
    first, second = os.urandom(5 * 1024 * 1024), os.urandom(1024)
    parts = [
        {
            "PartNumber": n,
            "ETag": c["s3"].upload_part(Bucket="uploads", Key="clip.mp4", UploadId=upload, PartNumber=n, Body=body)[
                "ETag"
            ],
        }
        for n, body in ((1, first), (2, second))
    ]
    c["s3"].complete_multipart_upload(
        Bucket="uploads", Key="clip.mp4", UploadId=upload, MultipartUpload={"Parts": parts}
    )
    c["s3"].put_object(Bucket="uploads", Key="overwritten", Body=b"old")
    c["s3"].put_object(Bucket="uploads", Key="overwritten", Body=b"new")
    c["s3"].put_object(Bucket="uploads", Key="deleted", Body=b"gone")
    c["s3"].delete_object(Bucket="uploads", Key="deleted")
    snapshotter = Snapshotter(store, changes=lambda: endpoint.changes, quiet=endpoint.paused, interval=60)
    assert snapshotter.save_if_changed()

    restarted = _restart(endpoint, store)
    try:
        s3 = _clients(restarted.url)["s3"]
        assert s3.get_object(Bucket="uploads", Key="clip.mp4")["Body"].read() == first + second
        assert s3.get_object(Bucket="uploads", Key="overwritten")["Body"].read() == b"new"
        assert [o["Key"] for o in s3.list_objects_v2(Bucket="uploads")["Contents"]] == ["clip.mp4", "overwritten"]
    finally:
        restarted.stop()


def test_writes_are_refused_while_the_state_cannot_be_saved(endpoint: LocalAwsEndpoint, tmp_path: Path) -> None:
    from botocore.config import Config
    from botocore.exceptions import ClientError

    directory = tmp_path / "aws"
    errors: list[BaseException] = []
    snapshotter = Snapshotter(
        SnapshotStore(directory),
        changes=lambda: endpoint.changes,
        quiet=endpoint.paused,
        interval=60,
        on_error=lambda exc: (errors.append(exc), endpoint.refuse_writes(str(exc))),
        on_recovered=lambda: endpoint.refuse_writes(None),
    )
    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    s3 = session.client("s3", endpoint_url=endpoint.url, config=Config(retries={"max_attempts": 1}))
    s3.create_bucket(Bucket="media")
    s3.put_object(Bucket="media", Key="kept", Body=b"kept")
    directory.write_bytes(b"")  # the data directory cannot be created: every snapshot fails
    snapshotter.save_reporting()
    assert errors and snapshotter.failing

    with pytest.raises(ClientError) as refused:
        s3.put_object(Bucket="media", Key="lost", Body=b"would be lost")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert s3.get_object(Bucket="media", Key="kept")["Body"].read() == b"kept"  # reads go on

    directory.unlink()
    snapshotter.save_reporting()
    assert not snapshotter.failing
    s3.put_object(Bucket="media", Key="accepted", Body=b"again")
    assert SnapshotStore(directory).exists()
