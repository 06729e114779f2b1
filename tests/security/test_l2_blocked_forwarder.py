"""L2: the inbox queue kept only the actor vouching for an activity, so a server the
instance blocks could still deliver by forwarding activities that others LD-signed."""

from __future__ import annotations

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.federation_peer import Peer
from tests.members import Member
from tests.security.fedsig_support import another_server, comment_texts, deliver, ld_signed, local_video, note


def test_a_blocked_server_cannot_deliver_by_forwarding(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    alice_video = local_video(people["alice"])
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    with another_server() as blocked:
        assert api.post_json("/api/v1/server/blocklist/servers", {"host": blocked.host}, root).status == 204
        comment = ld_signed(peer, note(peer, str(alice_video.url), "forwarded by a blocked server"), "carol")
        assert deliver(blocked, api, comment, "mallory") == 204  # accepted, then dropped
        assert comment_texts(api, str(alice_video.uuid)) == []
    # carol's own server, which is not blocked, is heard.
    direct = note(peer, str(alice_video.url), "sent by carol's own server", number=2)
    assert deliver(peer, api, direct, "carol") == 204
    assert comment_texts(api, str(alice_video.uuid)) == ["sent by carol's own server"]
