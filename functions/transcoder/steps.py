"""What each transcoding step does: ffmpeg over the source and work files, and its outputs
to the buckets, through the store's ports (store/uploads_bucket.py, store/media.py).

Every input is read over a presigned URL (ffmpeg seeks with range requests, so a chunk of
a 10 GB source reads only its own bytes) and every output goes to S3 before the step
counts as done: a step that crashes half-way leaves nothing counted and is simply redone.
What the outputs mean (counting, stages, publication) is domain/transcoding.py's.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.domain import file_metadata, live_replays, storyboards, transcoding, video_torrents, web_videos
from chalicelib.domain.media_privacy import is_private_now
from chalicelib.domain.transcoding import AUDIO, CHUNK, IMAGES, ORIGINAL, PACKAGE, Step
from chalicelib.media import complexity, hls, layout, torrents, transcode
from chalicelib.media import storyboard as sheets
from chalicelib.media.inputs import UPLOAD_DEMUXERS, WORK_DEMUXERS
from chalicelib.media.ladder import GOP_SECONDS, PEERTUBE, Choice, choose
from chalicelib.media.probe import MediaInfo, ProbeError, probe
from chalicelib.media.probe import file_metadata as probe_metadata
from chalicelib.observability import logger
from chalicelib.store import keys, media, uploads_bucket, videos
from chalicelib.store.models import Video, VideoFile, WebVideoFile

if TYPE_CHECKING:
    from chalicelib.domain.live_replays import ReplayPlan

URL_SECONDS = 6 * 3600
AUDIO_FILE = "audio.m4a"


def ingest(video: Video) -> list[Step]:
    """Probe the uploaded source and plan its encoding; the steps to send.

    Raises ProbeError when the file is not playable media (the caller fails the video).
    """
    source = _source_url(video)
    info = probe(source)
    size = uploads_bucket.source_size(str(video.source_key))
    original = web_videos.original_facts(video, info, size, random_part=uuid.uuid4().hex[:8])
    choice = _content_aware_choice(video, source, info)
    return transcoding.start(video, info, hls_name=str(uuid.uuid4()), original=original, choice=choice)


def _content_aware_choice(video: Video, source: str, info: MediaInfo) -> Choice:
    """The content-aware ladder's CRF and cap share (media/ladder.py): a probe of a few sampled seconds.
    Only when the video is first planned (a redelivered ingest keeps the plan it made), and
    not for videos under 20 s (complexity.MIN_PROBED_SECONDS)."""
    if video.plan or not complexity.worth_probing(info):
        return PEERTUBE
    with tempfile.TemporaryDirectory(prefix="cirrus-probe-") as directory:
        result = complexity.measure(source, info, Path(directory))
    choice = choose(result)
    logger.info(
        "content-aware ladder",
        extra={"video": video.uuid, "crf": choice.crf, "cap_share": choice.cap_share, "probe": result},
    )
    return choice


def join_replay(replay_plan: ReplayPlan) -> None:
    """A live session's best rendition, its segments read over presigned URLs, joined into
    one MP4 where the replay's source goes."""
    urls = [media.presigned_url(key, URL_SECONDS) for key in replay_plan.segment_keys]
    with tempfile.TemporaryDirectory(prefix="cirrus-replay-") as directory:
        joined = transcode.join_live_segments(urls, Path(directory))
        uploads_bucket.upload_work_file(replay_plan.replay.uuid, live_replays.SOURCE_NAME, joined)


def make_storyboard(video: Video) -> bool:
    """Draw a published video's storyboard from one of its renditions and store it; False
    when it has none to have (too short, no picture, turned off, deleted meanwhile)."""
    found = storyboards.drawing(video)
    if found is None:
        return False
    current, source, grid = found
    with tempfile.TemporaryDirectory(prefix="cirrus-storyboard-") as directory:
        # Its renditions have a keyframe every GOP_SECONDS from their start (media/commands.py).
        url = storyboards.source_url(source)
        jpeg, width, height = sheets.make(url, grid, Path(directory), keyframe_seconds=GOP_SECONDS)
        return storyboards.store(current, jpeg.read_bytes(), grid, width, height)


def run(step: Step, video: Video) -> None:
    """Do one step's work; its outputs are in S3 when this returns."""
    work = STEPS.get(step.kind)
    if work is None:
        raise ValueError(f"no transcoding step of kind {step.kind!r}")
    with tempfile.TemporaryDirectory(prefix="cirrus-") as directory:
        work(step, video, Path(directory))


def _original(step: Step, video: Video, workdir: Path) -> None:
    """The uploaded file as the video's first web video: copied into the media bucket (where
    the privacy says), hashed as it is read back, its torrent made and its item saved."""
    item = web_videos.original_item(video, video.plan)
    if item is None:
        return
    private = is_private_now(video)
    key = layout.web_video_key(str(item.file_name), private)
    media.copy_from_uploads(str(video.source_key), key, str(item.content_type))
    _keep_metadata(video, str(item.file_name), media.presigned_url(key, URL_SECONDS), UPLOAD_DEMUXERS)
    _make_torrent(video, item, media.read_chunks(key), private)


def _make_torrent(video: Video, file: VideoFile | WebVideoFile, data: Iterable[bytes], private: bool) -> None:
    """Hash the file's bytes, store its torrent, then its item naming it (a file whose item
    names a torrent always has one)."""
    hasher = torrents.PieceHasher(int(file.size))
    for chunk in data:
        hasher.update(chunk)
    torrent = video_torrents.build(video, file, hasher.pieces(), private, datetime.now(UTC))
    video_torrents.store(video, file, torrent)
    file.info_hash = torrent.info_hash
    if isinstance(file, WebVideoFile):
        videos.save_web_file(file)
    else:
        videos.save_file(file)


def _keep_metadata(video: Video, file_name: str, source: str, demuxers: tuple[str, ...]) -> None:
    """ffprobe's description of a file just made, kept for `metadataUrl`
    (domain/file_metadata.py). Not worth failing a step for: a file without it is probed
    when first asked."""
    try:
        file_metadata.store(video.uuid, file_name, probe_metadata(source, demuxers))
    except ProbeError as error:
        logger.warning("file not described", extra={"video": video.uuid, "file": file_name, "reason": str(error)})


def _local_chunks(path: Path, chunk_bytes: int = 8 * 1024 * 1024) -> Iterable[bytes]:
    with open(path, "rb") as opened:
        while chunk := opened.read(chunk_bytes):
            yield chunk


def _audio(step: Step, video: Video, workdir: Path) -> None:
    info = transcoding.source_info(video.plan)
    output = transcode.encode_audio(_source_url(video), info, workdir)
    if output is not None:
        uploads_bucket.upload_work_file(video.uuid, AUDIO_FILE, output)


def _images(step: Step, video: Video, workdir: Path) -> None:
    info = transcoding.source_info(video.plan)
    images = transcode.thumbnail_and_preview(_source_url(video), info, workdir)
    if images is not None:
        thumbnail, preview = images
        # A private video's images never take its UUID as their name (L9): a random one, told
        # only to those who may see the video, as PeerTube names every thumbnail.
        name = uuid.uuid4().hex if is_private_now(video) else video.images_name
        media.put_file(layout.thumbnail_key(name), thumbnail.read_bytes(), "image/jpeg", cache_control=None)
        media.put_file(layout.preview_key(name), preview.read_bytes(), "image/jpeg", cache_control=None)
        videos.mark_images(video, None if name == video.uuid else name)


def _chunk(step: Step, video: Video, workdir: Path) -> None:
    plan = video.plan
    rendition = next(r for r in transcoding.renditions_of(plan) if r.resolution == step.resolution)
    chunk = transcoding.chunks_of(plan)[int(step.chunk or 0)]
    encoder = transcoding.encoder_of(plan, rendition.resolution)  # a plugin's profile, if chosen
    info = transcoding.source_info(plan)
    output = transcode.encode_chunk(_source_url(video), info, rendition, chunk, workdir, encoder=encoder)
    uploads_bucket.upload_work_file(video.uuid, _chunk_name(rendition.resolution, chunk.index), output)


def _package(step: Step, video: Video, workdir: Path) -> None:
    plan = video.plan
    rendition = next(r for r in transcoding.renditions_of(plan) if r.resolution == step.resolution)
    info = transcoding.source_info(plan)
    chunk_urls = [] if rendition.is_audio_only else _encoded_video(video, rendition.resolution)
    audio = _work_url(video, AUDIO_FILE) if info.has_audio else None
    packaged = transcode.package(str(video.hls_prefix), rendition, chunk_urls, audio, workdir)
    make_web_videos, make_hls = web_videos.formats(video)
    if make_web_videos:
        _web_video(video, packaged, transcode.web_video(packaged, workdir))
    if make_hls:
        _hls(video, packaged)


def _encoded_video(video: Video, resolution: int) -> list[str]:
    """The rendition's encoded video: its chunks, or the whole rendition a remote runner made
    (PeerTube's runner; its own audio track is left out, the video's audio is joined)."""
    whole = transcoding.rendition_work_name(resolution)
    if uploads_bucket.work_file_size(video.uuid, whole):
        return [_work_url(video, whole)]
    return [_work_url(video, _chunk_name(resolution, c.index)) for c in transcoding.chunks_of(video.plan)]


def _web_video(video: Video, packaged: transcode.Packaged, path: Path) -> None:
    """One MP4 rendition, a web video of its own (transcoding.web_videos.enabled)."""
    item = web_videos.rendition_item(
        video,
        resolution=packaged.rendition.resolution,
        width=packaged.width,
        height=packaged.height,
        fps=packaged.fps,
        size=path.stat().st_size,
        has_audio="mp4a" in packaged.codecs,
    )
    private = is_private_now(video)
    media.upload_file(path, layout.web_video_key(str(item.file_name), private), "video/mp4")
    _keep_metadata(video, str(item.file_name), str(path), WORK_DEMUXERS)
    _make_torrent(video, item, _local_chunks(path), private)


def _hls(video: Video, packaged: transcode.Packaged) -> None:
    rendition = packaged.rendition
    segments = hls.media_segments(packaged.playlist.read_text())
    with open(packaged.media, "rb") as packaged_media:
        hashes = hls.segment_hashes(segments, packaged_media)
    private = is_private_now(video)  # read after the encoding: the privacy may have changed
    media.upload_file(packaged.media, layout.hls_key(video.uuid, packaged.media.name, private), "video/mp4")
    media.put_file(
        layout.hls_key(video.uuid, packaged.playlist.name, private),
        packaged.playlist.read_bytes(),
        hls.PLAYLIST_TYPE,
        cache_control=None,
    )
    _keep_metadata(video, packaged.media.name, str(packaged.media), WORK_DEMUXERS)
    name = transcoding.rendition_hashes_name(rendition.resolution)
    uploads_bucket.put_work_file(video.uuid, name, json.dumps(hashes).encode())
    file = VideoFile(
        keys.video_pk(int(video.id)),
        keys.video_file_sk(rendition.resolution),
        video_id=int(video.id),
        resolution=rendition.resolution,
        width=packaged.width,
        height=packaged.height,
        fps=packaged.fps,
        size=packaged.size,
        duration=packaged.duration,
        bandwidth=hls.bandwidth(packaged.size, packaged.duration),
        codecs=packaged.codecs,
        playlist_name=packaged.playlist.name,
        media_name=packaged.media.name,
        torrent_name=web_videos.hls_torrent_name(video, rendition.resolution),
    )
    _make_torrent(video, file, _local_chunks(packaged.media), private)


# What `run` does for each kind of step.
STEPS: dict[str, Callable[[Step, Video, Path], None]] = {
    ORIGINAL: _original,
    AUDIO: _audio,
    IMAGES: _images,
    CHUNK: _chunk,
    PACKAGE: _package,
}


def _chunk_name(resolution: int, index: int) -> str:
    return transcoding.chunk_work_name(resolution, index)


def _source_url(video: Video) -> str:
    return uploads_bucket.source_url(str(video.source_key), URL_SECONDS)


def _work_url(video: Video, name: str) -> str:
    return uploads_bucket.work_url(video.uuid, name, URL_SECONDS)
