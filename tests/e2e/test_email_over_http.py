"""`make run` sends email to its sink: every message an .eml file under the data directory.
A user signs up, reads the verification email the stack wrote, follows its link and logs in;
forgets the password, follows the reset link, and cannot use it twice; and a subscription's new
video reaches a subscriber whose setting has the email bit as exactly one email."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests import mailbox
from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, wait_published

pytestmark = pytest.mark.e2e


def wait_for_letters(stack: RunningStack, count: int, seconds: float = 30) -> list[mailbox.Letter]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        letters = mailbox.in_sink(stack.data_dir / "mail")
        if len(letters) >= count:
            return letters
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} emails in {stack.data_dir / 'mail'} after {seconds}s")


@pytest.fixture
def verifying_stack(tmp_path: Path) -> RunningStack:
    return RunningStack(tmp_path / "data", CIRRUS_SIGNUP_REQUIRES_EMAIL_VERIFICATION="true")


def test_sign_up_verify_then_reset_the_password_from_the_emails(verifying_stack: RunningStack) -> None:
    stack = verifying_stack
    stack.start()
    try:
        client = Client(stack)
        client.register("nora", "nora password")
        refused = client.token(grant_type="password", username="nora", password="nora password")
        assert (refused.status_code, refused.json()["code"]) == (400, "email_not_verified")

        (verification,) = wait_for_letters(stack, 1)
        assert verification.to == "nora@example.org"
        path, values = verification.link()
        assert path == "/verify-account/email"
        verified = client.send(
            "POST",
            f"/api/v1/users/{values['userId']}/verify-email",
            json={"verificationString": values["verificationString"]},
        )
        assert verified.status_code == 204, verified.text
        client.login("nora", "nora password")
        assert f"kept at {stack.data_dir / 'mail'}" in stack.log.read_text()  # the log line with its path

        asked = client.send("POST", "/api/v1/users/ask-reset-password", json={"email": "nora@example.org"})
        assert asked.status_code == 204, asked.text
        reset_letter = wait_for_letters(stack, 2)[-1]
        path, values = reset_letter.link()
        assert path == "/reset-password"
        body = {"verificationString": values["verificationString"], "password": "nora new password"}
        reset = client.send("POST", f"/api/v1/users/{values['userId']}/reset-password", json=body)
        assert reset.status_code == 204, reset.text
        client.login("nora", "nora new password")
        replayed = client.send(
            "POST", f"/api/v1/users/{values['userId']}/reset-password", json={**body, "password": "third one!"}
        )
        assert replayed.status_code == 403, replayed.text
        client.login("nora", "nora new password")
    finally:
        stack.stop()


@needs_ffmpeg
def test_a_new_video_from_a_subscription_is_emailed_once(stack: RunningStack, tmp_path: Path) -> None:
    stack.start()
    client = Client(stack)
    client.register("vera", "vera password")
    client.register("otto", "otto password")
    vera = client.login("vera", "vera password")["access_token"]
    otto = client.login("otto", "otto password")["access_token"]
    channel = client.send("GET", "/api/v1/users/me", vera).json()["videoChannels"][0]
    subscribed = client.send(
        "POST", "/api/v1/users/me/subscriptions", otto, json={"uri": f"{channel['name']}@{stack.host}"}
    )
    assert subscribed.status_code == 204, subscribed.text
    settings = client.send("GET", "/api/v1/users/me", otto).json()["notificationSettings"]
    settings["newVideoFromSubscription"] = 3  # web and email
    assert client.send("PUT", "/api/v1/users/me/notification-settings", otto, json=settings).status_code == 204

    clip = make_clip(tmp_path / "clip.mp4")
    with open(clip, "rb") as handle:
        uploaded = client.send(
            "POST",
            "/api/v1/videos/upload",
            vera,
            data={"name": "Vera's first", "channelId": str(channel["id"]), "privacy": "1"},
            files={"videofile": ("clip.mp4", handle, "video/mp4")},
        )
    assert uploaded.status_code == 200, uploaded.text
    wait_published(client, vera, uploaded.json()["video"]["uuid"])

    letters = wait_for_letters(stack, 1, seconds=60)
    time.sleep(3)  # anything that would come twice comes now
    letters = mailbox.in_sink(stack.data_dir / "mail")
    to_otto = [letter for letter in letters if letter.to == "otto@example.org"]
    assert len(to_otto) == 1, [letter.subject for letter in letters]
    assert "Vera's first" in to_otto[0].subject
    assert to_otto[0].link()[0] == f"/w/{uploaded.json()['video']['shortUUID']}"
    assert all(letter.to != "vera@example.org" for letter in letters)  # her settings: web only
