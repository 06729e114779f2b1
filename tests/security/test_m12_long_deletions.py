"""M12: deleting a user or a channel with many videos, and subscribing to a remote channel,
run off the request path (the work queue), resumably, and leave no public media without a
record.

Before: the DELETE request removed every video itself (a broadcast, a Query, a transaction,
leftovers and S3 deletions per video), so its cost grew with the number of videos until API
Gateway's 29 s cut it short; and a video's items went before its files, so a cut between the
two left public HLS and thumbnails that nothing would ever delete."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.store import actors, users
from chalicelib.store import videos as store_videos
from chalicelib.store.models import Video
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.queue_runner import drain, drain_federation
from tests.security.deletions_support import aws_calls, objects_of, public_media, seed_videos, total


@pytest.fixture
def no_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """The actors go as soon as their videos are gone (list it before `api`). On AWS they wait
    a quarter of an hour for the videos' Delete activities to go out."""
    monkeypatch.setenv("CIRRUS_DELETION_GRACE_SECONDS", "0")


GRACE_SECONDS = 2


@pytest.fixture
def short_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """The actors wait GRACE_SECONDS after their last video (list it before `api`)."""
    monkeypatch.setenv("CIRRUS_DELETION_GRACE_SECONDS", str(GRACE_SECONDS))


@pytest.fixture
def root(api: ApiClient) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def _user_id(api: ApiClient, root: str, account_id: int) -> int:
    listed = api.get_as("/api/v1/users?count=100", root).json()["data"]
    return int(next(u["id"] for u in listed if u["account"]["id"] == account_id))


def _delete_user(api: ApiClient, root: str, user_id: int) -> tuple[int, int, int]:
    """DELETE the user; its status and the DynamoDB and S3 calls the request made."""
    with aws_calls() as calls:
        response = api.delete_as(f"/api/v1/users/{user_id}", root)
    return response.status, total(calls, "dynamodb"), total(calls, "s3")


def _deletions_under_way() -> list[Any]:
    from chalicelib.store import deletions

    return deletions.list_deletions()


def _work_with_federation() -> None:
    """Work messages one at a time, with the federation queues between them, as the
    functions run side by side on AWS."""
    while drain("work", rounds=1):
        while drain("inbox") + drain("broadcast") + drain("deliver"):
            pass


def _gone(video: Video) -> bool:
    stored, files = store_videos.get_video_with_files(int(video.id))
    return stored is None and not files and store_videos.find_video_by_uuid(video.uuid) is None


def _listed_uuids(api: ApiClient) -> set[str]:
    return {v["uuid"] for v in api.get("/api/v1/videos?count=100&start=0").json()["data"]}


def _visible_everywhere(api: ApiClient, videos: list[Video]) -> set[str]:
    uuids = {v.uuid for v in videos}
    seen = _listed_uuids(api) & uuids
    seen |= {v.uuid for v in videos[:5] if api.get(f"/api/v1/videos/{v.uuid}").status != 404}
    return seen


def test_user_with_many_videos_deleted_at_once_then_by_the_queue(
    short_grace: None, peer: Any, api: ApiClient, people: Any, root: str
) -> None:
    alice, bob = people["alice"], people["bob"]
    peer.follow_our_instance(api)  # the peer hears of every public video's deletion
    few = seed_videos(bob.account_id, bob.channel_id, 3, prefix="bob")
    many = seed_videos(alice.account_id, alice.channel_id, 60, prefix="alice")
    assert len(_listed_uuids(api) & {v.uuid for v in many}) == 60
    bob_user, alice_user = _user_id(api, root, bob.account_id), _user_id(api, root, alice.account_id)

    status_few, dynamodb_few, s3_few = _delete_user(api, root, bob_user)
    status_many, dynamodb_many, s3_many = _delete_user(api, root, alice_user)

    # The request marks and queues: its cost does not depend on the number of videos.
    assert (status_few, status_many) == (204, 204)
    assert dynamodb_many <= dynamodb_few + 1, (dynamodb_few, dynamodb_many)
    assert (s3_few, s3_many) == (0, 0)

    # Gone for every reader at once, although nothing is deleted yet.
    assert _visible_everywhere(api, many + few) == set()
    assert api.get("/api/v1/accounts/alice").status == 404
    assert api.get(f"/api/v1/video-channels/{alice.channel_name}").status == 404
    assert api.get_as(f"/api/v1/users/{alice_user}", root).status == 404
    assert alice.channel_name not in {c["name"] for c in api.get("/api/v1/video-channels?count=100").json()["data"]}
    assert "alice" not in {a["name"] for a in api.get("/api/v1/accounts?count=100").json()["data"]}
    assert api.get_as("/api/v1/users/me", alice.token).status == 401
    login = {"grant_type": "password", "username": "alice", "password": "alice password"}
    login |= {"client_id": api.client_id, "client_secret": api.client_secret}
    assert api.post_form("/api/v1/users/token", login).status == 400
    assert all(objects_of(v) for v in many)  # the work itself is queued

    _work_with_federation()
    for video in many + few:
        assert _gone(video) and objects_of(video) == [], video.uuid
    # The actors outlived their videos long enough to sign the videos' Delete activities.
    deleted = {a["object"] for a in peer.inbox_activities() if a.get("type") == "Delete"}
    assert {v.url for v in many + few} <= deleted

    time.sleep(GRACE_SECONDS + 1)  # the last step's message was sent with this delay
    drain("work")

    for video in many + few:
        assert _gone(video), video.uuid
        assert objects_of(video) == [], video.uuid
    assert _deletions_under_way() == []
    assert api.get_as(f"/api/v1/users/{alice_user}", root).status == 404
    assert actors.get_actor(alice.account_id) is None and actors.get_actor(alice.channel_id) is None
    assert users.get_user(alice_user) is None


@pytest.fixture
def crash_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The work function dies after removing `limit[0]` videos (then works again)."""
    from chalicelib.domain import deletions
    from chalicelib.domain.videos import remove_video as real

    limit = [0]

    def remove(video: Video) -> None:
        if limit[0] <= 0:
            raise RuntimeError("the function died here")
        limit[0] -= 1
        real(video)

    monkeypatch.setattr(deletions, "remove_video", remove)
    yield limit


def _redeliver() -> None:
    """The visibility timeout of the failed message runs out: SQS delivers it again."""
    from local.aws_endpoint import release_in_flight_messages

    assert release_in_flight_messages() >= 1


def test_channel_deletion_crashing_mid_way_resumes_and_leaves_nothing_public(
    no_grace: None, api: ApiClient, people: Any, crash_after: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.domain import deletions

    alice = people["alice"]
    second = api.post_json(
        "/api/v1/video-channels", {"name": "alice_second", "displayName": "Second"}, alice.token
    ).json()["videoChannel"]
    kept = seed_videos(alice.account_id, alice.channel_id, 2, prefix="kept")
    doomed = seed_videos(alice.account_id, int(second["id"]), 40, prefix="doomed")
    monkeypatch.setattr(deletions, "VIDEOS_PER_RUN", 15)  # continuations: a large channel's job spans messages

    with aws_calls() as calls:
        assert api.delete_as("/api/v1/video-channels/alice_second", alice.token).status == 204
    assert total(calls, "s3") == 0
    assert api.get("/api/v1/video-channels/alice_second").status == 404
    assert _visible_everywhere(api, doomed) == set()
    listed = api.get("/api/v1/accounts/alice/video-channels").json()["data"]
    assert [c["name"] for c in listed] == [alice.channel_name]
    # The last channel left cannot go (the one being deleted does not count).
    assert api.delete_as(f"/api/v1/video-channels/{alice.channel_name}", alice.token).status == 409

    crash_after[0] = 22  # one continuation (15), then 7 more and the function dies
    drain("work")
    removed = [v for v in doomed if _gone(v)]
    assert len(removed) == 22
    # Whatever the crash interrupted, no public file is left without its video.
    for video in doomed:
        if _gone(video):
            assert public_media(video) == [], video.uuid

    crash_after[0] = 10_000
    _redeliver()
    drain("work")

    for video in doomed:
        assert _gone(video) and objects_of(video) == [], video.uuid
    for video in kept:
        assert not _gone(video) and objects_of(video)
    assert api.get("/api/v1/video-channels/alice_second").status == 404
    assert int(second["id"]) not in {int(d.target_id) for d in _deletions_under_way()}
    assert {v.uuid for v in kept} <= _listed_uuids(api)


def test_a_video_cut_short_between_files_and_items_leaves_no_public_file(
    api: ApiClient, people: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DELETE /videos/{id} stays synchronous (one video), but its files go first: a request
    cut between the two steps leaves an item without files, and a second DELETE finishes."""
    from chalicelib.store import videos

    alice = people["alice"]
    (video,) = seed_videos(alice.account_id, alice.channel_id, 1)

    def cut(*args: Any, **kwargs: Any) -> None:
        raise TimeoutError("API Gateway gave up")

    monkeypatch.setattr(videos, "delete_video", cut)
    assert api.delete_as(f"/api/v1/videos/{video.uuid}", alice.token).status == 500
    assert not _gone(video)
    assert public_media(video) == []  # nothing viewable outlives the record
    monkeypatch.undo()
    assert api.delete_as(f"/api/v1/videos/{video.uuid}", alice.token).status == 204
    assert _gone(video) and objects_of(video) == []


def test_remote_subscribe_answers_at_once_and_follows_from_the_queue(
    peer: Any, api: ApiClient, people: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PeerTube answers POST /users/me/subscriptions with 204 and resolves the channel in a
    job (activitypub-follow); no remote fetch happens in the request."""
    from chalicelib.activitypub.net import discovery

    alice = people["alice"]
    fetched: list[str] = []
    real = discovery.resolve_handle

    def counting(handle: str, *args: Any, **kwargs: Any) -> Any:
        fetched.append(handle)
        return real(handle, *args, **kwargs)

    monkeypatch.setattr(discovery, "resolve_handle", counting)
    answer = api.post_json("/api/v1/users/me/subscriptions", {"uri": f"cats@{peer.host}"}, alice.token)
    assert answer.status == 204
    assert fetched == [] and peer.inbox_activities() == []

    drain("work")
    drain_federation()

    assert fetched == [f"cats@{peer.host}"]
    follows = [a for a in peer.inbox_activities() if a.get("type") == "Follow"]
    assert len(follows) == 1 and follows[0]["object"] == peer.channel_url("cats")
