"""What the domain tells through its events (domain/events.py), seen with a recording
subscriber instead of the broadcast queue: each use case emits once its change is stored,
with what the subscribers need, and sends nothing to the fediverse by itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.domain import events
from chalicelib.store import comments, playlists, videos
from tests.api_client import ApiClient
from tests.members import Member
from tests.video_seed import add_video

PLAYLISTS = "/api/v1/video-playlists"


@pytest.fixture
def quiet() -> Iterator[None]:
    """No federation subscriber: only what the test subscribes runs."""
    with events.isolated():
        yield


def queued_broadcasts() -> int:
    sqs = aws.sqs()
    url = sqs.get_queue_url(QueueName=get_settings().queues.broadcast)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_a_comment_is_told_once_stored_and_the_domain_sends_nothing_itself(
    api: ApiClient, people: dict[str, Member], quiet: None
) -> None:
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "Commented")
    with events.recording() as recorded:
        thread = api.post_json(f"/api/v1/videos/{video.uuid}/comment-threads", {"text": "First"}, bob.token)
        assert thread.status == 200, thread.body
        thread_id = thread.json()["comment"]["id"]
        reply = api.post_json(f"/api/v1/videos/{video.uuid}/comments/{thread_id}", {"text": "Again"}, bob.token)
        assert reply.status == 200, reply.body
    first, second = recorded
    assert isinstance(first, events.CommentPosted) and isinstance(second, events.CommentPosted)
    assert (int(first.comment.id), first.parent_place) == (thread_id, None)
    assert int(second.comment.in_reply_to_id or 0) == thread_id
    assert second.parent_place is not None and second.parent_place.thread_id == thread_id  # looked up once
    place = comments.locate(int(second.comment.id))
    assert place is not None and comments.get_comment(place, int(second.comment.id)) is not None
    assert queued_broadcasts() == 0  # a federated video's comment, yet nothing queued without subscribers


def test_only_a_rating_that_changes_is_an_event(api: ApiClient, people: dict[str, Member], quiet: None) -> None:
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "Rated")
    with events.recording() as recorded:
        for rating in ("like", "like", "dislike", "none"):
            assert api.put_json(f"/api/v1/videos/{video.uuid}/rate", {"rating": rating}, bob.token).status == 204
    assert [(e.previous, e.rating, e.account_id) for e in recorded if isinstance(e, events.VideoRated)] == [
        ("none", "like", bob.account_id),
        ("like", "dislike", bob.account_id),
        ("dislike", "none", bob.account_id),
    ]
    assert len(recorded) == 3


def test_a_playlist_change_carries_the_playlist_as_it_was_and_as_stored(
    api: ApiClient, people: dict[str, Member], quiet: None
) -> None:
    alice = people["alice"]
    document = {"displayName": "Mix", "privacy": 1, "videoChannelId": alice.channel_id}
    with events.recording() as recorded:
        created = api.post_json(PLAYLISTS, document, alice.token)
        assert created.status == 200, created.body
        playlist_id = created.json()["videoPlaylist"]["id"]
        changed = api.put_json(f"{PLAYLISTS}/{playlist_id}", {"privacy": 3, "displayName": "Mine now"}, alice.token)
        assert changed.status == 204, changed.body
    made, change = recorded
    assert isinstance(made, events.PlaylistCreated) and int(made.playlist.id) == playlist_id
    assert isinstance(change, events.PlaylistChanged)
    # The update refreshes the playlist it was given: the event's `before` must not follow it.
    assert (int(change.before.privacy), change.before.name) == (1, "Mix")
    assert (int(change.after.privacy), change.after.name) == (3, "Mine now")
    stored = playlists.get_playlist(playlist_id)
    assert stored is not None and int(stored.privacy) == 3


def test_a_removed_video_is_told_while_its_items_still_exist(
    api: ApiClient, people: dict[str, Member], quiet: None
) -> None:
    """Its Delete is signed by its account: the subscribers run before the items go."""
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "Going")
    seen: list[bool] = []
    events.subscribe(events.VideoRemoved, lambda event: seen.append(videos.get_video(int(event.video.id)) is not None))
    assert api.delete_as(f"/api/v1/videos/{video.uuid}", alice.token).status == 204
    assert seen == [True]
    assert videos.get_video(int(video.id)) is None


def test_a_failing_subscriber_does_not_fail_the_change(api: ApiClient, people: dict[str, Member], quiet: None) -> None:
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "Still commented")

    def broken(_event: events.CommentPosted) -> None:
        raise RuntimeError("the broadcast queue is down")

    events.subscribe(events.CommentPosted, broken)
    posted = api.post_json(f"/api/v1/videos/{video.uuid}/comment-threads", {"text": "Kept"}, bob.token)
    assert posted.status == 200, posted.body
    threads = api.get(f"/api/v1/videos/{video.uuid}/comment-threads").json()
    assert [thread["text"] for thread in threads["data"]] == ["Kept"]


def test_a_report_names_the_flagged_account_and_the_reported_url(
    api: ApiClient, people: dict[str, Member], quiet: None
) -> None:
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "Reported")
    body = {"reason": "Spam it is", "predefinedReasons": ["spamOrMisleading"], "video": {"id": video.uuid}}
    with events.recording() as recorded:
        assert api.post_json("/api/v1/abuses", body, bob.token).status == 200
    (reported,) = recorded
    assert isinstance(reported, events.AbuseReported)
    assert (int(reported.reporter.id), int(reported.flagged.id)) == (bob.account_id, alice.account_id)
    assert reported.object_url == str(video.url)
    assert list(reported.reasons) == ["spamOrMisleading"]
