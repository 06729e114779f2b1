"""PeerTube's email flows over HTTP (the in-process API function over moto, the work queue
drained as Lambda would, emails read back from moto's SES as they were sent): verification at
sign-up, on request and after an email change; password reset; each link used once, expiring
as PeerTube's do, and no answer that tells whether an address is known."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.domain import oauth
from chalicelib.domain.short_uuid import to_short
from tests import mailbox
from tests.api_client import ApiClient, ApiResponse
from tests.members import Member
from tests.queue_runner import drain
from tests.video_seed import add_video

PASSWORD = "alice password"


@pytest.fixture
def verification_required(monkeypatch: pytest.MonkeyPatch) -> None:
    """Open sign-up that requires a verified email (list it before `api`)."""
    monkeypatch.setenv("CIRRUS_SIGNUP_ENABLED", "true")
    monkeypatch.setenv("CIRRUS_SIGNUP_REQUIRES_APPROVAL", "false")
    monkeypatch.setenv("CIRRUS_SIGNUP_REQUIRES_EMAIL_VERIFICATION", "true")


def post(api: ApiClient, url: str, document: Any, ip: str = "198.51.100.1", token: str | None = None) -> ApiResponse:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return api.request("POST", url, body=json.dumps(document).encode(), headers=headers, source_ip=ip)


def login(api: ApiClient, username: str, password: str) -> ApiResponse:
    fields = {
        "client_id": api.client_id,
        "client_secret": api.client_secret,
        "grant_type": "password",
        "username": username,
        "password": password,
    }
    return api.post_form("/api/v1/users/token", fields)


def work_messages() -> int:
    sqs = aws.sqs()
    url = sqs.get_queue_url(QueueName=get_settings().queues.work)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def user_id(api: ApiClient, token: str) -> int:
    return int(api.get_as("/api/v1/users/me", token).json()["id"])


def assert_problem(response: ApiResponse, status: int, field: str | None = None) -> None:
    assert response.status == status, response.body
    assert response.content_type.startswith("application/problem+json")
    if field is not None:
        assert field in response.json()["invalid-params"], response.json()


# --- Password reset -----------------------------------------------------------------------


def test_a_reset_link_sets_the_password_once_and_ends_every_session(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    asked = post(api, "/api/v1/users/ask-reset-password", {"email": "alice@example.org"})
    assert asked.status == 204, asked.body
    assert mailbox.sent_through_ses() == []  # sent off the request path
    drain("work")

    (letter,) = mailbox.sent_through_ses()
    assert letter.to == "alice@example.org"
    assert get_settings().instance_name in letter.subject
    path, values = letter.link()
    assert path == "/reset-password"
    assert values["verificationString"] in letter.html  # the same link in the HTML part
    assert set(values) == {"userId", "verificationString"}
    body = {"verificationString": values["verificationString"], "password": "a brand new one"}

    reset = post(api, f"/api/v1/users/{values['userId']}/reset-password", body)
    assert reset.status == 204, reset.body
    assert login(api, "alice", "a brand new one").status == 200
    assert login(api, "alice", PASSWORD).status == 400
    assert api.get_as("/api/v1/users/me", alice.token).status == 401  # sessions ended

    replayed = post(api, f"/api/v1/users/{values['userId']}/reset-password", {**body, "password": "yet another"})
    assert_problem(replayed, 403)
    assert replayed.json()["detail"] == "Invalid verification string."
    assert login(api, "alice", "a brand new one").status == 200


def test_a_reset_link_expires_after_an_hour_and_a_newer_one_replaces_it(
    api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    for ip in ("198.51.100.1", "198.51.100.2"):
        assert post(api, "/api/v1/users/ask-reset-password", {"email": "alice@example.org"}, ip).status == 204
        drain("work")
    first, second = (letter.link()[1] for letter in mailbox.sent_through_ses())
    url = f"/api/v1/users/{first['userId']}/reset-password"
    older = post(api, url, {"verificationString": first["verificationString"], "password": "new password 1"})
    assert_problem(older, 403)  # replaced by the second

    now = oauth.utcnow()
    monkeypatch.setattr(oauth, "utcnow", lambda: now + timedelta(minutes=61))
    late = post(api, url, {"verificationString": second["verificationString"], "password": "new password 2"})
    assert_problem(late, 403)
    monkeypatch.setattr(oauth, "utcnow", lambda: now + timedelta(minutes=59))
    in_time = post(api, url, {"verificationString": second["verificationString"], "password": "new password 3"})
    assert in_time.status == 204, in_time.body


def test_reset_password_checks_its_input(api: ApiClient, people: dict[str, Member]) -> None:
    me = user_id(api, people["alice"].token)
    assert_problem(post(api, "/api/v1/users/ask-reset-password", {"email": "not an email"}), 400, "email")
    assert_problem(post(api, "/api/v1/users/ask-reset-password", {}), 400, "email")
    good = {"verificationString": "x" * 43, "password": "long enough"}
    assert_problem(
        post(api, f"/api/v1/users/{me}/reset-password", {"password": "long enough"}), 400, "verificationString"
    )
    assert_problem(post(api, f"/api/v1/users/{me}/reset-password", {**good, "password": "abc"}), 400, "password")
    assert_problem(post(api, "/api/v1/users/abc/reset-password", good), 400, "id")
    assert_problem(post(api, "/api/v1/users/999999/reset-password", good), 404)
    assert_problem(post(api, f"/api/v1/users/{me}/reset-password", good), 403)  # never asked
    assert_problem(post(api, f"/api/v1/users/{me}/reset-password", {**good, "verificationString": 7}), 400)


def test_asking_never_tells_whether_an_address_is_known(api: ApiClient, people: dict[str, Member]) -> None:
    answers = []
    for route in ("ask-reset-password", "ask-send-verify-email"):
        for address in ("alice@example.org", "nobody@example.org"):
            before = work_messages()
            answer = post(api, f"/api/v1/users/{route}", {"email": address}, ip=f"198.51.100.{len(answers) + 10}")
            answers.append((answer.status, answer.body, work_messages() - before))
    assert answers == [(204, b"", 1)] * 4  # the same answer after the same work
    drain("work")
    assert sorted(letter.to for letter in mailbox.sent_through_ses()) == ["alice@example.org"] * 2


def test_the_ask_routes_are_rate_limited_per_address(api: ApiClient, people: dict[str, Member]) -> None:
    for route in ("ask-reset-password", "ask-send-verify-email"):
        statuses = [
            post(api, f"/api/v1/users/{route}", {"email": "x@example.org"}, "198.51.100.99").status for _ in range(4)
        ]
        assert statuses == [204, 204, 204, 429]
    assert post(api, "/api/v1/users/ask-reset-password", {"email": "x@example.org"}, "198.51.100.98").status == 204


def test_a_refused_email_never_fails_the_request(api: ApiClient, people: dict[str, Member]) -> None:
    aws.sesv2().delete_email_identity(EmailIdentity=get_settings().mail_from)  # SES refuses to send now
    assert post(api, "/api/v1/users/ask-reset-password", {"email": "alice@example.org"}).status == 204
    drain("work", rounds=1)
    assert mailbox.sent_through_ses() == []
    assert work_messages() + _in_flight() == 1  # kept for another try


def _in_flight() -> int:
    sqs = aws.sqs()
    url = sqs.get_queue_url(QueueName=get_settings().queues.work)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessagesNotVisible"])


# --- Email verification -------------------------------------------------------------------


def test_sign_up_waits_for_the_email_to_be_verified(verification_required: None, api: ApiClient) -> None:
    body = {"username": "carol", "password": "carol password", "email": "carol@example.org"}
    assert post(api, "/api/v1/users/register", body).status == 204
    refused = login(api, "carol", "carol password")
    assert refused.status == 400
    assert refused.json()["code"] == "email_not_verified"
    drain("work")

    (letter,) = mailbox.sent_through_ses()
    assert letter.to == "carol@example.org"
    path, values = letter.link()
    assert path == "/verify-account/email"
    assert "isPendingEmail" not in values
    url = f"/api/v1/users/{values['userId']}/verify-email"
    assert_problem(post(api, url, {"verificationString": "wrong"}), 403)
    verified = post(api, url, {"verificationString": values["verificationString"]})
    assert verified.status == 204, verified.body

    token = login(api, "carol", "carol password").json()["access_token"]
    assert api.get_as("/api/v1/users/me", token).json()["emailVerified"] is True
    assert_problem(post(api, url, {"verificationString": values["verificationString"]}), 403)  # used


def test_a_verification_email_can_be_asked_for_again(verification_required: None, api: ApiClient) -> None:
    body = {"username": "carol", "password": "carol password", "email": "carol@example.org"}
    assert post(api, "/api/v1/users/register", body).status == 204
    assert post(api, "/api/v1/users/ask-send-verify-email", {"email": "carol@example.org"}).status == 204
    drain("work")
    first, second = mailbox.sent_through_ses()
    url = f"/api/v1/users/{second.link()[1]['userId']}/verify-email"
    assert_problem(post(api, url, {"verificationString": first.link()[1]["verificationString"]}), 403)
    assert post(api, url, {"verificationString": second.link()[1]["verificationString"]}).status == 204
    assert login(api, "carol", "carol password").status == 200


def test_verify_email_checks_its_input(api: ApiClient, people: dict[str, Member]) -> None:
    me = user_id(api, people["alice"].token)
    assert_problem(post(api, f"/api/v1/users/{me}/verify-email", {}), 400, "verificationString")
    assert_problem(post(api, f"/api/v1/users/{me}/verify-email", {"verificationString": ""}), 400)
    bad_flag = {"verificationString": "abc", "isPendingEmail": "perhaps"}
    assert_problem(post(api, f"/api/v1/users/{me}/verify-email", bad_flag), 400, "isPendingEmail")
    assert_problem(post(api, "/api/v1/users/x1/verify-email", {"verificationString": "abc"}), 400, "id")
    assert_problem(post(api, "/api/v1/users/999999/verify-email", {"verificationString": "abc"}), 404)
    assert_problem(post(api, f"/api/v1/users/{me}/verify-email", {"verificationString": "abc"}), 403)


def test_a_verification_link_expires_after_an_hour(
    verification_required: None, api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"username": "carol", "password": "carol password", "email": "carol@example.org"}
    assert post(api, "/api/v1/users/register", body).status == 204
    drain("work")
    (letter,) = mailbox.sent_through_ses()
    values = letter.link()[1]
    now = oauth.utcnow()
    monkeypatch.setattr(oauth, "utcnow", lambda: now + timedelta(minutes=61))
    url = f"/api/v1/users/{values['userId']}/verify-email"
    assert_problem(post(api, url, {"verificationString": values["verificationString"]}), 403)


def test_a_new_email_waits_for_its_verification(verification_required: None, api: ApiClient) -> None:
    body = {"username": "carol", "password": "carol password", "email": "carol@example.org"}
    assert post(api, "/api/v1/users/register", body).status == 204
    drain("work")
    (signup_letter,) = mailbox.sent_through_ses()
    values = signup_letter.link()[1]
    assert (
        post(
            api, f"/api/v1/users/{values['userId']}/verify-email", {"verificationString": values["verificationString"]}
        ).status
        == 204
    )
    token = login(api, "carol", "carol password").json()["access_token"]

    changed = api.put_json(
        "/api/v1/users/me", {"email": "carol@new.example", "currentPassword": "carol password"}, token
    )
    assert changed.status == 204, changed.body
    me = api.get_as("/api/v1/users/me", token).json()
    assert (me["email"], me["pendingEmail"]) == ("carol@example.org", "carol@new.example")
    drain("work")
    letter = mailbox.sent_through_ses()[-1]
    assert letter.to == "carol@new.example"
    path, values = letter.link()
    assert (path, values["isPendingEmail"]) == ("/verify-account/email", "true")

    body = {"verificationString": values["verificationString"], "isPendingEmail": True}
    assert post(api, f"/api/v1/users/{values['userId']}/verify-email", body).status == 204
    me = api.get_as("/api/v1/users/me", token).json()
    assert (me["email"], me["pendingEmail"], me["emailVerified"]) == ("carol@new.example", None, True)
    assert login(api, "carol@new.example", "carol password").status == 200
    assert login(api, "carol@example.org", "carol password").status == 400


def test_without_verification_a_new_email_is_the_users_at_once(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    changed = api.put_json("/api/v1/users/me", {"email": "alice@new.example", "currentPassword": PASSWORD}, alice.token)
    assert changed.status == 204, changed.body
    me = api.get_as("/api/v1/users/me", alice.token).json()
    assert (me["email"], me["pendingEmail"]) == ("alice@new.example", None)
    drain("work")
    assert mailbox.sent_through_ses() == []


# --- Notifications by email ---------------------------------------------------------------


def test_a_notification_goes_by_email_once_when_its_setting_has_bit_2(
    api: ApiClient, people: dict[str, Member]
) -> None:
    alice, bob = people["alice"], people["bob"]
    me = api.get_as("/api/v1/users/me", alice.token).json()
    settings = {**me["notificationSettings"], "newCommentOnMyVideo": 3}
    assert api.put_json("/api/v1/users/me/notification-settings", settings, alice.token).status == 204
    video = add_video(alice.account_id, alice.channel_id, "Alice's cats")
    made = api.post_json(f"/api/v1/videos/{video.uuid}/comment-threads", {"text": "Nice cats"}, bob.token)
    assert made.status == 200, made.body
    drain("work")

    emails = [letter for letter in mailbox.sent_through_ses() if letter.to == "alice@example.org"]
    assert len(emails) == 1
    assert "Alice's cats" in emails[0].subject
    assert "Alice&#x27;s cats" in emails[0].html  # escaped in the HTML part
    assert emails[0].link()[0] == f"/w/{to_short(video.uuid)}"

    # The same event again (a redelivered message): no second email.
    from chalicelib.domain.notifications import tasks

    thread = made.json()["comment"]["id"]
    tasks.queue("comment", video=int(video.id), thread=thread, comment=thread)
    drain("work")
    assert len([letter for letter in mailbox.sent_through_ses() if letter.to == "alice@example.org"]) == 1
    # bob's own setting (web only, PeerTube's default) sent him nothing
    assert all(letter.to != "bob@example.org" for letter in mailbox.sent_through_ses())


def test_asking_costs_the_same_calls_for_a_known_and_an_unknown_address(
    api: ApiClient, people: dict[str, Member], dynamodb_calls: Any
) -> None:
    costs = []
    for number, address in enumerate(("alice@example.org", "nobody@example.org")):
        dynamodb_calls.clear()
        assert (
            post(api, "/api/v1/users/ask-reset-password", {"email": address}, f"198.51.100.{50 + number}").status == 204
        )
        costs.append(dict(dynamodb_calls))
    assert costs[0] == costs[1], costs
    assert costs[0] == {"UpdateItem": 1}  # the rate limit's count: no look-up of the address


# --- Sign-up requests (approval on) -------------------------------------------------------


@pytest.fixture
def approval_and_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign-up through a moderator's approval, with a verified email (list it before `api`)."""
    monkeypatch.setenv("CIRRUS_SIGNUP_ENABLED", "true")
    monkeypatch.setenv("CIRRUS_SIGNUP_REQUIRES_APPROVAL", "true")
    monkeypatch.setenv("CIRRUS_SIGNUP_REQUIRES_EMAIL_VERIFICATION", "true")


def test_a_sign_up_request_verifies_its_email_before_a_moderator_accepts_it(
    approval_and_verification: None, api: ApiClient
) -> None:
    from tests.conftest import ROOT_PASSWORD

    body = {
        "username": "dora",
        "password": "dora password",
        "email": "dora@example.org",
        "registrationReason": "I make videos about birds",
    }
    assert post(api, "/api/v1/users/registrations/request", body).status == 200
    drain("work")
    (letter,) = mailbox.sent_through_ses()
    path, values = letter.link()
    assert (path, set(values)) == ("/verify-account/email", {"registrationId", "verificationString"})
    url = f"/api/v1/users/registrations/{values['registrationId']}/verify-email"
    assert_problem(post(api, url, {"verificationString": "wrong"}), 403)
    assert_problem(
        post(api, "/api/v1/users/registrations/x/verify-email", {"verificationString": "a"}), 400, "registrationId"
    )
    assert_problem(post(api, "/api/v1/users/registrations/99999/verify-email", {"verificationString": "a"}), 404)
    assert post(api, url, {"verificationString": values["verificationString"]}).status == 204
    assert_problem(post(api, url, {"verificationString": values["verificationString"]}), 403)

    root = api.login("root", ROOT_PASSWORD)["access_token"]
    (listed,) = api.get_as("/api/v1/users/registrations", root).json()["data"]
    assert listed["emailVerified"] is True
    accept = f"/api/v1/users/registrations/{values['registrationId']}/accept"
    assert api.post_json(accept, {"moderationResponse": "Welcome!"}, root).status == 204
    assert login(api, "dora", "dora password").status == 200  # verified before: no second email needed


def test_a_sign_up_request_can_ask_for_its_verification_again(approval_and_verification: None, api: ApiClient) -> None:
    body = {
        "username": "dora",
        "password": "dora password",
        "email": "dora@example.org",
        "registrationReason": "I make videos about birds",
    }
    assert post(api, "/api/v1/users/registrations/request", body).status == 200
    asked = post(api, "/api/v1/users/registrations/ask-send-verify-email", {"email": "dora@example.org"})
    assert asked.status == 204
    drain("work")
    first, second = mailbox.sent_through_ses()
    url = f"/api/v1/users/registrations/{second.link()[1]['registrationId']}/verify-email"
    assert_problem(post(api, url, {"verificationString": first.link()[1]["verificationString"]}), 403)
    assert post(api, url, {"verificationString": second.link()[1]["verificationString"]}).status == 204
