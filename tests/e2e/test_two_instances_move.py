"""An account moves from one Cirrus instance to another over ActivityPub, both stacks on
loopback: B's instance follows alice on A; alice2 on B names alice as an alias; alice moves
to alice2; A sends the Move, B checks alice2's aliases and follows alice2 instead of alice
(an Undo reaches A). Real HTTP, real signatures, each stack's own queues and functions."""

from __future__ import annotations

from tests.conftest import ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack, wait_for

ACTIVITY = {"Accept": "application/activity+json"}


def test_an_account_moves_between_two_instances(instances: tuple[RunningStack, RunningStack]) -> None:
    a, b = instances
    on_a, on_b = Client(a), Client(b)
    on_a.register("alice", "alice password")
    alice = on_a.login("alice", "alice password")["access_token"]
    on_b.register("alice2", "alice2 password")
    alice2 = on_b.login("alice2", "alice2 password")["access_token"]
    alice_url, alice2_url = f"{a.url}/accounts/alice", f"{b.url}/accounts/alice2"

    # B's instance follows alice on A, which accepts.
    root_b = on_b.login("root", ROOT_PASSWORD)["access_token"]
    follow = on_b.send("POST", "/api/v1/server/following", root_b, json={"handles": [f"alice@{a.host}"]})
    assert follow.status_code == 204, follow.text

    def followers_of_alice() -> list[str]:
        page = on_a.send("GET", "/accounts/alice/followers?page=1", headers=ACTIVITY).json()
        return list(page.get("orderedItems", []))

    assert wait_for("alice's follower", followers_of_alice) == [f"{b.url}/accounts/peertube"]

    # alice cannot move to alice2 before alice2 names her.
    refused = on_a.send("POST", "/api/v1/users/me/move", alice, json={"target": f"alice2@{b.host}"})
    assert refused.status_code == 400, refused.text
    named = on_b.send("PUT", "/api/v1/users/me/aliases", alice2, json={"aliases": [alice_url]})
    assert named.status_code == 204, named.text
    moved = on_a.send("POST", "/api/v1/users/me/move", alice, json={"target": f"alice2@{b.host}"})
    assert moved.status_code == 200, moved.text
    assert moved.json() == {"movedTo": alice2_url}

    def following_of_b() -> list[str]:
        page = on_b.send("GET", "/accounts/peertube/following?page=1", headers=ACTIVITY).json()
        items = list(page.get("orderedItems", []))
        return items if alice2_url in items and alice_url not in items else []

    assert wait_for("B's instance following alice2", following_of_b) == [alice2_url]
    wait_for("the Undo of B's follow of alice on A", lambda: not followers_of_alice())
    assert on_a.send("GET", "/api/v1/accounts/alice").json()["movedTo"] == alice2_url
