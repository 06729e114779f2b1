"""Abuse reports across servers: a peer's Flag becomes abuses our moderators list, and our
users' reports of remote videos, comments and accounts reach their origin as Flags."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.config import get_settings
from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.integration.test_abuses import ABUSE_DEVIATIONS
from tests.members import Member
from tests.openapi import assert_conforms
from tests.queue_runner import drain_federation
from tests.video_seed import add_video


def flag(peer: Peer, number: int, objects: Any, content: str = "This is spam", **fields: Any) -> dict[str, Any]:
    activity = {
        "type": "Flag",
        "id": f"{peer.base}/admin/abuses/{number}",
        "actor": peer.url("carol"),
        "to": [],
        "cc": [],
        "content": content,
        "mediaType": "text/markdown",
        "object": objects,
        "tag": [{"type": "Hashtag", "name": "spamOrMisleading"}, {"type": "Hashtag", "name": "unheardOf"}],
    }
    activity.update(fields)
    return activity


def abuses(api: ApiClient, token: str, query: str = "") -> dict[str, Any]:
    response = api.get_as(f"/api/v1/abuses{query}", token)
    assert response.status == 200
    return dict(response.json())


def test_a_peers_flag_becomes_abuses(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    alice, mod = people["alice"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "Reported from afar")
    comment = api.post_json(f"/api/v1/videos/{video.uuid}/comment-threads", {"text": "Hmm"}, alice.token).json()
    account_url = f"{get_settings().instance_url}/accounts/alice"

    reported = flag(peer, 1, video.url, startAt=3, endAt=9)
    assert peer.post(api, "/inbox", reported, name="carol").status == 204
    assert peer.post(api, "/inbox", reported, name="carol").status == 204  # redelivered: stored once
    several = flag(peer, 2, [comment["comment"]["url"], account_url, f"{peer.base}/videos/watch/elsewhere"])
    assert peer.post(api, "/inbox", several, name="carol").status == 204
    drain_federation()

    listed = abuses(api, mod.token)
    assert listed["total"] == 3
    for abuse in listed["data"]:
        assert_conforms("Abuse", abuse, known_deviations=ABUSE_DEVIATIONS)
        assert abuse["reporterAccount"]["host"] == peer.host and abuse["reporterAccount"]["name"] == "carol"
        assert abuse["reason"] == "This is spam" and abuse["predefinedReasons"] == ["spamOrMisleading"]
        assert abuse["flaggedAccount"]["name"] == "alice"
    by_subject = {("video" if a["video"] else "comment" if a["comment"] else "account"): a for a in listed["data"]}
    assert by_subject["video"]["video"]["uuid"] == video.uuid
    assert (by_subject["video"]["video"]["startAt"], by_subject["video"]["video"]["endAt"]) == (3, 9)
    assert by_subject["comment"]["comment"]["id"] == comment["comment"]["id"]
    assert api.get("/api/v1/server/stats").json()["totalAbuses"] == 3

    # Moderators may answer local reporters only.
    remote_abuse = by_subject["video"]["id"]
    answer = api.post_json(f"/api/v1/abuses/{remote_abuse}/messages", {"message": "Thanks"}, mod.token)
    assert (answer.status, answer.json()["detail"]) == (400, "This abuse was not created by a user of your instance.")
    assert api.put_json(f"/api/v1/abuses/{remote_abuse}", {"state": 3}, mod.token).status == 204

    # Ignored: nothing local, no reason, a reason too short, a channel as reporter.
    ignored = (
        flag(peer, 3, f"{peer.base}/videos/watch/{uuid.uuid4()}"),
        flag(peer, 4, video.url, content=None),
        flag(peer, 5, video.url, content="x"),
        flag(peer, 6, f"{get_settings().instance_url}/accounts/nobody"),
    )
    for activity in ignored:
        assert peer.post(api, "/inbox", activity, name="carol").status == 204
    as_channel = flag(peer, 7, video.url, actor=peer.channel_url("cats"))
    assert peer.post(api, "/inbox", as_channel, name="cats").status == 204
    drain_federation()
    assert abuses(api, mod.token)["total"] == 3


def test_reports_of_remote_things_reach_their_origin(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    alice, mod = people["alice"], people["mod"]
    video_uuid = str(uuid.uuid4())
    document = peer.video(video_uuid, "Over there")
    peer.publish(api, document)
    peer.received.clear()

    body = {
        "reason": "Stolen content",
        "predefinedReasons": ["rights"],
        "video": {"id": video_uuid, "startAt": 1, "endAt": 2},
    }
    made = api.post_json("/api/v1/abuses", body, alice.token)
    assert made.status == 200
    abuse_id = made.json()["abuse"]["id"]
    carol = abuses(api, mod.token)["data"][0]["flaggedAccount"]
    assert carol["host"] == peer.host
    by_account = api.post_json("/api/v1/abuses", {"reason": "Spammer", "account": {"id": carol["id"]}}, alice.token)
    assert by_account.status == 200
    drain_federation()

    flags = [a for a in peer.inbox_activities("/inbox") if a["type"] == "Flag"]
    assert len(flags) == 2
    sent = next(a for a in flags if a["object"] == document["id"])
    instance = get_settings().instance_url
    assert sent["id"] == f"{instance}/admin/abuses/{abuse_id}"
    assert sent["actor"] == f"{instance}/accounts/alice"
    assert sent["to"] == [peer.url("carol")] and sent["cc"] == []
    assert sent["content"] == "Stolen content" and sent["mediaType"] == "text/markdown"
    assert sent["tag"] == [{"type": "Hashtag", "name": "rights"}]
    assert (sent["startAt"], sent["endAt"]) == (1, 2)
    assert "https://www.w3.org/ns/activitystreams" in sent["@context"]
    assert sent["signature"]["creator"] == f"{instance}/accounts/alice#main-key"  # LD-signed by the reporter
    other = next(a for a in flags if a["object"] == peer.url("carol"))
    assert "startAt" not in other and other["tag"] == []

    # Reports of our own things stay here.
    video = add_video(alice.account_id, alice.channel_id, "Local")
    peer.received.clear()
    assert api.post_json("/api/v1/abuses", {"reason": "Spam", "video": {"id": video.uuid}}, mod.token).status == 200
    drain_federation()
    assert peer.inbox_activities() == []
