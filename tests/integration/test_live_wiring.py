"""The ingest's ports wired to Cirrus (functions/live/cirrus_ports.py, domain/live_ingest.py,
domain/live_replays.py), over moto: what a stream key opens and why one is refused, the
states a live moves through and what each tells, the media bucket's objects and their cache
headers, a session's end with and without a replay, and the replay made once however often
its hand-over is delivered. Real ffmpeg joins real segments; no RTMP here (the e2e test
streams through the whole chain)."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.domain import events, live_replays
from chalicelib.store import keys, lives, videos
from chalicelib.store.models import LiveVideo, Video
from functions.live import cirrus_ports
from functions.live.ports import LiveTarget, Refusal, RenditionRecord, SessionRecord
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.local_endpoint import endpoint_with_resources, transcoder_context
from tests.members import Member
from tests.queue_runner import drain

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")


@pytest.fixture
def lives_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIRRUS_LIVE_ENABLED", "true")


def _create(api: ApiClient, member: Member, **fields: Any) -> tuple[int, str, str]:
    body = {"channelId": member.channel_id, "name": "Wired live", "privacy": 1, **fields}
    response = api.post_json("/api/v1/videos/live", body, member.token)
    assert response.status == 200, response.body
    video = response.json()["video"]
    key = api.get_as(f"/api/v1/videos/live/{video['id']}", member.token).json()["streamKey"]
    return int(video["id"]), video["uuid"], key


def _authorise(key: str) -> LiveTarget | Refusal:
    return asyncio.run(cirrus_ports.authorise(key))


def _objects(prefix: str) -> dict[str, dict[str, Any]]:
    s3, bucket = aws.s3(), get_settings().media_bucket
    found = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return {item["Key"]: s3.head_object(Bucket=bucket, Key=item["Key"]) for item in found}


def test_a_key_opens_its_live_and_only_while_it_may_stream(lives_on: None, api: ApiClient, people: Any) -> None:
    alice = people["alice"]
    video_id, video_uuid, key = _create(api, alice, permanentLive=True, latencyMode=3, saveReplay=True)
    target = _authorise(key)
    assert target == LiveTarget(
        str(video_id), f"static/streaming-playlists/hls/live/{video_uuid}", permanent=True, latency_mode=3,
        save_replay=True, max_duration=-1,
    )  # fmt: skip
    # The administrator's maximum duration (PeerTube's milliseconds) reaches the next connection.
    root_token = api.login("root", ROOT_PASSWORD)["access_token"]
    document = api.get_as("/api/v1/config/custom", root_token).json()
    document["live"]["maxDuration"] = 3_600_000
    changed = api.put_json("/api/v1/config/custom", document, root_token)
    assert changed.status == 200, changed.body
    later = _authorise(key)
    assert isinstance(later, LiveTarget) and later.max_duration == 3600
    assert _authorise("not-the-key") == Refusal("unknown stream key")
    assert _authorise("") == Refusal("unknown stream key")
    assert _authorise("k" * 5000) == Refusal("unknown stream key")
    # A private live writes under the private directory the API serves with tokens.
    _, private_uuid, private_key = _create(api, alice, privacy=3)
    private = _authorise(private_key)
    assert isinstance(private, LiveTarget)
    assert private.directory == f"private/streaming-playlists/hls/live/{private_uuid}"
    # A blocked owner's encoder is refused, and taken again once unblocked.
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    me = api.get_as("/api/v1/users/me", alice.token).json()
    assert api.post_json(f"/api/v1/users/{me['id']}/block", {}, root).status == 204
    assert _authorise(key) == Refusal("the live's owner is blocked")
    assert api.post_json(f"/api/v1/users/{me['id']}/unblock", {}, root).status == 204
    assert isinstance(_authorise(key), LiveTarget)


def test_states_move_once_and_tell_federation_and_the_realtime_channel(
    lives_on: None, api: ApiClient, people: Any
) -> None:
    alice = people["alice"]
    video_id, _, key = _create(api, alice)
    with events.isolated(), events.recording() as seen:
        asyncio.run(cirrus_ports.on_state(str(video_id), 1))
        asyncio.run(cirrus_ports.on_state(str(video_id), 1))  # repeated: nothing more
        asyncio.run(cirrus_ports.on_state(str(video_id), 5))
    told = [(type(e).__name__, getattr(e, "state", None)) for e in seen]
    assert told == [("VideoChanged", None), ("LiveStateChanged", 1), ("VideoChanged", None), ("LiveStateChanged", 5)]
    assert [e.after.state for e in seen if isinstance(e, events.VideoChanged)] == [1, 5]
    # A non-permanent live that ended takes no encoder again.
    assert _authorise(key) == Refusal("this live has ended")
    assert api.get(f"/api/v1/videos/{video_id}").json()["state"]["id"] == 5


def test_the_sink_writes_live_files_only_with_their_cache_headers(lives_on: None, api: ApiClient, people: Any) -> None:
    _, video_uuid, _ = _create(api, people["alice"])
    directory = f"static/streaming-playlists/hls/live/{video_uuid}"
    sink = cirrus_ports.MediaBucketSink()

    async def write() -> None:
        await sink.write(f"{directory}/abcd1234-0-000000.ts", b"\x47" * 188, "video/mp2t")
        await sink.write(f"{directory}/0.m3u8", b"#EXTM3U\n", "application/vnd.apple.mpegurl")
        await sink.write(f"{directory}/segments-sha256.json", b"{}", "application/json")

    asyncio.run(write())
    found = _objects(directory)
    assert found[f"{directory}/abcd1234-0-000000.ts"]["CacheControl"] == "public, max-age=31536000, immutable"
    assert found[f"{directory}/0.m3u8"]["CacheControl"] == "public, max-age=1"
    assert found[f"{directory}/segments-sha256.json"]["CacheControl"] == "public, max-age=1"
    for outside in (f"static/streaming-playlists/hls/{video_uuid}/x.m3u8", f"{directory}/../../x", "lazy-static/a.jpg"):
        with pytest.raises(ValueError, match="not under a live directory"):
            asyncio.run(sink.write(outside, b"", "application/json"))


def test_a_session_without_replay_is_recorded_and_its_files_removed(
    lives_on: None, api: ApiClient, people: Any
) -> None:
    alice = people["alice"]
    video_id, video_uuid, _ = _create(api, alice, permanentLive=True)
    directory = f"static/streaming-playlists/hls/live/{video_uuid}"
    sink = cirrus_ports.MediaBucketSink()
    names = [f"t0000001-{r}-{s:06d}.ts" for r in (0, 1) for s in range(3)]

    async def stream() -> None:
        for name in [*names, "master.m3u8", "0.m3u8", "1.m3u8", "segments-sha256.json"]:
            await sink.write(f"{directory}/{name}", b"x", "video/mp2t" if name.endswith(".ts") else "application/json")
        await cirrus_ports.on_state(str(video_id), 1)
        await cirrus_ports.on_state(str(video_id), 4)  # a permanent live waits again
        await cirrus_ports.on_session_end(_record(video_id, directory, "t0000001", {0: 3, 1: 3}, error=2))

    asyncio.run(stream())
    (session,) = api.get_as(f"/api/v1/videos/live/{video_id}/sessions", alice.token).json()["data"]
    assert (session["error"], session["endingProcessed"], session["saveReplay"]) == (2, True, False)
    # Its segments went; a permanent live keeps its playlists for the next session.
    assert sorted(_objects(directory)) == sorted(
        f"{directory}/{n}" for n in ("master.m3u8", "0.m3u8", "1.m3u8", "segments-sha256.json")
    )
    assert drain("transcode") == 0  # no replay handed over
    # The same end told twice records nothing more.
    asyncio.run(cirrus_ports.on_session_end(_record(video_id, directory, "t0000001", {0: 3, 1: 3})))
    assert len(lives.list_sessions(video_id)) == 1


@needs_ffmpeg
def test_a_permanent_lives_session_becomes_a_video_of_its_own_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Over a real HTTP endpoint: ffmpeg reads the segments through presigned URLs."""
    with endpoint_with_resources(monkeypatch) as stack, events.isolated():
        video, key = _stored_live(permanent=True, replay_privacy=2)
        directory = f"static/streaming-playlists/hls/live/{video.uuid}"
        segments = _real_segments(tmp_path, 3)
        sink = cirrus_ports.MediaBucketSink()

        async def stream() -> None:
            for sequence, segment in enumerate(segments):
                await sink.write(f"{directory}/s0000001-0-{sequence:06d}.ts", segment.read_bytes(), "video/mp2t")
            await cirrus_ports.on_state(str(video.id), 1)
            await cirrus_ports.on_state(str(video.id), 4)
            await cirrus_ports.on_session_end(_record(int(video.id), directory, "s0000001", {0: len(segments)}))

        asyncio.run(stream())
        # The hand-over, delivered twice: one replay.
        sqs = stack["sqs"]
        message = sqs.receive_message(QueueUrl=stack["queue"], VisibilityTimeout=0)["Messages"][0]
        body = json.loads(message["Body"])
        assert body == {"video": video.uuid, "kind": "replay", "resolution": None, "chunk": None, "session": 1}
        sqs.send_message(QueueUrl=stack["queue"], MessageBody=message["Body"])
        replay = _pump_until_published(stack, live_replays.replay_uuid(video.uuid, 1))
        assert (replay.state, replay.stage, replay.privacy, replay.tags) == (1, "done", 2, {"music"})
        assert str(replay.name).startswith("Permanent live - ") and 5 <= int(replay.duration) <= 7
        assert replay.live_session == f"{video.id}#1"
        session = lives.get_session(int(video.id), 1)
        assert session is not None and (session.replay_video_id, session.ending_processed) == (int(replay.id), True)
        assert sum(1 for item in Video.scan() if item.live_session) == 1  # one replay
        # The live waits for its next session and takes its key; its recorded segments are gone.
        live = videos.get_video(int(video.id))
        assert live is not None and (live.stage, live.state) == ("live-waiting", 4)
        assert not [k for k in _objects(directory) if k.endswith(".ts")]
        assert isinstance(_authorise(key), LiveTarget)


def _stored_live(*, permanent: bool, replay_privacy: int) -> tuple[Video, str]:
    now = datetime.now(UTC)
    video_uuid = str(uuid.uuid4())
    video = Video(
        keys.video_pk(4242), keys.ENTITY_SK, id=4242, uuid=video_uuid, name="Permanent live", channel_id=2,
        account_id=1, url=f"http://localhost:9000/videos/watch/{video_uuid}", state=4, stage="live-waiting",
        tags={"music"}, created_at=now, updated_at=now, published_at=now,
    )  # fmt: skip
    key = "a-stream-key"
    live = LiveVideo(
        keys.video_pk(4242), keys.LIVE_SK, video_id=4242, stream_key=key, permanent_live=permanent,
        save_replay=True, replay_privacy=replay_privacy, created_at=now, updated_at=now,
    )  # fmt: skip
    lives.create_live(video, live, key)
    return video, key


def _pump_until_published(stack: dict[str, Any], video_uuid: str, seconds: float = 120) -> Video:
    from functions.transcoder.handler import handle_step
    from local.pump import EventPump, SqsBinding

    arn = stack["sqs"].get_queue_attributes(QueueUrl=stack["queue"], AttributeNames=["QueueArn"])["Attributes"]
    binding = SqsBinding(
        stack["queue"], arn["QueueArn"], lambda event: handle_step(event, transcoder_context()), batch_size=1
    )
    pump = EventPump(stack["sqs"], "us-east-1")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        current = videos.find_video_by_uuid(video_uuid)
        if current is not None and current.stage in ("done", "failed"):
            pump.poll_sqs_once(binding)  # the duplicate hand-over, if still queued
            return current
        if not pump.poll_sqs_once(binding):
            time.sleep(0.2)
    raise AssertionError("the replay was not published")


def _record(video_id: int, directory: str, tag: str, counts: dict[int, int], error: int | None = None) -> SessionRecord:
    from functions.live.playlist import Segment

    renditions = [
        RenditionRecord(
            index,
            240,
            320,
            240,
            25,
            f"{directory}/{index}.m3u8",
            [Segment(f"{tag}-{index}-{s:06d}.ts", s, 2.0, False, None, "0" * 64, 1) for s in range(count)],
        )
        for index, count in counts.items()
    ]
    target = LiveTarget(str(video_id), directory)
    return SessionRecord(tag, target, 1_790_000_000.0, 1_790_000_060.0, 1, renditions, error, None, tag)


def _real_segments(workdir: Path, count: int) -> list[Path]:
    """MPEG-TS segments as the ingest writes them: 2 s each of a test picture and tone."""
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
         "-f", "lavfi", "-i", "sine=frequency=440", "-t", str(2 * count), "-c:v", "libx264", "-preset", "ultrafast",
         "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "segment", "-segment_time", "2",
         "-segment_format", "mpegts", str(workdir / "seg-%03d.ts")],
        check=True,
    )  # fmt: skip
    return sorted(workdir.glob("seg-*.ts"))


def test_a_private_lives_files_are_served_with_a_video_file_token(lives_on: None, api: ApiClient, people: Any) -> None:
    alice, bob = people["alice"], people["bob"]
    video_id, video_uuid, key = _create(api, alice, privacy=3)
    target = _authorise(key)
    assert isinstance(target, LiveTarget)
    asyncio.run(
        cirrus_ports.MediaBucketSink().write(
            f"{target.directory}/0.m3u8", b"#EXTM3U\n", "application/vnd.apple.mpegurl"
        )
    )
    asyncio.run(cirrus_ports.on_state(str(video_id), 1))
    details = api.get_as(f"/api/v1/videos/{video_id}", alice.token).json()
    master = details["streamingPlaylists"][0]["playlistUrl"]
    assert master == f"http://localhost:9000/static/streaming-playlists/hls/private/live/{video_uuid}/master.m3u8"
    path = master.removeprefix("http://localhost:9000").replace("master.m3u8", "0.m3u8")
    assert api.get(path).status == 403
    assert api.get_as(path, bob.token).status == 403
    token = api.post_json(f"/api/v1/videos/{video_id}/token", {}, alice.token).json()["files"]["token"]
    served = api.get(f"{path}?videoFileToken={token}")
    assert (served.status, served.body) == (200, b"#EXTM3U\n")
    # The session a private replay came from is no one else's business either.
    assert api.get(f"/api/v1/videos/{video_id}/live-session").status == 401
    assert api.get_as(f"/api/v1/videos/{video_id}/live-session", bob.token).status == 403


class _Pushes:
    """What the realtime channel pushed, per connection (API Gateway's management API's part)."""

    def __init__(self) -> None:
        self.frames: dict[str, list[str]] = {}

    def post(self, connection_id: str, frame: str) -> bool:
        self.frames.setdefault(connection_id, []).append(frame)
        return True

    def close(self, connection_id: str) -> None:
        return None


def test_the_ingests_state_changes_reach_the_viewers_and_the_followers_through_the_broadcast_function(
    lives_on: None, api: ApiClient, people: Any
) -> None:
    """On AWS the ingest may read no actor and push to no viewer: its state change is one
    notice to the broadcast queue, and the broadcast function pushes `state-change` to the
    live's room and queues the video's Update to its followers."""
    from chalicelib.activitypub.outbound import subscriptions
    from chalicelib.store import realtime

    alice = people["alice"]
    video_id, _, _ = _create(api, alice)
    drain("broadcast")  # the live's creation
    now = datetime.now(UTC)
    viewer = realtime.save_connection("viewer", "sid-1", now)
    assert realtime.join_room(viewer, realtime.video_room(video_id), 10)
    pushes = _Pushes()
    realtime.use_ports(pushes, None)
    try:
        with events.isolated():
            subscriptions.register_notices()
            asyncio.run(cirrus_ports.on_state(str(video_id), 1))
        sqs = aws.sqs()
        url = sqs.get_queue_url(QueueName=get_settings().queues.broadcast)["QueueUrl"]
        queued = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
        assert [json.loads(m["Body"]) for m in queued] == [{"liveState": {"video": video_id, "state": 1}}]
        assert pushes.frames == {}, "the ingest pushes nothing itself"

        # The notice, then the video's Update it queued (expanded to no follower here).
        assert drain("broadcast") == 2
        assert pushes.frames == {"viewer": ['42/live-videos,["state-change",{"state":1}]']}
        # ...and the live's subscribers' notifications, made by the work function.
        queued = sqs.receive_message(
            QueueUrl=sqs.get_queue_url(QueueName=get_settings().queues.work)["QueueUrl"], MaxNumberOfMessages=10
        ).get("Messages", [])
        assert {"task": "notify", "what": "new-live", "video": video_id} in [json.loads(m["Body"]) for m in queued]
    finally:
        realtime.reset()


def test_viewers_of_an_ended_live_hear_when_its_replay_is_published(
    lives_on: None, api: ApiClient, people: Any
) -> None:
    """A non-permanent live becomes its own replay: when the broadcast function announces the
    replay's publication, the live's room hears `state-change` 1, so the watch page reloads
    and plays the replay. A permanent live's page is not told (its replays are other videos)."""
    from chalicelib.activitypub.delivery.messages import Publication
    from chalicelib.store import realtime
    from chalicelib.store.models.video_stages import STAGE_DONE
    from functions.federation.broadcast import announce

    alice = people["alice"]
    once, _, _ = _create(api, alice, saveReplay=True)
    permanent, _, _ = _create(api, alice, saveReplay=True, permanentLive=True)
    now = datetime.now(UTC)
    pushes = _Pushes()
    realtime.use_ports(pushes, None)
    try:
        for video_id, viewer in ((once, "once"), (permanent, "permanent")):
            connection = realtime.save_connection(viewer, f"sid-{viewer}", now)
            assert realtime.join_room(connection, realtime.video_room(video_id), 10)
            video = videos.get_video(video_id)
            assert video is not None
            video.update(
                actions=[Video.stage.set(STAGE_DONE), Video.state.set(1)]
            )  # as the replay's publication leaves it
            announce(Publication(video_id))
        assert pushes.frames == {"once": ['42/live-videos,["state-change",{"state":1}]']}
    finally:
        realtime.reset()


def test_the_tracker_takes_a_lives_swarms_while_it_is_on_air(lives_on: None, api: ApiClient, people: Any) -> None:
    """The swarms p2p-media-loader names after the live's listed playlist are claimed when the
    live goes on air, so the private tracker lets its viewers meet; a non-permanent live gives
    them up when it ends, a permanent one keeps them for its next session."""
    from chalicelib.media import infohashes
    from chalicelib.store.infohashes import is_known

    alice = people["alice"]
    once, once_uuid, _ = _create(api, alice)
    permanent, permanent_uuid, _ = _create(api, alice, permanentLive=True)

    def swarms(video_id: int) -> list[str]:
        listed = api.get(f"/api/v1/videos/{video_id}").json()["streamingPlaylists"][0]["playlistUrl"]
        return [infohashes.info_hash(infohashes.stream_swarm_id(listed, "main", i)) for i in range(3)]

    with events.isolated():
        asyncio.run(cirrus_ports.on_state(str(once), 1))
        asyncio.run(cirrus_ports.on_state(str(permanent), 1))
        on_air = {video_id: swarms(video_id) for video_id in (once, permanent)}
        assert all(is_known(h) for hashes in on_air.values() for h in hashes)
        asyncio.run(cirrus_ports.on_state(str(once), 5))
        asyncio.run(cirrus_ports.on_state(str(permanent), 4))
    assert not any(is_known(h) for h in on_air[once])
    assert all(is_known(h) for h in on_air[permanent])
    assert once_uuid != permanent_uuid
    # Deleting the permanent live forgets its swarms with it.
    assert api.delete_as(f"/api/v1/videos/{permanent}", alice.token).status == 204
    drain("work")
    assert not any(is_known(h) for h in on_air[permanent])


def test_a_lives_viewers_are_counted_from_their_pings_and_pushed_once_a_minute(
    lives_on: None, api: ApiClient, people: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PeerTube's `viewers` of a live and its `views-change`: each player's pings make it one
    viewer (once, however often it pings), the figure is the larger of this minute's and the
    last one's, and the live's room hears it when the first ping of a minute arrives, from
    the work function (never from the request)."""
    from chalicelib.api import views as views_api
    from chalicelib.domain import browse
    from chalicelib.store import realtime

    clock = [datetime(2026, 12, 6, 12, 0, 5, tzinfo=UTC)]
    monkeypatch.setattr(views_api, "utcnow", lambda: clock[0])
    monkeypatch.setattr(browse, "utcnow", lambda: clock[0])
    alice = people["alice"]
    video_id, _, key = _create(api, alice)
    drain("work")  # the live's creation's notifications
    path = f"/api/v1/videos/{video_id}"

    def ping(session: str, position: int) -> None:
        body = {"currentTime": position, "sessionId": session}
        assert api.post_json(f"{path}/views", body).status == 204

    ping("early", 0)  # waiting for its encoder: nobody watches yet
    assert api.get(path).json()["viewers"] == 0
    assert drain("work") == 0
    assert isinstance(_authorise(key), LiveTarget)
    asyncio.run(cirrus_ports.on_state(str(video_id), 1))
    drain("work")  # its subscribers' notifications
    connection = realtime.save_connection("viewer", "sid-1", datetime.now(UTC))
    assert realtime.join_room(connection, realtime.video_room(video_id), 10)
    pushes = _Pushes()
    realtime.use_ports(pushes, None)
    try:
        for session in ("a", "b", "c", "a", "b"):
            ping(session, 0)
        assert api.get(path).json()["viewers"] == 3
        assert drain("work") == 1, "one push for the minute, whoever pinged"
        assert pushes.frames == {"viewer": ['42/live-videos,["views-change",{"viewers":3}]']}

        clock[0] += timedelta(seconds=60)  # a and b stay, c left
        ping("a", 60)
        ping("b", 60)
        assert api.get(path).json()["viewers"] == 3, "the last minute's viewers still count"
        assert drain("work") == 1
        clock[0] += timedelta(seconds=60)
        ping("a", 120)
        assert api.get(path).json()["viewers"] == 2
        assert drain("work") == 1
        assert pushes.frames["viewer"][1:] == [
            '42/live-videos,["views-change",{"viewers":3}]',
            '42/live-videos,["views-change",{"viewers":2}]',
        ]
        clock[0] += timedelta(minutes=5)
        assert api.get(path).json()["viewers"] == 0, "an abandoned live has nobody watching"
        # A video that is not a live on air has no viewers, however it is watched.
        asyncio.run(cirrus_ports.on_state(str(video_id), 5))
        ping("a", 0)
        assert api.get(path).json()["viewers"] == 0
        assert drain("work") == 0
    finally:
        realtime.reset()


def test_subscribers_hear_of_a_live_when_it_goes_on_air_once(lives_on: None, api: ApiClient, people: Any) -> None:
    """PeerTube's NEW_LIVE_FROM_SUBSCRIPTION: nothing while the live waits for its encoder (nor a
    MY_VIDEO_PUBLISHED to its owner), one notification per subscriber when it goes on air,
    however often the work message is delivered."""
    from chalicelib.domain.notifications import tasks

    alice, bob = people["alice"], people["bob"]
    handle = f"{alice.channel_name}@{get_settings().instance_host}"
    assert api.post_json("/api/v1/users/me/subscriptions", {"uri": handle}, bob.token).status == 204
    video_id, _, key = _create(api, alice)
    drain("work")

    def kinds(member: Member) -> list[int]:
        page = api.get_as("/api/v1/users/me/notifications?count=100", member.token).json()
        return [n["type"] for n in page["data"]]

    assert kinds(bob) == []
    assert 6 not in kinds(alice), "a live waiting is no publication"
    assert isinstance(_authorise(key), LiveTarget)
    asyncio.run(cirrus_ports.on_state(str(video_id), 1))
    drain("work")
    assert kinds(bob) == [21]
    (notification,) = api.get_as("/api/v1/users/me/notifications", bob.token).json()["data"]
    assert notification["video"]["id"] == video_id
    tasks.run({"task": tasks.TASK, "what": "new-live", "video": video_id}, "delivered-again", datetime.now(UTC))
    assert kinds(bob) == [21]
