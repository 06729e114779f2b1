"""Local videos as remote servers read them: the Video object, the outbox of Create
activities, and what is not federated."""

from __future__ import annotations

from chalicelib.config import get_settings
from chalicelib.domain.short_uuid import to_short
from tests.api_client import ApiClient
from tests.members import Member
from tests.video_seed import add_video

AP = {"Accept": "application/activity+json"}
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def test_a_public_video_as_peertube_serves_it(api: ApiClient, people: dict[str, Member]) -> None:
    base = get_settings().instance_url
    alice = people["alice"]
    video = add_video(
        alice.account_id, alice.channel_id, "Cats at play", category=15, licence=1, language="en", tags={"cats"}
    )
    answer = api.get(f"/videos/watch/{video.uuid}", headers=AP)
    assert answer.status == 200 and answer.content_type == "application/activity+json; charset=utf-8"
    doc = answer.json()
    assert doc["@context"][0] == "https://www.w3.org/ns/activitystreams"
    assert doc["type"] == "Video" and doc["id"] == video.url and doc["uuid"] == video.uuid
    assert doc["to"] == [PUBLIC, f"{base}/video-channels/{alice.channel_name}"]
    assert doc["cc"] == [f"{base}/accounts/alice/followers"]
    assert doc["duration"] == "PT60S" and doc["views"] == 0 and doc["state"] == 1
    assert doc["category"] == {"identifier": "15", "name": "Science & Technology"}
    assert doc["language"]["identifier"] == "en" and doc["licence"]["identifier"] == "1"
    assert doc["tag"] == [{"type": "Hashtag", "name": "cats"}]
    assert doc["attributedTo"] == [
        {"type": "Person", "id": f"{base}/accounts/alice"},
        {"type": "Group", "id": f"{base}/video-channels/{alice.channel_name}"},
    ]
    assert {link["mediaType"] for link in doc["url"] if "mediaType" in link} >= {"text/html"}
    assert doc["comments"] == f"{video.url}/comments" and doc["likes"] == f"{video.url}/likes"
    # By short UUID and numeric id too, as PeerTube's :id, and at PeerTube's short URL.
    assert api.get(f"/videos/watch/{video.id}", headers=AP).json()["id"] == video.url
    assert api.get(f"/w/{to_short(video.uuid)}", headers=AP).json()["id"] == video.url


def test_a_video_without_chapters_serves_an_empty_chapters_object(api: ApiClient, people: dict[str, Member]) -> None:
    """The Video's hasParts always names it; a video with no chapters answered 500 (remotes
    logged "remote chapters not read" for every such video)."""
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "No chapters")
    answer = api.get(f"/videos/watch/{video.uuid}/chapters", headers=AP)
    assert answer.status == 200, answer.body
    assert answer.json()["hasPart"] == []


def test_videos_that_stay_home(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    for privacy in (2, 3, 4):
        hidden = add_video(alice.account_id, alice.channel_id, f"privacy {privacy}", privacy=privacy)
        assert api.get(f"/videos/watch/{hidden.uuid}", headers=AP).status == 404, privacy
    waiting = add_video(alice.account_id, alice.channel_id, "transcoding", state=2)
    assert api.get(f"/videos/watch/{waiting.uuid}", headers=AP).status == 404
    assert api.get("/videos/watch/not-a-uuid", headers=AP).status in (400, 404)


def test_outboxes_hold_create_activities_newest_first(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    first = add_video(alice.account_id, alice.channel_id, "First one", minutes=1)
    second = add_video(alice.account_id, alice.channel_id, "Second one", minutes=2)
    add_video(alice.account_id, alice.channel_id, "Private one", minutes=3, privacy=3)
    for path in ("/accounts/alice/outbox", f"/video-channels/{alice.channel_name}/outbox"):
        root = api.get(path, headers=AP).json()
        assert root["type"] == "OrderedCollection" and root["totalItems"] == 2
        page = api.get(f"{path}?page=1", headers=AP).json()
        items = page["orderedItems"]
        assert [item["type"] for item in items] == ["Create", "Create"]
        assert [item["object"]["id"] for item in items] == [second.url, first.url]
        assert items[0]["id"] == f"{second.url}/activity"
        assert items[0]["actor"] == f"{get_settings().instance_url}/accounts/alice"
