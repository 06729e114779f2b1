"""M8: anyone holding an actor's LD-signed activity could forward it again, under any HTTP
signer, long after it was sent (once its receipt expired, or at any time for a Follow): a
forwarded activity's signature must be recent."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.activitypub.signatures.ld import MAX_AGE
from chalicelib.config import get_settings
from chalicelib.domain.oauth import utcnow
from chalicelib.store.inbox_receipts import RECEIPT_LIFETIME
from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain
from tests.security.fedsig_support import another_server, comment_texts, deliver, ld_signed, local_video, note


def test_an_old_forwarded_comment_is_refused_and_a_fresh_one_kept(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    alice_video = local_video(people["alice"])
    captured = ld_signed(
        peer, note(peer, str(alice_video.url), "said long ago"), "carol", utcnow() - timedelta(hours=2)
    )
    with another_server() as replayer:
        answer = replayer.post(api, "/inbox", captured, name="mallory")
        assert answer.status == 403 and answer.json()["detail"] == "Signature could not be verified"
        assert drain("inbox") == 0
        assert comment_texts(api, str(alice_video.uuid)) == []

        fresh = ld_signed(peer, note(peer, str(alice_video.url), "said just now", number=2), "carol")
        assert deliver(replayer, api, fresh, "mallory") == 204
    assert comment_texts(api, str(alice_video.uuid)) == ["said just now"]


def test_an_old_forwarded_follow_does_not_subscribe_its_actor_again(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    carol = peer.url("carol")
    channel = people["alice"].channel_name
    target = f"{get_settings().instance_url}/video-channels/{channel}"
    follow = {"type": "Follow", "id": f"{carol}/follows/9", "actor": carol, "object": target}
    old = ld_signed(peer, follow, "carol", utcnow() - timedelta(days=3))
    with another_server() as replayer:
        assert replayer.post(api, "/inbox", old, name="mallory").status == 403
        assert drain("inbox") == 0
        assert api.get(f"/video-channels/{channel}/followers").json()["totalItems"] == 0
        # The same Follow freshly signed, forwarded the same way, is heard.
        assert deliver(replayer, api, ld_signed(peer, follow, "carol"), "mallory") == 204
    assert api.get(f"/video-channels/{channel}/followers").json()["totalItems"] == 1


def test_receipts_outlive_the_window_in_which_a_forwarded_signature_is_accepted() -> None:
    assert RECEIPT_LIFETIME > 10 * MAX_AGE
