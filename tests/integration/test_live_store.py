"""A live's items (store/lives.py): its stream key claim, its settings, its sessions, and its
stage moves through the same conditional `transition` as transcoding (LV1-LV9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.store import keys, lives, videos
from chalicelib.store.models import Claim, LiveVideo, Video
from tests.video_seed import add_video

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _live(*, permanent: bool = False, save_replay: bool = True) -> tuple[Video, LiveVideo]:
    video = add_video(1, 2, "a live", stage="live-waiting", state=4, published_at=NOW)
    live = LiveVideo(
        keys.video_pk(int(video.id)),
        keys.LIVE_SK,
        video_id=int(video.id),
        stream_key=f"key-{video.id}",
        permanent_live=permanent,
        save_replay=save_replay,
        replay_privacy=1 if save_replay else None,
        created_at=NOW,
        updated_at=NOW,
    )
    live.save()
    digest = lives.key_digest(str(live.stream_key))
    Claim(keys.claim_pk(keys.LIVE_KEY, digest), keys.CLAIM_SK, target=str(video.id)).save()
    return video, live


def test_a_stream_key_is_stored_only_as_its_digest_and_opens_its_live(aws: None) -> None:
    video = Video(
        keys.video_pk(77), keys.ENTITY_SK, id=77, uuid="7d1c9e2a-0000-4000-8000-000000000077", name="live",
        channel_id=2, account_id=1, url="https://x/v/77", state=4, stage="live-waiting", created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    live = LiveVideo(
        keys.video_pk(77), keys.LIVE_SK, video_id=77, stream_key="secret-key", created_at=NOW, updated_at=NOW
    )
    lives.create_live(video, live, "secret-key")
    claim = Claim.get(keys.claim_pk(keys.LIVE_KEY, lives.key_digest("secret-key")), keys.CLAIM_SK)
    assert claim.target == "77" and "secret-key" not in claim.pk
    found_video, found_live = lives.find_by_stream_key("secret-key")
    assert found_video is not None and found_live is not None
    assert (found_video.uuid, found_live.stream_key) == (video.uuid, "secret-key")
    assert lives.find_by_stream_key("secret-kez") == (None, None)
    # A live waits for its encoder, not for a transcoder: never on the sweeper's list.
    assert found_video.gsi1pk is None


def test_a_live_moves_as_the_stage_table_says_once_per_notice(aws: None) -> None:
    video, _ = _live(permanent=True)
    assert lives.go_live(video, NOW)
    assert not lives.go_live(video, NOW)  # the same notice again
    on = videos.get_video(int(video.id))
    assert on is not None and (on.stage, on.state, on.published_at) == ("live-on", 1, NOW)
    assert lives.wait_again(on, NOW)
    waiting = videos.get_video(int(video.id))
    assert waiting is not None and (waiting.stage, waiting.state) == ("live-waiting", 4)
    assert lives.end_live(waiting, NOW)  # a session never playable ends a non-permanent live
    ended = videos.get_video(int(video.id))
    assert ended is not None and (ended.stage, ended.state, ended.gsi1pk) == ("live-ended", 5, None)
    # A live is no business of the sweeper's: failing one changes nothing.
    assert not videos.fail(ended, "no")
    # Its replay enters the pipeline, and the pending list with it.
    assert lives.become_replay(ended, "work/x/replay.mp4", 2, f"{video.id}#1", NOW)
    replay = videos.get_video(int(video.id))
    assert replay is not None
    assert (replay.stage, replay.state, replay.privacy, replay.source_key, replay.live_session) == (
        "uploaded", 2, 2, "work/x/replay.mp4", f"{video.id}#1",
    )  # fmt: skip
    assert replay.gsi1pk == keys.pending_videos_gsi1pk()
    assert not lives.become_replay(replay, "work/x/other.mp4", 1, "x", NOW)


def test_sessions_are_numbered_by_their_live_and_end_once(aws: None) -> None:
    video, live = _live()
    first = lives.open_session(live, NOW)
    assert first is not None and (first.number, first.id) == (1, int(video.id) * 100_000 + 1)
    assert lives.open_session(live, NOW) is None  # one under way already
    assert lives.close_session(live, first, NOW + timedelta(seconds=30), {"error": 2, "segment_tag": "abcd1234"})
    assert not lives.close_session(live, first, NOW + timedelta(seconds=60), {"error": None})
    stored = lives.get_session(int(video.id), 1)
    assert stored is not None
    assert (stored.ended_at, stored.error, stored.segment_tag, stored.save_replay) == (
        NOW + timedelta(seconds=30), 2, "abcd1234", True,
    )  # fmt: skip
    second = lives.open_session(live, NOW + timedelta(minutes=5))
    assert second is not None and second.number == 2
    assert [s.number for s in lives.list_sessions(int(video.id))] == [1, 2]
    assert [s.number for s in lives.list_sessions(int(video.id), newest_first=True)] == [2, 1]
    assert lives.session_place(second.id) == (int(video.id), 2)
    assert lives.set_replay_video(stored, 999) and lives.set_replay_video(stored, 999)
    assert not lives.set_replay_video(stored, 998)


def test_settings_change_only_while_the_live_waits(aws: None) -> None:
    video, live = _live()
    assert lives.update_settings(video, live, {"latency_mode": 3, "replay_privacy": None}, NOW)
    stored = lives.get_live(int(video.id))
    assert stored is not None and (stored.latency_mode, stored.replay_privacy) == (3, None)
    lives.go_live(video, NOW)
    assert not lives.update_settings(video, live, {"latency_mode": 2}, NOW)
    stored = lives.get_live(int(video.id))
    assert stored is not None and stored.latency_mode == 3


def test_a_blocked_owner_is_written_on_the_live_the_ingest_reads(aws: None) -> None:
    video, _ = _live()
    lives.set_owner_blocked([int(video.id), 123456], True)  # a live deleted meanwhile is skipped
    _, live = lives.get_video_and_live(int(video.id))
    assert live is not None and live.owner_blocked
    assert LiveVideo.count(keys.video_pk(123456)) == 0
