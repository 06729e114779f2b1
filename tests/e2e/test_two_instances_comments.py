"""Comment deletions across two Cirrus instances (B follows A), over real HTTP with real
signatures: a comment deleted by its author disappears on the other instance, from either
side, and so does one the video's owner deletes on its video's origin (PeerTube's rules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, wait_for, wait_published
from tests.e2e.openapi_paths import assert_answers
from tests.openapi import LIST_DEVIATIONS


@needs_ffmpeg
def test_deleted_comments_disappear_on_the_other_instance(
    instances: tuple[RunningStack, RunningStack], tmp_path: Path
) -> None:
    a, b = instances
    on_a, on_b = Client(a), Client(b)
    root_b = on_b.login("root", ROOT_PASSWORD)["access_token"]
    assert on_b.send("POST", "/api/v1/server/following", root_b, json={"hosts": [a.host]}).status_code == 204
    wait_for(
        "A's Accept",
        lambda: [f for f in on_b.send("GET", "/api/v1/server/following").json()["data"] if f["state"] == "accepted"],
    )

    on_a.register("alice", "alice password")
    alice = on_a.login("alice", "alice password")["access_token"]
    channel_id = on_a.send("GET", "/api/v1/users/me", alice).json()["videoChannels"][0]["id"]
    with open(make_clip(tmp_path / "clip.mp4", seconds=2), "rb") as handle:
        uploaded = on_a.send(
            "POST",
            "/api/v1/videos/upload",
            alice,
            data={"name": "Talked about", "channelId": str(channel_id), "privacy": "1"},
            files={"videofile": ("clip.mp4", handle, "video/mp4")},
        )
    assert uploaded.status_code == 200, uploaded.text
    uuid = uploaded.json()["video"]["uuid"]
    wait_published(on_a, alice, uuid)
    wait_for("the video on B", lambda: on_b.send("GET", f"/api/v1/videos/{uuid}").status_code == 200)

    def comments(client: Client) -> dict[str, bool]:
        """Each comment's URL and whether it is deleted, as the instance lists them."""
        data: list[dict[str, Any]] = client.send("GET", f"/api/v1/videos/{uuid}/comment-threads").json()["data"]
        return {c["url"]: c["isDeleted"] for c in data}

    on_b.register("bob", "bob password")
    bob = on_b.login("bob", "bob password")["access_token"]
    posted = {
        text: on_b.send("POST", f"/api/v1/videos/{uuid}/comment-threads", bob, json={"text": text}).json()["comment"]
        for text in ("Bob's second thoughts", "Bob's rude remark")
    }
    posted["Alice's aside"] = on_a.send(
        "POST", f"/api/v1/videos/{uuid}/comment-threads", alice, json={"text": "Alice's aside"}
    ).json()["comment"]
    urls = {text: comment["url"] for text, comment in posted.items()}
    wait_for("every comment on both", lambda: all(len(comments(c)) == 3 for c in (on_a, on_b)))
    # A's staff see B's comments among the remote ones (PeerTube's VideoCommentForOwnerOrAdmin).
    root_a = on_a.login("root", ROOT_PASSWORD)["access_token"]
    remote = on_a.send("GET", "/api/v1/videos/comments?isLocal=false", root_a).json()
    assert_answers("GET", "/api/v1/videos/comments", remote, known_deviations=LIST_DEVIATIONS)
    assert sorted(c["url"] for c in remote["data"]) == sorted(
        urls[text] for text in ("Bob's second thoughts", "Bob's rude remark")
    )

    # Bob deletes his own (on B): gone on A. Alice deletes hers (on A): gone on B.
    second, aside, rude = posted["Bob's second thoughts"], posted["Alice's aside"], posted["Bob's rude remark"]
    assert on_b.send("DELETE", f"/api/v1/videos/{uuid}/comments/{second['id']}", bob).status_code == 204
    assert on_a.send("DELETE", f"/api/v1/videos/{uuid}/comments/{aside['id']}", alice).status_code == 204
    wait_for("Bob's deletion on A", lambda: comments(on_a)[urls["Bob's second thoughts"]])
    wait_for("Alice's deletion on B", lambda: comments(on_b)[urls["Alice's aside"]])

    # Alice, the video's owner, deletes Bob's remark on A: gone on B too.
    on_a_id = next(
        c["id"]
        for c in on_a.send("GET", f"/api/v1/videos/{uuid}/comment-threads").json()["data"]
        if c["url"] == urls["Bob's rude remark"]
    )
    assert on_a.send("DELETE", f"/api/v1/videos/{uuid}/comments/{on_a_id}", alice).status_code == 204
    wait_for("the owner's deletion on B", lambda: comments(on_b)[urls["Bob's rude remark"]])
    assert on_b.send("GET", f"/api/v1/videos/{uuid}/comment-threads/{rude['id']}").json()["comment"]["text"] == ""
    assert comments(on_a) == comments(on_b) == dict.fromkeys(urls.values(), True)
