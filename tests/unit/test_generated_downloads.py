"""The pure parts of generated downloads: PeerTube's reading of `videoFileIds`, and the ffmpeg
command that muxes the chosen streams (copied, faststart, every input under its whitelists)."""

from __future__ import annotations

import pytest

from chalicelib.domain.generated_downloads import parse_file_ids
from chalicelib.errors import ValidationError
from chalicelib.media.commands import mux_args
from chalicelib.media.inputs import user_input, work_input


@pytest.mark.parametrize("values", [["1"], ["12", "13"], ["9007199254740991"]])
def test_one_or_two_integer_ids_are_taken(values: list[str]) -> None:
    assert parse_file_ids(values) == [int(v) for v in values]


@pytest.mark.parametrize(
    "values",
    [[], ["1", "2", "3"], ["abc"], ["0"], ["-1"], ["1.5"], [" "], ["٣"], ["9007199254740992"], ["9" * 5000]],
)
def test_anything_else_is_a_bad_request(values: list[str]) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_file_ids(values)
    assert refused.value.invalid_params == {"videoFileIds": "Invalid value"} and refused.value.location == "query"


def test_one_file_gives_its_picture_and_its_sound() -> None:
    argv = mux_args([(work_input("https://bucket/v.mp4"), "va")], "out.mp4")
    assert argv[argv.index("-i") + 1] == "https://bucket/v.mp4"
    assert argv[argv.index("-i") - 1] == "mov", "the transcoder's own MP4s: the mov demuxer only"
    tail = argv[argv.index("https://bucket/v.mp4") + 1 :]
    assert tail == [
        "-map", "0:v:0", "-map", "0:a:0", "-c", "copy", "-map_metadata", "-1",
        "-movflags", "+faststart", "-f", "mp4", "out.mp4",
    ]  # fmt: skip


def test_two_files_give_the_picture_of_one_and_the_sound_of_the_other() -> None:
    argv = mux_args([(work_input("https://b/v.mp4"), "v"), (user_input("https://b/original.webm"), "a")], "o.mp4")
    assert [argv[i + 1] for i, arg in enumerate(argv) if arg == "-i"] == ["https://b/v.mp4", "https://b/original.webm"]
    maps = [argv[i + 1] for i, arg in enumerate(argv) if arg == "-map"]
    assert maps == ["0:v:0", "1:a:0"]
    assert argv.count("-protocol_whitelist") == 2 and "-c" in argv and "copy" in argv
