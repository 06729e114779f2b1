"""The live's media playlists and hashes: a window of 15, media sequence numbers that keep
counting across reconnections, discontinuities and their sequence, the end of the live."""

from __future__ import annotations

import json

from functions.live.playlist import MediaPlaylist, Segment, hashes_document, read_entries, segment_name


def add(playlist: MediaPlaylist, count: int, *, index: int = 0, discontinuity_first: bool = False) -> None:
    for n in range(count):
        sequence = playlist.next_sequence
        playlist.add(
            Segment(
                name=segment_name(index, sequence),
                sequence=sequence,
                duration=4.0,
                discontinuity=discontinuity_first and n == 0,
                program_date_time=None,
                sha256=f"{index}{sequence:063d}",
                size=1000,
            )
        )


def test_the_window_holds_the_last_15_segments() -> None:
    playlist = MediaPlaylist(segment_seconds=4)
    add(playlist, 20)
    text = playlist.render()
    assert "#EXT-X-MEDIA-SEQUENCE:5\n" in text
    assert "#EXT-X-TARGETDURATION:4\n" in text
    names = [line for line in text.splitlines() if line.endswith(".ts")]
    assert names == [f"0-{n:06d}.ts" for n in range(5, 20)]
    assert "#EXT-X-ENDLIST" not in text
    assert len(playlist.segments) == 20  # all kept for the replay


def test_a_reconnection_continues_the_sequence_after_a_discontinuity() -> None:
    playlist = MediaPlaylist(segment_seconds=2)
    add(playlist, 3)
    add(playlist, 3, discontinuity_first=True)
    lines = playlist.render().splitlines()
    marker = lines.index("#EXT-X-DISCONTINUITY")
    assert lines[marker + 2] == "0-000003.ts"
    assert "#EXT-X-DISCONTINUITY-SEQUENCE" not in "\n".join(lines)


def test_the_discontinuity_sequence_counts_those_that_left_the_window() -> None:
    playlist = MediaPlaylist(segment_seconds=4)
    add(playlist, 2)
    add(playlist, 2, discontinuity_first=True)
    add(playlist, 20, discontinuity_first=True)
    text = playlist.render()
    assert "#EXT-X-DISCONTINUITY-SEQUENCE:2\n" in text  # both markers are out of the window
    assert "#EXT-X-DISCONTINUITY\n" not in text


def test_the_end_and_long_segments() -> None:
    playlist = MediaPlaylist(segment_seconds=2)
    add(playlist, 1)
    playlist.add(Segment("0-000001.ts", 1, 6.4, False, None, "a" * 64, 10))
    text = playlist.render(ended=True)
    assert text.endswith("#EXT-X-ENDLIST\n")
    assert "#EXT-X-TARGETDURATION:7\n" in text  # a copied stream's keyframes further apart


def test_hashes_are_flat_and_keep_twice_the_window() -> None:
    first, second = MediaPlaylist(4), MediaPlaylist(4)
    add(first, 40)
    add(second, 2, index=1)
    document = json.loads(hashes_document([first, second]))
    assert len(document) == 30 + 2
    assert "0-000009.ts" not in document
    assert document["0-000039.ts"] == f"0{39:063d}"
    assert document["1-000001.ts"] == f"1{1:063d}"


def test_ffmpeg_playlists_are_read_in_order_with_their_dates() -> None:
    text = (
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n"
        "#EXT-X-PROGRAM-DATE-TIME:2026-12-06T15:49:52.771+0000\n#EXTINF:4.000000,\n0-000000.ts\n"
        "#EXTINF:3.966667,\n0-000001.ts\n#EXT-X-ENDLIST\n"
    )
    entries = read_entries(text)
    assert [(e.uri, e.duration, e.program_date_time) for e in entries] == [
        ("0-000000.ts", 4.0, "2026-12-06T15:49:52.771+0000"),
        ("0-000001.ts", 3.966667, None),
    ]
