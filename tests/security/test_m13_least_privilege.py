"""M13: the ingest and transcoder functions, which run ffprobe and ffmpeg on hostile files,
held DynamoDBCrudPolicy on the whole table (actors' private keys, password and token
hashes), and every function's environment held the root password.

The template is translated as SAM translates it (tests/infra/conftest.py) and each role's
statements are evaluated as IAM evaluates them for DynamoDB: action, resource, and the
`dynamodb:LeadingKeys` / `dynamodb:Attributes` conditions (the CDK app's roles are checked
equal to these by tests/infra/test_cdk.py::test_same_function_permissions)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.infra.conftest import TEMPLATE, load_template, translate
from tests.infra.iam import Renderer
from tests.security.iam_support import allowed

SECRETS = {
    "ACTOR#1": "an actor's private key",
    "USER#1": "a password hash",
    "TOKEN#abc": "an access token's hash",
    "OAUTHCLIENT#local": "the OAuth client secret",
    "USERNAME#root": "a username claim",
}
READS = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan")
WRITES = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")


@pytest.fixture(scope="module")
def roles() -> dict[str, list[dict[str, Any]]]:
    """Each function's role statements, rendered (Fn::GetAtt and Fn::Sub made strings)."""
    translated = translate(load_template(TEMPLATE.read_text()))
    resources = translated["Resources"]
    renderer = Renderer(resources)
    found: dict[str, list[dict[str, Any]]] = {}
    for name, resource in resources.items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        role = resources[resource["Properties"]["Role"]["Fn::GetAtt"][0]]
        statements = [
            statement
            for policy in role["Properties"].get("Policies", [])
            for statement in renderer.render(policy["PolicyDocument"])["Statement"]
        ]
        managed = json.dumps(role["Properties"].get("ManagedPolicyArns", []))
        assert "DynamoDB" not in managed, f"{name}: a managed policy would bypass the evaluation"
        found[name] = statements
    return found


@pytest.mark.parametrize("function", ["IngestFunction", "TranscoderFunction"])
@pytest.mark.parametrize("partition", sorted(SECRETS))
def test_media_functions_cannot_touch_secret_items(
    roles: dict[str, list[dict[str, Any]]], function: str, partition: str
) -> None:
    statements = roles[function]
    for action in (*READS, *WRITES):
        if partition.startswith("USER#") and action == "dynamodb:UpdateItem":
            continue  # the quota counter, checked below
        assert not allowed(statements, action, partition, None), f"{action} on {SECRETS[partition]}"
    assert not allowed(statements, "dynamodb:Scan", "VIDEO#1", None), "a Scan reads every partition"


def test_transcoder_may_add_to_a_quota_and_nothing_else_of_a_user(roles: dict[str, list[dict[str, Any]]]) -> None:
    statements = roles["TranscoderFunction"]
    assert allowed(statements, "dynamodb:UpdateItem", "USER#1", ["pk", "sk", "video_quota_used"])
    assert not allowed(statements, "dynamodb:UpdateItem", "USER#1", ["pk", "sk", "password"])
    assert not allowed(statements, "dynamodb:UpdateItem", "USER#1", ["pk", "sk", "role"])
    quota = ["pk", "sk", "video_quota_used"]
    assert not allowed(statements, "dynamodb:UpdateItem", "USER#1", quota, "ALL_NEW"), "the item would come back"
    assert not allowed(roles["IngestFunction"], "dynamodb:UpdateItem", "USER#1", ["pk", "sk", "video_quota_used"])


def test_media_functions_still_reach_what_they_use(roles: dict[str, list[dict[str, Any]]]) -> None:
    ingest, transcoder = roles["IngestFunction"], roles["TranscoderFunction"]
    for statements in (ingest, transcoder):
        assert allowed(statements, "dynamodb:GetItem", "VIDEOUUID#0b5f", None)
        assert allowed(statements, "dynamodb:GetItem", "VIDEO#1", None)
        assert allowed(statements, "dynamodb:UpdateItem", "VIDEO#1", None)
    assert allowed(transcoder, "dynamodb:Query", "VIDEO#1", None)
    assert allowed(transcoder, "dynamodb:PutItem", "VIDEO#1", None)
    assert allowed(transcoder, "dynamodb:PutItem", "INFOHASH#ab12", None)
    assert allowed(transcoder, "dynamodb:UpdateItem", "STATS#instance", None)


def test_the_root_password_is_the_api_functions_alone() -> None:
    template = load_template(TEMPLATE.read_text())
    assert "PT_INITIAL_ROOT_PASSWORD" not in template["Globals"]["Function"]["Environment"]["Variables"]
    translated = translate(template)
    holders = {
        name
        for name, resource in translated["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function"
        and "PT_INITIAL_ROOT_PASSWORD" in resource["Properties"].get("Environment", {}).get("Variables", {})
    }
    assert holders == {"ApiFunction"}


def test_a_published_video_is_announced_by_the_broadcast_function(peer: Any, api: Any, people: Any) -> None:
    """The transcoder no longer reads actors: on publication it queues a notice naming the
    video, and the broadcast function (which holds the actors) sends Create and Announces."""
    from chalicelib.activitypub.delivery import outbox
    from tests.queue_runner import drain_federation
    from tests.video_seed import add_video

    peer.follow_our_instance(api)
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "Announced by the broadcast function")
    outbox.announce_published(int(video.id))
    drain_federation()

    shared = peer.inbox_activities("/inbox")
    assert sorted(a["type"] for a in shared) == ["Announce", "Announce"]
    assert {a["object"] for a in shared} == {str(video.url)}


def test_a_publication_notice_for_an_unpublished_video_sends_nothing(peer: Any, api: Any, people: Any) -> None:
    from chalicelib.activitypub.delivery import outbox
    from chalicelib.store import videos
    from tests.queue_runner import drain_federation
    from tests.video_seed import add_video

    peer.follow_our_instance(api)
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "Still transcoding")
    stored = videos.get_video(int(video.id))
    assert stored is not None
    stored.update(actions=[type(stored).stage.set("encoding")])
    outbox.announce_published(int(video.id))
    drain_federation()

    assert peer.inbox_activities("/inbox") == []


def _sqs_event(body: dict[str, Any], sender: str) -> dict[str, Any]:
    attributes = {
        "ApproximateReceiveCount": "1",
        "SentTimestamp": "0",
        "SenderId": sender,
        "ApproximateFirstReceiveTimestamp": "0",
    }
    record = {
        "messageId": "m-1",
        "receiptHandle": "r-1",
        "body": json.dumps(body),
        "attributes": attributes,
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:cirrus-broadcast",
        "awsRegion": "us-east-1",
    }
    return {"Records": [record]}


def test_a_broadcast_sent_by_the_transcoders_role_is_dropped(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQS says which principal sent a message: a broadcast (an activity, and the local actor
    whose key signs it) from the transcoder's role is not signed nor delivered."""
    from chalicelib import aws as aws_clients
    from chalicelib import queues
    from chalicelib.activitypub.delivery.messages import Broadcast
    from chalicelib.activitypub.delivery.outbox import serialise
    from chalicelib.config import get_settings
    from functions.federation.broadcast import handle_broadcast
    from local.lambda_runtime import LocalLambdaContext

    monkeypatch.setenv("CIRRUS_TRANSCODER_ROLE_ID", "AROATRANSCODER")
    get_settings.cache_clear()
    activity = {"type": "Delete", "id": "https://video.example.org/x#delete", "actor": "https://video.example.org/a/b"}
    forged = Broadcast(serialise(activity), signer_id=1, inboxes=("https://peer.example/inbox",)).to_json()
    context = LocalLambdaContext("broadcast", 256, 60, "us-east-1")
    url = queues.queue_url(get_settings().queues.deliver)

    def queued() -> int:
        answer = aws_clients.sqs().get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        return int(answer["Attributes"]["ApproximateNumberOfMessages"])

    handle_broadcast(_sqs_event(forged, "AROATRANSCODER:cirrus-transcoder"), context)
    assert queued() == 0
    handle_broadcast(_sqs_event(forged, "AROAAPIFUNCTION:cirrus-api"), context)
    assert queued() == 1, "the same message from another function is delivered"
    get_settings.cache_clear()
