"""Hot API paths make a constant number of DynamoDB calls, whatever the instance holds."""

from __future__ import annotations

from collections import Counter

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD


def _calls_for(api: ApiClient, calls: Counter[str], path: str, token: str | None = None) -> dict[str, int]:
    calls.clear()
    response = api.get_as(path, token)
    assert response.status == 200, response.body
    return dict(calls)


def test_reads_cost_the_same_with_more_data(api: ApiClient, dynamodb_calls: Counter[str]) -> None:
    token = api.login("root", ROOT_PASSWORD)["access_token"]
    paths = ["/api/v1/users/me", "/api/v1/video-channels/root_channel", "/api/v1/accounts/root", "/api/v1/config"]
    api.get("/api/v1/config")  # the instance actor's id is looked up once per execution environment
    before = {path: _calls_for(api, dynamodb_calls, path, token) for path in paths}
    for n in range(8):
        created = api.post_json("/api/v1/video-channels", {"name": f"more_{n}", "displayName": "More"}, token)
        assert created.status == 200
    after = {path: _calls_for(api, dynamodb_calls, path, token) for path in paths}
    assert after == before
    assert "Scan" not in str(after)
    # The figures themselves, so that a regression shows in review.
    assert sum(before["/api/v1/users/me"].values()) == 4  # token, user, account, channels
    assert sum(before["/api/v1/video-channels/root_channel"].values()) == 3  # name claim, channel, owner
    # The custom configuration, the appearance and the instance actor: one consistent BatchGetItem.
    assert before["/api/v1/config"] == {"BatchGetItem": 1}
