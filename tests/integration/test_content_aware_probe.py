"""The complexity probe on real files (ffmpeg): figures for every CRF tried, quality falling
with the CRF, and a still picture given a higher CRF than a fractal zoom."""

from __future__ import annotations

import subprocess
from pathlib import Path

from chalicelib.media import complexity
from chalicelib.media.ladder import PEERTUBE, PROBE_CRFS, choose
from chalicelib.media.probe import probe


def _clip(path: Path, source: str) -> str:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source, "-t", "3",
         "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    return str(path)


def test_the_probe_measures_each_crf_and_tells_easy_from_hard_content(tmp_path: Path) -> None:
    still = _clip(tmp_path / "still.mp4", "gradients=s=640x360:r=25:speed=0.0005")
    noise = _clip(tmp_path / "noise.mp4", "mandelbrot=s=640x360:r=25")
    results = {}
    for name, path in (("still", still), ("zoom", noise)):
        result = complexity.measure(path, probe(path), tmp_path)
        assert result is not None
        assert sorted(result.ssim) == list(PROBE_CRFS)
        ssims = [result.ssim[crf] for crf in PROBE_CRFS]
        assert ssims == sorted(ssims, reverse=True)  # harder quantisation, lower quality
        results[name] = result
    still_choice, zoom_choice = choose(results["still"]), choose(results["zoom"])
    assert still_choice.crf > zoom_choice.crf
    assert not list(tmp_path.glob("complexity-*"))  # its files are removed


def test_a_probe_that_cannot_read_its_source_leaves_peertubes_crf(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.mp4"
    bogus.write_bytes(b"not a video")
    still = _clip(tmp_path / "still.mp4", "gradients=s=320x240:r=25")
    info = probe(still)
    assert complexity.measure(str(bogus), info, tmp_path) is None
    assert choose(None) == PEERTUBE
