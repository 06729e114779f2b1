"""Outbound federation planning: messages, fan-out with shared-inbox deduplication, backoff,
and how one delivery's answer is judged."""

from __future__ import annotations

import pytest

from chalicelib.activitypub.delivery import sender
from chalicelib.activitypub.delivery.backoff import MAX_DELAY_SECONDS, retry_delay, total_patience
from chalicelib.activitypub.delivery.fanout import fan_out, host_of
from chalicelib.activitypub.delivery.messages import MAX_ACTIVITY_BYTES, Broadcast, Delivery, MessageError

FOLLOWERS = {
    1: ["https://a.example/inbox", "https://b.example/inbox", "https://ours.example/inbox"],
    2: ["https://a.example/inbox", "https://c.example/users/x/inbox"],
}


def test_fan_out_deduplicates_shared_inboxes_and_skips_our_own() -> None:
    message = Broadcast(
        '{"id":"x"}', 7, followers_of=(1, 2), inboxes=("https://d.example/inbox", "https://a.example/inbox")
    )
    result = fan_out(message, lambda actor: FOLLOWERS[actor], lambda hosts: set(), "ours.example")
    assert [d.inbox for d in result.deliveries] == [
        "https://a.example/inbox",
        "https://b.example/inbox",
        "https://c.example/users/x/inbox",
        "https://d.example/inbox",
    ]
    assert result.followers_seen == 7 and result.requests_saved == 3
    assert all(d.body == '{"id":"x"}' and d.signer_id == 7 for d in result.deliveries)


def test_fan_out_gives_unreachable_hosts_a_single_attempt() -> None:
    message = Broadcast("{}", 1, followers_of=(1,))
    result = fan_out(message, lambda actor: FOLLOWERS[actor], lambda hosts: {"b.example"} & hosts, "ours.example")
    assert {d.inbox: d.single_attempt for d in result.deliveries} == {
        "https://a.example/inbox": False,
        "https://b.example/inbox": True,
    }


def test_messages_round_trip_and_refuse_garbage() -> None:
    delivery = Delivery('{"a":1}', 3, "https://a.example/inbox", single_attempt=True)
    assert Delivery.from_json(delivery.to_json()) == delivery
    broadcast = Broadcast('{"a":1}', 3, (1, 2), ("https://x.example/inbox",))
    assert Broadcast.from_json(broadcast.to_json()) == broadcast
    for bad in ({}, {"body": {"a": 1}, "signer": 1, "inbox": "x"}, {"body": "{}", "signer": "me", "inbox": "x"}, []):
        with pytest.raises(MessageError):
            Delivery.from_json(bad)
    with pytest.raises(MessageError):
        Broadcast.from_json({"body": "x" * (MAX_ACTIVITY_BYTES + 1), "signer": 1})


def test_backoff_doubles_from_the_base_and_is_capped() -> None:
    assert [retry_delay(n, 60) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(40, 60) == MAX_DELAY_SECONDS
    # Eight attempts with 60 s doubling keep trying for over an hour (PeerTube's outage goal).
    assert total_patience(8, 60) == 60 * (2**7 - 1) > 3600


def test_a_delivery_is_judged_by_its_answer() -> None:
    delivery = Delivery("{}", 1, "https://a.example/inbox")
    sent: list[dict[str, str]] = []

    def sign(method: str, url: str, body: bytes) -> dict[str, str]:
        return {"Signature": f"{method} {url} {len(body)}"}

    def answer(status: int) -> sender.Post:
        def post(url: str, body: bytes, headers: object) -> int:
            sent.append(dict(headers))  # type: ignore[call-overload]
            return status

        return post

    assert sender.deliver(delivery, sign, answer(202)).delivered
    assert sent[0]["Content-Type"] == "application/activity+json"
    assert sent[0]["Signature"] == "POST https://a.example/inbox 2"
    for status, retry in ((500, True), (503, True), (429, True), (400, False), (403, False), (410, False)):
        outcome = sender.deliver(delivery, sign, answer(status))
        assert not outcome.delivered and outcome.retry is retry, status

    def unreachable(url: str, body: bytes, headers: object) -> int:
        raise sender.TransientFailure("connection refused")

    assert sender.deliver(delivery, sign, unreachable).retry


def test_host_of() -> None:
    assert host_of("https://Peer.Example:8443/inbox") == "peer.example:8443"
    assert host_of("not a url") == ""
