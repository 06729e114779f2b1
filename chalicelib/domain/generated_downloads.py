"""PeerTube 6.1+'s generated downloads (`GET /download/videos/generate/{id}?videoFileIds=`):
the video stream of one of a video's files and the audio stream of another (or of the
same) muxed into one MP4, streams copied.

**PeerTube** (v8 `controllers/download.ts`, `middlewares/validators/videos/videos.ts`):
`videoFileIds` is one or two integers (repeated parameter; 400 otherwise); the files are
taken among all the video's files (web videos and HLS), 404 `No files found (<ids>) to
download video <url>` when none matches; more than one file with video, or more than one
with audio: 400. The video's static-file access rules and `downloadEnabled` (403) apply as
to the other downloads. It muxes on the fly with ffmpeg into the response, at most a few
at a time (429 beyond), `.m4a` for an audio-only MP4.

**Cirrus** cannot stream minutes of ffmpeg output through API Gateway (29 s, 6 MB
answers), and the API function has no ffmpeg: the transcoder function (ffmpeg, 10 GB of
/tmp, 15 minutes) builds the MP4 once into the media bucket, under a name made from the
files it joins (`generated_key`), and the route answers a redirect to a presigned URL of
it. The first request queues the build and waits for it a while (`api/video_downloads.py`);
a remux copies bytes at disk speed, so a usual video is ready within that wait, and a very
long one answers 503 with Retry-After until it is. A file replaced later gets another name;
deleting the video deletes them all.

Cirrus's HLS files carry their sound (one fragmented MP4 per resolution, audio included),
so asking for one HLS file is enough for a whole MP4; an audio-only file (resolution 0)
exists only for a video without picture.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.domain.video_file_ids import ListedFile, listed_files
from chalicelib.errors import BadRequestError, NotFoundError, ValidationError
from chalicelib.media import layout
from chalicelib.store import media, queues, videos

if TYPE_CHECKING:
    from collections.abc import Sequence

    from chalicelib.store.models import Video

GENERATE = "generate-download"  # the transcode queue's message kind
MAX_FILES = 2
MAX_ID_DIGITS = 16  # before int(): Python refuses to convert thousands of digits
MAX_FILE_ID = 2**53 - 1  # an integer a JavaScript client can hold (ids are <video id>·10⁴ + n)
TOO_MANY_STREAMS = (
    "Cannot generate a container with multiple video/audio files. "
    "PeerTube supports a maximum of 1 audio and 1 video file"
)


@dataclass(frozen=True)
class Generated:
    """What a generated download joins, and where the MP4 goes."""

    video: Video
    video_file: ListedFile | None  # the file whose video stream is taken
    audio_file: ListedFile | None  # the one whose audio stream is taken (may be the same)
    key: str

    @property
    def file_ids(self) -> list[int]:
        return sorted({f.file_id for f in (self.video_file, self.audio_file) if f is not None})

    @property
    def extension(self) -> str:
        """PeerTube's: `.m4a` for an MP4 without picture."""
        return ".mp4" if self.video_file is not None else ".m4a"

    @property
    def content_type(self) -> str:
        return "video/mp4" if self.video_file is not None else "audio/mp4"

    def message(self) -> dict[str, Any]:
        return {"kind": GENERATE, "video": self.video.uuid, "files": self.file_ids}


def parse_file_ids(values: Sequence[str]) -> list[int]:
    """`videoFileIds` as PeerTube's validator takes it: one or two ids; 400 otherwise."""
    if not values or len(values) > MAX_FILES or not all(_is_id(value) for value in values):
        raise ValidationError({"videoFileIds": "Invalid value"}, location="query")
    return [int(value) for value in values]


def choose(video: Video, file_ids: Sequence[int]) -> Generated:
    """The files `file_ids` name among the video's listed files (one Query), checked as
    PeerTube checks them."""
    _, hls_files, web_files = videos.get_video_with_all_files(int(video.id))
    listed = {f.file_id: f for f in listed_files(video, hls_files, web_files)}
    chosen = [listed[file_id] for file_id in dict.fromkeys(file_ids) if file_id in listed]
    if not chosen:
        asked = ", ".join(str(file_id) for file_id in file_ids)
        raise NotFoundError(f"No files found ({asked}) to download video {video.url}")
    with_video = [f for f in chosen if f.has_video]
    with_audio = [f for f in chosen if f.has_audio]
    if len(with_video) > 1 or len(with_audio) > 1:
        raise BadRequestError(TOO_MANY_STREAMS)
    video_file = with_video[0] if with_video else None
    audio_file = with_audio[0] if with_audio else None
    if video_file is None and audio_file is None:
        raise NotFoundError(f"No files found ({', '.join(map(str, file_ids))}) to download video {video.url}")
    names = sorted({f.name for f in (video_file, audio_file) if f is not None})
    digest = hashlib.sha256("\n".join(names).encode()).hexdigest()[:32]
    return Generated(video, video_file, audio_file, layout.generated_key(video.uuid, digest))


def is_built(generated: Generated) -> bool:
    return media.exists(generated.key)


def request_build(generated: Generated) -> None:
    """Ask the transcoder for the MP4 (a build already made or under way is not made twice
    by it: it looks first)."""
    queues.send_transcode_steps([generated.message()])


def _is_id(value: str) -> bool:
    text = str(value).strip()
    return len(text) <= MAX_ID_DIGITS and text.isascii() and text.isdigit() and 0 < int(text) <= MAX_FILE_ID
