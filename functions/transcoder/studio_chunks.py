"""A studio edit in chunks, in the transcoder (docs/studio.md, "Long videos"): the edit's
message plans it (`plan`), then each piece of the edited video is a transcode queue message
and invocation of its own, the audio one more, and the step that completes the count joins
them (`run_step`). The counting and the messages: domain/studio_chunks.py; the ffmpeg
commands: media/studio_chunks.py.

Every step is idempotent: one already counted, or of an edit no longer running, changes
nothing; a piece's file is rewritten at the same key; the join rewrites the same result. A
step's last failed attempt fails the edit as the single pass does (studio_common.failed).
"""

from __future__ import annotations

import re
import secrets
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.domain import studio, studio_results
from chalicelib.domain import studio_chunks as chunked
from chalicelib.media import studio_chunks as pieces_of
from chalicelib.media.chunks import chunk_seconds
from chalicelib.media.commands import concat_list
from chalicelib.media.inputs import WORK_DEMUXERS, user_input, work_input
from chalicelib.media.probe import probe
from chalicelib.media.studio_chunks import Piece
from chalicelib.media.transcode import TranscodeError, run
from chalicelib.observability import count, logger
from chalicelib.store import uploads_bucket, videos
from functions.transcoder.studio_common import URL_SECONDS, failed, source

if TYPE_CHECKING:
    from chalicelib.store.models import Video

_EDIT_ID = re.compile(r"[0-9a-f]{16}")  # it names work keys: nothing else is taken


def plan(edited: Video, target: Video, tasks: list[Any]) -> None:
    """The edit as pieces of at most a chunk (the transcoding pipeline's length for the
    video's size), from a probe of the source and of the intro and outro clips."""
    source_url, _ = source(edited)
    info = probe(source_url)
    if not info.has_video:
        raise TranscodeError("The video has no picture to edit.")
    files = {
        str(t["options"]["file"]): str(t["name"])
        for t in tasks
        if isinstance((t.get("options") or {}).get("file"), str)
    }
    clips = {name: probe(_url(edited.uuid, name)) for name, task in files.items() if task != "add-watermark"}
    # The files named by their names: the pieces say which each needs, read when it runs.
    planned = studio.tasks_of(tasks, info.duration, {name: Path(name) for name in files})
    timeline = pieces_of.timeline(planned, info.duration, {name: clip.duration for name, clip in clips.items()})
    if not timeline:
        raise TranscodeError("The edit leaves nothing of the video.")
    length = get_settings().studio_chunk_seconds or chunk_seconds(info.as_source().resolution)
    pieces = pieces_of.split(timeline, length)
    document = {
        "video": edited.uuid,
        "tasks": tasks,
        "size": [info.width, info.height],
        "fps": info.fps or 25,
        "timeline": [piece.to_json() for piece in timeline],
        "pieces": [piece.to_json() for piece in pieces],
        "sourceAudio": info.has_audio,
        "clipsAudio": sorted(name for name, clip in clips.items() if clip.has_audio),
        "audio": info.has_audio or any(clip.has_audio for clip in clips.values()),
    }
    edit = secrets.token_hex(8)
    if chunked.begin(edited.uuid, target, edit, document):
        logger.info("studio edit in chunks", extra={"video": target.uuid, "edit": edit, "pieces": len(pieces)})


def run_step(body: dict[str, Any], attempts: int, max_attempts: int) -> None:
    """A piece, the audio, or the join of a chunked edit."""
    kind, edit, piece = body.get("kind"), body.get("edit"), body.get("piece", 0)
    if (
        not isinstance(body.get("target"), str)
        or not isinstance(edit, str)
        or not _EDIT_ID.fullmatch(edit)
        or (kind == chunked.PIECE and (not isinstance(piece, int) or isinstance(piece, bool) or piece < 0))
    ):
        logger.warning("malformed studio step, dropped", extra={"body": str(body)[:200]})
        return
    target = videos.find_video_by_uuid(str(body["target"]))
    if target is None:
        return
    if kind == chunked.JOIN:
        _join(target, edit, attempts, max_attempts)
        return
    step = chunked.piece_step(piece) if kind == chunked.PIECE else chunked.AUDIO_STEP
    document = chunked.read_plan(target.uuid, edit) if chunked.is_due(target, edit, step) else None
    if document is None:
        logger.info("studio step counted already, or of an edit over, dropped", extra={"video": target.uuid})
        return
    try:
        edited = videos.find_video_by_uuid(str(document["video"]))
        if edited is None:
            raise TranscodeError("The video to edit was deleted.")
        with tempfile.TemporaryDirectory(prefix="cirrus-studio-") as directory:
            if kind == chunked.PIECE:
                _piece(edited, target.uuid, edit, document, piece, Path(directory))
            else:
                _audio(edited, target.uuid, edit, document, Path(directory))
        chunked.step_done(edited.uuid, target, edit, step)
    except Exception as error:
        failed(error, attempts, max_attempts, str(document["video"]), target, document["tasks"])


def _piece(edited: Video, target_uuid: str, edit: str, document: dict[str, Any], index: int, workdir: Path) -> None:
    pieces = document["pieces"]
    if index >= len(pieces):
        raise TranscodeError("No such piece of the edit.")
    piece = Piece.from_json(pieces[index])
    # A clip is the uploader's file: read with the upload whitelists.
    given = _source_input(edited) if piece.clip is None else user_input(_url(edited.uuid, piece.clip))
    marks = [_url(edited.uuid, mark) for mark in piece.marks]
    output = workdir / "piece.mp4"
    width, height = document["size"]
    run(pieces_of.piece_args(given, piece, marks, (int(width), int(height)), float(document["fps"]), str(output)))
    uploads_bucket.upload_work_file(target_uuid, chunked.piece_name(edit, index), output)


def _audio(edited: Video, target_uuid: str, edit: str, document: dict[str, Any], workdir: Path) -> None:
    timeline = [Piece.from_json(value) for value in document["timeline"]]
    clips = {str(name): user_input(_url(edited.uuid, str(name))) for name in document["clipsAudio"]}
    given = _source_input(edited) if document["sourceAudio"] else None
    output = workdir / "audio.m4a"
    run(pieces_of.audio_args(given, timeline, clips, str(output)))
    uploads_bucket.upload_work_file(target_uuid, chunked.audio_name(edit), output)


def _join(target: Video, edit: str, attempts: int, max_attempts: int) -> None:
    """The pieces and the audio joined into the edit's result, handed over as the single
    pass's is; then the edit's chunks and files go."""
    if not chunked.is_counting(target, edit):
        logger.info("studio join of an edit over, dropped", extra={"video": target.uuid})
        return
    document = chunked.read_plan(target.uuid, edit)
    if document is None:
        # Joined already, and the run died before the hand-over was asked for.
        if uploads_bucket.work_file_size(target.uuid, studio_results.RESULT_NAME) is not None:
            studio.edited(target)
        return
    pieces = [Piece.from_json(value) for value in document["pieces"]]
    try:
        with tempfile.TemporaryDirectory(prefix="cirrus-studio-") as directory:
            workdir = Path(directory)
            listing = workdir / "pieces.txt"
            urls = [_url(target.uuid, chunked.piece_name(edit, index)) for index in range(len(pieces))]
            listing.write_text(concat_list(urls))
            audio = _url(target.uuid, chunked.audio_name(edit)) if document["audio"] else None
            result = workdir / "result.mp4"
            run(pieces_of.join_args(str(listing), audio, str(result)))
            pieces_of.check_duration(str(result), pieces, float(document["fps"]))
            uploads_bucket.upload_work_file(target.uuid, studio_results.RESULT_NAME, result)
    except Exception as error:
        failed(error, attempts, max_attempts, str(document["video"]), target, document["tasks"])
        return
    uploads_bucket.delete_work_prefix(target.uuid, studio_results.CHUNKS_FOLDER)
    studio_results.remove_task_files(str(document["video"]), document["tasks"])
    studio.edited(target)
    count("StudioEdits")
    logger.info("studio edit joined", extra={"video": target.uuid, "edit": edit, "pieces": len(pieces)})


def _source_input(edited: Video) -> list[str]:
    """The source's input options: an upload's whitelists, or the transcoder's MP4s'."""
    url, is_upload = source(edited)
    return user_input(url) if is_upload else work_input(url, WORK_DEMUXERS)


def _url(video_uuid: str, name: str) -> str:
    return uploads_bucket.work_url(video_uuid, name, URL_SECONDS)
