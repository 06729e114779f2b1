"""Lambda entry points of the transcoder: the uploads bucket's ObjectCreated events, and the
transcode queue's steps (one message per batch; partial batch failures reported), among them
the live ingest's replays to make (domain/live_replays.py), the API's requests for
generated downloads and file probes (on_demand.py), and published videos'
storyboards to draw (domain/storyboards.py).

The transcode queue also receives the ingest's failed invocations (its on-failure
destination, after Lambda's two retries of an S3 event): their video is failed, visibly.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from chalicelib import failpoints, subscribers
from chalicelib.domain import live_replays, runner_jobs, transcoding
from chalicelib.domain.transcoding import REPLAY, STORYBOARD, PlanError, Step, step_done
from chalicelib.media import layout
from chalicelib.media.probe import ProbeError
from chalicelib.media.transcode import TranscodeError
from chalicelib.observability import count, logger
from chalicelib.store import media, queues, uploads_bucket, videos
from functions.consumer import sqs_handler
from functions.entry import lambda_entry
from functions.transcoder import on_demand, steps, studio_edit

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from chalicelib.store.models import Video

# The transcode queue's maxReceiveCount (chalicelib/deploy_specs.py, template.yaml): the last
# attempt of a failing step fails the video instead of leaving it to the dead-letter queue.
MAX_ATTEMPTS = 3


@lambda_entry(subscribers.register)
def handle_upload(event: dict[str, Any], context: Any) -> None:
    """S3 ObjectCreated on the uploads bucket: probe, plan and start transcoding."""
    for record in event.get("Records", []):
        video = _video_of_upload(record)
        if video is None:
            continue
        try:
            planned = steps.ingest(video)
        except ProbeError as error:
            videos.fail(video, f"The uploaded file cannot be played: {error}")
            count("VideosRejected")
            continue
        except PlanError as error:
            videos.fail(video, str(error))
            count("VideosRejected")
            continue
        send_steps(planned)


def _video_of_upload(record: dict[str, Any]) -> Video | None:
    key = unquote_plus(record["s3"]["object"]["key"])
    video_uuid = layout.video_uuid_of_source(key)
    video = videos.find_video_by_uuid(video_uuid) if video_uuid else None
    if video is None or video.source_key != key:
        logger.info("upload of no video, ignored", extra={"key": key})
        return None
    return video


def send_steps(planned: list[Step]) -> None:
    """Steps to the transcode queue; with remote runners enabled, the chunk steps become
    runner jobs instead (domain/runner_jobs/)."""
    left = runner_jobs.take_steps(planned, datetime.now(UTC))
    queues.send_transcode_steps([step.to_message() for step in left])


def _run_step(record: SQSRecord) -> None:
    body = json.loads(record.body)
    if "requestPayload" in body:
        _ingest_gave_up(body)
        return
    if studio_edit.is_edit(body) or on_demand.is_on_demand(body):
        # Work on published videos (a studio edit, a generated download...), not a step.
        run = studio_edit.run if studio_edit.is_edit(body) else on_demand.run
        run(body, int(record.attributes.approximate_receive_count), MAX_ATTEMPTS)
        return
    step = Step.from_message(body)
    if step.kind == REPLAY:
        _make_replay(step, int(record.attributes.approximate_receive_count))
        return
    if step.kind == STORYBOARD:
        _make_storyboard(step, int(record.attributes.approximate_receive_count))
        return
    video = videos.find_video_by_uuid(step.video_uuid)
    if video is None or video.stage in transcoding.SETTLED_STAGES:
        logger.info("step of a deleted or finished video, dropped", extra={"step": step.name})
        return
    try:
        steps.run(step, video)
        failpoints.reached(failpoints.TRANSCODE_STEP_DONE)
        _counted(step, video)
    except Exception as error:
        # Whatever went wrong (ffmpeg, S3, work files that expired before a redrive), the
        # last attempt fails the video with the reason, rather than leave it waiting.
        attempts = int(record.attributes.approximate_receive_count)
        logger.warning("step failed", extra={"step": step.name, "attempt": attempts, "reason": str(error)})
        if attempts >= MAX_ATTEMPTS:
            reason = str(error) if isinstance(error, (TranscodeError, ProbeError)) else type(error).__name__
            # A video published already keeps its renditions (transcoding.give_up).
            transcoding.give_up(video, f"Transcoding failed ({step.name}): {reason}")
            count("VideosFailed")
            return
        raise


def _make_replay(step: Step, attempts: int) -> None:
    """A live session's replay (the ingest's hand-over): its segments joined into the
    replay's source, then the replay's own steps; the live's files go once it is taken in."""
    replay_plan = live_replays.plan(step.video_uuid, int(step.session or 0))
    if replay_plan is None:
        return
    try:
        if replay_plan.needs_source and not uploads_bucket.source_exists(replay_plan.source_key):
            steps.join_replay(replay_plan)
        video = live_replays.start(replay_plan)
        if video is not None:
            send_steps(steps.ingest(video))
    except (ProbeError, PlanError) as error:
        _fail_replay(replay_plan.replay, f"The live's recording cannot be played: {error}")
        return
    except Exception as error:
        logger.warning("replay failed", extra={"step": step.name, "attempt": attempts, "reason": str(error)})
        if attempts < MAX_ATTEMPTS:
            raise
        reason = str(error) if isinstance(error, TranscodeError) else type(error).__name__
        _fail_replay(replay_plan.replay, f"The live's replay could not be made: {reason}")
        return
    live_replays.remove_live_files(replay_plan)
    count("LiveReplays")


def _make_storyboard(step: Step, attempts: int) -> None:
    """A published video's storyboard. Its failure never touches the video (it plays without
    one, as on PeerTube when its job fails): retried, then given up with a warning."""
    video = videos.find_video_by_uuid(step.video_uuid)
    if video is None or runner_jobs.take_storyboard(video, datetime.now(UTC)):
        return  # deleted, or a runner draws it
    try:
        made = steps.make_storyboard(video)
    except Exception as error:
        logger.warning("storyboard failed", extra={"video": video.uuid, "attempt": attempts, "reason": str(error)})
        if attempts < MAX_ATTEMPTS:
            raise
        count("StoryboardsFailed")
        return
    if made:
        count("Storyboards")


def _fail_replay(replay: Video, reason: str) -> None:
    current = videos.get_video(int(replay.id))
    if current is not None and videos.fail(current, reason):
        count("VideosFailed")
    logger.warning("live replay failed", extra={"video": replay.uuid, "reason": reason})


def _ingest_gave_up(destination_record: dict[str, Any]) -> None:
    """An ingest invocation Lambda gave up on (its on-failure destination record)."""
    condition = destination_record.get("requestContext", {}).get("condition")
    for record in destination_record.get("requestPayload", {}).get("Records", []):
        video = _video_of_upload(record)
        if video is not None and videos.fail(video, "The uploaded file could not be processed."):
            logger.warning("ingest gave up; video failed", extra={"video": video.uuid, "condition": condition})
            count("VideosFailed")


def _counted(step: Step, video: Video) -> None:
    if videos.get_video(int(video.id)) is None:
        # Deleted while this step ran: what the step just wrote would outlive the video.
        media.delete_video_files(video.uuid, video.images_name)
        return
    unlocked, ready = step_done(video, step)
    if unlocked:
        send_steps(unlocked)
    if ready:
        transcoding.publish(_fresh(video))
    count("TranscodeSteps")


def _fresh(video: Video) -> Video:
    return videos.get_video(int(video.id)) or video


handle_step = sqs_handler(_run_step, setup=subscribers.register)
