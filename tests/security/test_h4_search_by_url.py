"""H4: searching a video by its URL must not reveal an unlisted video named by its
sequential numeric id (the UUID is what makes an unlisted video visible)."""

from __future__ import annotations

from urllib.parse import quote

from tests.api_client import ApiClient
from tests.members import Member
from tests.video_seed import add_video


def _search(api: ApiClient, url: str, token: str | None = None) -> dict[str, object]:
    return dict(api.get_as(f"/api/v1/search/videos?search={quote(url, safe='')}", token).json())


def test_numeric_id_url_does_not_reveal_unlisted_videos(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "unlisted one", privacy=2)
    base = video.url.rsplit("/", 1)[0]

    for token in (None, bob.token):
        assert _search(api, f"{base}/{video.id}", token) == {"total": 0, "data": []}
        assert _search(api, f"{base.replace('/videos/watch', '/w')}/{video.id}", token)["total"] == 0
    # Its UUID still finds it, and its owner finds it either way.
    assert _search(api, video.url)["total"] == 1
    assert _search(api, f"{base}/{video.id}", alice.token)["total"] == 1


def test_private_and_password_videos_are_not_found_by_url(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    for privacy in (3, 5):
        video = add_video(alice.account_id, alice.channel_id, f"privacy {privacy}", privacy=privacy)
        assert _search(api, video.url)["total"] == 0
        assert _search(api, video.url, people["bob"].token)["total"] == 0
