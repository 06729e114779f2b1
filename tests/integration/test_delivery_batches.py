"""The deliver function's batches against real inboxes on loopback (tests/inbox_receiver.py,
which checks every signature): kept-alive connections are reused, a slow host's delivery is
handed off so the batch's others finish first and the batch returns, and a host with its cap
of handed-off deliveries gets its next ones put back on the queue, unsent. Counted by the
receiver and the queue, never by time."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.activitypub.delivery.messages import Delivery
from chalicelib.config import get_settings
from chalicelib.store import actors, queues
from functions.federation import deliver
from local.lambda_runtime import LocalLambdaContext
from tests.inbox_receiver import InboxReceiver

CONTEXT = LocalLambdaContext("deliver", 256, 30, "us-east-1")


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch, instance: Any) -> Iterator[InboxReceiver]:
    monkeypatch.setenv("CIRRUS_FEDERATION_ALLOW_LOOPBACK", "1")
    get_settings.cache_clear()
    server = actors.get_actor(actors.server_actor_id())
    assert server is not None
    inboxes = InboxReceiver(str(server.public_key_pem), hosts=2)
    yield inboxes
    for gate in inboxes.gates.values():
        gate.set()
    inboxes.stop()


def _queue_url() -> str:
    return queues.queue_url(get_settings().queues.deliver)


def _received(inboxes: list[str]) -> list[dict[str, Any]]:
    """Deliveries to `inboxes` (activity n to the n-th), sent through the deliver queue and
    received from it as Lambda would, so that their receipt handles are real."""
    queues.send_deliveries(
        [
            Delivery(
                json.dumps({"type": "Create", "id": f"https://example.org/a/{n}"}), actors.server_actor_id(), inbox
            ).to_json()
            for n, inbox in enumerate(inboxes)
        ]
    )
    records: list[dict[str, Any]] = []
    while len(records) < len(inboxes):
        answer = aws.sqs().receive_message(QueueUrl=_queue_url(), MaxNumberOfMessages=10, AttributeNames=["All"])
        records += [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "eventSource": "aws:sqs",
            }
            for m in answer.get("Messages", [])
        ]
    return records


def _failed(records: list[dict[str, Any]]) -> set[str]:
    """The batch handled; what it reports failed, the others deleted as Lambda's poller does."""
    result = deliver.handle_deliver({"Records": records}, CONTEXT)
    failed = {failure["itemIdentifier"] for failure in result["batchItemFailures"]}
    for record in records:
        if record["messageId"] not in failed:
            aws.sqs().delete_message(QueueUrl=_queue_url(), ReceiptHandle=record["receiptHandle"])
    return failed


def _until(condition: Callable[[], bool]) -> None:
    for _ in range(300):
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("never happened")


def _messages_left() -> int:
    attributes = aws.sqs().get_queue_attributes(QueueUrl=_queue_url(), AttributeNames=["All"])["Attributes"]
    return sum(
        int(attributes[name])
        for name in (
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        )
    )


def test_deliveries_to_a_host_reuse_its_kept_alive_connection(
    receiver: InboxReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deliver._sender, "patience", 30.0)  # a loaded machine hands nothing off here
    for n in range(5):
        assert _failed(_received([f"{receiver.base()}/shared/{n}/inbox"])) == set()
    assert receiver.stats()["answered"] == 5 and receiver.stats()["verified"] == 5
    assert receiver.stats()["connections"] == 1  # one after the other: the same connection each time
    assert _failed(_received([f"{receiver.base()}/inbox"] * 10)) == set()
    stats = receiver.stats()
    assert stats["verified"] == 15
    assert stats["connections"] <= 10  # ten at once may need ten, but the first one is used again


def test_deliveries_to_one_inbox_keep_their_order_within_a_batch(
    receiver: InboxReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deliver._sender, "patience", 30.0)
    records = _received([f"{receiver.base()}/inbox"] * 6 + [f"{receiver.base(1)}/inbox"] * 4)
    sent = {json.loads(r["body"])["body"]: n for n, r in enumerate(records)}  # as received from SQS
    assert _failed(records) == set()
    to_first = [a.activity_id for a in receiver.answered if a.port == receiver.ports[0]]
    order = sorted(to_first, key=lambda activity_id: next(n for body, n in sent.items() if activity_id in body))
    assert to_first == order and len(to_first) == 6  # in the batch's order, whatever the other inbox did


def test_a_slow_host_is_handed_off_and_the_others_of_its_batch_finish_first(
    receiver: InboxReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deliver._sender, "patience", 2.0)
    receiver.gates[1] = gate = threading.Event()
    slow_port = receiver.ports[1]
    records = _received([f"{receiver.base(1)}/inbox"] + [f"{receiver.base(0)}/shared/{n}/inbox" for n in range(9)])
    slow_id = records[0]["messageId"]

    assert _failed(records) == {slow_id}  # the batch returned, the slow one reported as not done
    answered = list(receiver.answered)
    assert len(answered) == 9 and all(a.port != slow_port for a in answered) and all(a.verified for a in answered)
    assert _messages_left() == 1  # the slow one, hidden while it runs

    gate.set()
    _until(lambda: len(receiver.answered) == 10)
    assert receiver.answered[-1].port == slow_port and receiver.answered[-1].verified
    _until(lambda: _messages_left() == 0)  # it deleted its own message when it ended


def test_a_host_with_its_cap_of_handed_off_deliveries_gets_the_next_ones_later(
    receiver: InboxReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deliver._sender, "patience", 2.0)
    monkeypatch.setattr(deliver._sender.slots, "per_host", 1)
    receiver.gates[1] = gate = threading.Event()
    first = _received([f"{receiver.base(1)}/inbox"])
    assert _failed(first) == {first[0]["messageId"]}  # handed off: the host now has its one

    second = _received([f"{receiver.base(1)}/inbox", f"{receiver.base(0)}/inbox"])
    assert _failed(second) == set()  # delivered to the fast host; put back, unsent, for the slow one
    assert [a.port for a in receiver.answered] == [receiver.ports[0]]
    put_back = aws.sqs().get_queue_attributes(
        QueueUrl=_queue_url(), AttributeNames=["ApproximateNumberOfMessagesDelayed"]
    )
    assert put_back["Attributes"]["ApproximateNumberOfMessagesDelayed"] == "1"

    gate.set()
    _until(lambda: len(receiver.answered) == 2)
    _until(lambda: _messages_left() == 1)  # the handed-off one deleted; the put-back one waits
