"""Caption files as PeerTube takes them: WebVTT kept as it is, SubRip (SRT) converted to
WebVTT. Pure text work, no I/O: the caller hands the uploaded bytes and gets the VTT to store.

PeerTube checks the size (20 MB) and that a VTT starts with `WEBVTT`; it converts SRT with
srt-to-vtt. Cirrus checks more, because a caption is hostile input that every viewer's player
will parse: it must be UTF-8 text (no NUL or other control characters: a binary file is
refused), each cue's timing line must be well formed, and there may be at most `MAX_CUES` cues
(a "subtitle bomb" of millions of tiny cues would freeze the players that load it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 20 * 1024 * 1024  # PeerTube's CONSTRAINTS_FIELDS.VIDEO_CAPTIONS.CAPTION_FILE.FILE_SIZE
# A cue every second for 10 hours is 36,000: no real caption comes near.
MAX_CUES = 36_000

_TIMESTAMP = r"(?:\d{1,3}:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_VTT_TIMING = re.compile(rf"^\s*({_TIMESTAMP})\s+-->\s+({_TIMESTAMP})(?:\s+.*)?$")
_SRT_TIMING = re.compile(rf"^\s*({_TIMESTAMP})\s*-->\s*({_TIMESTAMP})(?:\s+.*)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SRT_INDEX = re.compile(r"^\s*\d+\s*$")


class SubtitleError(ValueError):
    """The file is not a caption PeerTube would take (the message says why)."""


@dataclass(frozen=True)
class Caption:
    vtt: str  # the WebVTT text to store
    cues: int
    converted: bool  # it came as SRT


def read_caption(data: bytes) -> Caption:
    """The WebVTT form of an uploaded caption (VTT or SRT, told apart by their content)."""
    if len(data) > MAX_BYTES:
        raise SubtitleError(f"The caption file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    text = _decode(data)
    if text.startswith("WEBVTT") and (len(text) == 6 or text[6] in " \t\n"):
        return Caption(text if text.endswith("\n") else text + "\n", _count_vtt_cues(text), converted=False)
    vtt, cues = _srt_to_vtt(text)
    return Caption(vtt, cues, converted=True)


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SubtitleError("The caption file is not UTF-8 text.") from None
    if _CONTROL.search(text):
        raise SubtitleError("The caption file is not text.")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _count_vtt_cues(text: str) -> int:
    cues = 0
    for line in text.split("\n"):
        if "-->" not in line:
            continue
        if not _VTT_TIMING.match(line):
            raise SubtitleError(f"The caption file has a malformed cue timing: {line[:80]!r}.")
        cues += 1
        if cues > MAX_CUES:
            raise SubtitleError(f"The caption file has more than {MAX_CUES} cues.")
    return cues


def _srt_to_vtt(text: str) -> tuple[str, int]:
    """SubRip blocks (index, timing, text lines, blank line) as WebVTT cues: the timings'
    decimal commas become points, the indexes are dropped, the text is kept."""
    out = ["WEBVTT", ""]
    cues = 0
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = list(block.split("\n"))
        if lines and _SRT_INDEX.match(lines[0]):
            lines = lines[1:]
        if not lines or not lines[0].strip():
            continue
        timing = _SRT_TIMING.match(lines[0])
        if timing is None:
            raise SubtitleError("The caption file is neither WebVTT nor SubRip (SRT).")
        cues += 1
        if cues > MAX_CUES:
            raise SubtitleError(f"The caption file has more than {MAX_CUES} cues.")
        start, end = (_vtt_timestamp(value) for value in timing.groups())
        # "-->" inside a cue's text would end the cue early in a VTT parser.
        body = [line.replace("-->", "->") for line in lines[1:]]
        out += [f"{start} --> {end}", *body, ""]
    if cues == 0:
        raise SubtitleError("The caption file is neither WebVTT nor SubRip (SRT).")
    return "\n".join(out), cues


def _vtt_timestamp(value: str) -> str:
    """`1:02:03,4` → `01:02:03.400`: WebVTT wants hours of two digits or more, and
    milliseconds of three."""
    clock, _, fraction = value.replace(",", ".").partition(".")
    parts = clock.split(":")
    if len(parts) == 2:
        parts.insert(0, "0")
    hours, minutes, seconds = (int(p) for p in parts)
    if minutes > 59 or seconds > 59:
        raise SubtitleError(f"The caption file has a malformed timestamp: {value!r}.")
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{fraction.ljust(3, '0')[:3]}"
