"""What each transcoding step does, with ffmpeg and the buckets.

Every input is read over a presigned URL (ffmpeg seeks with range requests, so a chunk of
a 10 GB source reads only its own bytes) and every output goes to S3 before the step
counts as done: a step that crashes half-way leaves nothing counted and is simply redone.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.domain import events, media_privacy, transcoding
from chalicelib.domain.transcoding import AUDIO, CHUNK, IMAGES, PACKAGE, Step
from chalicelib.media import hls, infohashes, layout, transcode
from chalicelib.media.probe import probe
from chalicelib.observability import logger
from chalicelib.store import keys, media, videos
from chalicelib.store.models import Video, VideoFile

URL_SECONDS = 6 * 3600
PLAYLIST_TYPE = "application/vnd.apple.mpegurl"


def ingest(video: Video) -> list[Step]:
    """Probe the uploaded source and plan its encoding; the steps to send.

    Raises ProbeError when the file is not playable media (the caller fails the video).
    """
    info = probe(_source_url(video))
    return transcoding.start(video, info, hls_name=str(uuid.uuid4()))


def run(step: Step, video: Video) -> None:
    """Do one step's work; its outputs are in S3 when this returns."""
    with tempfile.TemporaryDirectory(prefix="cirrus-") as directory:
        workdir = Path(directory)
        if step.kind == AUDIO:
            _audio(video, workdir)
        elif step.kind == IMAGES:
            _images(video, workdir)
        elif step.kind == CHUNK:
            _chunk(step, video, workdir)
        elif step.kind == PACKAGE:
            _package(step, video, workdir)


def finalize(video: Video) -> None:
    """Master playlist and segments-sha256.json from the packaged renditions, then publish."""
    files = videos.list_files(int(video.id))
    prefix = str(video.hls_prefix)
    hashes: dict[str, dict[str, str]] = {}
    for file in files:
        document = _read_work(video, f"hashes-{int(file.resolution)}.json")
        hashes[file.media_name] = json.loads(document)
    shown = [f for f in files if int(f.resolution) != 0] or files
    variants = [
        hls.Variant(f.playlist_name, int(f.bandwidth), int(f.width), int(f.height), int(f.fps), f.codecs) for f in shown
    ]
    private = _private_now(video)
    _put_media(
        layout.hls_key(video.uuid, f"{prefix}-master.m3u8", private),
        hls.master_playlist(variants).encode(),
        PLAYLIST_TYPE,
    )
    _put_media(
        layout.hls_key(video.uuid, f"{prefix}-segments-sha256.json", private),
        json.dumps(hashes).encode(),
        "application/json",
    )
    sizes = [int(f.size) for f in files]
    playlist_url = infohashes.master_playlist_url(get_settings().instance_url, video.uuid, prefix, private)
    info_hashes = infohashes.playlist_info_hashes(playlist_url, [int(f.height) for f in files])
    published = videos.publish(video, datetime.now(UTC), sum(sizes), max(sizes, default=0), info_hashes)
    current = videos.get_video(int(video.id))
    if current is not None:
        # L9: files a step wrote before the privacy changed go where it now says (and the
        # info hashes follow), before anyone hears of the video.
        media_privacy.place_files(current)
    if published:
        logger.info("video published", extra={"video": video.uuid, "renditions": len(files)})
        # Announced by the broadcast function, which may read the actors this one may not.
        events.emit(events.VideoPublished(video))
    _delete_work(video)


def _audio(video: Video, workdir: Path) -> None:
    info = transcoding.source_info(video.plan)
    output = transcode.encode_audio(_source_url(video), info, workdir)
    if output is not None:
        _upload_work(video, "audio.m4a", output)


def _images(video: Video, workdir: Path) -> None:
    info = transcoding.source_info(video.plan)
    images = transcode.thumbnail_and_preview(_source_url(video), info, workdir)
    if images is not None:
        thumbnail, preview = images
        # A private video's images never take its UUID as their name (L9): a random one, told
        # only to those who may see the video, as PeerTube names every thumbnail.
        name = uuid.uuid4().hex if _private_now(video) else video.images_name
        _put_media(layout.thumbnail_key(name), thumbnail.read_bytes(), "image/jpeg")
        _put_media(layout.preview_key(name), preview.read_bytes(), "image/jpeg")
        videos.mark_images(video, None if name == video.uuid else name)


def _chunk(step: Step, video: Video, workdir: Path) -> None:
    plan = video.plan
    rendition = next(r for r in transcoding.renditions_of(plan) if r.resolution == step.resolution)
    chunk = transcoding.chunks_of(plan)[int(step.chunk or 0)]
    output = transcode.encode_chunk(_source_url(video), transcoding.source_info(plan), rendition, chunk, workdir)
    _upload_work(video, _chunk_name(rendition.resolution, chunk.index), output)


def _package(step: Step, video: Video, workdir: Path) -> None:
    plan = video.plan
    rendition = next(r for r in transcoding.renditions_of(plan) if r.resolution == step.resolution)
    info = transcoding.source_info(plan)
    chunk_urls = (
        []
        if rendition.is_audio_only
        else [_work_url(video, _chunk_name(rendition.resolution, c.index)) for c in transcoding.chunks_of(plan)]
    )
    audio = _work_url(video, "audio.m4a") if info.has_audio else None
    packaged = transcode.package(str(video.hls_prefix), rendition, chunk_urls, audio, workdir)
    segments = hls.media_segments(packaged.playlist.read_text())
    with open(packaged.media, "rb") as media:
        hashes = hls.segment_hashes(segments, media)
    private = _private_now(video)  # read after the encoding: the privacy may have changed
    aws.s3().upload_file(
        str(packaged.media),
        get_settings().media_bucket,
        layout.hls_key(video.uuid, packaged.media.name, private),
        ExtraArgs={"ContentType": "video/mp4", "CacheControl": "public, max-age=31536000, immutable"},
    )
    _put_media(
        layout.hls_key(video.uuid, packaged.playlist.name, private), packaged.playlist.read_bytes(), PLAYLIST_TYPE
    )
    _put_work(video, f"hashes-{rendition.resolution}.json", json.dumps(hashes).encode())
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


def _private_now(video: Video) -> bool:
    """Whether the video's files belong in the private directory, by its privacy as stored now."""
    current = videos.get_video(int(video.id))
    return layout.in_private_directory(int((current or video).privacy))


def _chunk_name(resolution: int, index: int) -> str:
    return f"chunks/{resolution}/{index:05d}.mp4"


def _source_url(video: Video) -> str:
    return str(
        aws.s3().generate_presigned_url(
            "get_object",
            Params={"Bucket": get_settings().uploads_bucket, "Key": video.source_key},
            ExpiresIn=URL_SECONDS,
        )
    )


def _work_url(video: Video, name: str) -> str:
    key = layout.work_key(video.uuid, name)
    return str(
        aws.s3().generate_presigned_url(
            "get_object", Params={"Bucket": get_settings().uploads_bucket, "Key": key}, ExpiresIn=URL_SECONDS
        )
    )


def _upload_work(video: Video, name: str, path: Path) -> None:
    aws.s3().upload_file(str(path), get_settings().uploads_bucket, layout.work_key(video.uuid, name))


def _put_work(video: Video, name: str, data: bytes) -> None:
    aws.s3().put_object(Bucket=get_settings().uploads_bucket, Key=layout.work_key(video.uuid, name), Body=data)


def _read_work(video: Video, name: str) -> str:
    obj = aws.s3().get_object(Bucket=get_settings().uploads_bucket, Key=layout.work_key(video.uuid, name))
    return str(obj["Body"].read().decode("utf-8"))


def _put_media(key: str, data: bytes, content_type: str) -> None:
    aws.s3().put_object(Bucket=get_settings().media_bucket, Key=key, Body=data, ContentType=content_type)


def _delete_work(video: Video) -> None:
    media.delete_prefix(get_settings().uploads_bucket, layout.work_prefix(video.uuid))
