"""Build the dependency layer: `python layers/dependencies/build.py [--output DIR]`."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = ROOT / "build" / "layers" / "dependencies"
LAMBDA_PLATFORM = "manylinux2014_x86_64"
LAMBDA_PYTHON = "3.11"
# The Chalice runtime is this module alone; the rest of the package is its CLI.
CHALICE_RUNTIME_FILES = ("__init__.py", "app.py", "py.typed")
# Pillow modules Cirrus never uses (AVIF, fonts, colour profiles, Tk) and the
# libraries only they load: about 11 MB of the 23 MB wheel.
PILLOW_UNUSED = ("PIL/_avif.*", "PIL/_imagingft.*", "PIL/_imagingcms.*", "PIL/_imagingtk.*")
PILLOW_UNUSED_LIBS = ("libavif-*", "libfreetype-*", "libharfbuzz-*", "liblcms2-*", "libbrotli*", "libpng16-*")


def build(output: Path = DEFAULT_OUTPUT) -> Path:
    """Install requirements.txt into `output/python` for Lambda; return that directory."""
    target = output / "python"
    if output.exists():
        shutil.rmtree(output)
    target.mkdir(parents=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            f"--platform={LAMBDA_PLATFORM}",
            f"--python-version={LAMBDA_PYTHON}",
            "--implementation=cp",
            f"--target={target}",
            "-r",
            str(ROOT / "requirements.txt"),
        ],
        check=True,
    )
    _trim_chalice(target / "chalice")
    _trim_pillow(target)
    shutil.rmtree(target / "cffi", ignore_errors=True)  # _cffi_backend stays: cryptography loads it
    for cache in target.rglob("__pycache__"):
        shutil.rmtree(cache)
    return target


def _trim_chalice(package: Path) -> None:
    for entry in package.iterdir():
        if entry.name in CHALICE_RUNTIME_FILES:
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _trim_pillow(target: Path) -> None:
    for pattern in PILLOW_UNUSED:
        for path in target.glob(pattern):
            path.unlink()
    for pattern in PILLOW_UNUSED_LIBS:
        for path in (target / "pillow.libs").glob(pattern):
            path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    print(build(args.output))


if __name__ == "__main__":
    main()
