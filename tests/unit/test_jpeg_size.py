"""A JPEG's size from its frame header (chalicelib/media/jpeg_size.py), against Pillow's
reading of the same files, and what is not a JPEG with a frame."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from chalicelib.media.jpeg_size import jpeg_size


def encoded(width: int, height: int, **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "JPEG", **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("width", "height", "options"),
    [
        (1600, 900, {}),
        (177, 100, {"progressive": True}),
        (1, 1, {"quality": 10}),
        (65000, 2, {"optimize": True}),
        (320, 240, {"exif": Image.Exif(), "icc_profile": b"\x00" * 3000, "comment": b"x" * 60000}),
    ],
)
def test_the_size_pillow_reads(width: int, height: int, options: dict[str, object]) -> None:
    data = encoded(width, height, **options)
    assert jpeg_size(data) == (width, height) == Image.open(io.BytesIO(data)).size


def test_fill_bytes_and_restart_markers_are_stepped_over() -> None:
    data = encoded(64, 48)
    assert jpeg_size(data[:2] + b"\xff\xff\xff\xd0" + data[2:]) == (64, 48)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xd8",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        b"\xff\xd8\xff\xda\x00\x08" + b"\x00" * 20,  # a scan before any frame
        b"\xff\xd8\xff\xe0\x00\x01",  # a length shorter than itself
        b"\xff\xd8\xff\xe0\xff\xff" + b"\x00" * 10,  # a segment past the end
        b"\xff\xd8\xff\xc0\x00\x11\x08\x00\x00\x00\x10\x03",  # no lines
        b"\xff\xd8\xff\xc0\x00\x11\x08\x00",  # a frame header cut short
        b"\xff\xd8\x00\x00\xff\xc0",  # not a marker where a segment starts
    ],
)
def test_not_a_jpeg_with_a_frame(data: bytes) -> None:
    assert jpeg_size(data) is None


def test_every_truncation_of_a_jpeg_is_read_or_refused_without_error() -> None:
    data = encoded(300, 200)
    for end in range(len(data)):
        assert jpeg_size(data[:end]) in (None, (300, 200))
