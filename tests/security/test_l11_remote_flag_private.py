"""L11, the same hole in Flag: `local_objects.local_video` ignores privacy, so a remote server
that learned the UUID of a private, internal or password-protected local video could report
it (or a comment on it) and so confirm it exists and reach its owner's moderators. PeerTube
lets other servers report only what it federates to them: public and unlisted videos."""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.integration.test_federation_abuses import abuses, flag
from tests.members import Member
from tests.queue_runner import drain_federation
from tests.video_seed import add_video

PRIVATE, INTERNAL, PASSWORD_PROTECTED = 3, 4, 5


@pytest.mark.parametrize("privacy", [PRIVATE, INTERNAL, PASSWORD_PROTECTED], ids=["private", "internal", "password"])
def test_a_remote_flag_of_a_hidden_video_or_its_comments_is_ignored(
    peer: Peer, api: ApiClient, people: dict[str, Member], privacy: int
) -> None:
    alice, mod = people["alice"], people["mod"]
    hidden = add_video(alice.account_id, alice.channel_id, "Not for you", privacy=privacy)
    comment = api.post_json(f"/api/v1/videos/{hidden.uuid}/comment-threads", {"text": "note"}, alice.token).json()
    assert peer.post(api, "/inbox", flag(peer, 1, hidden.url), name="carol").status == 204
    assert peer.post(api, "/inbox", flag(peer, 2, comment["comment"]["url"]), name="carol").status == 204
    drain_federation()
    assert abuses(api, mod.token)["total"] == 0


def test_a_remote_flag_of_an_unlisted_video_is_kept(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    alice, mod = people["alice"], people["mod"]
    unlisted = add_video(alice.account_id, alice.channel_id, "Link only", privacy=2)
    assert peer.post(api, "/inbox", flag(peer, 1, unlisted.url), name="carol").status == 204
    drain_federation()
    assert abuses(api, mod.token)["total"] == 1
