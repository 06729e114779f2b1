"""M13: the ingest and transcoder functions, which run ffprobe and ffmpeg on hostile files,
held DynamoDBCrudPolicy on the whole table (actors' private keys, password and token
hashes), and every function's environment held the root password.

The template is translated as SAM translates it (tests/infra/conftest.py) and each role's
statements are evaluated as IAM evaluates them for DynamoDB: action, resource, and the
`dynamodb:LeadingKeys` / `dynamodb:Attributes` conditions (the CDK app's roles are checked
equal to these by tests/infra/test_cdk.py::test_same_function_permissions). The live
ingest's task, which runs ffmpeg on streams, is held to the same standard below."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.infra.conftest import TEMPLATE, load_template, translate
from tests.infra.iam import Renderer
from tests.security.iam_support import allowed, allows

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


# Every function that runs ffprobe or ffmpeg on hostile files (the sweeper probes a source
# whose ingest never ran).
@pytest.mark.parametrize("function", ["IngestFunction", "TranscoderFunction", "SweeperFunction"])
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


# What failing a video gives back (store/quotas.py release_actions), and what publishing it adds.
RELEASE = ["pk", "sk", "video_quota_reserved", "daily_uploads", "quota_version"]
PUBLISH = ["pk", "sk", "video_quota_used", "video_quota_reserved", "daily_uploads", "quota_version"]


def test_transcoder_may_move_a_quota_and_nothing_else_of_a_user(roles: dict[str, list[dict[str, Any]]]) -> None:
    statements = roles["TranscoderFunction"]
    assert allowed(statements, "dynamodb:UpdateItem", "USER#1", PUBLISH)
    assert not allowed(statements, "dynamodb:UpdateItem", "USER#1", ["pk", "sk", "password"])
    assert not allowed(statements, "dynamodb:UpdateItem", "USER#1", ["pk", "sk", "role"])
    assert not allowed(statements, "dynamodb:UpdateItem", "USER#1", PUBLISH, "ALL_NEW"), "the item would come back"


@pytest.mark.parametrize("function", ["IngestFunction", "TranscoderFunction", "SweeperFunction"])
def test_functions_that_fail_videos_may_give_a_reservation_back(
    roles: dict[str, list[dict[str, Any]]], function: str
) -> None:
    # Failing a video with a reservation is one transaction with its owner's quota: without
    # this right the video would never be failed on AWS (moto does not check IAM).
    statements = roles[function]
    assert allowed(statements, "dynamodb:UpdateItem", "USER#1", RELEASE)
    assert not allowed(statements, "dynamodb:UpdateItem", "USER#1", [*RELEASE, "blocked"])
    if function != "TranscoderFunction":
        assert not allowed(statements, "dynamodb:UpdateItem", "USER#1", ["pk", "sk", "video_quota_used"])


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
    # A permanent live's replay, a video of its own: its UUID's claim and its id, no other counter.
    assert allowed(transcoder, "dynamodb:PutItem", "VIDEOUUID#0b5f", None)
    assert allowed(transcoder, "dynamodb:UpdateItem", "COUNTER#video", None)
    assert not allowed(transcoder, "dynamodb:UpdateItem", "COUNTER#comment", None)
    assert not allowed(ingest, "dynamodb:PutItem", "VIDEOUUID#0b5f", None)


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
    # Still transcoding and not yet playable (one playable is PUBLISHED while encoding).
    stored.update(actions=[type(stored).stage.set("encoding"), type(stored).state.set(2)])
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
    from chalicelib.activitypub.delivery.messages import Broadcast
    from chalicelib.activitypub.delivery.outbox import serialise
    from chalicelib.config import get_settings
    from chalicelib.store import queues
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


# --- Private keys sealed at rest -----------------------------------------------------------


def _stored_private_key(actor_id: int) -> str:
    from chalicelib import aws as aws_clients
    from chalicelib.config import get_settings

    item = aws_clients.dynamodb().get_item(
        TableName=get_settings().table_name, Key={"pk": {"S": f"ACTOR#{actor_id}"}, "sk": {"S": "ENTITY"}}
    )["Item"]
    return str(item["private_key_pem"]["S"])


def _public_of(private_pem: str) -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return public.decode("ascii").strip()


def test_a_stored_private_key_is_not_plaintext(api: Any, people: Any) -> None:
    from chalicelib.activitypub.delivery import signer_keys
    from chalicelib.store import actors

    account_id = int(people["alice"].account_id)
    stored = _stored_private_key(account_id)
    assert "PRIVATE KEY" not in stored and "MII" not in stored
    assert stored.startswith("sealed:v1:")

    signer_keys.reset()
    pem = signer_keys.signer_key(account_id).private_key_pem
    actor = actors.get_actor(account_id)
    assert actor is not None and _public_of(pem) == str(actor.public_key_pem).strip()


def test_a_key_stored_in_clear_before_sealing_still_signs(api: Any, people: Any) -> None:
    from chalicelib.activitypub.delivery import signer_keys
    from chalicelib.domain.actor_keys import generate_key_pair
    from chalicelib.store import actors
    from chalicelib.store.models import Actor

    account_id = int(people["bob"].account_id)
    pair = generate_key_pair()
    actor = actors.get_actor(account_id)
    assert actor is not None
    actor.update(actions=[Actor.private_key_pem.set(pair.private_pem), Actor.public_key_pem.set(pair.public_pem)])

    signer_keys.reset()
    assert signer_keys.signer_key(account_id).private_key_pem == pair.private_pem


def test_a_sealed_key_opens_for_its_own_actor_only(aws: None) -> None:
    from chalicelib.domain.actor_keys import generate_key_pair
    from chalicelib.store import sealed_keys

    pem = generate_key_pair().private_pem
    sealed = sealed_keys.seal(pem, 7)
    assert sealed_keys.unseal(sealed, 7) == pem
    with pytest.raises(sealed_keys.SealError):
        sealed_keys.unseal(sealed, 8)  # copied onto another actor's item


def test_keys_are_sealed_with_kms_when_a_key_is_configured(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import aws as aws_clients
    from chalicelib.config import get_settings
    from chalicelib.domain.actor_keys import generate_key_pair
    from chalicelib.store import sealed_keys

    key_arn = aws_clients.kms().create_key(Description="actors")["KeyMetadata"]["Arn"]
    monkeypatch.setenv("CIRRUS_ACTOR_KEY_ID", key_arn)
    get_settings.cache_clear()
    try:
        pem = generate_key_pair().private_pem
        sealed = sealed_keys.seal(pem, 7)
        assert sealed.startswith("sealed:v1:kms:") and "PRIVATE KEY" not in sealed
        assert sealed_keys.unseal(sealed, 7) == pem
        with pytest.raises(sealed_keys.SealError):  # KMS refuses another encryption context
            sealed_keys.unseal(sealed, 8)
    finally:
        monkeypatch.delenv("CIRRUS_ACTOR_KEY_ID")
        get_settings.cache_clear()


def test_only_the_functions_that_sign_may_use_the_actor_key(roles: dict[str, list[dict[str, Any]]]) -> None:
    users = {
        name
        for name, statements in roles.items()
        for statement in statements
        if statement["Effect"] == "Allow" and any(str(action).startswith("kms:") for action in _actions(statement))
    }
    # The work function opens the instance's VAPID key (sealed under the same KMS key) to sign
    # Web Push messages; it never creates a key (below) and signs no activity. The inbox POST
    # function signs its fetches of unknown signers' documents with the instance actor's key.
    assert users == {
        "ApiFunction",
        "InboxPostFunction",
        "InboxFunction",
        "BroadcastFunction",
        "DeliverFunction",
        "WorkFunction",
    }
    for name in users:
        for statement in roles[name]:
            if any(str(action).startswith("kms:") for action in _actions(statement)):
                assert statement["Resource"] != "*" and "ActorKey" in json.dumps(statement["Resource"]), name
    generating = {name for name in users for s in roles[name] if "kms:GenerateDataKey" in _actions(s)}
    assert generating == {"ApiFunction"}, "only the API creates local actors"


def _actions(statement: dict[str, Any]) -> list[Any]:
    action = statement["Action"]
    return action if isinstance(action, list) else [action]


# --- The live ingest's task (template.yaml LiveTaskRole; the CDK app's is compared equal by
# tests/infra/test_cdk.py::test_same_live_ingest). ffmpeg decodes what anyone holding a
# stream key sends, so the role reaches the lives' items and files and nothing else.

MEDIA_BUCKET_ARN = "arn:aws:s3:::mediabucket"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:"


@pytest.fixture(scope="module")
def live_role() -> list[dict[str, Any]]:
    translated = translate(load_template(TEMPLATE.read_text()))
    resources = translated["Resources"]
    role = resources["LiveTaskRole"]["Properties"]
    assert "ManagedPolicyArns" not in role, "a managed policy would bypass the evaluation"
    renderer = Renderer(resources)
    return [
        statement for policy in role["Policies"] for statement in renderer.render(policy["PolicyDocument"])["Statement"]
    ]


@pytest.mark.parametrize("partition", sorted(SECRETS))
def test_the_live_ingest_cannot_touch_secret_items(live_role: list[dict[str, Any]], partition: str) -> None:
    for action in (*READS, *WRITES):
        assert not allowed(live_role, action, partition, None), f"{action} on {SECRETS[partition]}"


def test_the_live_ingest_reaches_its_lives_items_only(live_role: list[dict[str, Any]]) -> None:
    assert allowed(live_role, "dynamodb:GetItem", "LIVEKEY#9f2c", None), "a stream key's claim"
    for action in ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"):
        assert allowed(live_role, action, "VIDEO#1", None), action
    for action in ("dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:Scan"):
        assert not allowed(live_role, action, "VIDEO#1", None), action
    for partition in ("LIVEKEY#9f2c", "INFOHASH#" + "ab" * 20, "VIDEOUUID#0b5f", "STATS#instance", "HOST#x"):
        assert not allowed(live_role, "dynamodb:UpdateItem", partition, None), partition
    assert not allowed(live_role, "dynamodb:GetItem", "VIDEOFILETOKEN#x", None)
    assert not any("kms:" in str(statement["Action"]) for statement in live_role), "no actor key"
    # Its P2P swarms, claimed on air and given up at the end; no other claim.
    for action in ("dynamodb:PutItem", "dynamodb:DeleteItem"):
        assert allowed(live_role, action, "INFOHASH#" + "ab" * 20, None), action
        assert not allowed(live_role, action, "VIDEOUUID#0b5f", None), action
        assert not allowed(live_role, action, "LIVEKEY#9f2c", None), action


def test_the_live_ingest_writes_under_the_live_directories_only(live_role: list[dict[str, Any]]) -> None:
    from chalicelib.media import layout
    from functions.live.ports import live_directory

    def may(action: str, key: str) -> bool:
        return allows(live_role, action, f"{MEDIA_BUCKET_ARN}/{key}")

    video = "9c4d6a3e-0000-4000-8000-000000000000"
    for private in (False, True):
        for name in ("master.m3u8", "0.m3u8", "0-000012.ts", "segments-sha256.json"):
            key = f"{live_directory(video, private)}/{name}"
            assert may("s3:PutObject", key) and may("s3:DeleteObject", key), key
            assert not may("s3:GetObject", key), "it writes; CloudFront and the replay read"
    for key in (
        layout.hls_key(video, "master.m3u8"),  # a VOD's playlists, replays included
        layout.hls_key(video, "segments-sha256.json", private=True),
        layout.thumbnail_key(video),
        "static/web-videos/x.mp4",
        "lazy-static/avatars/a.png",
    ):
        assert not may("s3:PutObject", key) and not may("s3:DeleteObject", key), key
    assert not allows(live_role, "s3:PutObject", "arn:aws:s3:::cirrus-uploads-guid/videos/x")


def test_the_live_ingest_sends_to_its_two_queues_and_its_metrics_namespace(live_role: list[dict[str, Any]]) -> None:
    for queue in ("TranscodeQueue", "BroadcastQueue"):
        assert allows(live_role, "sqs:SendMessage", QUEUE_ARN + queue), queue
    for queue in ("DeliverQueue", "InboxQueue", "ViewsQueue", "WorkQueue", "TranscodeDeadLetterQueue"):
        assert not allows(live_role, "sqs:SendMessage", QUEUE_ARN + queue), queue
    assert not allows(live_role, "sqs:ReceiveMessage", QUEUE_ARN + "TranscodeQueue")
    metrics = "cloudwatch:PutMetricData"
    assert allows(live_role, metrics, "*", {"cloudwatch:namespace": ["Cirrus/Live"]})
    assert not allows(live_role, metrics, "*", {"cloudwatch:namespace": ["AWS/NetworkELB"]})
    assert not allows(live_role, metrics, "*"), "a request without a namespace"
