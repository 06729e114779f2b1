"""Interactions across servers: comments, likes and views, arriving from a peer on loopback
(signed, over the inbox) and leaving for a remote video's origin (over real HTTP)."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.config import get_settings
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain, drain_federation
from tests.video_seed import add_video

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def note(peer: Peer, number: int, in_reply_to: str, content: str = "Lovely **video**", **fields: Any) -> dict[str, Any]:
    url = f"{peer.base}/videos/watch/x/comments/{number}"
    document = {
        "type": "Note",
        "id": url,
        "to": [PUBLIC],
        "cc": [f"{peer.url('carol')}/followers"],
        "content": content,
        "mediaType": "text/markdown",
        "inReplyTo": in_reply_to,
        "published": "2026-11-20T10:00:00.000Z",
        "updated": "2026-11-20T10:00:00.000Z",
        "url": url,
        "attributedTo": peer.url("carol"),
    }
    document.update(fields)
    return {"type": "Create", "id": f"{url}/activity", "actor": peer.url("carol"), "to": [PUBLIC], "object": document}


def threads(api: ApiClient, video: str) -> list[dict[str, Any]]:
    return list(api.get(f"/api/v1/videos/{video}/comment-threads").json()["data"])


def test_remote_comments_on_our_video(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "Commented from afar")
    assert peer.post(api, "/inbox", note(peer, 1, video.url), name="carol").status == 204
    assert peer.post(api, "/inbox", note(peer, 1, video.url), name="carol").status == 204  # redelivered
    drain_federation()
    listed = threads(api, video.uuid)
    assert len(listed) == 1
    assert listed[0]["text"] == "Lovely **video**" and listed[0]["account"]["host"] == peer.host
    assert listed[0]["url"] == f"{peer.base}/videos/watch/x/comments/1"

    # A reply to one of our comments, and Mastodon's HTML reduced to text.
    ours = api.post_json(f"/api/v1/videos/{video.uuid}/comment-threads", {"text": "Thanks!"}, alice.token).json()
    our_url = ours["comment"]["url"]
    html = note(peer, 2, our_url, content="<p>You&apos;re welcome<br>see you</p>", mediaType="text/html")
    assert peer.post(api, "/inbox", html, name="carol").status == 204
    drain_federation()
    thread = api.get(f"/api/v1/videos/{video.uuid}/comment-threads/{ours['comment']['id']}").json()
    assert [child["comment"]["text"] for child in thread["children"]] == ["You're welcome\nsee you"]

    # Refused: not public, another author, an unknown parent.
    private = note(peer, 3, video.url, to=[peer.url("carol")], cc=[])
    impostor = note(peer, 4, video.url, attributedTo=peer.url("dave"))
    orphan = note(peer, 5, f"{peer.base}/videos/watch/unknown")
    elsewhere = note(peer, 6, video.url)
    elsewhere["object"]["id"] = elsewhere["object"]["url"] = "https://elsewhere.example/comments/6"
    for activity in (private, impostor, orphan, elsewhere):
        assert peer.post(api, "/inbox", activity, name="carol").status == 204
    drain_federation()
    assert len(threads(api, video.uuid)) == 2
    assert api.get(f"/api/v1/videos/{video.uuid}").json()["comments"] == 3
    collection = api.get(f"/videos/watch/{video.uuid}/comments?page=1", headers={"Accept": "application/activity+json"})
    assert collection.json()["orderedItems"] == [
        f"{peer.base}/videos/watch/x/comments/1",
        our_url,
        html["object"]["id"],
    ]

    # Its author deletes a comment; someone else cannot.
    first = f"{peer.base}/videos/watch/x/comments/1"
    stranger = {"type": "Delete", "id": f"{first}/delete-by-dave", "actor": peer.url("dave"), "object": first}
    assert peer.post(api, "/inbox", stranger, name="dave").status == 204
    drain_federation()
    assert api.get(f"/api/v1/videos/{video.uuid}").json()["comments"] == 3
    delete = {"type": "Delete", "id": f"{first}/delete", "actor": peer.url("carol"), "object": first}
    assert peer.post(api, "/inbox", delete, name="carol").status == 204
    drain_federation()
    assert api.get(f"/api/v1/videos/{video.uuid}").json()["comments"] == 2
    assert threads(api, video.uuid)[-1]["isDeleted"] is True


def test_a_remote_videos_author_answering_from_its_server_counts_as_its_author(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    """`totalRepliesFromVideoAuthor` counts the replies of the video's own account (PeerTube
    counts them by account, wherever they were written): a remote video's author answering
    from its server counts as a local video's author answering here does, and its answers
    leave the count when deleted, by their author or by a moderator here."""
    alice, root = people["alice"], api.login("root", ROOT_PASSWORD)["access_token"]
    video_uuid = str(uuid.uuid4())
    peer.publish(api, peer.video(video_uuid, "Ask carol anything"))  # carol's video
    question = api.post_json(f"/api/v1/videos/{video_uuid}/comment-threads", {"text": "Why?"}, alice.token).json()
    for number in (7, 8):
        answer = note(peer, number, question["comment"]["url"], content=f"Because {number}")
        assert peer.post(api, "/inbox", answer, name="carol").status == 204
    drain_federation()
    counted = [(t["totalReplies"], t["totalRepliesFromVideoAuthor"]) for t in threads(api, video_uuid)]
    assert counted == [(2, 2)]

    first = f"{peer.base}/videos/watch/x/comments/7"
    delete = {"type": "Delete", "id": f"{first}/delete", "actor": peer.url("carol"), "object": first}
    assert peer.post(api, "/inbox", delete, name="carol").status == 204
    drain_federation()
    thread = api.get(f"/api/v1/videos/{video_uuid}/comment-threads/{question['comment']['id']}").json()
    second = next(c["comment"]["id"] for c in thread["children"] if c["comment"]["text"] == "Because 8")
    assert api.delete_as(f"/api/v1/videos/{video_uuid}/comments/{second}", root).status == 204
    counted = [(t["totalReplies"], t["totalRepliesFromVideoAuthor"]) for t in threads(api, video_uuid)]
    assert counted == [(0, 0)]


def test_remote_comments_are_held_as_peertube_holds_them(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    """One hold rule for every comment (PeerTube's): on a video whose policy asks for approval,
    a remote comment is held when the video is ours, and never on a remote video, whose origin
    holds what it must; a local user's comment on such a remote video is held here."""
    alice, bob = people["alice"], people["bob"]
    ours = add_video(alice.account_id, alice.channel_id, "Approved comments only", comments_policy=3)
    theirs = str(uuid.uuid4())
    peer.publish(api, peer.video(theirs, "Approved over there", commentsPolicy=3))
    assert peer.post(api, "/inbox", note(peer, 11, ours.url, content="Held here"), name="carol").status == 204
    their_url = f"{peer.base}/videos/watch/{theirs}"
    assert peer.post(api, "/inbox", note(peer, 12, their_url, content="Not held"), name="carol").status == 204
    drain_federation()
    local = api.post_json(f"/api/v1/videos/{theirs}/comment-threads", {"text": "Held too"}, bob.token).json()
    assert local["comment"]["heldForReview"] is True

    assert threads(api, ours.uuid) == []  # anonymous visitors do not see held comments
    owners = api.get_as(f"/api/v1/videos/{ours.uuid}/comment-threads", alice.token).json()["data"]
    assert [(c["text"], c["heldForReview"]) for c in owners] == [("Held here", True)]
    assert [(c["text"], c["heldForReview"]) for c in threads(api, theirs)] == [("Not held", False)]


def test_remote_likes_and_views_of_our_video(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "Liked from afar")
    like = {"type": "Like", "id": f"{peer.url('carol')}/likes/1", "actor": peer.url("carol"), "object": video.url}
    assert peer.post(api, "/inbox", like, name="carol").status == 204
    assert peer.post(api, "/inbox", like, name="carol").status == 204
    drain_federation()
    assert api.get(f"/api/v1/videos/{video.uuid}").json()["likes"] == 1

    undo = {"type": "Undo", "id": f"{like['id']}/undo", "actor": peer.url("carol"), "object": like}
    assert peer.post(api, "/inbox", undo, name="carol").status == 204
    dislike = dict(like, type="Dislike", id=f"{peer.url('carol')}/dislikes/1")
    assert peer.post(api, "/inbox", dislike, name="carol").status == 204
    drain_federation()
    details = api.get(f"/api/v1/videos/{video.uuid}").json()
    assert (details["likes"], details["dislikes"]) == (0, 1)

    view = {"type": "View", "id": f"{peer.url()}/views/videos/9/abc", "actor": peer.url(), "object": video.url}
    for _ in range(2):  # the same View twice counts once
        assert peer.post(api, "/inbox", view).status == 204
    other = dict(view, id=f"{peer.url()}/views/videos/9/def")
    assert peer.post(api, "/inbox", other).status == 204
    drain_federation()
    drain("views")
    assert api.get(f"/api/v1/videos/{video.uuid}").json()["views"] == 2

    # The video's collections list the remote ratings.
    ap = {"Accept": "application/activity+json"}
    dislikes = api.get(f"/videos/watch/{video.uuid}/dislikes?page=1", headers=ap).json()
    assert dislikes["orderedItems"] == [dislike["id"]] and dislikes["totalItems"] == 1
    assert api.get(f"/videos/watch/{video.uuid}/likes", headers=ap).json()["totalItems"] == 0


def test_our_users_reach_a_remote_videos_origin(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video_uuid = str(uuid.uuid4())
    document = peer.video(video_uuid, "Over there")
    peer.publish(api, document)
    peer.received.clear()

    assert api.put_json(f"/api/v1/videos/{video_uuid}/rate", {"rating": "like"}, alice.token).status == 204
    posted = api.post_json(f"/api/v1/videos/{video_uuid}/comment-threads", {"text": "Hello from Cirrus"}, alice.token)
    assert posted.status == 200
    seen = api.post_json(f"/api/v1/videos/{video_uuid}/views", {"currentTime": 0, "sessionId": "s1"})
    assert seen.status == 204
    drain_federation()

    received = {a["type"]: a for a in peer.inbox_activities("/inbox")}
    assert received["Like"]["object"] == document["id"]
    assert received["Like"]["actor"].endswith("/accounts/alice")
    created = received["Create"]["object"]
    assert created["type"] == "Note" and created["content"] == "Hello from Cirrus"
    assert created["inReplyTo"] == document["id"] and created["attributedTo"].endswith("/accounts/alice")
    assert PUBLIC in created["to"]
    assert set(received) == {"Like", "Create"}  # the view is sent once it is counted (after 10 s of watching)


def test_a_deleted_comment_is_deleted_where_it_went(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    """PeerTube's sendDeleteVideoComment: our comment's Delete is its author's and goes where
    its Create went; a remote comment deleted on our video goes in the name of the video's
    owner account; a held comment (never sent) and a remote comment on a remote video (not
    ours to speak for) send nothing."""
    alice, bob = people["alice"], people["bob"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    peer.follow_our_instance(api)
    video = add_video(alice.account_id, alice.channel_id, "Said and unsaid")

    def deletes() -> list[tuple[str, str, str]]:
        drain_federation()
        found = [(a["actor"], a["object"], a["id"]) for a in peer.inbox_activities() if a["type"] == "Delete"]
        peer.received.clear()
        return found

    # Bob's comment on alice's video: bob's Delete, to the followers of the video's parties.
    said = api.post_json(f"/api/v1/videos/{video.uuid}/comment-threads", {"text": "Oops"}, bob.token).json()["comment"]
    drain_federation()
    assert [a["type"] for a in peer.inbox_activities()] == ["Create"]
    peer.received.clear()
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/comments/{said['id']}", bob.token).status == 204
    bob_url = f"{get_settings().instance_url}/accounts/bob"
    assert deletes() == [(bob_url, said["url"], f"{said['url']}/delete")]

    # Carol's comment on alice's video, deleted by alice: in alice's name.
    assert peer.post(api, "/inbox", note(peer, 21, video.url), name="carol").status == 204
    drain_federation()
    carols = next(c for c in threads(api, video.uuid) if c["url"].endswith("/comments/21"))
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/comments/{carols['id']}", alice.token).status == 204
    alice_url = f"{get_settings().instance_url}/accounts/alice"
    (delete,) = deletes()
    assert delete == (alice_url, carols["url"], f"{video.url}/comments/{carols['id']}/delete")  # an id of ours

    # Alice's comment on carol's video: to its origin.
    theirs = str(uuid.uuid4())
    peer.publish(api, peer.video(theirs, "Carol's"))
    mine = api.post_json(f"/api/v1/videos/{theirs}/comment-threads", {"text": "Hi"}, alice.token).json()["comment"]
    drain_federation()
    peer.received.clear()
    assert api.delete_as(f"/api/v1/videos/{theirs}/comments/{mine['id']}", alice.token).status == 204
    drain_federation()
    sent = [(r.path, r.json()["type"], r.json()["object"]) for r in peer.received]
    assert ("/inbox", "Delete", mine["url"]) in sent
    peer.received.clear()

    # Nothing for a remote comment on a remote video, nor for a held comment.
    assert peer.post(api, "/inbox", note(peer, 22, peer.video(theirs, "")["id"]), name="carol").status == 204
    drain_federation()
    remote = next(c for c in threads(api, theirs) if c["url"].endswith("/comments/22"))
    assert api.delete_as(f"/api/v1/videos/{theirs}/comments/{remote['id']}", root).status == 204
    held_video = add_video(alice.account_id, alice.channel_id, "Reviewed", comments_policy=3)
    held = api.post_json(f"/api/v1/videos/{held_video.uuid}/comment-threads", {"text": "Wait"}, bob.token).json()
    assert held["comment"]["heldForReview"] is True
    assert api.delete_as(f"/api/v1/videos/{held_video.uuid}/comments/{held['comment']['id']}", bob.token).status == 204
    assert deletes() == []


def test_a_remote_videos_owner_deletes_our_comment_on_it(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    """The origin of a video moderates its comments (PeerTube accepts a comment's Delete from
    the video's owner account): ours is blanked here; nobody else's Delete of it counts."""
    alice, bob = people["alice"], people["bob"]
    theirs = str(uuid.uuid4())
    peer.publish(api, peer.video(theirs, "Carol moderates"))
    mine = api.post_json(f"/api/v1/videos/{theirs}/comment-threads", {"text": "Rude"}, alice.token).json()["comment"]
    on_ours = add_video(bob.account_id, bob.channel_id, "Bob's")
    kept = api.post_json(f"/api/v1/videos/{on_ours.uuid}/comment-threads", {"text": "Mine"}, alice.token).json()
    kept_url = kept["comment"]["url"]

    for actor, target in ((peer.url("dave"), mine["url"]), (peer.url("carol"), kept_url)):
        refused = {"type": "Delete", "id": f"{actor}/deletes/{len(target)}", "actor": actor, "object": target}
        assert peer.post(api, "/inbox", refused, name=actor.rsplit("/", 1)[1]).status == 204
    drain_federation()
    assert [c["isDeleted"] for c in threads(api, theirs)] == [False]
    assert [c["isDeleted"] for c in threads(api, on_ours.uuid)] == [False]

    # PeerTube's id for it is the comment's URL and /delete: on our host, not carol's.
    delete = {"type": "Delete", "id": f"{mine['url']}/delete", "actor": peer.url("carol"), "object": mine["url"]}
    assert peer.post(api, "/inbox", delete, name="carol").status == 204
    drain_federation()
    (gone,) = threads(api, theirs)
    assert gone["isDeleted"] is True and gone["text"] == ""
    assert api.get(f"/api/v1/videos/{theirs}").json()["comments"] == 0
