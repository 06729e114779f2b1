"""A JPEG's width and height from its frame header, read without decoding or Pillow.

The API function does not carry Pillow (layers/images): a remote runner's storyboard sheet is
checked against its job's grid from the header alone (domain/storyboards.py sheet_size). The
markers are walked from the start of image to the first start-of-frame (ITU T.81, B.1.1):
every marker segment but the standalone ones carries its length, so nothing is scanned byte by
byte and a hostile file is read at most once, within its bounds.
"""

from __future__ import annotations

SOI = 0xD8
SOS = 0xDA
EOI = 0xD9
# Start-of-frame markers (baseline, extended, progressive, lossless; Huffman or arithmetic):
# C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
# Markers without a length: TEM and the restart markers (SOI is handled apart).
STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a JPEG's frame, or None when `data` is not a JPEG with a frame
    header before its scan (or the header is cut short, or announces no pixels)."""
    frame = _frame_header(data)
    if frame is None:
        return None
    height = int.from_bytes(data[frame + 3 : frame + 5], "big")
    width = int.from_bytes(data[frame + 5 : frame + 7], "big")
    return (width, height) if width and height else None


def _frame_header(data: bytes) -> int | None:
    """Where the first frame header's length field starts, with the 7 bytes read after it
    there; None when there is none before a scan, the end, or a malformed segment."""
    if len(data) < 4 or data[0] != 0xFF or data[1] != SOI:
        return None
    position = 2
    while position + 1 < len(data) and data[position] == 0xFF:  # a segment starts with a marker
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        position += 2
        if marker in STANDALONE:
            continue
        if marker in (SOI, SOS, EOI) or position + 2 > len(data):
            return None  # a second image, a scan or the end before any frame
        length = int.from_bytes(data[position : position + 2], "big")
        if marker in SOF_MARKERS:
            return position if length >= 8 and position + 7 <= len(data) else None
        if length < 2:
            return None
        position += length
    return None
