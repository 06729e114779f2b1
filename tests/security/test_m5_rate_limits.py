"""M5: rate limits keyed on the client's address (not the CloudFront edge's), refreshes not
counted as logins, failed logins counted per account, and limits on comments, reports, uploads
and the inbox.

On AWS a request reaches the function as client -> CloudFront -> API Gateway: `sourceIp` is the
edge, and X-Forwarded-For ends "<client>, <edge>" (CloudFront appends the client, API Gateway the
edge). CloudFront also sends X-Cirrus-Edge with the stack's secret (CIRRUS_EDGE_SECRET)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from tests.api_client import ApiClient, ApiResponse
from tests.security.sessions_support import password_login, problem, refresh

EDGE = "130.176.1.10"  # one CloudFront edge server, shared by everyone it serves
SECRET = "edge-secret-for-tests"
FROZEN = SimpleNamespace(time=lambda: 1_800_000_000.0)  # one fixed-window boundary, no straddling


@pytest.fixture
def behind_cloudfront(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from chalicelib.config import get_settings

    monkeypatch.setenv("CIRRUS_EDGE_SECRET", SECRET)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("oauth", "comments", "abuses", "uploads", "inbox"):
        monkeypatch.setattr(f"chalicelib.api.{module}.time", FROZEN, raising=False)


def through_edge(client_ip: str, claimed: str = "") -> dict[str, str]:
    forwarded = f"{claimed}, {client_ip}, {EDGE}" if claimed else f"{client_ip}, {EDGE}"
    return {"X-Forwarded-For": forwarded, "X-Cirrus-Edge": SECRET}


def assert_rate_limited(response: ApiResponse) -> None:
    assert response.status == 429, response.body
    assert problem(response)["status"] == 429
    assert int(response.headers["retry-after"]) >= 1


def test_logins_behind_one_edge_are_counted_per_client(
    behind_cloudfront: None, frozen_clock: None, api: ApiClient, people: Any
) -> None:
    for attempt in range(15):
        wrong = password_login(api, "nobody", "wrong", source_ip=EDGE, headers=through_edge("198.51.100.1"))
        assert wrong.status == 400, (attempt, wrong.body)
    assert_rate_limited(password_login(api, "nobody", "x", source_ip=EDGE, headers=through_edge("198.51.100.1")))

    # Another client behind the same edge still logs in.
    other = password_login(api, "alice", "alice password", source_ip=EDGE, headers=through_edge("198.51.100.2"))
    assert other.status == 200, other.body


def test_a_client_cannot_escape_its_limit_by_claiming_other_addresses(
    behind_cloudfront: None, frozen_clock: None, api: ApiClient, people: Any
) -> None:
    for attempt in range(15):
        claimed = f"10.0.0.{attempt}"
        wrong = password_login(
            api, f"user{attempt}", "wrong", source_ip=EDGE, headers=through_edge("198.51.100.9", claimed)
        )
        assert wrong.status == 400
    blocked = password_login(api, "x", "x", source_ip=EDGE, headers=through_edge("198.51.100.9", "10.9.9.9"))
    assert_rate_limited(blocked)


def test_without_the_edge_secret_forwarded_for_is_ignored(
    behind_cloudfront: None, frozen_clock: None, api: ApiClient, people: Any
) -> None:
    """A direct call to the execute-api host: X-Forwarded-For is whatever the caller wrote."""
    for attempt in range(15):
        forged = {"X-Forwarded-For": f"10.1.0.{attempt}", "X-Cirrus-Edge": "guess"}
        assert password_login(api, f"u{attempt}", "wrong", source_ip="192.0.2.50", headers=forged).status == 400
    assert_rate_limited(
        password_login(api, "u", "wrong", source_ip="192.0.2.50", headers={"X-Forwarded-For": "1.2.3.4"})
    )


def test_refresh_grants_are_not_login_attempts(frozen_clock: None, api: ApiClient, people: Any) -> None:
    session = api.login("bob", "bob password")
    for _ in range(20):
        renewed = refresh(api, session["refresh_token"], source_ip="192.0.2.60")
        assert renewed.status == 200, renewed.body
        session = renewed.json()
    assert password_login(api, "bob", "bob password", source_ip="192.0.2.60").status == 200


def test_failed_logins_are_limited_per_account_across_addresses(
    frozen_clock: None, api: ApiClient, people: Any
) -> None:
    for attempt in range(20):
        wrong = password_login(api, "alice", f"guess {attempt}", source_ip=f"192.0.2.{attempt + 1}")
        assert wrong.status == 400, wrong.body
    # Even the right password, from a fresh address, waits for the window to pass.
    assert_rate_limited(password_login(api, "alice", "alice password", source_ip="203.0.113.99"))
    # Other accounts are not affected.
    assert password_login(api, "bob", "bob password", source_ip="203.0.113.99").status == 200


def test_comments_are_rate_limited_per_account(frozen_clock: None, api: ApiClient, people: Any) -> None:
    from tests.video_seed import add_video

    bob = people["bob"]
    video = add_video(bob.account_id, bob.channel_id, "commented")
    alice = people["alice"].token
    url = f"/api/v1/videos/{int(video.id)}/comment-threads"
    for number in range(10):
        assert api.post_json(url, {"text": f"comment {number}"}, alice).status == 200
    assert_rate_limited(api.post_json(url, {"text": "one too many"}, alice))
    assert api.post_json(url, {"text": "bob may still comment"}, bob.token).status == 200


def test_abuse_reports_are_rate_limited_per_account(frozen_clock: None, api: ApiClient, people: Any) -> None:
    from tests.video_seed import add_video

    bob = people["bob"]
    alice = people["alice"].token
    for number in range(20):
        video = add_video(bob.account_id, bob.channel_id, f"reported {number}")
        report = {"reason": "this is a report", "video": {"id": int(video.id)}}
        assert api.post_json("/api/v1/abuses", report, alice).status == 200
    video = add_video(bob.account_id, bob.channel_id, "one more")
    assert_rate_limited(
        api.post_json("/api/v1/abuses", {"reason": "again, again", "video": {"id": int(video.id)}}, alice)
    )


def test_uploads_are_rate_limited_per_account(frozen_clock: None, api: ApiClient, people: Any) -> None:
    alice = people["alice"]

    def start(number: int) -> ApiResponse:
        body = {"name": f"clip {number}", "channelId": alice.channel_id, "filename": f"clip{number}.mp4"}
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {alice.token}",
            "X-Upload-Content-Length": "1000",
            "X-Upload-Content-Type": "video/mp4",
        }
        return api.request("POST", "/api/v1/videos/upload-resumable", body=json.dumps(body).encode(), headers=headers)

    for number in range(30):
        started = start(number)
        assert started.status in (200, 201), started.body
    assert_rate_limited(start(30))


def test_inbox_posts_are_rate_limited_per_address(frozen_clock: None, api: ApiClient) -> None:
    """PeerTube's rates_limit.activity_pub: 500 requests per 10 s per address."""
    headers = {"Content-Type": "application/activity+json"}
    body = b'{"type": "Follow"}'
    for _ in range(500):
        answer = api.request("POST", "/inbox", body=body, headers=headers, source_ip="192.0.2.77")
        assert answer.status != 429
    assert_rate_limited(api.request("POST", "/inbox", body=body, headers=headers, source_ip="192.0.2.77"))
    assert api.request("POST", "/inbox", body=body, headers=headers, source_ip="192.0.2.78").status != 429


def test_cloudfront_sends_the_api_the_secret_the_function_holds() -> None:
    """On AWS: the api origin adds X-Cirrus-Edge, from the same generated secret the API
    function reads as CIRRUS_EDGE_SECRET (the CDK app is compared with the template in
    tests/infra/test_cdk.py)."""
    from pathlib import Path

    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor(
        "!",
        lambda loader, suffix, node: (
            {suffix: loader.construct_scalar(node)} if isinstance(node, yaml.ScalarNode) else {suffix: None}
        ),
    )
    template = yaml.load((Path(__file__).resolve().parents[2] / "template.yaml").read_text(), Loader=Loader)
    resources = template["Resources"]
    origins = resources["Distribution"]["Properties"]["DistributionConfig"]["Origins"]
    api_origin = next(o for o in origins if isinstance(o, dict) and o.get("Id") == "api")
    header = api_origin["OriginCustomHeaders"][0]
    assert header["HeaderName"].lower() == "x-cirrus-edge"
    secret = resources["ApiFunction"]["Properties"]["Environment"]["Variables"]["CIRRUS_EDGE_SECRET"]
    assert header["HeaderValue"] == secret == {"Sub": "{{resolve:secretsmanager:${EdgeSecret}:SecretString}}"}
    assert resources["EdgeSecret"]["Type"] == "AWS::SecretsManager::Secret"
