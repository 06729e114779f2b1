"""A runner job's result files through PeerTube's custom upload fields (`<file>CustomUpload
{url, method}` in the accepted job's `output`), so that no result passes through the API:
API Gateway refuses bodies over 10 MB, Lambda over 6 MB.

Each file of each acceptance has its own presigned S3 PUT, under
`work/<video>/runner/<job>/<attempt>/<file>`: a runner that stalled and came back late (its
job since taken by another) writes where nobody reads. At `success` the file is found there
(or in the body, as PeerTube's protocol also has it), checked by the job's rules
(domain/runner_jobs/), and copied into place inside S3.

Two writers, one object: Cirrus's runner PUTs the file itself; PeerTube's runner PUTs it as
multipart/form-data (one `file` part, the way it posts to its own server), and S3 keeps that
body as it came. Such an object is read through its framing: the part's headers are in its
first bytes and the closing delimiter at its end, so the file is one byte range of the
object, copied into place with a ranged multipart copy (never read by the function).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.errors import BadRequestError
from chalicelib.store import uploads_bucket

# Longer than a job is expected to run (a runner reports progress, so a job may last hours);
# a job outliving it gets S3's 403 on its upload, reports an error and is taken again with
# new URLs. S3 also stops honouring a URL once the credentials that signed it expire.
URL_SECONDS = 24 * 3600
FRAMING_HEAD_BYTES = 16 * 1024  # a form part's headers are a few hundred bytes
# A multipart body's first line: its boundary (RFC 2046: up to 70 of these characters).
_OPENING = re.compile(rb"--([0-9A-Za-z'()+_,./:=? -]{1,70})\r\n")
_DISPOSITION_NAME = re.compile(rb'^content-disposition:\s*form-data;(?:.*;)?\s*name="file"(?:;|\s*$)', re.I | re.M)


class FramingError(ValueError):
    """An object sent as a form that is not one with a single `file` part."""


def object_name(job_uuid: str, attempt: int, field: str, extension: str) -> str:
    """Where one file of one acceptance of a job is uploaded, in its video's work area."""
    return f"runner/{job_uuid}/{attempt}/{field}.{extension}"


def upload_field(video_uuid: str, name: str) -> dict[str, str]:
    """PeerTube's RunnerJobCustomUpload for one file: a presigned S3 PUT."""
    return {"url": uploads_bucket.work_upload_url(video_uuid, name, URL_SECONDS), "method": "PUT"}


@dataclass(frozen=True)
class ResultFile:
    """One result file of a `success`: in the body (`data`), or in S3 at `name`, where the
    file is `size` bytes from `offset` (0 unless the runner sent it as a form)."""

    field: str  # PeerTube's success payload name: videoFile, resolutionPlaylistFile, vttFile
    video_uuid: str
    data: bytes | None = None
    name: str | None = None
    offset: int = 0
    size: int = 0
    whole: bool = True  # the object is the file itself (no form framing)
    head: bytes = b""  # the object's first bytes, read once

    @property
    def uploaded(self) -> bool:
        return self.data is None

    def length(self) -> int:
        return len(self.data) if self.data is not None else self.size

    def start(self, length: int) -> bytes:
        """The file's first bytes (for its type): read already, or one range request."""
        if self.data is not None:
            return self.data[:length]
        wanted = min(length, self.size)
        if self.offset + wanted <= len(self.head):
            return self.head[self.offset : self.offset + wanted]
        return uploads_bucket.work_file_range(self.video_uuid, str(self.name), self.offset, wanted) if wanted else b""

    def read(self) -> bytes:
        """The whole file (only for small ones: a playlist, a caption)."""
        return self.start(self.size) if self.data is None else self.data

    def put(self, target: str) -> None:
        """The file as the video's work file `target`: written, or copied inside S3."""
        if self.data is not None:
            uploads_bucket.put_work_file(self.video_uuid, target, self.data)
        elif self.whole and self.size <= uploads_bucket.COPY_PART_BYTES:
            uploads_bucket.copy_work_file(self.video_uuid, str(self.name), target)
        else:  # a form's file, or a large one: copied in parallel parts
            uploads_bucket.copy_work_file_range(self.video_uuid, str(self.name), target, self.offset, self.size)

    def discard(self) -> None:
        """The uploaded object goes (refused, or copied into place)."""
        if self.name is not None:
            uploads_bucket.delete_work_file(self.video_uuid, self.name)


def result_file(video_uuid: str, field: str, inline: bytes | None, name: str) -> ResultFile | None:
    """The file the runner sent in the body, else the one it uploaded to `name`; None when
    neither (an empty one counts as none). An object that opens as a form whose framing
    cannot be read is deleted and refused (400)."""
    if inline is not None:
        return ResultFile(field, video_uuid, data=inline) if inline else None
    size = uploads_bucket.work_file_size(video_uuid, name)
    if not size:
        return None
    head = uploads_bucket.work_file_range(video_uuid, name, 0, min(FRAMING_HEAD_BYTES, size))
    # Known by its first line, not by the Content-Type it was sent with: no result file
    # (MP4, playlist, WebVTT) begins with a form's boundary line.
    opening = _OPENING.match(head)
    if opening is None:
        return ResultFile(field, video_uuid, name=name, size=size, head=head)
    boundary = opening.group(1)
    try:
        tail_length = min(len(boundary) + 8, size)
        tail = uploads_bucket.work_file_range(video_uuid, name, size - tail_length, tail_length)
        offset, length = file_span(boundary, head, tail, size)
    except FramingError as error:
        uploads_bucket.delete_work_file(video_uuid, name)
        raise BadRequestError(f"payload[{field}] was uploaded as a form that cannot be read: {error}.") from None
    return ResultFile(field, video_uuid, name=name, offset=offset, size=length, whole=False, head=head)


def file_span(boundary: bytes, head: bytes, tail: bytes, size: int) -> tuple[int, int]:
    """Where the `file` part's content lies in a form of `size` bytes whose first bytes are
    `head` and last `tail`: (offset, length). The form must be exactly one part named
    `file`, opening the body and closed by the final delimiter at its very end."""
    opening = b"--" + boundary + b"\r\n"
    if not head.startswith(opening):
        raise FramingError("it does not begin with its boundary")
    headers_end = head.find(b"\r\n\r\n", len(opening) - 2)
    if headers_end < 0:
        raise FramingError("the part's headers do not end")
    headers = head[len(opening) : headers_end + 2]
    if not _DISPOSITION_NAME.search(headers):
        raise FramingError('its part is not named "file"')
    offset = headers_end + 4
    closing = b"\r\n--" + boundary + b"--"
    trimmed = tail[:-2] if tail.endswith(b"\r\n") else tail
    if not trimmed.endswith(closing):
        raise FramingError("it does not end with its closing delimiter")
    end = size - (len(tail) - len(trimmed)) - len(closing)
    if end < offset:
        raise FramingError("its part overlaps its closing delimiter")
    if b"\r\n--" + boundary in head[offset : end if end < len(head) else len(head)]:
        raise FramingError("it has more than one part")
    return offset, end - offset
