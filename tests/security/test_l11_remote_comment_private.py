"""L11: a remote comment was stored on any local video whose UUID its sender knew, private
and internal ones included. As PeerTube, unlisted videos may be answered; those the public
may not see may not."""

from __future__ import annotations

import pytest

from chalicelib.store import comments
from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.members import Member
from tests.security.fedsig_support import comment_texts, deliver, local_video, note

PRIVATE, INTERNAL, PASSWORD_PROTECTED = 3, 4, 5


@pytest.mark.parametrize("privacy", [PRIVATE, INTERNAL, PASSWORD_PROTECTED], ids=["private", "internal", "password"])
def test_a_remote_comment_on_a_hidden_video_is_ignored(
    peer: Peer, api: ApiClient, people: dict[str, Member], privacy: int
) -> None:
    hidden = local_video(people["alice"], privacy=privacy)
    assert deliver(peer, api, note(peer, str(hidden.url), "I found your video"), "carol") == 204
    assert comments.find_remote_comment_id(f"{peer.url('carol')}/comments/1") is None
    threads = api.get_as(f"/api/v1/videos/{hidden.uuid}/comment-threads", people["alice"].token).json()
    assert threads["total"] == 0


def test_a_remote_comment_on_an_unlisted_video_is_kept(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    unlisted = local_video(people["alice"], privacy=2)
    assert deliver(peer, api, note(peer, str(unlisted.url), "nice"), "carol") == 204
    assert comment_texts(api, str(unlisted.uuid)) == ["nice"]
