"""Bytes and quality of PeerTube's fixed ladder against the content-aware one, on clips made
from ffmpeg's lavfi sources.

    python bench/ladder.py [--seconds 8] [--height 720] [--rungs all|top]

Each clip (talking head: a still background with a small moving region; screen recording:
testsrc2's graphics, counter and scrolling bar; high motion: a mandelbrot zoom; animation:
colour bars scrolling under a cellular automaton) is made losslessly at `--height`, then
every rendition of PeerTube's ladder for it (chalicelib/media/ladder.py: PeerTube's rate caps
and x264's default CRF 23, the arguments of chalicelib/media/commands.py) is encoded twice:
as PeerTube does, and at the CRF and share of the caps the complexity probe chose
(chalicelib/media/complexity.py, ladder.choose). Each encode is measured against the lossless
clip scaled to the rendition's size with ffmpeg's `ssim` and `psnr` filters (this ffmpeg has
no libvmaf). The random sources (gradients, cellauto) have a fixed seed: every run encodes the
same clips.

"The same quality" here: SSIM (all planes, averaged over the renditions) within 0.005 of
PeerTube's. PSNR is printed beside it, and its difference is reported as it is.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib.media import complexity  # noqa: E402
from chalicelib.media.commands import video_encode_args  # noqa: E402
from chalicelib.media.ladder import Rendition, choose, ladder, with_choice  # noqa: E402
from chalicelib.media.probe import probe  # noqa: E402

CLIPS = {
    "talking head": (
        "gradients=s={w}x{h}:r=30:speed=0.0005:c0=0x5a6a80:c1=0xc0a080:seed=1",
        "mandelbrot=s={sw}x{sh}:r=30",
        "[0][1]overlay=(W-w)/2:(H-h)/3",
    ),
    "screen recording": ("testsrc2=s={w}x{h}:r=30", None, None),
    "high motion": ("mandelbrot=s={w}x{h}:r=30", None, None),
    "animation": (
        "smptehdbars=s={w}x{h}:r=30",
        "cellauto=s={w}x{ch}:r=30:rule=110:seed=1",
        "[0]scroll=horizontal=0.003[bars];[bars][1]overlay=0:(H-h)/2",
    ),
}
QUIET = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"]


def make_clip(name: str, path: Path, height: int, seconds: float) -> None:
    width = height * 16 // 9
    main, overlay, graph = CLIPS[name]
    sizes = {"w": width, "h": height, "sw": width // 4, "sh": height // 2, "ch": height // 4}
    argv = ["ffmpeg", *QUIET, "-f", "lavfi", "-i", main.format(**sizes)]
    if overlay is not None:
        argv += ["-f", "lavfi", "-i", overlay.format(**sizes), "-filter_complex", str(graph)]
    # Lossless, a constant 30 fps: the reference every encode is measured against.
    argv += ["-t", str(seconds), "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0"]
    subprocess.run([*argv, str(path)], check=True)


def quality(encoded: Path, reference: Path) -> tuple[float, float]:
    """(SSIM, PSNR) of `encoded` against `reference` scaled to the rendition, frame by frame."""
    # The reference scaled to the encode's own size (scale=-2 may round the width otherwise
    # than the rendition's figure), frames paired from the start.
    graph = (
        "[1:v][0:v]scale2ref[ref][enc];[ref]setpts=PTS-STARTPTS,split[r1][r2];"
        "[enc]setpts=PTS-STARTPTS,split[e1][e2];[e1][r1]ssim;[e2][r2]psnr"
    )
    out = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(encoded), "-i", str(reference), "-lavfi", graph,
         "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    ssim = float(re.search(r"SSIM .* All:([0-9.]+)", out).group(1))  # type: ignore[union-attr]
    psnr = re.search(r"PSNR .* average:([0-9.inf]+)", out).group(1)  # type: ignore[union-attr]
    return ssim, (99.0 if psnr == "inf" else float(psnr))


def encode(source: Path, rendition: Rendition, output: Path) -> int:
    subprocess.run(video_encode_args(str(source), str(output), rendition, portrait=False), check=True)
    return output.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--rungs", choices=["all", "top"], default="all")
    options = parser.parse_args()

    totals = {"pt": 0, "ca": 0}
    rows = []
    with tempfile.TemporaryDirectory(prefix="cirrus-ladder-") as directory:
        work = Path(directory)
        for name in CLIPS:
            clip = work / f"{name.replace(' ', '-')}.mp4"
            make_clip(name, clip, options.height, options.seconds)
            info = probe(str(clip))
            started = time.perf_counter()
            result = complexity.measure(str(clip), info, work)
            probe_seconds = time.perf_counter() - started
            choice = choose(result)
            renditions = [r for r in ladder(info.as_source()) if not r.is_audio_only]
            if options.rungs == "top":
                renditions = renditions[:1]
            figures = {"pt": [0, 0.0, 0.0], "ca": [0, 0.0, 0.0]}
            for rendition in renditions:
                measured: dict[str, tuple[int, float, float]] = {}
                for kind, chosen in (("pt", rendition), ("ca", with_choice([rendition], choice)[0])):
                    output = work / f"{kind}-{rendition.resolution}.mp4"
                    size = encode(clip, chosen, output)
                    measured[kind] = (size, *quality(output, clip))
                    output.unlink()
                for kind in ("pt", "ca"):
                    size, ssim, psnr = measured[kind]
                    figures[kind][0] += size
                    figures[kind][1] += ssim / len(renditions)
                    figures[kind][2] += psnr / len(renditions)
            for kind in totals:
                totals[kind] += int(figures[kind][0])
            rows.append((name, choice, probe_seconds, figures))
            print(f"{name}: probe {probe_seconds:.1f} s, CRF {choice.crf:g}, caps x{choice.cap_share:g}; "
                  f"SSIM by CRF {result.ssim if result else None}, bytes {result.bytes if result else None}",
                  flush=True)  # fmt: skip

    rungs = "top rendition" if options.rungs == "top" else "whole ladder"
    print(f"\n{options.seconds:g} s clips at {options.height}p, {rungs}; PeerTube (CRF 23) | content-aware")
    print(f"{'clip':18} {'CRF':>4} {'caps':>4} {'bytes PT':>10} {'bytes CA':>10} {'saved':>6} "
          f"{'SSIM PT':>8} {'SSIM CA':>8} {'dSSIM':>7} {'PSNR PT':>7} {'PSNR CA':>7} {'dPSNR':>6}")  # fmt: skip
    worst_psnr = 0.0
    for name, choice, _, figures in rows:
        pt, ca = figures["pt"], figures["ca"]
        saved_here, ssim_delta, psnr_delta = 1 - ca[0] / pt[0], ca[1] - pt[1], ca[2] - pt[2]
        worst_psnr = min(worst_psnr, psnr_delta)
        print(f"{name:18} {choice.crf:>4g} {choice.cap_share:>4g} {pt[0]:>10,} {ca[0]:>10,} {saved_here:>6.1%} "
              f"{pt[1]:>8.4f} {ca[1]:>8.4f} {ssim_delta:>+7.4f} "
              f"{pt[2]:>7.2f} {ca[2]:>7.2f} {psnr_delta:>+6.2f}")  # fmt: skip
    saved = 1 - totals["ca"] / totals["pt"]
    worst = min(figures["ca"][1] - figures["pt"][1] for _, _, _, figures in rows)
    print(
        f"total: {totals['pt']:,} -> {totals['ca']:,} bytes, {saved:.1%} fewer; "
        f"largest SSIM loss {-worst:.4f} (same quality: within 0.005), largest PSNR loss {-worst_psnr:.2f} dB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
