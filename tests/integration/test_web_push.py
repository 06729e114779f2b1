"""Web Push over HTTP: a user's browsers subscribe through the API, a notification goes out
through the work queue as an encrypted push message to a push service on loopback, which
decrypts it with the browser's private key (http_ece, not Cirrus's code) and checks the VAPID
signature; each notification reaches each browser once, and a push service that forgot a
subscription (410) makes Cirrus forget it too."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.config import get_settings
from chalicelib.domain.notifications import web_push
from chalicelib.store import queues
from functions.work.handler import _send_push
from tests.api_client import ApiClient, ApiResponse
from tests.members import Member
from tests.push_service import Browser, PushService
from tests.queue_runner import drain

ROUTE = "/api/v1/users/me/push-subscriptions"


@pytest.fixture
def push_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[PushService]:
    """Listed before `api`: the instance may then POST to loopback over plain http (tests only)."""
    monkeypatch.setenv("CIRRUS_FEDERATION_ALLOW_LOOPBACK", "1")
    service = PushService().start()
    yield service
    service.stop()


def subscribe(api: ApiClient, member: Member, browser: Browser, endpoint: str) -> ApiResponse:
    return api.post_json(ROUTE, browser.subscription(endpoint), member.token)


def follow(api: ApiClient, follower: Member, followed: Member) -> None:
    uri = f"{followed.channel_name}@{get_settings().instance_host}"
    assert api.post_json("/api/v1/users/me/subscriptions", {"uri": uri}, follower.token).status == 204
    drain("work")


def jwt_claims(authorization: str) -> dict[str, Any]:
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_a_notification_reaches_each_browser_once_encrypted_and_signed(
    push_service: PushService, api: ApiClient, people: dict[str, Member]
) -> None:
    from py_vapid import Vapid02

    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    key = api.get_as(f"{ROUTE}/vapid-key", alice.token).json()["publicKey"]
    assert api.get_as(f"{ROUTE}/vapid-key", bob.token).json()["publicKey"] == key  # one pair, made once
    laptop, phone = Browser(), Browser()
    endpoints = {push_service.endpoint("laptop"): laptop, push_service.endpoint("phone"): phone}
    for endpoint, browser in endpoints.items():
        assert subscribe(api, alice, browser, endpoint).status == 204
    assert subscribe(api, alice, laptop, push_service.endpoint("laptop")).status == 204  # again: kept once
    assert api.get_as(ROUTE, alice.token).json()["total"] == 2

    follow(api, bob, alice)
    (notification,) = api.get_as("/api/v1/users/me/notifications", alice.token).json()["data"]
    assert sorted(p.path for p in push_service.received) == ["/push/laptop", "/push/phone"]
    for pushed in push_service.received:
        browser = endpoints[f"{push_service.endpoint('x').rsplit('/push/', 1)[0]}{pushed.path}"]
        message = browser.decrypt(pushed.body)
        assert message["title"] == get_settings().instance_name
        assert message["notification"] == {"id": notification["id"], "type": 10}
        assert message["body"].startswith("bob follows") or "follows" in message["body"]
        assert message["url"] == "/my-account/notifications"
        assert pushed.headers["content-encoding"] == "aes128gcm"
        assert int(pushed.headers["ttl"]) > 0
        authorization = pushed.headers["authorization"]
        assert Vapid02.verify(authorization)
        assert authorization.split("k=", 1)[1] == key
        claims = jwt_claims(authorization)
        assert claims["aud"] == push_service.endpoint("x").rsplit("/push/", 1)[0]
        assert claims["exp"] > datetime.now(UTC).timestamp()
        with pytest.raises(Exception):  # noqa: B017 - the other browser cannot read it
            (phone if browser is laptop else laptop).decrypt(pushed.body)

    # The same work message again (a redelivery): nobody is pushed twice.
    me = api.get_as("/api/v1/users/me", alice.token).json()
    task = {"task": web_push.TASK, "user": me["id"], "notification": notification["id"], "message": {}}
    queues.send_work([task])
    drain("work")
    assert len(push_service.received) == 2

    # Bob allowed nothing: mod's follow of bob pushes nothing anywhere.
    follow(api, mod, bob)
    assert len(push_service.received) == 2


def test_a_push_service_that_forgot_a_subscription_makes_us_forget_it(
    push_service: PushService, api: ApiClient, people: dict[str, Member]
) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    assert subscribe(api, alice, Browser(), push_service.endpoint("old")).status == 204
    assert subscribe(api, alice, Browser(), push_service.endpoint("new")).status == 204
    push_service.statuses = [410]
    follow(api, bob, alice)
    assert len(push_service.received) == 2
    gone = push_service.received[0].path
    left = [s["endpoint"].rsplit("/push/", 1)[1] for s in api.get_as(ROUTE, alice.token).json()["data"]]
    assert left == [p.path.rsplit("/", 1)[1] for p in push_service.received if p.path != gone]

    follow(api, mod, alice)
    assert [p.path for p in push_service.received[2:]] == [f"/push/{left[0]}"]


def test_a_push_that_fails_for_now_is_sent_again_once(
    push_service: PushService, api: ApiClient, people: dict[str, Member]
) -> None:
    alice = people["alice"]
    assert subscribe(api, alice, Browser(), push_service.endpoint("only")).status == 204
    me = api.get_as("/api/v1/users/me", alice.token).json()
    task = {"task": web_push.TASK, "user": me["id"], "notification": 99, "message": {"title": "t"}}
    push_service.statuses = [503]
    with pytest.raises(web_push.PushNotSent):
        web_push.run(task, datetime.now(UTC), _send_push)
    web_push.run(task, datetime.now(UTC), _send_push)  # the retry
    web_push.run(task, datetime.now(UTC), _send_push)  # and a redelivery of it
    assert len(push_service.received) == 2


def test_an_endpoint_we_may_not_call_is_forgotten_unrequested(
    push_service: PushService, api: ApiClient, people: dict[str, Member]
) -> None:
    alice, bob = people["alice"], people["bob"]
    assert subscribe(api, alice, Browser(), "https://10.1.2.3/push/internal").status == 204
    follow(api, bob, alice)
    assert push_service.received == []
    assert api.get_as(ROUTE, alice.token).json()["total"] == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "ftp://push.example/x"}, "endpoint"),
        ({"endpoint": "https://user:pw@push.example/x"}, "endpoint"),
        ({"endpoint": 7}, "endpoint"),
        ({"endpoint": "https://push.example/" + "x" * 1000}, "endpoint"),
        ({"keys": {"p256dh": "AAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "keys"),
        ({"keys": {"p256dh": "BA" + "A" * 85, "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "keys"),  # not on the curve
        ({"keys": {"auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "keys"),
        ({"keys": "nope"}, "keys"),
    ],
)
def test_bad_subscriptions_are_refused(
    push_service: PushService, api: ApiClient, people: dict[str, Member], change: dict[str, Any], field: str
) -> None:
    alice = people["alice"]
    body = {**Browser().subscription("https://push.example/ok"), **change}
    answer = api.post_json(ROUTE, body, alice.token)
    assert answer.status == 400, answer.body
    assert answer.content_type.startswith("application/problem+json")
    assert field in answer.json()["invalid-params"]
    assert api.get_as(ROUTE, alice.token).json()["total"] == 0


def test_unsubscribing_and_what_needs_a_token(
    push_service: PushService, api: ApiClient, people: dict[str, Member]
) -> None:
    alice, bob = people["alice"], people["bob"]
    endpoint = push_service.endpoint("mine")
    assert subscribe(api, alice, Browser(), endpoint).status == 204
    assert (
        api.request(
            "DELETE",
            ROUTE,
            body=json.dumps({"endpoint": endpoint}).encode(),
            headers={"Authorization": f"Bearer {bob.token}", "Content-Type": "application/json"},
        ).status
        == 404
    )
    assert api.get_as(ROUTE, alice.token).json()["total"] == 1  # bob cannot remove alice's
    deleted = api.request(
        "DELETE",
        ROUTE,
        body=json.dumps({"endpoint": endpoint}).encode(),
        headers={"Authorization": f"Bearer {alice.token}", "Content-Type": "application/json"},
    )
    assert deleted.status == 204, deleted.body
    assert api.get_as(ROUTE, alice.token).json()["total"] == 0
    follow(api, bob, alice)
    assert push_service.received == []
    assert api.get_as(ROUTE, None).status == 401
    assert api.post_json(ROUTE, Browser().subscription(endpoint), None).status == 401
    assert api.get_as(f"{ROUTE}/vapid-key", None).status == 401
