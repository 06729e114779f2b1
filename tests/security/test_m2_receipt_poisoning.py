"""M2: inbox receipts were keyed by the activity id alone, written even for ignored activities,
and ids were not bound to their sender: any server could send a Delete with the origin's
predictable id (PeerTube's `<video url>/delete`) first, and the origin's real Delete was then
dropped as a duplicate."""

from __future__ import annotations

import uuid

from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain
from tests.security.fedsig_support import (
    another_server,
    deliver,
    listed_here,
    published_remote_video,
    remote_video_urls,
)


def test_a_third_server_cannot_take_the_id_of_the_origins_delete(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    video = published_remote_video(peer, api)
    delete_id = f"{video['id']}/delete"
    with another_server() as third:
        poison = {"type": "Delete", "id": delete_id, "actor": third.url("mallory"), "object": video["id"]}
        answer = third.post(api, "/inbox", poison, name="mallory")
        assert answer.status == 403, answer.body
        assert answer.json()["detail"] == "Activity id is not on the host of its actor"
        assert drain("inbox") == 0
    assert remote_video_urls(api) == [video["id"]]

    genuine = {"type": "Delete", "id": delete_id, "actor": peer.url("carol"), "object": video["id"]}
    assert deliver(peer, api, genuine, "carol") == 204
    assert remote_video_urls(api) == []


def test_an_ignored_activity_leaves_no_receipt(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    listed_here(peer, api)
    document = peer.video(str(uuid.uuid4()), "Carol's video")
    delete = {"type": "Delete", "id": f"{document['id']}/delete", "actor": peer.url("carol"), "object": document["id"]}
    # The Delete overtakes the Create: nothing to delete yet, so it is ignored...
    assert deliver(peer, api, delete, "carol") == 204
    peer.publish(api, document)
    assert remote_video_urls(api) == [document["id"]]
    # ...and when the origin sends it again, it is not taken for a duplicate.
    assert deliver(peer, api, delete, "carol") == 204
    assert remote_video_urls(api) == []
