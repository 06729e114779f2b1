"""Blocklists: the instance's and each user's, of accounts and servers. What they hide from
video lists and search, and what the inbox drops; bad requests change nothing."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import pytest

from chalicelib.config import get_settings
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.federation_peer import Peer
from tests.members import Member
from tests.openapi import ACTOR_NULLS, assert_conforms
from tests.queue_runner import drain_federation
from tests.video_seed import add_video

SERVER = "/api/v1/server/blocklist"
MINE = "/api/v1/users/me/blocklist"


def names(api: ApiClient, path: str, token: str | None = None) -> list[str]:
    response = api.get_as(path, token)
    assert response.status == 200, response.body
    return sorted(v["name"] for v in response.json()["data"])


def block_account(api: ApiClient, base: str, handle: str, token: str) -> int:
    return api.post_json(f"{base}/accounts", {"accountName": handle}, token).status


def block_server(api: ApiClient, base: str, host: str, token: str) -> int:
    return api.post_json(f"{base}/servers", {"host": host}, token).status


def check_account_block(item: dict[str, Any], by: str, blocked: str) -> None:
    assert set(item) == {"byAccount", "blockedAccount", "createdAt"}
    assert item["byAccount"]["name"] == by and item["blockedAccount"]["name"] == blocked
    assert_conforms("Account", item["byAccount"], known_deviations=ACTOR_NULLS)
    assert_conforms("Account", item["blockedAccount"], known_deviations=ACTOR_NULLS)
    assert item["createdAt"].endswith("Z")


def test_the_instance_blocks_accounts_and_servers(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    add_video(alice.account_id, alice.channel_id, "by alice")
    add_video(bob.account_id, bob.channel_id, "by bob")
    host = get_settings().instance_host
    assert names(api, "/api/v1/videos") == ["by alice", "by bob"]

    assert block_account(api, SERVER, "bob", mod.token) == 204
    assert block_account(api, SERVER, f"bob@{host}", mod.token) == 204  # again: nothing changes
    listed = api.get_as(f"{SERVER}/accounts", mod.token)
    assert listed.status == 200
    assert listed.json()["total"] == 1
    check_account_block(listed.json()["data"][0], "peertube", "bob")

    # Hidden from every list and search, for everyone; not from its owner's own list.
    assert names(api, "/api/v1/videos") == ["by alice"]
    assert names(api, "/api/v1/videos", alice.token) == ["by alice"]
    assert names(api, "/api/v1/accounts/bob/videos") == []
    assert names(api, f"/api/v1/video-channels/{bob.channel_name}/videos") == []
    assert names(api, "/api/v1/search/videos?search=bob") == []
    assert names(api, "/api/v1/users/me/videos", bob.token) == ["by bob"]
    # Moderators may lift it (PeerTube's include flag 4).
    assert names(api, "/api/v1/videos?include=4", mod.token) == ["by alice", "by bob"]

    status = api.get(f"/api/v1/blocklist/status?accounts=bob@{host}&accounts=alice@{host}&hosts=other.example")
    assert status.status == 200
    assert status.json() == {
        "accounts": {
            f"bob@{host}": {"blockedByServer": True, "blockedByUser": False},
            f"alice@{host}": {"blockedByServer": False, "blockedByUser": False},
        },
        "hosts": {"other.example": {"blockedByServer": False, "blockedByUser": False}},
    }
    assert_conforms("BlockStatus", status.json())

    assert api.delete_as(f"{SERVER}/accounts/bob", mod.token).status == 204
    assert names(api, "/api/v1/videos") == ["by alice", "by bob"]
    assert api.get_as(f"{SERVER}/accounts", mod.token).json() == {"total": 0, "data": []}

    # Servers: any valid host, listed, searched, unblocked.
    assert block_server(api, SERVER, "Blocked.Example", mod.token) == 204
    assert block_server(api, SERVER, "other.example:8443", mod.token) == 204
    servers = api.get_as(f"{SERVER}/servers?sort=createdAt", mod.token).json()
    assert servers["total"] == 2
    assert [s["blockedServer"] for s in servers["data"]] == [
        {"host": "blocked.example"},
        {"host": "other.example:8443"},
    ]
    assert_conforms("Account", servers["data"][0]["byAccount"], known_deviations=ACTOR_NULLS)
    assert set(servers["data"][0]) == {"byAccount", "blockedServer", "createdAt"}
    assert api.get_as(f"{SERVER}/servers?search=8443", mod.token).json()["total"] == 1
    assert api.get_as(f"{SERVER}/servers?start=1&count=1", mod.token).json()["data"][0]["blockedServer"] == {
        "host": "blocked.example"
    }
    status = api.get("/api/v1/blocklist/status?hosts=blocked.example").json()
    assert status["hosts"] == {"blocked.example": {"blockedByServer": True, "blockedByUser": False}}
    assert names(api, "/api/v1/videos") == ["by alice", "by bob"]  # local videos are on no blocked server
    assert api.delete_as(f"{SERVER}/servers/blocked.example", mod.token).status == 204
    assert api.get_as(f"{SERVER}/servers", mod.token).json()["total"] == 1


def test_a_user_blocks_for_themselves(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    add_video(alice.account_id, alice.channel_id, "by alice")
    add_video(bob.account_id, bob.channel_id, "by bob")

    assert block_account(api, MINE, "bob", alice.token) == 204
    assert names(api, "/api/v1/videos", alice.token) == ["by alice"]
    assert names(api, "/api/v1/search/videos?search=by", alice.token) == ["by alice"]
    assert names(api, "/api/v1/videos", bob.token) == ["by alice", "by bob"]
    assert names(api, "/api/v1/videos") == ["by alice", "by bob"]

    mine = api.get_as(f"{MINE}/accounts", alice.token)
    assert mine.status == 200 and mine.json()["total"] == 1
    check_account_block(mine.json()["data"][0], "alice", "bob")
    assert api.get_as(f"{MINE}/accounts?search=BOB", alice.token).json()["total"] == 1
    assert api.get_as(f"{MINE}/accounts?search=nobody", alice.token).json()["total"] == 0
    assert api.get_as(f"{MINE}/accounts", bob.token).json() == {"total": 0, "data": []}
    host = get_settings().instance_host
    status = api.get_as(f"/api/v1/blocklist/status?accounts=bob@{host}", alice.token).json()
    assert status["accounts"][f"bob@{host}"] == {"blockedByServer": False, "blockedByUser": True}

    assert block_server(api, MINE, "spam.example", alice.token) == 204
    servers = api.get_as(f"{MINE}/servers", alice.token).json()
    assert [s["blockedServer"]["host"] for s in servers["data"]] == ["spam.example"]
    assert servers["data"][0]["byAccount"]["name"] == "alice"
    status = api.get_as("/api/v1/blocklist/status?hosts=spam.example", alice.token).json()
    assert status["hosts"]["spam.example"] == {"blockedByServer": False, "blockedByUser": True}

    assert api.delete_as(f"{MINE}/accounts/bob@{host}", alice.token).status == 204
    assert names(api, "/api/v1/videos", alice.token) == ["by alice", "by bob"]
    assert api.delete_as(f"{MINE}/servers/spam.example", alice.token).status == 204
    assert api.get_as(f"{MINE}/servers", alice.token).json() == {"total": 0, "data": []}


def stored(api: ApiClient, token: str) -> dict[str, Any]:
    return {
        base: {kind: api.get_as(f"{base}/{kind}", token).json()["total"] for kind in ("accounts", "servers")}
        for base in (SERVER, MINE)
    }


@pytest.mark.parametrize("base", [SERVER, MINE])
def test_bad_requests_change_nothing(api: ApiClient, people: dict[str, Member], base: str) -> None:
    mod = people["mod"]
    host = get_settings().instance_host
    before = stored(api, mod.token)

    def problem(response: Any, status: int, detail: str | None = None, field: str | None = None) -> None:
        assert response.status == status, response.body
        if detail is not None:
            assert response.json()["detail"] == detail
        if field is not None:
            assert response.json()["invalid-params"][field]["msg"] == "Invalid value"

    post = api.post_json
    problem(post(f"{base}/accounts", {}, mod.token), 400, field="accountName")
    problem(post(f"{base}/accounts", {"accountName": 3}, mod.token), 400, field="accountName")
    problem(post(f"{base}/accounts", {"accountName": "nobody"}, mod.token), 404, "Account not found")
    problem(post(f"{base}/accounts", {"accountName": "carol@elsewhere.example"}, mod.token), 404, "Account not found")
    problem(post(f"{base}/accounts", {"accountName": people["alice"].channel_name}, mod.token), 404)  # a channel
    problem(post(f"{base}/accounts", {"accountName": f"moddy@{host}"}, mod.token), 409, "You cannot block yourself.")
    problem(post(f"{base}/servers", {}, mod.token), 400, field="host")
    for bad in ("not a host", "https://spam.example", "spam.example/path", 7, ""):
        problem(post(f"{base}/servers", {"host": bad}, mod.token), 400, field="host")
    problem(post(f"{base}/servers", {"host": host}, mod.token), 409, "You cannot block your own server.")
    problem(api.delete_as(f"{base}/accounts/nobody", mod.token), 404, "Account not found")
    problem(api.delete_as(f"{base}/accounts/bob", mod.token), 404, "Account block entry not found.")
    problem(api.delete_as(f"{base}/servers/spam.example", mod.token), 404, "Server block entry not found.")
    problem(api.delete_as(f"{base}/servers/not_a_host", mod.token), 400, field="host")
    problem(api.get_as(f"{base}/accounts?sort=name", mod.token), 400)
    problem(api.get_as(f"{base}/servers?count=101", mod.token), 400)
    problem(api.get_as(f"{base}/servers?start=-1", mod.token), 400)
    for kind in ("accounts", "servers"):
        problem(api.get(f"{base}/{kind}"), 401)
        problem(api.post_json(f"{base}/{kind}", {"accountName": "bob", "host": "spam.example"}), 401)
    assert (
        stored(api, mod.token) == before == {SERVER: {"accounts": 0, "servers": 0}, MINE: {"accounts": 0, "servers": 0}}
    )


def test_plain_users_cannot_touch_the_instance_blocklist(api: ApiClient, people: dict[str, Member]) -> None:
    alice, mod = people["alice"], people["mod"]
    for kind, body in (("accounts", {"accountName": "bob"}), ("servers", {"host": "spam.example"})):
        assert api.get_as(f"{SERVER}/{kind}", alice.token).status == 403
        refused = api.post_json(f"{SERVER}/{kind}", body, alice.token)
        assert refused.status == 403
        assert "does not have right" in refused.json()["detail"]
    assert block_account(api, SERVER, "bob", mod.token) == 204
    assert api.delete_as(f"{SERVER}/accounts/bob", alice.token).status == 403
    assert api.get_as(f"{SERVER}/accounts", mod.token).json()["total"] == 1


def test_bad_status_queries(api: ApiClient, people: dict[str, Member]) -> None:
    for query, field in (
        ("hosts=not%20a%20host", "hosts"),
        ("hosts=a.example&hosts=a.example", "hosts"),
        ("accounts=nohost", "accounts"),
        ("accounts=a@not%20a%20host", "accounts"),
    ):
        response = api.get(f"/api/v1/blocklist/status?{query}")
        assert response.status == 400, query
        assert field in response.json()["invalid-params"]
    assert api.get("/api/v1/blocklist/status").json() == {"accounts": {}, "hosts": {}}


# Federation: what a blocked server or account sends is dropped; lists hide what it sent.


def send_video(api: ApiClient, peer: Peer, name: str) -> str:
    video_uuid = str(uuid.uuid4())
    peer.publish(api, peer.video(video_uuid, name))
    return video_uuid


def known(api: ApiClient, video_uuid: str) -> bool:
    return api.get(f"/api/v1/videos/{video_uuid}").status == 200


def our_instance_actor() -> str:
    return f"{get_settings().instance_url}/accounts/peertube"


def test_the_inbox_drops_what_blocked_servers_and_accounts_send(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    mod = people["mod"]
    peer.followed_by_our_instance(api, api.login("root", ROOT_PASSWORD)["access_token"])  # listed only then
    first = send_video(api, peer, "Before the block")
    assert known(api, first)
    assert names(api, "/api/v1/videos?isLocal=false") == ["Before the block"]

    assert block_server(api, SERVER, peer.host, mod.token) == 204
    dropped = send_video(api, peer, "While the server is blocked")
    assert not known(api, dropped)
    # What was stored stays (as PeerTube), hidden from lists for everyone.
    assert known(api, first)
    assert names(api, "/api/v1/videos?isLocal=false") == []
    assert names(api, "/api/v1/videos?isLocal=false", people["alice"].token) == []
    assert names(api, "/api/v1/search/videos?search=block") == []
    # A Follow from the blocked server is answered with a Reject, as PeerTube answers it.
    follow = {"type": "Follow", "id": f"{peer.url()}/follows/7", "actor": peer.url(), "object": our_instance_actor()}
    assert peer.post(api, "/inbox", follow).status == 204
    drain_federation()
    answers = [r.json()["type"] for r in peer.received if r.path == "/accounts/peertube/inbox"]
    assert answers == ["Follow", "Reject"]  # our instance's follow of the peer (at the start), then the Reject
    assert api.get("/api/v1/server/followers").json()["total"] == 0

    assert api.delete_as(f"{SERVER}/servers/{peer.host}", mod.token).status == 204
    after = send_video(api, peer, "After the unblock")
    assert known(api, after)
    assert names(api, "/api/v1/videos?isLocal=false") == ["After the unblock", "Before the block"]

    # An account of another server, blocked by the instance.
    assert block_account(api, SERVER, f"carol@{peer.host}", mod.token) == 204
    blocked = api.get_as(f"{SERVER}/accounts", mod.token).json()["data"][0]["blockedAccount"]
    assert blocked["host"] == peer.host and blocked["name"] == "carol"
    assert not known(api, send_video(api, peer, "While carol is blocked"))
    assert names(api, "/api/v1/videos?isLocal=false") == []
    assert api.delete_as(f"{SERVER}/accounts/carol@{peer.host}", mod.token).status == 204
    assert known(api, send_video(api, peer, "Carol again"))

    # A user's own block hides the server's videos from that user only; the inbox still takes them.
    alice = people["alice"]
    assert block_server(api, MINE, peer.host, alice.token) == 204
    assert names(api, "/api/v1/videos?isLocal=false", alice.token) == []
    assert len(names(api, "/api/v1/videos?isLocal=false")) == 3
    assert known(api, send_video(api, peer, "Seen by others"))


def test_the_instance_blocks_are_cached_between_reads(
    api: ApiClient, people: dict[str, Member], dynamodb_calls: Counter[str]
) -> None:
    """Lists and the inbox read the instance's blocks from memory; this process's own changes
    show at once."""
    from chalicelib.domain import muting

    root = api.login("root", ROOT_PASSWORD)["access_token"]
    muting.by_instance()
    dynamodb_calls.clear()
    for _ in range(3):
        muting.by_instance()
    assert dynamodb_calls == {}
    assert block_server(api, SERVER, "cached.example", root) == 204
    dynamodb_calls.clear()
    assert "cached.example" in muting.by_instance().hosts
    assert dynamodb_calls == {"Query": 1}
