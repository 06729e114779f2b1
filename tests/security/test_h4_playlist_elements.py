"""H4: a playlist must not become a window on videos its reader may not see: adding needs
the right to see the video, its miniature is copied only from a video anyone may see, and
the ActivityPub element document does not name a video that is not public."""

from __future__ import annotations

from tests.api_client import ApiClient
from tests.members import Member
from tests.security.rights_support import PLAYLISTS, media_object, public_playlist, video_with_miniature
from tests.video_seed import add_video


def test_adding_an_unlisted_video_by_numeric_id_is_refused(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    unlisted = add_video(alice.account_id, alice.channel_id, "unlisted", privacy=2)
    playlist = public_playlist(api, bob)
    path = f"{PLAYLISTS}/{playlist['id']}/videos"

    refused = api.post_json(path, {"videoId": unlisted.id}, bob.token)
    assert refused.status == 403, refused.body
    listed = api.get(path).json()
    assert listed["total"] == 0 and listed["data"] == []

    # With its UUID (the link its owner shared), as in PeerTube.
    assert api.post_json(path, {"videoId": unlisted.uuid}, bob.token).status == 200


def test_adding_a_private_or_password_video_is_refused(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    playlist = public_playlist(api, bob)
    path = f"{PLAYLISTS}/{playlist['id']}/videos"
    for privacy in (3, 5):
        video = add_video(alice.account_id, alice.channel_id, f"privacy {privacy}", privacy=privacy)
        for reference in (video.id, video.uuid):
            assert api.post_json(path, {"videoId": reference}, bob.token).status == 403
    assert api.get(path).json()["total"] == 0


def test_a_private_video_does_not_give_the_playlist_its_thumbnail(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    private = video_with_miniature(alice, "my private clip", privacy=3)
    playlist = public_playlist(api, alice)
    added = api.post_json(f"{PLAYLISTS}/{playlist['id']}/videos", {"videoId": private.id}, alice.token)
    assert added.status == 200, added.body  # its owner may add it
    shown = api.get(f"{PLAYLISTS}/{playlist['id']}").json()
    assert shown["thumbnailPath"] is None

    # A public video does give it one, and the private one's frame is never what is copied.
    public = video_with_miniature(alice, "public clip", privacy=1)
    api.post_json(f"{PLAYLISTS}/{playlist['id']}/videos", {"videoId": public.id}, alice.token)
    path = api.get(f"{PLAYLISTS}/{playlist['id']}").json()["thumbnailPath"]
    assert path is not None and media_object(path) == b"\xff\xd8secret frame"

    # The private video back in front (it was first, then second): the thumbnail goes
    # rather than being copied from it.
    reorder = f"{PLAYLISTS}/{playlist['id']}/videos/reorder"
    assert api.post_json(reorder, {"startPosition": 1, "insertAfterPosition": 2}, alice.token).status == 204
    assert api.get(f"{PLAYLISTS}/{playlist['id']}").json()["thumbnailPath"] is not None
    assert api.post_json(reorder, {"startPosition": 2, "insertAfterPosition": 0}, alice.token).status == 204
    assert api.get(f"{PLAYLISTS}/{playlist['id']}").json()["thumbnailPath"] is None


def test_the_activitypub_element_does_not_name_a_private_video(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "soon private")
    playlist = public_playlist(api, alice)
    element = api.post_json(f"{PLAYLISTS}/{playlist['id']}/videos", {"videoId": video.id}, alice.token).json()
    element_id = element["videoPlaylistElement"]["id"]
    document_path = f"/video-playlists/{playlist['uuid']}/videos/{element_id}"
    accept = {"Accept": "application/activity+json"}
    assert api.request("GET", document_path, headers=accept).json()["url"] == video.url

    assert api.put_json(f"/api/v1/videos/{video.id}", {"privacy": 3}, alice.token).status == 204
    document = api.request("GET", document_path, headers=accept)
    assert document.status == 200
    assert document.json()["url"] is None
    assert video.uuid not in document.body.decode()
