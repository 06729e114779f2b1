"""The studio's ffmpeg work (chalicelib/media/studio.py) on real clips, and the parsing of
its multipart form (domain/studio.py `nested`, `tasks_of`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from chalicelib.domain import studio
from chalicelib.media import studio as edits
from chalicelib.media.probe import probe
from tests.lavfi_clips import lavfi_clip

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")


def test_kept_ranges_are_what_the_removed_segments_leave() -> None:
    assert edits.kept_ranges(10, [(2, 4)]) == ((0, 2), (4, 10))
    # Out of order, overlapping, touching the ends.
    assert edits.kept_ranges(10, [(5, 7), (0, 1), (6, 8)]) == ((1, 5), (8, 10))
    assert edits.kept_ranges(10, [(0, 10)]) == ()
    assert edits.kept_ranges(10, [(3, 12)]) == ((0, 3),)


@needs_ffmpeg
def test_segments_removed_and_clips_joined_give_the_expected_duration_and_size(tmp_path: Path) -> None:
    main = lavfi_clip(tmp_path / "main.mp4", 6, "320x180")
    # A smaller clip without sound: scaled and padded to the video's size, silence added.
    intro = lavfi_clip(tmp_path / "intro.mp4", 1, "160x160", audio=False, colour="blue")
    tasks: list[edits.Task] = [
        edits.Keep(edits.kept_ranges(6, [(1, 2), (4, 5)])),
        edits.Join(intro, before=True),
        edits.Join(intro, before=False),
    ]
    result = probe(str(edits.apply(str(main), tasks, tmp_path)))
    assert abs(result.duration - 6) < 0.15  # 4 s kept, 1 s before, 1 s after
    assert (result.width, result.height) == (320, 180)
    assert result.has_audio and result.video_codec == "h264"


@needs_ffmpeg
def test_the_watermark_sits_at_the_top_right(tmp_path: Path) -> None:
    main = lavfi_clip(tmp_path / "main.mp4", 2, "320x180", colour="black")
    mark = tmp_path / "mark.png"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=white:size=40x40", "-frames:v", "1", str(mark)],
        check=True,
    )
    assert edits.probe_image(str(mark)) == (40, 40)
    assert edits.probe_image(str(main)) is None  # a video is no picture
    output = edits.apply(str(main), [edits.Watermark(mark)], tmp_path)
    frame = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(output), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True,
        check=True,
    ).stdout

    def luma(x: int, y: int) -> int:
        return frame[y * 320 + x]

    # 18 px high (1/10 of 180), 9 px from the top and the right (1/20 of 180).
    assert luma(320 - 9 - 9, 9 + 9) > 200
    assert luma(320 - 9 - 30, 9 + 9) < 40 and luma(320 - 4, 9 + 9) < 40 and luma(302, 40) < 40
    assert luma(20, 20) < 40  # the rest of the picture untouched


def test_the_form_becomes_tasks_with_their_files() -> None:
    upload = studio.TaskFile(b"png", "mark.png")
    fields = {
        "tasks[0][name]": "cut",
        "tasks[0][options][start]": "2",
        "tasks[1][name]": "remove-segments",
        "tasks[1][options][segments][0][start]": "1",
        "tasks[1][options][segments][0][end]": "2",
        "tasks[1][options][segments][1][start]": "3",
        "tasks[1][options][segments][1][end]": "4",
        "tasks[2][name]": "add-watermark",
    }
    body = studio.nested(fields, {"tasks[2][options][file]": upload})
    assert body == {
        "tasks": [
            {"name": "cut", "options": {"start": "2"}},
            {
                "name": "remove-segments",
                "options": {"segments": [{"start": "1", "end": "2"}, {"start": "3", "end": "4"}]},
            },
            {"name": "add-watermark", "options": {"file": upload}},
        ]
    }
    # As queued: the cut's times are the source's, the segments' the cut video's.
    queued = [
        {"name": "cut", "options": {"start": 2, "end": 8}},
        {"name": "remove-segments", "options": {"segments": [[1, 2], [3, 4]]}},
        {"name": "add-watermark", "options": {"file": "studio/x/2-add-watermark"}},
    ]
    files = {"studio/x/2-add-watermark": Path("/tmp/mark")}
    assert studio.tasks_of(queued, 8.0, files) == [
        edits.Keep(((2.0, 8.0),)),
        edits.Keep(((0.0, 1.0), (2.0, 3.0), (4.0, 6.0))),
        edits.Watermark(Path("/tmp/mark")),
    ]
