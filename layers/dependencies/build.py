"""Build the dependency layer: `python layers/dependencies/build.py [--output DIR]`.

With a `plugins.txt` at the repository's root (pip requirement lines: local paths such as
`./plugins/title-filter`, or pinned package names), its server plugins are installed into
the same layer, where their `cirrus.plugins` entry points are found (docs/plugins.md).
Plugins must be pure Python: they are built here, not for Lambda's platform, and their
dependencies are not resolved (list them in plugins.txt too)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = ROOT / "build" / "layers" / "dependencies"
PLUGINS_FILE = ROOT / "plugins.txt"
LAMBDA_PLATFORM = "manylinux2014_x86_64"
LAMBDA_PYTHON = "3.11"
# The Chalice runtime is this module alone; the rest of the package is its CLI.
CHALICE_RUNTIME_FILES = ("__init__.py", "app.py", "py.typed")
# Pillow modules Cirrus never uses (AVIF, fonts, colour profiles, Tk) and the
# libraries only they load: about 11 MB of the 23 MB wheel.
PILLOW_UNUSED = ("PIL/_avif.*", "PIL/_imagingft.*", "PIL/_imagingcms.*", "PIL/_imagingtk.*")
PILLOW_UNUSED_LIBS = ("libavif-*", "libfreetype-*", "libharfbuzz-*", "liblcms2-*", "libbrotli*", "libpng16-*")


def build(output: Path = DEFAULT_OUTPUT, plugins_file: Path = PLUGINS_FILE) -> Path:
    """Install requirements.txt (and plugins.txt, if any) into `output/python` for Lambda;
    return that directory."""
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
    if plugins_file.exists():
        install_plugins(target, plugins_file)
    _trim_chalice(target / "chalice")
    _trim_pillow(target)
    shutil.rmtree(target / "cffi", ignore_errors=True)  # _cffi_backend stays: cryptography loads it
    for cache in target.rglob("__pycache__"):
        shutil.rmtree(cache)
    return target


def install_plugins(target: Path, plugins_file: Path) -> None:
    """The plugins `plugins_file` names, into `target`, with their dist-info (entry points).
    Relative paths are read from the file's directory; no build isolation, so building a
    local plugin needs no index."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            f"--target={target}",
            "-r",
            str(plugins_file.resolve()),
        ],
        check=True,
        cwd=plugins_file.resolve().parent,
    )
    # setuptools builds a local plugin in its own directory: leave the sources as they were.
    for source in _local_sources(plugins_file):
        for leftover in (source / "build", *source.glob("*.egg-info")):
            shutil.rmtree(leftover, ignore_errors=True)


def _local_sources(plugins_file: Path) -> list[Path]:
    lines = (line.split("#", 1)[0].strip() for line in plugins_file.read_text().splitlines())
    paths = [plugins_file.resolve().parent / line for line in lines if line.startswith((".", "/"))]
    return [path for path in paths if path.is_dir()]


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
