"""Work the API asks of the transcoder for files already published (the API function has no
ffmpeg): a generated download (domain/generated_downloads.py) and the probe of a file made
before probes were kept (domain/file_metadata.py). Both are messages of the transcode queue,
told apart from transcoding steps by their kind.

Neither belongs to a video's transcoding: a failure never fails the video. It is retried by
the queue and, on its last attempt, dropped with a warning (the next request asks again).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.domain import file_metadata, generated_downloads
from chalicelib.errors import CirrusError
from chalicelib.media import transcode
from chalicelib.media.inputs import UPLOAD_DEMUXERS, WORK_DEMUXERS, user_input, work_input
from chalicelib.media.probe import file_metadata as probe_metadata
from chalicelib.observability import count, logger
from chalicelib.store import media, videos

if TYPE_CHECKING:
    from chalicelib.domain.video_file_ids import ListedFile

KINDS = (generated_downloads.GENERATE, file_metadata.PROBE)
URL_SECONDS = 3600
MAX_FILES = 2


def is_on_demand(body: dict[str, Any]) -> bool:
    return body.get("kind") in KINDS


def run(body: dict[str, Any], attempts: int, max_attempts: int) -> None:
    """One message; raises to have it retried, but not past its last attempt."""
    file_ids = body.get("files")
    if (
        not isinstance(body.get("video"), str)
        or not isinstance(file_ids, list)
        or not 0 < len(file_ids) <= MAX_FILES
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in file_ids)
    ):
        logger.warning("malformed on-demand message, dropped", extra={"body": str(body)[:200]})
        return
    video = videos.find_video_by_uuid(str(body["video"]))
    if video is None:
        return
    try:
        if body["kind"] == generated_downloads.GENERATE:
            _generate(generated_downloads.choose(video, file_ids))
        else:
            _probe(video.uuid, file_metadata.find_file(video, int(file_ids[0])))
    except CirrusError as error:  # the files changed since the request: nothing to make
        logger.info("on-demand work of files gone, dropped", extra={"video": video.uuid, "reason": error.detail})
    except Exception as error:
        logger.warning("on-demand work failed", extra={"kind": body["kind"], "attempt": attempts, "reason": str(error)})
        if attempts < max_attempts:
            raise


def _generate(generated: generated_downloads.Generated) -> None:
    if generated_downloads.is_built(generated):
        return  # another request's build came first
    video_file, audio_file = generated.video_file, generated.audio_file
    inputs: list[tuple[list[str], str]] = []
    if video_file is not None:
        inputs.append((_input(video_file), "va" if audio_file == video_file else "v"))
    if audio_file is not None and audio_file != video_file:
        inputs.append((_input(audio_file), "a"))
    with tempfile.TemporaryDirectory(prefix="cirrus-generate-") as directory:
        output = transcode.mux_download(inputs, Path(directory))
        media.upload_file(output, generated.key, generated.content_type)
    count("GeneratedDownloads")


def _probe(video_uuid: str, file: ListedFile) -> None:
    url = media.presigned_url(file.key, URL_SECONDS)
    metadata = probe_metadata(url, UPLOAD_DEMUXERS if file.original else WORK_DEMUXERS)
    file_metadata.store(video_uuid, file.name, metadata)


def _input(file: ListedFile) -> list[str]:
    """The original is an upload (hostile: the upload demuxers); the rest are the
    transcoder's own MP4s."""
    url = media.presigned_url(file.key, URL_SECONDS)
    return user_input(url) if file.original else work_input(url)
