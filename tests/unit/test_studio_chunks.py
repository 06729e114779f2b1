"""The studio's edit in pieces (chalicelib/media/studio_chunks.py): the timeline the tasks make,
its cut on the chunk grid, and the pieces encoded, joined and checked with real ffmpeg."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from chalicelib.media import studio as edits
from chalicelib.media import studio_chunks
from chalicelib.media.inputs import user_input
from chalicelib.media.probe import probe
from chalicelib.media.studio_chunks import Piece
from chalicelib.media.transcode import TranscodeError, run
from tests.lavfi_clips import lavfi_clip

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")


def test_the_tasks_make_a_timeline_of_source_ranges_and_clips() -> None:
    intro, mark = Path("studio/x/1-add-intro"), Path("studio/x/2-add-watermark")
    tasks: list[edits.Task] = [
        edits.Keep(((2.0, 40.0),)),  # cut
        edits.Join(intro, before=True),
        edits.Keep(((0.0, 10.0), (15.0, 41.0))),  # remove-segments, on the cut video with its intro
        edits.Watermark(mark),
    ]
    pieces = studio_chunks.timeline(tasks, 60.0, {str(intro): 3.0})
    marks = (str(mark),)
    assert pieces == [
        Piece(str(intro), 0.0, 3.0, marks),
        Piece(None, 2.0, 9.0, marks),
        Piece(None, 14.0, 40.0, marks),
    ]
    assert studio_chunks.total_duration(pieces) == 36.0


def test_source_ranges_are_cut_on_the_chunk_grid_only_at_their_borders_trimmed() -> None:
    pieces = [Piece("intro", 0.0, 3.0), Piece(None, 6.0, 40.0), Piece(None, 47.0, 50.0), Piece("outro", 1.0, 25.0)]
    cut = studio_chunks.split(pieces, 10.0)
    assert [(p.clip, p.start, p.end) for p in cut] == [
        ("intro", 0.0, 3.0),
        # 10 is within half a chunk of 6: the first piece runs to 20; 40 is the range's end.
        (None, 6.0, 20.0),
        (None, 20.0, 30.0),
        (None, 30.0, 40.0),
        (None, 47.0, 50.0),
        # A long clip is cut as the source is.
        ("outro", 1.0, 10.0),
        ("outro", 10.0, 20.0),
        ("outro", 20.0, 25.0),
    ]
    assert Piece.from_json(cut[0].to_json()) == cut[0]


@needs_ffmpeg
def test_pieces_encoded_apart_join_into_the_edited_video(tmp_path: Path) -> None:
    main = lavfi_clip(tmp_path / "main.mp4", 12, "320x180", colour="black")
    outro = lavfi_clip(tmp_path / "outro.mp4", 1, "160x160", audio=False, colour="blue")
    mark = tmp_path / "mark.png"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=white:size=40x40", "-frames:v", "1", str(mark)],
        check=True,
    )
    tasks: list[edits.Task] = [edits.Keep(((1.0, 12.0),)), edits.Watermark(mark), edits.Join(outro, before=False)]
    timeline = studio_chunks.timeline(tasks, 12.0, {str(outro): 1.0})
    pieces = studio_chunks.split(timeline, 4.0)
    assert len(pieces) == 4  # [1, 4) [4, 8) [8, 12) of the source, and the outro
    paths = []
    for index, piece in enumerate(pieces):
        output = tmp_path / f"piece-{index}.mp4"
        given = user_input(str(main) if piece.clip is None else piece.clip)
        run(studio_chunks.piece_args(given, piece, piece.marks, (320, 180), 25.0, str(output)))
        paths.append(str(output))
    audio = tmp_path / "audio.m4a"
    run(studio_chunks.audio_args(user_input(str(main)), timeline, {}, str(audio)))
    listing = tmp_path / "pieces.txt"
    listing.write_text("ffconcat version 1.0\n" + "".join(f"file '{p}'\n" for p in paths))
    result = tmp_path / "result.mp4"
    run(studio_chunks.join_args(str(listing), str(audio), str(result)))
    studio_chunks.check_duration(str(result), pieces, 25.0)
    info = probe(str(result))
    assert abs(info.duration - 12.0) < 0.2 and (info.width, info.height) == (320, 180) and info.has_audio

    def luma(at: float) -> int:
        frame = subprocess.run(
            ["ffmpeg", "-v", "error", "-ss", str(at), "-i", str(result), "-frames:v", "1",
             "-f", "rawvideo", "-pix_fmt", "gray", "-"],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        return frame[18 * 320 + 320 - 18]

    # The watermark in the first piece and in the last piece of the source; not on the outro.
    assert luma(0.5) > 200 and luma(10.5) > 200
    assert luma(11.5) < 100
    with pytest.raises(TranscodeError, match="instead of"):
        studio_chunks.check_duration(str(result), [*pieces, Piece(None, 0.0, 2.0)], 25.0)


@needs_ffmpeg
def test_a_cut_into_an_intro_keeps_its_end_picture_and_sound(tmp_path: Path) -> None:
    main = lavfi_clip(tmp_path / "main.mp4", 6, "320x180", audio=False, colour="black")
    intro = lavfi_clip(tmp_path / "intro.mp4", 3, "160x90", colour="white")
    # The intro joined, then its first second cut off: the intro's [1, 3) then the video.
    tasks: list[edits.Task] = [edits.Join(intro, before=True), edits.Keep(((1.0, 9.0),))]
    timeline = studio_chunks.timeline(tasks, 6.0, {str(intro): 3.0})
    assert [(p.clip, p.start, p.end) for p in timeline] == [(str(intro), 1.0, 3.0), (None, 0.0, 6.0)]
    paths = []
    for index, piece in enumerate(timeline):
        output = tmp_path / f"piece-{index}.mp4"
        given = user_input(str(main) if piece.clip is None else str(piece.clip))
        run(studio_chunks.piece_args(given, piece, (), (320, 180), 25.0, str(output)))
        paths.append(str(output))
    audio = tmp_path / "audio.m4a"
    # The video has no sound, the intro has: silence under the video.
    run(studio_chunks.audio_args(None, timeline, {str(intro): user_input(str(intro))}, str(audio)))
    assert abs(probe(str(audio)).duration - 8.0) < 0.1
    listing = tmp_path / "pieces.txt"
    listing.write_text("ffconcat version 1.0\n" + "".join(f"file '{p}'\n" for p in paths))
    result = tmp_path / "result.mp4"
    run(studio_chunks.join_args(str(listing), str(audio), str(result)))
    studio_chunks.check_duration(str(result), timeline, 25.0)
    assert (probe(str(result)).width, probe(str(result)).height) == (320, 180)
