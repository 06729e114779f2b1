"""Reading a custom upload that PeerTube's runner sent as a form: where the file lies in it."""

from __future__ import annotations

import pytest
import requests

from chalicelib.domain.runner_uploads import FramingError, file_span


def _form(data: bytes, part: str = "file") -> tuple[bytes, bytes]:
    """The body requests (like the runner's HTTP client) sends for one file part, and its boundary."""
    prepared = requests.Request("PUT", "http://s3.test/k", files={part: ("out.mp4", data, "video/mp4")}).prepare()
    boundary = str(prepared.headers["Content-Type"]).split("boundary=")[1].encode()
    return bytes(prepared.body or b""), boundary  # type: ignore[arg-type]


def _span(body: bytes, boundary: bytes, head: int = 16384) -> tuple[int, int]:
    return file_span(boundary, body[:head], body[-(len(boundary) + 8) :], len(body))


def test_the_file_part_is_found_between_its_headers_and_the_closing_delimiter() -> None:
    data = b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * 10
    body, boundary = _form(data)
    offset, length = _span(body, boundary)
    assert body[offset : offset + length] == data
    unterminated = body[:-2]  # no CRLF after the closing delimiter: still a form
    offset, length = _span(unterminated, boundary)
    assert unterminated[offset : offset + length] == data
    # Its head alone (a large file): the same span.
    assert _span(body, boundary, head=300) == _span(body, boundary)


def test_disposition_parameters_in_any_order() -> None:
    body = b'--b1\r\nContent-Disposition: form-data; filename="x.mp4"; name="file"\r\n\r\nDATA\r\n--b1--\r\n'
    assert _span(body, b"b1") == (body.index(b"DATA"), 4)


@pytest.mark.parametrize(
    "body",
    [
        b'--b1\r\nContent-Disposition: form-data; name="video"; filename="x"\r\n\r\nDATA\r\n--b1--\r\n',
        b'--b1\r\nContent-Disposition: form-data; name="file"; filename="x"\r\n\r\nDATA\r\n--b1--\r\nextra',
        b'--b1\r\nContent-Disposition: form-data; name="file"\r\n\r\nDATA\r\n--b1\r\n'
        b'Content-Disposition: form-data; name="more"\r\n\r\nX\r\n--b1--\r\n',
        b'--b1\r\nContent-Disposition: form-data; name="file"\r\nno end of headers',
        b"--b2\r\n\r\nDATA\r\n--b1--\r\n",
    ],
    ids=["another-part-name", "bytes-after-the-end", "two-parts", "headers-never-end", "another-boundary"],
)
def test_what_is_not_one_file_part_is_refused(body: bytes) -> None:
    with pytest.raises(FramingError):
        _span(body, b"b1")
