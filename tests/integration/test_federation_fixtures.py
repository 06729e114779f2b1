"""Real documents from the fediverse: Mastodon's Create(Note), LD-signed by its author and
forwarded by another server, is trusted by that signature and stored as a comment on the
PeerTube video it answers; the same document with one character changed is refused.

A forwarded activity's LD signature must be recent: the inbox's clock is set to a few
minutes after the fixture was signed (2018-10-22T12:43:08Z); its HTTP signature is fresh."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.config import get_settings
from chalicelib.store import counters, keys, remote_actors
from chalicelib.store.models import Actor
from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain, drain_federation
from tests.unit.ap_fixtures import fixture
from tests.video_seed import add_video

MASTODON_ACTOR = "http://localhost:3000/users/ronan2"
VIDEO_UUID = "90e6f8ed-b369-423c-b0c8-f44e5350c752"  # the PeerTube video the Note answers
SIGNED_AT = datetime(2018, 10, 22, 12, 43, 8, tzinfo=UTC)


@pytest.fixture(autouse=True)
def inbox_clock_when_signed(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.activitypub.inbox import receive

    monkeypatch.setattr(receive, "utcnow", lambda: SIGNED_AT.replace(minute=50))


def known_mastodon_author() -> None:
    """Mastodon's actor as if fetched a moment ago (its server is not running in the test)."""
    now = datetime.now(UTC)
    actor_id = counters.next_id("actor")
    remote_actors.create(
        Actor(
            keys.actor_pk(actor_id),
            keys.ENTITY_SK,
            id=actor_id,
            actor_type="Person",
            preferred_username="ronan2",
            host="localhost:3000",
            url=MASTODON_ACTOR,
            inbox_url=f"{MASTODON_ACTOR}/inbox",
            shared_inbox_url="http://localhost:3000/inbox",
            display_name="ronan2",
            public_key_pem=fixture("mastodon/public-key.json")["publicKey"],
            created_at=now,
            updated_at=now,
            fetched_at=now,
        )
    )


def peertube_video(people: dict[str, Member]) -> None:
    assert get_settings().instance_url == "http://localhost:9000", "the fixture answers a video of localhost:9000"
    alice = people["alice"]
    add_video(alice.account_id, alice.channel_id, "The video Mastodon answers", uuid=VIDEO_UUID,
              url=f"http://localhost:9000/videos/watch/{VIDEO_UUID}")  # fmt: skip


def test_a_forwarded_mastodon_comment_is_trusted_by_its_ld_signature(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    known_mastodon_author()
    peertube_video(people)
    activity: dict[str, Any] = fixture("mastodon/create.json")
    answer = peer.post(api, "/inbox", activity)  # signed (HTTP) by the peer, authored by ronan2
    assert answer.status == 204, answer.body
    drain_federation()
    threads = api.get(f"/api/v1/videos/{VIDEO_UUID}/comment-threads").json()["data"]
    assert [(t["text"], t["account"]["name"], t["account"]["host"]) for t in threads] == [
        ("@ronan zerg", "ronan2", "localhost:3000")
    ]
    assert threads[0]["url"] == activity["object"]["id"]


def test_a_forged_forwarded_comment_is_refused(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    known_mastodon_author()
    peertube_video(people)
    forged = fixture("mastodon/create-bad-signature.json")
    answer = peer.post(api, "/inbox", forged)
    assert answer.status == 403 and answer.json()["detail"] == "Signature could not be verified"
    altered: dict[str, Any] = copy.deepcopy(fixture("mastodon/create.json"))
    altered["object"]["content"] = "<p>something else</p>"
    assert peer.post(api, "/inbox", altered).status == 403
    unsigned = {k: v for k, v in fixture("mastodon/create.json").items() if k != "signature"}
    assert peer.post(api, "/inbox", unsigned).json()["detail"] == "Object and creator signature do not match"
    assert drain("inbox") == 0
    assert api.get(f"/api/v1/videos/{VIDEO_UUID}/comment-threads").json()["total"] == 0
