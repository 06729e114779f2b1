"""From an object in the uploads bucket to published HLS, and then its storyboard, through the
transcoder's handlers, SQS and S3, with real ffmpeg reading presigned URLs from the local AWS
endpoint."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.transcoding import Step
from chalicelib.domain.videos import remove_video
from chalicelib.media import infohashes, layout
from chalicelib.media.probe import count_frames
from chalicelib.store import infohashes as stored_infohashes
from chalicelib.store import keys, videos
from chalicelib.store.models import Video
from tests.local_endpoint import drain_transcoding, endpoint_with_resources, transcoder_context

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="ffmpeg is not installed (make test installs it)"
)
DURATION = 10


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("src") / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "testsrc2=size=426x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=500",
         "-t", str(DURATION), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
         "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A real HTTP AWS endpoint (ffmpeg cannot read moto's in-process mock) with the resources."""
    from chalicelib.domain import transcoding

    with endpoint_with_resources(monkeypatch) as resources:
        monkeypatch.setattr(transcoding, "chunk_seconds", lambda resolution: 4.0)  # several chunks per rendition
        yield resources


def _new_video(stack: dict[str, Any], source: Path | bytes, filename: str = "clip.mp4") -> Video:
    now = datetime.now(UTC)
    video_uuid = str(uuid.uuid4())
    video_id = int(time.time() * 1000) % 10_000_000
    video = Video(
        keys.video_pk(video_id), keys.ENTITY_SK, id=video_id, uuid=video_uuid, name="A clip", channel_id=1,
        account_id=1, url=f"http://localhost:9000/videos/watch/{video_uuid}", created_at=now, updated_at=now,
        source_key=layout.source_key(video_uuid, filename),
    )  # fmt: skip
    videos.create_video(video)
    body = source.read_bytes() if isinstance(source, Path) else source
    stack["s3"].put_object(Bucket=stack["settings"].uploads_bucket, Key=video.source_key, Body=body)
    return video


def _upload_event(video: Video, bucket: str) -> dict[str, Any]:
    key = video.source_key.replace("/", "%2F")  # keys arrive URL-encoded, as from S3
    return {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": bucket}, "object": {"key": key}}}]}


def _drain(stack: dict[str, Any], video: Video, seconds: float = 90) -> Video:
    return drain_transcoding(stack, video, seconds)


def _context() -> Any:
    return transcoder_context()


def _download(stack: dict[str, Any], key: str, directory: Path) -> Path:
    target = directory / key.rsplit("/", 1)[-1]
    stack["s3"].download_file(stack["settings"].media_bucket, key, str(target))
    return target


def test_an_upload_becomes_published_hls(stack: dict[str, Any], clip: Path, tmp_path: Path) -> None:
    from functions.transcoder.handler import handle_upload

    video = _new_video(stack, clip)
    event = _upload_event(video, stack["settings"].uploads_bucket)
    handle_upload(event, _context())
    handle_upload(event, _context())  # S3 may deliver an event twice: nothing happens twice
    published = _drain(stack, video)

    assert (published.stage, published.state) == ("done", 1), published.failure
    files = videos.list_files(int(video.id))
    assert sorted(int(f.resolution) for f in files) == [144, 240]
    prefix = published.hls_prefix
    master = stack["s3"].get_object(
        Bucket=stack["settings"].media_bucket, Key=layout.hls_key(video.uuid, f"{prefix}-master.m3u8")
    )
    assert "RESOLUTION=426x240" in master["Body"].read().decode()
    for file in files:
        # Every resolution decodes completely from what the bucket holds, read through the
        # playlist's byte ranges.
        _download(stack, layout.hls_key(video.uuid, file.media_name), tmp_path)
        playlist = _download(stack, layout.hls_key(video.uuid, file.playlist_name), tmp_path)
        assert count_frames(str(playlist)) == DURATION * 25
    for key in (layout.thumbnail_key(video.uuid), layout.preview_key(video.uuid)):
        assert stack["s3"].head_object(Bucket=stack["settings"].media_bucket, Key=key)["ContentType"] == "image/jpeg"
    work = stack["s3"].list_objects_v2(Bucket=stack["settings"].uploads_bucket, Prefix=layout.work_prefix(video.uuid))
    # Only the renditions' segment hashes stay (a late publication run may read them); the
    # lifecycle rule removes them.
    left_over = sorted(o["Key"].rsplit("/", 1)[-1] for o in work.get("Contents", []))
    assert left_over == ["hashes-144.json", "hashes-240.json"]
    left: list[dict[str, Any]] = []
    while batch := stack["sqs"].receive_message(QueueUrl=stack["queue"], MaxNumberOfMessages=10).get("Messages"):
        left += [json.loads(m["Body"]) for m in batch]
    assert [m["kind"] for m in left].count("storyboard") == 1, "asked for once published"
    # The rest are the second event's copies of steps done already (published from its lowest
    # rendition on, the video may be done before they come up; they are dropped then).
    done_steps = published.done_steps or set()
    assert all(Step.from_message(m).name in done_steps for m in left if m["kind"] != "storyboard")

    # Publication made the video's P2P swarms and its files' torrents known to the tracker;
    # deletion forgets them.
    playlist_url = infohashes.master_playlist_url(stack["settings"].instance_url, video.uuid, str(prefix))
    swarms = infohashes.playlist_info_hashes(playlist_url, [int(f.height) for f in files])
    expected = [*swarms, *(str(f.info_hash) for f in videos.list_files(int(video.id)))]
    assert published.info_hashes == set(expected) and len(expected) == 4
    assert all(stored_infohashes.is_known(h) for h in expected)
    assert not stored_infohashes.is_known("00" * 20)
    remove_video(Video(published.pk, published.sk, id=published.id, uuid=published.uuid))  # as the catalogue's copy
    assert not any(stored_infohashes.is_known(h) for h in expected)


def _master(stack: dict[str, Any], video: Video) -> tuple[str, str | None]:
    """The master playlist's text and Cache-Control."""
    key = layout.hls_key(video.uuid, f"{video.hls_prefix}-master.m3u8")
    found = stack["s3"].get_object(Bucket=stack["settings"].media_bucket, Key=key)
    return found["Body"].read().decode(), found.get("CacheControl")


def _pump_until(stack: dict[str, Any], video: Video, wanted: Any, seconds: float = 90) -> Video:
    """Run the transcode queue's steps one at a time, as Lambda would, until `wanted(video)`."""
    from functions.transcoder.handler import handle_step
    from local.pump import EventPump, SqsBinding

    arn = stack["sqs"].get_queue_attributes(QueueUrl=stack["queue"], AttributeNames=["QueueArn"])["Attributes"]
    binding = SqsBinding(
        stack["queue"], arn["QueueArn"], lambda event: handle_step(event, _context()), batch_size=1, name="transcode"
    )
    pump = EventPump(stack["sqs"], "us-east-1")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        current = videos.get_video(int(video.id))
        if current is not None and wanted(current):
            return current
        if not pump.poll_sqs_once(binding):
            time.sleep(0.2)
    raise AssertionError("transcoding did not get there")


def test_a_video_is_published_with_its_lowest_rendition_then_gains_the_others(
    stack: dict[str, Any], clip: Path
) -> None:
    from chalicelib.domain import events, video_file_ids
    from chalicelib.store import media
    from functions.transcoder.handler import handle_upload

    video = _new_video(stack, clip)
    with events.recording() as seen:
        handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
        playable = _pump_until(stack, video, lambda v: int(v.state) == 1)

        # Published (PeerTube's state 1) while the 240p rendition is still being encoded.
        assert playable.stage == "encoding", playable.failure
        assert [int(f.resolution) for f in videos.list_files(int(video.id))] == [144]
        # Listed by the API (streamingPlaylists, file ids, downloads) from now on.
        _, hls_files, web_files = videos.get_video_with_all_files(int(video.id))
        listed = video_file_ids.listed_files(playable, hls_files, web_files)
        assert sorted((f.resolution, f.original) for f in listed) == [
            (144, False),  # its HLS file
            (240, True),  # the original, until the last rendition retires it
        ]
        text, cache = _master(stack, playable)
        assert text.startswith("#EXTM3U") and "RESOLUTION=256x144" in text and "RESOLUTION=426x240" not in text
        assert cache == media.GROWING_PLAYLIST  # reloaded soon: it grows
        hashes_key = layout.hls_key(video.uuid, f"{playable.hls_prefix}-segments-sha256.json")
        hashes = json.loads(
            stack["s3"].get_object(Bucket=stack["settings"].media_bucket, Key=hashes_key)["Body"].read()
        )
        assert sorted(hashes) == [f.media_name for f in videos.list_files(int(video.id))]
        assert [type(e).__name__ for e in seen] == ["VideoPublished"]

        done = _pump_until(stack, video, lambda v: v.stage in ("done", "failed"))

    assert (done.stage, done.state) == ("done", 1)
    text, cache = _master(stack, done)
    assert "RESOLUTION=256x144" in text and "RESOLUTION=426x240" in text
    assert cache is None  # complete: the playlists' cache policy
    hashes = json.loads(stack["s3"].get_object(Bucket=stack["settings"].media_bucket, Key=hashes_key)["Body"].read())
    assert len(hashes) == 2
    # One publication (Create, notifications), then the added rendition (an Update).
    assert [type(e).__name__ for e in seen] == ["VideoPublished", "VideoRenditionAdded"]
    assert done.published_at == playable.published_at
    # Each publication step gives the video a new `updated`: its Update's id is made of it, and
    # a remote takes each activity id once (the studio e2e test's Update was dropped so).
    assert done.updated_at > playable.updated_at
    playlist_url = infohashes.master_playlist_url(stack["settings"].instance_url, video.uuid, str(done.hls_prefix))
    assert set(infohashes.playlist_info_hashes(playlist_url, [144, 240])) <= set(done.info_hashes or ())


def test_a_rendition_failing_after_publication_leaves_the_video_published(
    stack: dict[str, Any], clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.domain import events
    from chalicelib.media.transcode import TranscodeError
    from functions.transcoder import steps
    from functions.transcoder.handler import handle_upload

    real_run = steps.run

    def fails_at_240(step: Any, video: Video) -> None:
        if step.kind == "chunk" and step.resolution == 240:
            raise TranscodeError("Killed (the invocation ran out of memory)")
        real_run(step, video)

    monkeypatch.setattr(steps, "run", fails_at_240)
    video = _new_video(stack, clip)
    with events.recording() as seen:
        handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
        done = _drain(stack, video)

    # Kept published with the rendition it has: its viewers and followers saw it playable.
    assert (done.stage, done.state) == ("done", 1)
    assert [int(f.resolution) for f in videos.list_files(int(video.id))] == [144]
    text, cache = _master(stack, done)
    assert "RESOLUTION=256x144" in text and "RESOLUTION=426x240" not in text and cache is None
    assert [type(e).__name__ for e in seen] == ["VideoPublished", "VideoRenditionAdded"]


@pytest.mark.parametrize("kind", ["text", "truncated", "empty"])
def test_a_file_that_is_not_media_fails_the_video_visibly(stack: dict[str, Any], clip: Path, kind: str) -> None:
    from functions.transcoder.handler import handle_upload

    content = {"text": b"certainly not a video\n" * 50, "truncated": clip.read_bytes()[:3000], "empty": b""}[kind]
    video = _new_video(stack, content, "notes.mp4")
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    failed = videos.get_video(int(video.id))
    assert failed is not None
    assert (failed.stage, failed.state) == ("failed", 7)
    assert failed.failure and failed.failure.startswith("The uploaded file cannot be played")


def test_a_step_that_keeps_failing_fails_the_video(stack: dict[str, Any], clip: Path) -> None:
    from functions.transcoder.handler import handle_upload

    video = _new_video(stack, clip)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    stack["s3"].delete_object(Bucket=stack["settings"].uploads_bucket, Key=video.source_key)  # every step now fails
    failed = _drain(stack, video, seconds=60)
    assert (failed.stage, failed.state) == ("failed", 7)
    assert "Transcoding failed" in (failed.failure or "")


def test_a_step_that_crashes_once_is_retried(
    stack: dict[str, Any], clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.media.transcode import TranscodeError
    from functions.transcoder import steps
    from functions.transcoder.handler import handle_upload

    real_run = steps.run
    crashed: list[str] = []

    def crash_once(step: Any, video: Video) -> None:
        if step.kind == "chunk" and not crashed:
            crashed.append(step.name)
            raise TranscodeError("Killed (the invocation ran out of memory)")
        real_run(step, video)

    monkeypatch.setattr(steps, "run", crash_once)
    video = _new_video(stack, clip)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    published = _drain(stack, video)
    assert crashed and (published.stage, published.state) == ("done", 1)


def test_deleting_during_transcoding_leaves_no_files(
    stack: dict[str, Any], clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.store import media
    from functions.transcoder import steps
    from functions.transcoder.handler import handle_upload

    real_run = steps.run
    video = _new_video(stack, clip)

    def deleted_meanwhile(step: Any, current: Video) -> None:
        real_run(step, current)  # the step writes its output ...
        if step.kind == "images":  # ... while the owner deletes the video, as the API does
            videos.delete_video(current, videos.list_files(int(current.id)))
            media.delete_video_files(current.uuid)

    monkeypatch.setattr(steps, "run", deleted_meanwhile)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    with pytest.raises(AssertionError, match="did not finish"):
        _drain(stack, video, seconds=8)  # the remaining steps are dropped
    settings, s3 = stack["settings"], stack["s3"]
    for bucket in (settings.media_bucket, settings.uploads_bucket):
        for prefix in (
            layout.hls_prefix(video.uuid),
            "lazy-static/",
            layout.work_prefix(video.uuid),
            "videos/" + video.uuid,
        ):
            assert s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("KeyCount", 0) == 0, (bucket, prefix)


def test_a_published_video_gets_its_storyboard_after_publication(
    stack: dict[str, Any], clip: Path, tmp_path: Path
) -> None:
    from functions.transcoder.handler import handle_step, handle_upload

    video = _new_video(stack, clip)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    published = _drain(stack, video)
    assert published.stage == "done" and published.storyboard is None, "publication does not wait for it"

    def run_storyboard_step() -> None:
        # Published from its lowest rendition on, the video may be done before copies of
        # steps done already come up (redelivered after the queue's 1 s visibility timeout
        # here): they are dropped; the storyboard's message is among them, once.
        kinds = []
        while batch := stack["sqs"].receive_message(QueueUrl=stack["queue"], MaxNumberOfMessages=10).get("Messages"):
            for message in batch:
                kinds.append(json.loads(message["Body"])["kind"])
                record = {"messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"],
                          "body": message["Body"], "attributes": {"ApproximateReceiveCount": "1"},
                          "messageAttributes": {}, "eventSource": "aws:sqs"}  # fmt: skip
                assert handle_step({"Records": [record]}, _context()) == {"batchItemFailures": []}
                stack["sqs"].delete_message(QueueUrl=stack["queue"], ReceiptHandle=message["ReceiptHandle"])
        assert kinds.count("storyboard") == 1

    run_storyboard_step()
    made = videos.get_video(int(video.id))
    assert made is not None and made.storyboard is not None
    # 10 s of 426x240: one 192x108 tile a second, on one row of ten (PeerTube's grid).
    assert made.storyboard == {
        "total_width": 1920, "total_height": 108, "sprite_width": 192, "sprite_height": 108, "sprite_duration": 1,
    }  # fmt: skip
    key = layout.storyboard_key(video.uuid)
    sheet = _download(stack, key, tmp_path)
    assert stack["s3"].head_object(Bucket=stack["settings"].media_bucket, Key=key)["ContentType"] == "image/jpeg"
    probed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", str(sheet)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert probed == "mjpeg,1920,108", "the sheet's own size is what the API lists"
    first, last = (_tile(sheet, index) for index in (0, 9))
    assert first != last, "tiles from different moments of the video"

    # Delivered again (SQS at least once, or a backfill): the same object, the same facts.
    from chalicelib.domain import storyboards

    stack["sqs"].send_message(QueueUrl=stack["queue"], MessageBody=json.dumps(storyboards.step_message(made)))
    run_storyboard_step()
    again = videos.get_video(int(video.id))
    assert again is not None and again.storyboard == made.storyboard
    listed = stack["s3"].list_objects_v2(Bucket=stack["settings"].media_bucket, Prefix="lazy-static/storyboards/")
    assert [o["Key"] for o in listed.get("Contents", []) if video.uuid in o["Key"]] == [key]


def _tile(sheet: Path, index: int) -> bytes:
    """The raw pixels of one 192x108 tile of a one-row sheet."""
    return subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(sheet), "-vf", f"crop=192:108:{index * 192}:0",
         "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip


def test_the_ingest_plans_every_rendition_at_the_probes_choice(
    stack: dict[str, Any], clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The content-aware ladder: the ingest probes the source (here, despite its 10 s) and the
    plan gives every rendition, so every chunk, the CRF and share of the caps chosen from it."""
    from chalicelib.media import complexity, ladder
    from chalicelib.media.ladder import choose, with_choice
    from chalicelib.media.probe import probe
    from functions.transcoder.handler import handle_upload

    monkeypatch.setattr(complexity, "MIN_PROBED_SECONDS", 5.0)
    monkeypatch.setattr(ladder, "SSIM_BUDGET", 0.05)  # so that the choice is not PeerTube's 23
    info = probe(str(clip))
    expected = choose(complexity.measure(str(clip), info, clip.parent))
    assert expected.crf > 23 and expected.cap_share < 1
    video = _new_video(stack, clip)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    planned = videos.get_video(int(video.id))
    assert planned is not None and planned.plan
    assert [r["crf"] for r in planned.plan["renditions"]] == [expected.crf, expected.crf]
    caps = [r.max_bitrate for r in with_choice(ladder.ladder(info.as_source()), expected)]
    assert [r["max_bitrate"] for r in planned.plan["renditions"]] == caps


def test_a_rendition_a_runner_made_whole_is_packaged_instead_of_its_chunks(
    stack: dict[str, Any], clip: Path, tmp_path: Path
) -> None:
    """PeerTube's runner's result (a fragmented MP4 with its own audio, from ffmpeg's HLS
    muxer, as PeerTube makes it) at the rendition's work name: the packaging step joins it
    (its video, the video's audio) instead of the chunks. Made 5 s long here, so that what
    was packaged shows."""
    from chalicelib.domain import transcoding
    from chalicelib.store import uploads_bucket
    from functions.transcoder.handler import handle_upload

    whole = tmp_path / "runner"
    whole.mkdir()
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(clip), "-t", "5",
         "-vf", "scale=-2:240", "-c:v", "libx264", "-g", "50", "-c:a", "aac",
         "-hls_time", "4", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4", "-hls_flags", "single_file",
         "-hls_segment_filename", "out-240-fragmented.mp4", "-f", "hls", "out-240.m3u8"],
        check=True, cwd=whole,
    )  # fmt: skip
    video = _new_video(stack, clip)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    name = transcoding.rendition_work_name(240)
    uploads_bucket.upload_work_file(video.uuid, name, whole / "out-240-fragmented.mp4")
    published = _drain(stack, video)

    assert (published.stage, published.state) == ("done", 1), published.failure
    frames = {}
    for file in videos.list_files(int(video.id)):
        _download(stack, layout.hls_key(video.uuid, file.media_name), tmp_path)
        playlist = _download(stack, layout.hls_key(video.uuid, file.playlist_name), tmp_path)
        frames[int(file.resolution)] = count_frames(str(playlist))
    assert frames == {240: 5 * 25, 144: DURATION * 25}
