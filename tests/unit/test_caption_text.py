"""Caption text and chapter timecodes, as PeerTube reads them (no AWS)."""

from __future__ import annotations

import pytest

from chalicelib.domain.chapters import parse_description, time_to_int
from chalicelib.media import hls
from chalicelib.media.subtitles import MAX_CUES, SubtitleError, read_caption


def test_srt_without_indexes_and_with_short_fields_becomes_webvtt() -> None:
    caption = read_caption(b"0:01,5 --> 0:02,25\nOne --> two\n\n\n1:00:00,000 --> 1:00:01,000\nEnd")
    assert caption.converted and caption.cues == 2
    assert caption.vtt == (
        "WEBVTT\n\n00:00:01.500 --> 00:00:02.250\nOne -> two\n\n01:00:00.000 --> 01:00:01.000\nEnd\n"
    )


@pytest.mark.parametrize("header", [b"WEBVTT\n", b"\xef\xbb\xbfWEBVTT - a title\n", b"WEBVTT\r\n"])
def test_webvtt_is_kept_as_it_came(header: bytes) -> None:
    caption = read_caption(header + b"\nNOTE a comment\n\nid\n00:01.000 --> 00:02.000 align:start\nHi\n")
    assert not caption.converted and caption.cues == 1
    assert caption.vtt.startswith("WEBVTT") and caption.vtt.endswith("Hi\n") and "\r" not in caption.vtt


@pytest.mark.parametrize(
    "data",
    [
        b"WEBVTTX\n\n00:01.000 --> 00:02.000\nHi\n",  # not the header: read as SRT, which it is not
        b"",
        b"1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:99,000 --> 00:01:00,000\nbad seconds\n",
        "WEBVTT\n\n00:01.000 --> 00:02.000\n\u0007bell\n".encode(),
        b"WEBVTT\n\n" + b"00:01.000 --> 00:02.000\nx\n\n" * (MAX_CUES + 1),
    ],
    ids=["bad-header", "empty", "bad-seconds", "control", "bomb"],
)
def test_what_is_not_a_caption_is_refused(data: bytes) -> None:
    with pytest.raises(SubtitleError):
        read_caption(data)


@pytest.mark.parametrize(
    ("text", "seconds"), [("00:00", 0), ("1:05", 65), ("1:02:03", 3723), ("1h2m3s", 3723), ("90s", 90), ("7", 7)]
)
def test_timecodes(text: str, seconds: int) -> None:
    assert time_to_int(text) == seconds


def test_description_chapters_are_the_first_run_of_two_lines_or_more() -> None:
    text = "Intro text\r\n0:00 Start\r\n2m30s Middle part\r\n\r\n10:00 Ignored, after the run"
    assert parse_description(text) == [{"timecode": 0, "title": "Start"}, {"timecode": 150, "title": "Middle part"}]
    assert parse_description("0:00 Alone") == []
    assert parse_description("00:05 Not at zero\n00:10 " + "x" * 150)[1]["title"] == "x" * 100


def test_a_master_without_captions_is_peertubes_and_labels_are_quoted_safely() -> None:
    variant = hls.Variant("p-240.m3u8", 1000, 426, 240, 25, "avc1.64001f,mp4a.40.2")
    assert hls.master_playlist([variant]) == (
        "#EXTM3U\n#EXT-X-VERSION:3\n\n#EXT-X-STREAM-INF:BANDWIDTH=1000,RESOLUTION=426x240,FRAME-RATE=25,"
        'CODECS="avc1.64001f,mp4a.40.2"\np-240.m3u8\n'
    )
    text = hls.master_playlist([variant], [hls.Subtitle("xx", 'A "quoted"\nname', "c.m3u8")])
    assert "NAME=\"A 'quoted' name\"" in text and text.count("\n#EXT-X-MEDIA:") == 1
