"""A video published from its first rendition while the others are still encoding
(docs/transcoding.md, "Progressive publication"), as the parts of the API that are not the
transcoder's see it: what a client is told, and what it may do with it meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.store import videos
from tests.api_client import ApiClient
from tests.members import Member
from tests.video_seed import published_still_encoding


def test_the_video_tells_its_clients_which_renditions_are_still_to_come(
    api: ApiClient, people: dict[str, Member]
) -> None:
    """PeerTube has no field for it (it publishes once every rendition is in); Cirrus adds
    `pendingResolutions`, which PeerTube clients ignore, so that its own can say "still
    encoding" beside the renditions listed so far."""
    alice = people["alice"]
    video = published_still_encoding(api, alice, 600, privacy=1)
    shown = api.get(f"/api/v1/videos/{video.uuid}").json()
    assert shown["state"]["id"] == 1
    assert [f["resolution"]["id"] for f in shown["streamingPlaylists"][0]["files"]] == [144]
    assert shown["pendingResolutions"] == [240]

    current = videos.get_video(int(video.id))
    assert current is not None
    assert videos.publish(current, datetime.now(UTC), 300, 200, from_="encoding")  # its last rendition
    assert api.get(f"/api/v1/videos/{video.uuid}").json()["pendingResolutions"] == []


def _local_videos(api: ApiClient) -> int:
    return int(api.get("/api/v1/server/stats").json()["totalLocalVideos"])


def test_the_instance_counts_it_once_whatever_its_privacy_does_while_it_encodes(
    api: ApiClient, people: dict[str, Member]
) -> None:
    """Its first publication counted it (a public video); a privacy change before its last
    rendition moves the count as it does for a video done, and the last rendition does not
    count it again."""
    alice = people["alice"]
    before = _local_videos(api)
    video = published_still_encoding(api, alice, 600, privacy=1)
    assert _local_videos(api) == before + 1
    path = f"/api/v1/videos/{video.uuid}"
    assert api.put_json(path, {"privacy": 2}, alice.token).status == 204  # unlisted: not counted
    assert _local_videos(api) == before
    assert api.put_json(path, {"privacy": 1}, alice.token).status == 204
    assert _local_videos(api) == before + 1
    current = videos.get_video(int(video.id))
    assert current is not None
    assert videos.publish(current, datetime.now(UTC), 300, 200, from_="encoding")
    assert _local_videos(api) == before + 1


def test_deleting_it_before_its_last_rendition_takes_it_off_the_count(
    api: ApiClient, people: dict[str, Member]
) -> None:
    alice = people["alice"]
    before = _local_videos(api)
    video = published_still_encoding(api, alice, 600, privacy=1)
    assert _local_videos(api) == before + 1
    assert api.delete_as(f"/api/v1/videos/{video.uuid}", alice.token).status == 204
    assert _local_videos(api) == before
    assert api.get_as("/api/v1/users/me/video-quota-used", alice.token).json()["videoQuotaUsed"] == 0


def test_it_is_listed_among_the_videos_with_hls_files(api: ApiClient, people: dict[str, Member]) -> None:
    """PeerTube's `hasHLSFiles` filter: its HLS files are listed from its first rendition on."""
    alice = people["alice"]
    video = published_still_encoding(api, alice, 600, privacy=1)
    with_hls = api.get("/api/v1/videos?hasHLSFiles=true&count=100").json()["data"]
    without = api.get("/api/v1/videos?hasHLSFiles=false&count=100").json()["data"]
    assert video.uuid in [v["uuid"] for v in with_hls]
    assert video.uuid not in [v["uuid"] for v in without]


def test_a_studio_edit_waits_for_its_last_rendition_with_peertubes_refusal(
    api: ApiClient, people: dict[str, Member]
) -> None:
    """PeerTube refuses an edit of a video waiting for transcoding (409, its message); Cirrus's
    edit replaces the source its transcoding still reads, so it waits for the last rendition."""
    from tests.conftest import ROOT_PASSWORD

    root = api.login("root", ROOT_PASSWORD)["access_token"]
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["videoStudio"]["enabled"] = True
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200
    alice = people["alice"]
    video = published_still_encoding(api, alice, 600, privacy=1)
    edit = api.post_json(
        f"/api/v1/videos/{video.uuid}/studio/edit", {"tasks": [{"name": "cut", "options": {"start": 1}}]}, alice.token
    )
    assert edit.status == 409, edit.body
    assert edit.json()["detail"] == "Cannot edit video that is already waiting for transcoding/edition"
