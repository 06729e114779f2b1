"""The instance endpoints answer as PeerTube does, and their bodies match its OpenAPI schemas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.store import keys
from chalicelib.store.models import User, Video
from chalicelib.store.writes import NewClaim, create_items
from tests.api_client import ApiClient
from tests.openapi import SERVER_CONFIG_DEVIATIONS, assert_conforms


def test_config_is_a_server_config(api: ApiClient) -> None:
    response = api.get("/api/v1/config")
    assert response.status == 200
    assert response.content_type.startswith("application/json")
    config = response.json()
    assert_conforms("ServerConfig", config, known_deviations=SERVER_CONFIG_DEVIATIONS)
    assert config["instance"]["name"] == "Cirrus"
    assert config["serverVersion"].startswith("8.")
    assert all("__INSTANCE_URL__" not in logo["fileUrl"] for logo in config["instance"]["logo"])
    assert config["instance"]["logo"][0]["fileUrl"].startswith("http://localhost:9000/")


def test_about_is_a_server_config_about(api: ApiClient) -> None:
    response = api.get("/api/v1/config/about")
    assert response.status == 200
    assert_conforms("ServerConfigAbout", response.json())
    assert response.json()["instance"]["name"] == "Cirrus"


def test_stats_of_a_fresh_instance(api: ApiClient) -> None:
    response = api.get("/api/v1/server/stats")
    assert response.status == 200
    stats = response.json()
    # PeerTube sends null where the file says number: averages with nothing to average, and
    # the size of the manual redundancy strategy, which has none.
    nulls = ("videosRedundancy/0/totalSize", "averageRegistrationRequestResponseTimeMs", "averageAbuseResponseTimeMs")
    assert_conforms("ServerStats", stats, known_deviations=nulls)
    assert [stats[name] for name in nulls[1:]] == [None, None]
    # A fresh instance has its root administrator and root's default channel, as PeerTube.
    assert (stats["totalUsers"], stats["totalAdmins"], stats["totalModerators"]) == (1, 1, 0)
    assert (stats["totalLocalVideoChannels"], stats["totalLocalVideos"]) == (1, 0)


def test_stats_count_what_the_store_created(api: ApiClient) -> None:
    now = datetime.now(UTC)
    for user_id, name in ((101, "alice"), (102, "bob")):
        user = User(
            keys.user_pk(user_id),
            keys.ENTITY_SK,
            id=user_id,
            username=name,
            email=f"{name}@example.org",
            password_hash="x",
            account_id=user_id,
            created_at=now,
        )
        claim = NewClaim(keys.USERNAME, name, str(user_id), "User with this username already exists.")
        create_items([user], [claim], stats={"users": 1})
    video = Video(
        keys.video_pk(7),
        keys.ENTITY_SK,
        id=7,
        uuid="9c9de5e8-0a1b-4a5b-8c9d-1e2f3a4b5c6d",
        name="A video",
        channel_id=1,
        account_id=1,
        url="http://localhost:9000/videos/watch/9c9de5e8-0a1b-4a5b-8c9d-1e2f3a4b5c6d",
        created_at=now,
        updated_at=now,
    )
    create_items([video], stats={"local_videos": 1, "videos": 1})

    stats = api.get("/api/v1/server/stats").json()
    assert (stats["totalUsers"], stats["totalLocalVideos"], stats["totalVideos"]) == (3, 1, 1)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v1/videos/categories", {"1": "Music", "18": "Food"}),
        ("/api/v1/videos/licences", {"1": "Attribution", "7": "Public Domain Dedication"}),
        ("/api/v1/videos/privacies", {"1": "Public", "5": "Password protected"}),
        ("/api/v1/videos/languages", {"en": "English", "fr": "French", "ase": "American Sign Language"}),
    ],
)
def test_enumerations_are_objects_of_id_to_label(api: ApiClient, path: str, expected: dict[str, str]) -> None:
    response = api.get(path)
    assert response.status == 200
    body = response.json()
    assert isinstance(body, dict)
    assert {key: body.get(key) for key in expected} == expected


def test_stats_count_activity_registrations_and_inbox_messages(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    from chalicelib.config import get_settings
    from chalicelib.store import activity_days
    from functions.federation.inbox import handle_inbox
    from local.lambda_runtime import LocalLambdaContext
    from tests.conftest import ROOT_PASSWORD

    monkeypatch.setenv("CIRRUS_SIGNUP_ENABLED", "true")
    get_settings.cache_clear()
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    api.login("root", ROOT_PASSWORD)  # the same user again: still one
    now = datetime.now(UTC)
    # Channels that published 3 and 20 days ago, and one that published 3 days ago then today.
    for channel, days_ago in ((50, 3), (51, 20), (52, 3), (52, 0)):
        activity_days.mark_active("channels", channel, now - timedelta(days=days_ago))

    body = {"username": "dora", "password": "dora password", "email": "dora@example.org", "registrationReason": "birds"}
    assert api.post_json("/api/v1/users/registrations/request", body).status == 200
    body = {**body, "username": "eve", "email": "eve@example.org"}
    eve = api.post_json("/api/v1/users/registrations/request", body).json()["id"]
    assert api.post_json(f"/api/v1/users/registrations/{eve}/reject", {"moderationResponse": "no"}, root).status == 204

    # Inbox activities: one of a type nobody handles (ignored), one whose actor cannot be
    # fetched (failed, to be retried): two errors, one of them a Like's.
    context = LocalLambdaContext("inbox", 256, 60, "us-east-1")
    for kind in ("Question", "Like"):
        message = {"activity": {"type": kind, "id": f"https://x.example/{kind}"}, "signer": "https://x.example/a"}
        arn = "arn:aws:sqs:us-east-1:000000000000:inbox"
        records = [{"messageId": kind, "receiptHandle": "r", "body": json.dumps(message), "attributes": {},
                    "eventSource": "aws:sqs", "eventSourceARN": arn}]  # fmt: skip
        try:
            handle_inbox({"Records": records}, context)
        except BatchProcessingError:
            assert kind == "Like"

    stats = api.get("/api/v1/server/stats").json()
    nulls = ("videosRedundancy/0/totalSize", "averageAbuseResponseTimeMs")  # no abuse to average
    assert_conforms("ServerStats", stats, known_deviations=nulls)
    active = ("totalDailyActiveUsers", "totalWeeklyActiveUsers", "totalMonthlyActiveUsers")
    assert [stats[name] for name in active] == [1, 1, 1]
    channels = ("totalLocalDailyActiveVideoChannels", "totalLocalWeeklyActiveVideoChannels")
    assert [stats[name] for name in channels] == [1, 2]
    assert stats["totalLocalMonthlyActiveVideoChannels"] == 3
    assert (stats["totalRegistrationRequests"], stats["totalRegistrationRequestsProcessed"]) == (2, 1)
    assert stats["averageRegistrationRequestResponseTimeMs"] >= 0
    assert stats["totalActivityPubMessagesProcessed"] == stats["totalActivityPubMessagesErrors"] == 2
    assert stats["totalActivityPubMessagesProcessed"] == (
        stats["totalActivityPubMessagesSuccesses"] + stats["totalActivityPubMessagesErrors"]
    )
    assert (stats["totalActivityPubLikeMessagesSuccesses"], stats["totalActivityPubLikeMessagesErrors"]) == (0, 1)
    assert stats["activityPubMessagesProcessedPerSecond"] > 0
    assert stats["totalActivityPubMessagesWaiting"] == 0
    assert set(stats) >= set(_schema_fields())


def _schema_fields() -> list[str]:
    from tests.openapi import _spec

    return list(_spec()["components"]["schemas"]["ServerStats"]["properties"])
