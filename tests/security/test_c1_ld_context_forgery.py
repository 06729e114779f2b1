"""C1: a forwarder rewrites a genuine LD-signed activity with an inline `@context` that drops
the signed JSON keys from the graph (maps them to null) and re-expresses the signed values
through keyword aliases, then writes what it likes under `type`, `id`, `object`... The graph,
and so the signature, are unchanged; only what the signature covers may be acted upon."""

from __future__ import annotations

from typing import Any

from chalicelib.activitypub.remote.parse.notes import parse_note
from chalicelib.activitypub.remote.parse.videos import parse_video
from chalicelib.activitypub.signatures.ld import sign_document, signed_form
from chalicelib.domain.oauth import utcnow
from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain
from tests.security.fedsig_support import (
    AS_CONTEXT,
    another_server,
    comment_texts,
    deliver,
    ld_signed,
    local_video,
    note,
    published_remote_video,
    remote_video_urls,
)

# Drops the signed keys from the graph and re-expresses them under other names.
FORGING_CONTEXT = {
    "type": None,
    "id": None,
    "object": None,
    "kind": "@type",
    "ident": "@id",
    "obj": {"@id": "as:object", "@type": "@id"},
}


def likes(api: ApiClient, video_uuid: str) -> int:
    return int(api.get(f"/api/v1/videos/{video_uuid}").json()["likes"])


def test_a_signed_like_rewritten_into_a_delete_changes_nothing(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    carol = peer.url("carol")
    video = published_remote_video(peer, api)
    alice_video = local_video(people["alice"])
    # A genuine activity of carol's, LD-signed as her server signs all it sends.
    like = ld_signed(
        peer, {"type": "Like", "id": f"{carol}/likes/1", "actor": carol, "object": alice_video.url}, "carol"
    )
    forged: dict[str, Any] = {
        "@context": [*AS_CONTEXT, FORGING_CONTEXT],
        "ident": like["id"],
        "kind": "Like",
        "actor": carol,
        "obj": like["object"],
        # What the raw JSON now says: carol deletes herself (and so all her videos).
        "type": "Delete",
        "id": f"{carol}/forged/1",
        "object": carol,
        "signature": like["signature"],
    }
    with another_server() as attacker:
        answer = attacker.post(api, "/inbox", forged, name="mallory")
        assert answer.status == 403, answer.body
        assert answer.json()["detail"] == "The activity is not what its signature covers"
        assert drain("inbox") == 0
    assert remote_video_urls(api) == [video["id"]]
    assert likes(api, str(alice_video.uuid)) == 0

    # The genuine activities that follow still work: carol's own Delete of her video.
    delete = {"type": "Delete", "id": f"{video['id']}/delete", "actor": carol, "object": video["id"]}
    assert deliver(peer, api, delete, "carol") == 204
    assert remote_video_urls(api) == []


def test_a_forwarded_comment_is_stored_as_signed_not_as_rewritten(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    alice_video = local_video(people["alice"])
    signed = ld_signed(peer, note(peer, str(alice_video.url), "what carol wrote"), "carol")
    # The same graph, with `content` renamed away and other words put under the JSON key.
    rewritten = {**signed, "@context": [*AS_CONTEXT, {"content": None, "words": "as:content"}]}
    rewritten["object"] = {
        **signed["object"],
        "words": signed["object"]["content"],
        "content": "words put in her mouth",
    }
    with another_server() as forwarder:
        assert deliver(forwarder, api, rewritten, "mallory") == 204
    assert comment_texts(api, str(alice_video.uuid)) == ["what carol wrote"]


def test_an_undone_like_hoisted_out_of_its_undo_is_refused(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    carol = peer.url("carol")
    alice_video = local_video(people["alice"])
    like = {"type": "Like", "id": f"{carol}/likes/2", "actor": carol, "object": alice_video.url}
    undo = ld_signed(peer, {"type": "Undo", "id": f"{carol}/likes/2/undo", "actor": carol, "object": like}, "carol")
    # The same triples, with the Like at the root and the Undo hanging off it in reverse.
    hoisted = {
        "@context": AS_CONTEXT,
        **like,
        "@reverse": {"object": {"id": undo["id"], "type": "Undo", "actor": carol}},
        "signature": undo["signature"],
    }
    with another_server() as forwarder:
        answer = forwarder.post(api, "/inbox", hoisted, name="mallory")
        assert answer.status == 403, answer.body
    assert drain("inbox") == 0
    assert likes(api, str(alice_video.uuid)) == 0


def test_real_documents_read_the_same_in_their_signed_form(peer: Peer) -> None:
    """A PeerTube Video and a Note, signed with PeerTube's own contexts, parse to exactly what
    their JSON says (the Mastodon fixture: tests/integration/test_federation_fixtures.py)."""
    from chalicelib.activitypub.contexts import context_for

    key_id = f"{peer.url('carol')}#main-key"
    video = peer.video(
        "8c1ab1c0-5f0c-4b0e-9d3e-2f1c0e4a7b61", "A video", language={"identifier": "fr", "name": "French"}
    )
    create = {"@context": context_for("Video"), **peer.create(video)}
    form = signed_form(sign_document(create, key_id, peer.keys["privateKey"]), peer.keys["publicKey"], utcnow())
    assert form is not None and form["type"] == "Create"
    assert parse_video(form["object"]) == parse_video(video)

    comment = note(peer, "http://localhost:9000/videos/watch/8c1ab1c0-5f0c-4b0e-9d3e-2f1c0e4a7b61", "a *comment*")
    signed_comment = sign_document({"@context": context_for("Comment"), **comment}, key_id, peer.keys["privateKey"])
    form = signed_form(signed_comment, peer.keys["publicKey"], utcnow())
    assert form is not None
    assert parse_note(form["object"]) == parse_note(comment["object"])
