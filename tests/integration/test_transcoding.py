"""Real ffmpeg: the chunked path makes what the serial path makes, and HLS as PeerTube lays it out."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from chalicelib.media import hls
from chalicelib.media.probe import ProbeError, count_frames, keyframe_times, probe
from chalicelib.media.transcode import HlsOutput, transcode_chunked, transcode_serial

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="ffmpeg is not installed (make test installs it)"
)

DURATION = 12


def _make(path: Path, *inputs: str, seconds: int = DURATION) -> Path:
    argv = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"]
    for source in inputs:
        argv += ["-f", "lavfi", "-i", source]
    argv += ["-t", str(seconds), "-pix_fmt", "yuv420p", str(path)]
    subprocess.run(argv, check=True)
    return path


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 s of 640x360 at 30 fps with a tone; keyframes every 2.5 s (not on our 2 s grid)."""
    path = tmp_path_factory.mktemp("src") / "clip.mp4"
    audio_codec = "libmp3lame" if _has("libmp3lame") else "aac"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
         "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=44100",
         "-t", str(DURATION), "-c:v", "libx264", "-preset", "ultrafast", "-g", "75",
         "-c:a", audio_codec, "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    return path


def _has(encoder: str) -> bool:
    listing = subprocess.run(["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, text=True, check=False)
    return encoder in listing.stdout


@pytest.fixture(scope="module")
def outputs(clip: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[HlsOutput, HlsOutput]:
    base = tmp_path_factory.mktemp("hls")
    serial = transcode_serial(str(clip), base / "serial", "video")
    chunked = transcode_chunked(str(clip), base / "chunked", "video", parallelism=2, seconds=4)
    return serial, chunked


def test_the_ladder_goes_up_to_the_source(outputs: tuple[HlsOutput, HlsOutput]) -> None:
    for output in outputs:
        assert [(p.width, p.height) for p in output.renditions] == [(640, 360), (426, 240), (256, 144)]


def test_chunked_and_serial_renditions_match(outputs: tuple[HlsOutput, HlsOutput]) -> None:
    serial, chunked = outputs
    for whole, joined in zip(serial.renditions, chunked.renditions, strict=True):
        # Every frame decodes, none is lost or doubled at a chunk border ...
        assert count_frames(str(whole.playlist)) == count_frames(str(joined.playlist)) == DURATION * 30
        # ... the rate cap holds in chunks (within 10 % of one piece) ...
        assert abs(joined.size - whole.size) <= whole.size * 0.10, (joined.size, whole.size)
        # ... and the audio, encoded in one piece, lasts as long as the video.
        assert joined.duration == pytest.approx(DURATION, abs=0.1)


def test_hls_is_laid_out_as_peertube_does(outputs: tuple[HlsOutput, HlsOutput]) -> None:
    _, chunked = outputs
    master = chunked.master.read_text()
    assert chunked.master.name == "video-master.m3u8"
    assert 'RESOLUTION=640x360,FRAME-RATE=30,CODECS="avc1.' in master
    hashes = json.loads(chunked.segments_sha256.read_text())
    for packaged in chunked.renditions:
        playlist = packaged.playlist.read_text()
        assert packaged.playlist.name == f"video-{packaged.rendition.resolution}.m3u8"
        assert f'#EXT-X-MAP:URI="video-{packaged.rendition.resolution}-fragmented.mp4"' in playlist
        segments = hls.media_segments(playlist)
        assert len(segments) == DURATION // 4
        assert all(s.uri == packaged.media.name for s in segments)
        with open(packaged.media, "rb") as media:
            assert hashes[packaged.media.name] == hls.segment_hashes(segments, media)
        # Keyframes on one 2 s grid across chunk borders, so every 4 s segment starts on one.
        keyframes = keyframe_times(str(packaged.media))
        assert [round(k - keyframes[0], 2) for k in keyframes] == [0, 2, 4, 6, 8, 10]


def test_audio_only_sources_make_an_audio_rendition(tmp_path: Path) -> None:
    source = _make(tmp_path / "tone.m4a", "sine=frequency=440:sample_rate=48000", seconds=6)
    output = transcode_chunked(str(source), tmp_path / "out", "tone")
    assert [p.rendition.resolution for p in output.renditions] == [0]
    assert "mp4a.40.2" in output.master.read_text()
    # probe() reads uploads, which may not be playlists: the packaged media file it is.
    assert probe(str(output.renditions[0].media)).has_audio


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.mp4", b""),
        ("text.mp4", b"this is not a video at all\n" * 100),
        ("png.mp4", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ],
)
def test_things_that_are_not_media_are_refused(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ProbeError):
        probe(str(path))


def test_a_truncated_file_is_refused(clip: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "cut.mp4"
    truncated.write_bytes(clip.read_bytes()[:4096])
    with pytest.raises(ProbeError):
        probe(str(truncated))
