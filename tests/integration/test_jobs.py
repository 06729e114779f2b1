"""PeerTube's job list over Cirrus's queues (moto): `/api/v1/jobs/{state}` counts from SQS,
failed jobs read from the dead-letter queues without being consumed, a retry that puts one
back on its queue, and pause/resume through Lambda's event source mappings."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from chalicelib import aws as aws_clients
from chalicelib.config import get_settings, load_settings
from chalicelib.deploy_specs import queue_specs
from chalicelib.domain import jobs
from chalicelib.store import queues
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.e2e.openapi_paths import assert_answers
from tests.members import Member
from tests.openapi import assert_conforms

JOBS = "/api/v1/jobs"
# PeerTube's job ids are BullMQ's (strings), the file says integer; its error is BullMQ's
# failedReason, a string, the file says object. finishedOn: a dead letter does not say when it
# was moved, and PeerTube sends null for a date it does not have.
JOB_DEVIATIONS = (r"id: '", r"error: '", r'error: "', r"finishedOn: None")


@pytest.fixture
def root(api: ApiClient) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def _url(name: str) -> str:
    return queues.queue_url(name)


def _fail(queue_name: str, body: dict[str, Any], receives: int) -> str:
    """Send a message and receive it until SQS moves it to the dead-letter queue (moto does,
    as SQS, on the receive after maxReceiveCount); return its id."""
    sqs = aws_clients.sqs()
    message_id = sqs.send_message(QueueUrl=_url(queue_name), MessageBody=json.dumps(body))["MessageId"]
    for _ in range(receives + 1):
        sqs.receive_message(QueueUrl=_url(queue_name), MaxNumberOfMessages=10, VisibilityTimeout=0)
    return str(message_id)


def _transcode_failed(count: int) -> list[str]:
    name = get_settings().queues.transcode
    return [_fail(name, {"video": i, "step": "chunk 0 x 1"}, receives=3) for i in range(count)]


def test_every_queue_is_a_job_type() -> None:
    assert set(jobs.QUEUE_JOB_TYPES) == {spec.key for spec in queue_specs(load_settings({}))}
    assert set(jobs.QUEUE_JOB_TYPES) == set(load_settings({}).queues.by_key())


def test_only_administrators_see_and_drive_jobs(api: ApiClient, root: str, people: dict[str, Member]) -> None:
    assert api.get(f"{JOBS}/failed").status == 401
    assert api.post_json(f"{JOBS}/pause", {}).status == 401
    for member in (people["alice"], people["mod"]):  # a moderator has no MANAGE_JOBS either
        refused = api.get_as(f"{JOBS}/failed", member.token)
        assert refused.status == 403
        assert "right (No. 7)" in refused.json()["detail"]
        assert api.post_json(f"{JOBS}/pause", {}, token=member.token).status == 403
        assert api.post_json(f"{JOBS}/resume", {}, token=member.token).status == 403
        assert api.post_json(f"{JOBS}/retry", {"id": "video-transcoding:x"}, token=member.token).status == 403
    assert api.get_as(f"{JOBS}/failed", root).status == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/finished", "state"),
        ("/failed?jobType=nope", "jobType"),
        ("/failed?sort=-id", "sort"),
        ("?count=101", "count"),
    ],
)
def test_bad_states_and_queries_are_400(api: ApiClient, root: str, query: str, field: str) -> None:
    answer = api.get_as(f"{JOBS}{query}", root)
    assert answer.status == 400, answer.body
    assert field in answer.json()["invalid-params"]


def test_counts_come_from_the_queues(api: ApiClient, root: str) -> None:
    sqs = aws_clients.sqs()
    transcode = get_settings().queues.transcode
    for i in range(3):
        sqs.send_message(QueueUrl=_url(transcode), MessageBody=json.dumps({"n": i}))
    sqs.send_message(QueueUrl=_url(transcode), MessageBody="{}", DelaySeconds=600)
    sqs.receive_message(QueueUrl=_url(transcode), MaxNumberOfMessages=1, VisibilityTimeout=600)
    _fail(get_settings().queues.work, {"task": "mail"}, receives=5)

    def total(path: str) -> int:
        answer = api.get_as(f"{JOBS}{path}", root)
        assert answer.status == 200, answer.body
        return int(answer.json()["total"])

    assert total("/waiting?jobType=video-transcoding") == 2
    assert total("/active?jobType=video-transcoding") == 1
    assert total("/delayed?jobType=video-transcoding") == 1
    assert total("/completed") == 0
    assert total("/failed") == 1
    assert total("/failed?jobType=video-transcoding") == 0
    assert total("/failed?jobType=cirrus-work") == 1
    assert total("/waiting?jobType=video-redundancy") == 0  # PeerTube's, and no queue of Cirrus's
    assert total("") == 5
    waiting = api.get_as(f"{JOBS}/waiting", root).json()
    assert waiting["data"] == []  # never received: that would count towards the DLQ


def test_failed_jobs_are_listed_paged_and_left_in_the_dead_letter_queue(api: ApiClient, root: str) -> None:
    ids = _transcode_failed(12)
    newest = api.get_as(f"{JOBS}/failed?count=5", root).json()
    assert newest["total"] == 12
    assert len(newest["data"]) == 5
    job = newest["data"][0]
    assert_conforms("Job", job, known_deviations=JOB_DEVIATIONS)
    assert job["state"] == "failed" and job["type"] == "video-transcoding"
    assert job["id"].split(":", 1) == ["video-transcoding", job["id"].split(":", 1)[1]]
    assert set(job["data"]) == {"video", "step"}
    assert "dead-letter queue" in job["error"]

    deviations = tuple(rf"data/\d+/{deviation}" for deviation in JOB_DEVIATIONS)
    assert_answers("GET", "/api/v1/jobs/{state}", newest, known_deviations=deviations)
    everything = api.get_as(f"{JOBS}/failed?count=100&sort=createdAt", root).json()["data"]
    assert sorted(j["id"].split(":", 1)[1] for j in everything) == sorted(ids)
    stamps = [j["createdAt"] for j in everything]
    assert stamps == sorted(stamps)
    again = api.get_as(f"{JOBS}/failed?count=100&sort=createdAt", root).json()["data"]
    assert [j["id"] for j in again] == [j["id"] for j in everything]  # read twice, still there, once each
    second_page = api.get_as(f"{JOBS}/failed?start=10&count=5&sort=createdAt", root).json()["data"]
    assert [j["id"] for j in second_page] == [j["id"] for j in everything[10:]]


def test_a_retried_job_goes_back_to_its_queue_once(api: ApiClient, root: str) -> None:
    ids = _transcode_failed(3)
    job_id = f"video-transcoding:{ids[1]}"

    assert api.post_json(f"{JOBS}/retry", {"id": job_id}, token=root).status == 204

    received = aws_clients.sqs().receive_message(
        QueueUrl=_url(get_settings().queues.transcode), MaxNumberOfMessages=10
    )["Messages"]
    assert [json.loads(m["Body"]) for m in received] == [{"video": 1, "step": "chunk 0 x 1"}]
    left = api.get_as(f"{JOBS}/failed", root).json()
    assert left["total"] == 2
    assert {j["id"] for j in left["data"]} == {f"video-transcoding:{ids[0]}", f"video-transcoding:{ids[2]}"}
    gone = api.post_json(f"{JOBS}/retry", {"id": job_id}, token=root)
    assert gone.status == 404
    assert api.post_json(f"{JOBS}/retry", {"id": f"cirrus-work:{ids[0]}"}, token=root).status == 404  # another queue's
    assert api.post_json(f"{JOBS}/retry", {"id": "nonsense"}, token=root).status == 404
    assert api.post_json(f"{JOBS}/retry", {"id": 3}, token=root).status == 400
    assert api.get_as(f"{JOBS}/failed", root).json()["total"] == 2  # the others were released


def _mapping(queue_name: str) -> str:
    """A Lambda function and its event source mapping on the queue, as template.yaml has."""
    iam = aws_clients._client("iam")
    role = iam.create_role(RoleName="consumer", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("handler.py", "def handle(event, context):\n    return {}\n")
    client = aws_clients.lambda_()
    client.create_function(
        FunctionName="consumer",
        Runtime="python3.11",
        Role=role,
        Handler="handler.handle",
        Code={"ZipFile": archive.getvalue()},
    )
    arn = aws_clients.sqs().get_queue_attributes(QueueUrl=_url(queue_name), AttributeNames=["QueueArn"])
    return str(
        client.create_event_source_mapping(EventSourceArn=arn["Attributes"]["QueueArn"], FunctionName="consumer")[
            "UUID"
        ]
    )


def test_pause_and_resume_switch_the_queues_event_source_mappings(api: ApiClient, root: str) -> None:
    mapping = _mapping(get_settings().queues.work)
    client = aws_clients.lambda_()

    assert api.post_json(f"{JOBS}/pause", {}, token=root).status == 204
    assert client.get_event_source_mapping(UUID=mapping)["State"] == "Disabled"
    assert api.post_json(f"{JOBS}/resume", {}, token=root).status == 204
    assert client.get_event_source_mapping(UUID=mapping)["State"] == "Enabled"
    client.delete_event_source_mapping(UUID=mapping)  # moto would invoke the function on a send
