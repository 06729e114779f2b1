"""A video's way from an uploaded file to published HLS, as steps that may run in parallel.

    ingest ──► the original, audio, images, every chunk of every rendition   (stage "encoding")
           a rendition's last chunk (or the audio, or the images) ──► that rendition's
               packaging step, at once (progressive publication, same stage)
           each packaging step ──► `publish`: the master playlist and segment hashes of
               what is packaged; the first makes the video PUBLISHED, each later one is an
               Update; the last moves the video to "done"

Plans made before progressive publication (no `progressive` in the plan: videos in flight
when it came) take the old way: every chunk first, then the packaging stage, then
`publish` once.

The stages and the only moves between them are one table, STAGES (declared beside the
model, store/models/video_stages.py, because the store enforces it on every write and may
not import this module; checked when imported):

    uploaded  → encoding, failed
    encoding  → done (progressive), packaging, failed
    packaging → done, failed
    done, failed: terminal

The original step copies the uploaded file into the media bucket as the video's first web
video and makes its torrent (domain/web_videos.py); publication retires it.

Each step is one SQS message for the transcoder function. Steps are counted with
conditional writes (store/videos.py), so the step that completes a stage is known exactly,
once, however SQS duplicates or reorders messages. Any step may fail: it is retried, and on
its last attempt the video is marked failed, visibly, instead of waiting forever.

What a crash can leave behind (a step counted but the stage not moved on, messages lost
before they were sent, an ingest that never ran) is found by the sweeper: a video that has
not progressed for a while is resumed from what the table says (`resume`), at most
MAX_RESUMES times, and then failed with a reason the owner sees.

Everything here reaches S3, SQS and DynamoDB through the store's ports; the transcoder
(functions/transcoder) runs ffmpeg and moves the bytes, and calls in here for every decision.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib import plugins
from chalicelib.config import get_settings
from chalicelib.domain import caption_files, events, media_privacy, storyboards, web_videos
from chalicelib.media import infohashes, layout
from chalicelib.media.chunks import SEGMENT_SECONDS, Chunk, chunk_seconds, plan_chunks
from chalicelib.media.commands import VideoEncoder
from chalicelib.media.ladder import PEERTUBE, Choice, Rendition, configured_ladder, ladder, renditions_at, with_choice
from chalicelib.media.probe import MediaInfo
from chalicelib.observability import logger
from chalicelib.store import actors, media, queues, uploads_bucket, videos
from chalicelib.store.models import video_stages
from chalicelib.store.models.video import STATE_PUBLISHED
from chalicelib.store.models.video_stages import STAGE_ENCODING, STAGE_PACKAGING, STAGE_UPLOADED

if TYPE_CHECKING:
    from chalicelib.store.models import Video, VideoFile

STAGES = video_stages.STAGES
SETTLED_STAGES = video_stages.SETTLED_STAGES

AUDIO, IMAGES, CHUNK, PACKAGE, ORIGINAL = "audio", "images", "chunk", "package", "original"
# Not a step of a video's encoding: a live session's replay to make (domain/live_replays.py),
# handed over by the ingest on the same queue; it starts the replay's own steps.
REPLAY = "replay"
# Not counted either: a published video's storyboard to draw (domain/storyboards.py), sent
# at publication so that it never holds publication back.
STORYBOARD = storyboards.STEP_KIND
KINDS = (ORIGINAL, AUDIO, IMAGES, CHUNK, PACKAGE, REPLAY, STORYBOARD)

# Most steps one upload may take: each is a transcoder invocation of up to 15 minutes, and
# every step's name joins the video item's `done_steps` (about 20 bytes each), which with the
# plan must fit in a 400 KB DynamoDB item. 4,000 steps is 11 h of 1080p or 2 h of 4K (with
# chunks lengthened up to MAX_CHUNK_STRETCH times when a video is long).
MAX_STEPS = 4000
MAX_CHUNK_STRETCH = 2
# What the plan and the finished steps' names may take of the video item.
MAX_PLAN_BYTES = 300_000


class PlanError(Exception):
    """The upload would take more work than an upload may; the message is for its owner."""


@dataclass(frozen=True)
class Step:
    video_uuid: str
    kind: str
    resolution: int | None = None
    chunk: int | None = None
    session: int | None = None  # a replay's live session (its number)

    @property
    def name(self) -> str:
        if self.kind == CHUNK:
            return f"chunk-{self.resolution}-{self.chunk}"
        if self.kind == PACKAGE:
            return f"package-{self.resolution}"
        if self.kind == REPLAY:
            return f"replay-{self.session}"
        return self.kind

    def to_message(self) -> dict[str, Any]:
        body = {"video": self.video_uuid, "kind": self.kind, "resolution": self.resolution, "chunk": self.chunk}
        return {**body, "session": self.session} if self.kind == REPLAY else body

    @classmethod
    def from_message(cls, body: dict[str, Any]) -> Step:
        kind = body.get("kind")
        if kind not in KINDS or not isinstance(body.get("video"), str):
            raise ValueError(f"not a transcoding step: {body!r}")
        session = body.get("session")
        if kind == REPLAY and (not isinstance(session, int) or isinstance(session, bool) or session < 1):
            raise ValueError(f"a replay names its session: {body!r}")
        return cls(body["video"], kind, body.get("resolution"), body.get("chunk"), session if kind == REPLAY else None)


RESOLUTIONS_HOOK = "filter:transcoding.auto.resolutions-to-transcode.result"


def make_plan(
    info: MediaInfo, chunk_length: float | None = None, video: Video | None = None, choice: Choice = PEERTUBE
) -> dict[str, Any]:
    """Everything later steps need to know about the source, so none of them probes again.
    For an upload's `video`, plugins may change the resolutions of its ladder. `choice`: the
    content-aware ladder's CRF and cap share (media/ladder.py), the same for every chunk of
    every rendition."""
    renditions = _configured_ladder(info) if video is not None else ladder(info.as_source())
    if video is not None and info.has_video and plugins.has_hooks(RESOLUTIONS_HOOK):
        renditions = _plugins_ladder(info, renditions, video)
    renditions = with_choice(renditions, choice)
    top = max((r.resolution for r in renditions), default=0)
    chunks = _bounded_chunks(info, renditions, chunk_length or chunk_seconds(top)) if info.has_video else []
    encoders = _plugins_encoders(info, renditions) if video is not None and info.has_video else {}
    plan: dict[str, Any] = {
        "source": {
            "duration": info.duration,
            "width": info.width,
            "height": info.height,
            "fps": info.fps,
            "bitrate": info.bitrate,
            "video_codec": info.video_codec,
            "audio_codec": info.audio_codec,
            "audio_bitrate": info.audio_bitrate,
        },
        "renditions": [
            {
                "resolution": r.resolution,
                "width": r.width,
                "height": r.height,
                "fps": r.fps,
                "max_bitrate": r.max_bitrate,
                "crf": r.crf,
            }
            for r in renditions
        ],
        "chunks": [[c.start, c.end] for c in chunks],
        # Each rendition packaged and published as soon as its chunks are done.
        "progressive": True,
    }
    if encoders:
        plan["encoders"] = encoders
    return plan


def _configured_ladder(info: MediaInfo) -> list[Rendition]:
    """An upload's ladder under the custom config's `transcoding.resolutions` and
    `alwaysTranscodeOriginalResolution` (its defaults enable every resolution: the full ladder)."""
    from chalicelib.domain import custom_config

    section = custom_config.current(get_settings()).custom["transcoding"]
    enabled = {int(key[:-1]) for key, on in section["resolutions"].items() if on is True and key != "0p"}
    return configured_ladder(info.as_source(), enabled, section.get("alwaysTranscodeOriginalResolution") is not False)


def _plugins_encoders(info: MediaInfo, renditions: list[Rendition]) -> dict[str, Any]:
    """Each rendition's encoder and options when the administrator chose a plugin's profile
    (custom config `transcoding.profile`), built once for all its chunks; {} for the default."""
    if len(plugins.available_vod_profiles()) == 1:
        return {}
    from chalicelib.domain import custom_config

    profile = custom_config.current(get_settings()).custom["transcoding"].get("profile")
    if not isinstance(profile, str) or profile not in plugins.available_vod_profiles()[1:]:
        return {}
    encoders: dict[str, Any] = {}
    probe = {"width": info.width, "height": info.height, "fps": info.fps, "bitrate": info.bitrate}
    for rendition in renditions:
        options = plugins.vod_encoder_options(
            profile, input=None, resolution=rendition.resolution, fps=rendition.fps, stream_num=0, input_probe=probe
        )
        if options is not None:
            encoders[str(rendition.resolution)] = options.as_plan()
    return encoders


def encoder_of(plan: dict[str, Any], resolution: int) -> VideoEncoder | None:
    """The plugin profile's encoder of this rendition, or None for Cirrus's default."""
    chosen = plan.get("encoders", {}).get(str(resolution))
    if chosen is None:
        return None
    return VideoEncoder(chosen["encoder"], tuple(chosen["input"]), tuple(chosen["output"]))


def _plugins_ladder(info: MediaInfo, renditions: list[Rendition], video: Video) -> list[Rendition]:
    """PeerTube's resolutions filter: the plugins' list, kept to resolutions Cirrus encodes;
    an empty or unusable answer keeps the default ladder."""
    default = [r.resolution for r in renditions]
    channel = actors.get_actor(int(video.channel_id)) if video.channel_id is not None else None
    chosen = plugins.run_filter(RESOLUTIONS_HOOK, default, video=video, channel=channel, input_metadata=info)
    usable = [r for r in chosen if isinstance(r, int) and not isinstance(r, bool)]
    changed = renditions_at(info.as_source(), usable)
    return changed or renditions


def _bounded_chunks(info: MediaInfo, renditions: list[Rendition], length: float) -> list[Chunk]:
    """Chunks of about `length`, longer for a long video so that the steps stay within
    MAX_STEPS; PlanError when even chunks MAX_CHUNK_STRETCH times as long are too many."""
    encoded = sum(1 for r in renditions if not r.is_audio_only) or 1
    budget = MAX_STEPS - 3 - len(renditions)  # the original, the audio, the images, the packaging
    chunks = plan_chunks(info.duration, length)
    if len(chunks) * encoded <= budget:
        return chunks
    wanted = len(chunks) * encoded
    stretched = math.ceil(info.duration * encoded / budget / SEGMENT_SECONDS) * SEGMENT_SECONDS
    chunks = plan_chunks(info.duration, stretched)
    if stretched > length * MAX_CHUNK_STRETCH or len(chunks) * encoded > budget:
        raise PlanError(
            f"The video is too long to transcode: {round(info.duration)} seconds would take {wanted} steps,"
            f" and an upload may take {MAX_STEPS}."
        )
    return chunks


def source_info(plan: dict[str, Any]) -> MediaInfo:
    return MediaInfo(**plan["source"])


def renditions_of(plan: dict[str, Any]) -> list[Rendition]:
    return [Rendition(**r) for r in plan["renditions"]]


def chunks_of(plan: dict[str, Any]) -> list[Chunk]:
    return [Chunk(i, start, end) for i, (start, end) in enumerate(plan["chunks"])]


def encoding_steps(video_uuid: str, plan: dict[str, Any]) -> list[Step]:
    info = source_info(plan)
    # The original first: clients wait for its torrent (PeerTube's CLI does).
    steps = [Step(video_uuid, ORIGINAL)] if plan.get("original") else []
    if info.has_audio:
        steps.append(Step(video_uuid, AUDIO))
    if info.has_video:
        steps.append(Step(video_uuid, IMAGES))
    # The lowest rendition's chunks first: the queue (and the runners) take them first, so it
    # is the first one packaged, and the video is watchable soonest.
    for rendition in sorted(renditions_of(plan), key=lambda r: r.resolution):
        if not rendition.is_audio_only:
            steps += [Step(video_uuid, CHUNK, rendition.resolution, chunk.index) for chunk in chunks_of(plan)]
    if is_progressive(plan):
        steps += packaging_steps(video_uuid, plan)
    return steps


def packaging_steps(video_uuid: str, plan: dict[str, Any]) -> list[Step]:
    return [Step(video_uuid, PACKAGE, r.resolution) for r in sorted(renditions_of(plan), key=lambda r: r.resolution)]


def is_progressive(plan: dict[str, Any] | None) -> bool:
    """Whether the plan publishes each rendition as it is packaged (every plan made since)."""
    return bool(plan and plan.get("progressive"))


def _package_needs(plan: dict[str, Any], resolution: int) -> set[str]:
    """The steps a rendition's packaging waits for: its chunks, the audio it joins, and the
    images (its publication shows the thumbnail)."""
    info = source_info(plan)
    needs = {AUDIO} if info.has_audio else set()
    if info.has_video:
        needs.add(IMAGES)
    rendition = next(r for r in renditions_of(plan) if r.resolution == resolution)
    if not rendition.is_audio_only:
        needs |= {Step("", CHUNK, resolution, chunk.index).name for chunk in chunks_of(plan)}
    return needs


def _packages_ready(video: Video, step: Step, done: set[str]) -> list[Step]:
    """The packaging steps `step` was the last need of (or, for a step counted before, whose
    needs are all done while they are not): each is found by exactly one fresh count, since
    only the write that adds a rendition's last need sees its needs complete."""
    if step.kind not in (CHUNK, AUDIO, IMAGES):
        return []
    plan = video.plan
    unlocked = []
    for package in packaging_steps(video.uuid, plan):
        if step.kind == CHUNK and package.resolution != step.resolution:
            continue
        needs = _package_needs(plan, int(package.resolution or 0))
        if step.name in needs and needs <= done and package.name not in done:
            unlocked.append(package)
    return unlocked


def start(
    video: Video,
    info: MediaInfo,
    hls_name: str,
    chunk_length: float | None = None,
    original: dict[str, Any] | None = None,
    choice: Choice = PEERTUBE,
) -> list[Step]:
    """Plan the video's encoding and enter the encoding stage; the steps to send.
    `original`: the uploaded file's facts (web_videos.original_facts), kept as its first
    web video.

    When the stage was entered by an earlier delivery of the same event, the steps not yet
    done are returned again (the event may have failed while sending them).
    """
    if video.stage == STAGE_ENCODING and video.plan:
        return _steps_not_done(video)
    plan = make_plan(info, chunk_length, video, choice)
    if original is not None:
        plan["original"] = original
    steps = encoding_steps(video.uuid, plan)
    if len(steps) > MAX_STEPS:
        raise PlanError(f"The video is too long to transcode: {len(steps)} steps, and an upload may take {MAX_STEPS}.")
    if len(json.dumps(plan)) + sum(len(s.name) + 4 for s in steps) > MAX_PLAN_BYTES:
        raise PlanError("The video is too long to transcode: its plan would not fit in the database.")
    if not videos.start_encoding(video, plan, len(steps), hls_name):
        return []
    item = web_videos.original_item(video, plan)
    if item is not None:
        # Listed with the probe's facts at once; its step adds the file and its torrent.
        item.torrent_name = None
        videos.save_web_file(item)
    # A progressive plan's packaging steps are counted in the total but sent only when their
    # needs are done (each needs at least the images, the audio or chunks).
    return [s for s in steps if s.kind != PACKAGE]


def _steps_not_done(video: Video) -> list[Step]:
    """The encoding stage's steps not yet counted that may run now (a progressive plan's
    packaging steps only once their needs are done)."""
    done = set(video.done_steps or ())
    steps = [s for s in encoding_steps(video.uuid, video.plan) if s.name not in done]
    return [s for s in steps if s.kind != PACKAGE or _package_needs(video.plan, int(s.resolution or 0)) <= done]


def step_done(video: Video, step: Step) -> tuple[list[Step], bool]:
    """Count a finished step; the steps it unlocks, and whether the video is ready to publish.

    A step already counted is the same message delivered again, typically because the run
    that counted it died before moving the video on: the stage then moves on from what the
    table says (both moves are conditional, so a real duplicate changes nothing).
    """
    if is_progressive(video.plan):
        return _progressive_step_done(video, step)
    stage = STAGE_PACKAGING if step.kind == PACKAGE else STAGE_ENCODING
    counts = videos.record_step(video, stage, step.name)
    if counts is None:
        current = videos.get_video(int(video.id))
        if current is None or current.stage != stage or step.name not in (current.done_steps or ()):
            return [], False
        video, counts = current, (int(current.steps_done), int(current.steps_total))
    done, total = counts
    if done < total:
        return [], False
    return _stage_complete(video, stage)


def _progressive_step_done(video: Video, step: Step) -> tuple[list[Step], bool]:
    """Count a step of a progressive plan (all within the encoding stage): the packaging
    steps it unlocks; True for a packaging step, whose rendition `publish` adds."""
    if videos.record_step(video, STAGE_ENCODING, step.name) is None:
        # Counted already (a redelivery, perhaps after the run that counted it died before
        # sending what it unlocked or publishing): again, harmlessly.
        current = videos.get_video(int(video.id))
        if current is None or current.stage != STAGE_ENCODING or step.name not in (current.done_steps or ()):
            return [], False
        video = current
    return _packages_ready(video, step, set(video.done_steps or ())), step.kind == PACKAGE


def _stage_complete(video: Video, stage: str) -> tuple[list[Step], bool]:
    if stage == STAGE_ENCODING:
        renditions = packaging_steps(video.uuid, video.plan)
        if videos.start_packaging(video, len(renditions)):
            return renditions, False
        return [], False
    return [], True


def chunk_work_name(resolution: int, index: int) -> str:
    """The work file in which a chunk step (a Lambda or a remote runner) leaves its chunk."""
    return f"chunks/{resolution}/{index:05d}.mp4"


def rendition_work_name(resolution: int) -> str:
    """The work file in which a remote runner leaves a whole rendition (domain/runner_jobs/vod_hls.py):
    the packaging step joins it instead of the rendition's chunks."""
    return f"renditions/{resolution}.mp4"


HASHES_PREFIX = "hashes-"


def rendition_hashes_name(resolution: int) -> str:
    """The work file in which a packaging step leaves its rendition's segment hashes."""
    return f"{HASHES_PREFIX}{resolution}.json"


def publish(video: Video) -> None:
    """A packaging step was counted: publish what is packaged (`_publish_progressively`), or,
    for a plan made before progressive publication, everything at once (`_publish_whole`)."""
    if is_progressive(video.plan):
        _publish_progressively(video)
    else:
        _publish_whole(video)


def _publish_progressively(video: Video) -> None:
    """A rendition was packaged: the master playlist and segment hashes list every rendition
    packaged so far; the first makes the video PUBLISHED (Create, notifications:
    VideoPublished, once), each later one is told as VideoRenditionAdded (an Update, as
    PeerTube sends when it adds files to a published video); once every packaging step is
    counted, the video is done (files size, quota, the original retired, storyboard, work
    files deleted). Safe to run again, and in parallel with another rendition's."""
    current, files = _write_playlists(video)
    if current is None or current.stage != STAGE_ENCODING:
        return  # deleted, failed, or done by another rendition's run (which wrote it all)
    info_hashes = _swarms(current, files)
    if int(current.steps_done or 0) >= int(current.steps_total or 0):
        _complete(current, files, info_hashes)
        return
    if videos.publish_first(current, datetime.now(UTC), info_hashes):
        media_privacy.place_files(current, torrents=True)
        logger.info("video playable", extra={"video": video.uuid, "renditions": len(files)})
        events.emit(events.VideoPublished(current))
    elif int(current.state or 0) == STATE_PUBLISHED:
        videos.add_rendition(current, info_hashes, datetime.now(UTC))
        media_privacy.place_files(current, torrents=True)
        events.emit(events.VideoRenditionAdded(current))


def _write_playlists(video: Video) -> tuple[Video | None, list[VideoFile]]:
    """The master playlist and segments-sha256.json of the renditions packaged so far.

    Two renditions' runs may write them at once, and S3 keeps the last write: so each run
    reads the packaged renditions again after writing and writes again while it finds more.
    The last write of all then lists every rendition (its run's reading again comes after
    every rendition's item was saved). Short-lived in caches until every rendition is in."""
    written: set[int] = set()
    current: Video | None = None
    files: list[VideoFile] = []
    for _ in range(len(video.plan["renditions"]) + 1):
        current, files, _ = videos.get_video_with_all_files(int(video.id), consistent=True)
        resolutions = {int(f.resolution) for f in files}
        if current is None or (resolutions <= written and written):
            break
        if current.stage not in (STAGE_ENCODING, video_stages.STAGE_DONE) or not files:
            break
        planned = {int(r["resolution"]) for r in current.plan["renditions"]}
        complete = resolutions >= planned or current.stage == video_stages.STAGE_DONE
        _write_hls_index(current, files, None if complete else media.GROWING_PLAYLIST)
        written = resolutions
    return current, files


def _write_hls_index(video: Video, files: list[VideoFile], cache_control: str | None) -> None:
    """The master playlist (with the captions) and segments-sha256.json of `files`, from the
    hashes each packaging step left."""
    hashes: dict[str, dict[str, str]] = {}
    for file in files:
        document = uploads_bucket.read_work_file(video.uuid, rendition_hashes_name(int(file.resolution)))
        hashes[file.media_name] = json.loads(document.decode("utf-8"))
    private = media_privacy.is_private_now(video)
    caption_files.write_master(video, files, private, cache_control=cache_control)
    media.put_file(
        layout.hls_key(video.uuid, f"{video.hls_prefix}-segments-sha256.json", private),
        json.dumps(hashes).encode(),
        "application/json",
        # Once complete it never changes (a new source gets a new prefix): CloudFront's
        # default (a year) is right then.
        cache_control=cache_control,
    )


def _swarms(video: Video, files: list[VideoFile]) -> list[str]:
    private = media_privacy.is_private_now(video)
    playlist_url = infohashes.master_playlist_url(
        get_settings().instance_url, video.uuid, str(video.hls_prefix), private
    )
    return infohashes.playlist_info_hashes(playlist_url, [int(f.height) for f in files]) if files else []


def _complete(video: Video, files: list[VideoFile], info_hashes: list[str]) -> None:
    """Every packaging step counted: encoding → done with the files' size and the quota (and,
    for a one-rendition ladder, the first publication's effects too)."""
    _, _, web_files = videos.get_video_with_all_files(int(video.id), consistent=True)
    renditions = [f for f in web_files if not f.original]
    sizes = [int(f.size) for f in files] + [int(f.size) for f in renditions]
    first = int(video.state or 0) != STATE_PUBLISHED
    done = _settle(video, sum(sizes), max(sizes, default=0), info_hashes, STAGE_ENCODING)
    _after_publication(video, files, done, first)
    if done and not first:
        events.emit(events.VideoRenditionAdded(video))


def _after_publication(video: Video, files: list[VideoFile], published: bool, announce: bool) -> None:
    """What follows the move to done: files where the privacy now says, the original retired,
    the announcement (when `announce`), the storyboard asked for, the work files deleted
    (but the renditions' hashes, which a late run of `_write_playlists` may read again: the
    lifecycle rule removes them)."""
    current = videos.get_video(int(video.id))
    if current is not None:
        # L9: files a step wrote before the privacy changed go where it now says (and the
        # info hashes follow), before anyone hears of the video.
        web_videos.retire_original(current)
        media_privacy.place_files(current, torrents=True)
    if published and announce:
        logger.info("video published", extra={"video": video.uuid, "renditions": len(files)})
        # Announced by the broadcast function, which may read the actors this one may not.
        events.emit(events.VideoPublished(video))
    if current is not None and storyboards.wanted(current):
        # Sent by every run of this (a redelivery included): drawing it twice is harmless.
        queues.send_transcode_steps([storyboards.step_message(current)])
    uploads_bucket.delete_work(video.uuid, keep=HASHES_PREFIX if is_progressive(video.plan) else None)


def _publish_whole(video: Video) -> None:
    """The last packaging step was counted: write the master playlist and
    segments-sha256.json from the packaged renditions, move packaging → done (PUBLISHED,
    counted, quota settled), put files where the privacy now says, retire the original (the
    HLS, or the MP4 renditions, replace it), announce the video, ask for its storyboard,
    and delete the work files.

    Safe to run again (a packaging step delivered again after a crash here): the files are
    rewritten, and the move, conditional on the packaging stage, happens once; so does the
    announcement, which follows it.
    """
    _, files, web_files = videos.get_video_with_all_files(int(video.id))
    renditions = [f for f in web_files if not f.original]
    if files:  # none when the instance makes web videos only
        # With the captions added while it was transcoding (and their playlists).
        _write_hls_index(video, files, None)
    info_hashes = _swarms(video, files)
    sizes = [int(f.size) for f in files] + [int(f.size) for f in renditions]
    published = _settle(video, sum(sizes), max(sizes, default=0), info_hashes, STAGE_PACKAGING)
    _after_publication(video, files, published, announce=True)


def _settle(video: Video, size: int, quota_size: int, info_hashes: list[str], from_: str) -> bool:
    """`videos.publish`, and once more on the video read again if it changed hands meanwhile
    (an accepted ownership change moved its reservation to the new owner, on whom it is
    settled then)."""
    owner = video.user_id
    if videos.publish(video, datetime.now(UTC), size, quota_size, info_hashes, from_=from_):
        return True
    again = videos.get_video(int(video.id))
    if again is None or again.stage != from_ or again.user_id == owner:
        return False
    return videos.publish(again, datetime.now(UTC), size, quota_size, info_hashes, from_=from_)


def give_up(video: Video, reason: str) -> bool:
    """A step's last attempt failed, or the sweeper gave up: the video fails, visibly, unless
    it is published already (progressive publication). That one is not taken back from its
    viewers and followers: it is completed with the renditions it has (the master playlist
    and its files are what they announced; the missing renditions logged), as PeerTube keeps
    a published video whose later resolution job failed. Whether anything changed."""
    current = videos.get_video(int(video.id))
    if (
        current is not None
        and is_progressive(current.plan)
        and current.stage == STAGE_ENCODING
        and int(current.state or 0) == STATE_PUBLISHED
    ):
        logger.warning(
            "rendition failed after publication; completed without it", extra={"video": video.uuid, "reason": reason}
        )
        _, files, _ = videos.get_video_with_all_files(int(video.id), consistent=True)
        if files:
            _write_hls_index(current, files, None)
        _complete(current, files, _swarms(current, files))
        return True
    return videos.fail(current or video, reason)


MAX_RESUMES = 2  # a video the sweeper resumed this often without it finishing is failed


@dataclass(frozen=True)
class Resumption:
    """What the sweeper does for a stalled video: nothing, send steps again, probe the
    source again, or fail it with a reason the owner sees."""

    steps: tuple[Step, ...] = ()
    ingest: bool = False
    failure: str | None = None
    waiting: bool = False  # still being uploaded: not stalled, not counted


def resume(video: Video, *, uploading: bool, source_present: bool) -> Resumption:
    """The way forward for a video that stopped progressing, from the table's state alone.

    `uploading`: its upload may still be going on (a resumable session not yet expired);
    `source_present`: its complete source is in the uploads bucket.
    """
    if int(video.resumes or 0) >= MAX_RESUMES:
        return Resumption(failure=f"Transcoding stalled ({video.stage}) and could not be resumed.")
    if video.stage == STAGE_UPLOADED:
        return _resume_upload(uploading=uploading, source_present=source_present)
    if not video.plan:
        return Resumption(failure=f"Transcoding stalled ({video.stage}) without a plan.")
    done = set(video.done_steps or ())
    planned = _steps_not_done(video) if video.stage == STAGE_ENCODING else []
    if video.stage == STAGE_PACKAGING:
        planned = packaging_steps(video.uuid, video.plan)
    missing = tuple(step for step in planned if step.name not in done)
    if missing:
        return Resumption(steps=missing)
    return _resume_complete(video)


def _resume_complete(video: Video) -> Resumption:
    """Every step of the video's stage counted, but it did not move on."""
    if is_progressive(video.plan):
        # The last publication did not finish: one packaging step again, already counted,
        # carries it to `publish` in the transcoder.
        return Resumption(steps=(packaging_steps(video.uuid, video.plan)[-1],))
    unlocked, ready = _stage_complete(video, str(video.stage))
    if ready:
        # `publish` runs in the transcoder, whose role may write the master playlist and
        # announce the video: one packaging step again, already counted, carries it there.
        return Resumption(steps=(packaging_steps(video.uuid, video.plan)[-1],))
    return Resumption(steps=tuple(unlocked))


def _resume_upload(*, uploading: bool, source_present: bool) -> Resumption:
    if source_present:
        return Resumption(ingest=True)  # the ingest never ran, or died: probe again
    if uploading:
        return Resumption(waiting=True)
    return Resumption(failure="The upload was never completed.")
