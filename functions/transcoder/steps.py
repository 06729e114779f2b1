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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.domain import live_replays, transcoding
from chalicelib.domain.media_privacy import is_private_now
from chalicelib.domain.transcoding import AUDIO, CHUNK, IMAGES, PACKAGE, Step
from chalicelib.media import hls, layout, transcode
from chalicelib.media.probe import probe
from chalicelib.store import keys, media, uploads_bucket, videos
from chalicelib.store.models import Video, VideoFile

if TYPE_CHECKING:
    from chalicelib.domain.live_replays import ReplayPlan

URL_SECONDS = 6 * 3600
AUDIO_FILE = "audio.m4a"


def ingest(video: Video) -> list[Step]:
    """Probe the uploaded source and plan its encoding; the steps to send.

    Raises ProbeError when the file is not playable media (the caller fails the video).
    """
    info = probe(_source_url(video))
    return transcoding.start(video, info, hls_name=str(uuid.uuid4()))


def join_replay(replay_plan: ReplayPlan) -> None:
    """A live session's best rendition, its segments read over presigned URLs, joined into
    one MP4 where the replay's source goes."""
    urls = [media.presigned_url(key, URL_SECONDS) for key in replay_plan.segment_keys]
    with tempfile.TemporaryDirectory(prefix="cirrus-replay-") as directory:
        joined = transcode.join_live_segments(urls, Path(directory))
        uploads_bucket.upload_work_file(replay_plan.replay.uuid, live_replays.SOURCE_NAME, joined)


def run(step: Step, video: Video) -> None:
    """Do one step's work; its outputs are in S3 when this returns."""
    work = STEPS.get(step.kind)
    if work is None:
        raise ValueError(f"no transcoding step of kind {step.kind!r}")
    with tempfile.TemporaryDirectory(prefix="cirrus-") as directory:
        work(step, video, Path(directory))


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
    output = transcode.encode_chunk(_source_url(video), transcoding.source_info(plan), rendition, chunk, workdir)
    uploads_bucket.upload_work_file(video.uuid, _chunk_name(rendition.resolution, chunk.index), output)


def _package(step: Step, video: Video, workdir: Path) -> None:
    plan = video.plan
    rendition = next(r for r in transcoding.renditions_of(plan) if r.resolution == step.resolution)
    info = transcoding.source_info(plan)
    chunk_urls = (
        []
        if rendition.is_audio_only
        else [_work_url(video, _chunk_name(rendition.resolution, c.index)) for c in transcoding.chunks_of(plan)]
    )
    audio = _work_url(video, AUDIO_FILE) if info.has_audio else None
    packaged = transcode.package(str(video.hls_prefix), rendition, chunk_urls, audio, workdir)
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
    name = transcoding.rendition_hashes_name(rendition.resolution)
    uploads_bucket.put_work_file(video.uuid, name, json.dumps(hashes).encode())
    videos.save_file(
        VideoFile(
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
        )
    )


# What `run` does for each kind of step.
STEPS: dict[str, Callable[[Step, Video, Path], None]] = {
    AUDIO: _audio,
    IMAGES: _images,
    CHUNK: _chunk,
    PACKAGE: _package,
}


def _chunk_name(resolution: int, index: int) -> str:
    return f"chunks/{resolution}/{index:05d}.mp4"


def _source_url(video: Video) -> str:
    return uploads_bucket.source_url(str(video.source_key), URL_SECONDS)


def _work_url(video: Video, name: str) -> str:
    return uploads_bucket.work_url(video.uuid, name, URL_SECONDS)
