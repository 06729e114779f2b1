"""Assemble what template.yaml deploys: `python infra/package.py [--skip-layers]`.

- `build/function/`: the code of every function, `app.py` and `chalicelib/` (the Chalice
  app) and the Lambda units of `functions/` (transcoder, views, trending, channel sync, federation, runners,
  transcription, work, realtime, tracker scaler), sources and data files, and the bytecode of Lambda's Python
  (layers/dependencies/build.py compile_bytecode: Lambda's code is read-only, so a package
  without it compiles every module at every cold start). It stays small, so code-only deploys
  are quick.
- `build/layers/dependencies/python/`: the third-party packages every function uses, built for
  Lambda's platform by layers/dependencies/build.py, and the server plugins `plugins.txt` names,
  if there is one (docs/plugins.md); `build/layers/federation/python/` (JSON-LD: the inbox
  POST, broadcast and inbox functions), `build/layers/work/python/` (yt-dlp, py-vapid: the work
  function) and `build/layers/images/python/` (Pillow: every function but the API), by the same
  script.
- `build/layers/ffmpeg/bin/`: static ffmpeg and ffprobe, by layers/ffmpeg/build.py.

template.yaml's `CodeUri` and `ContentUri` name these directories; `sam deploy` zips and
uploads them. Nothing under `local/`, `tests/` or the development requirements is shipped.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
FUNCTION_DIR = BUILD / "function"
LAYER_DIR = BUILD / "layers" / "dependencies"
FFMPEG_LAYER_DIR = BUILD / "layers" / "ffmpeg"
# What the functions import; everything else in the repository is for development. Only the
# Lambda units of functions/ are listed, with the entry helpers they share: functions/tracker/
# and functions/live/ run on Fargate from their images.
FUNCTION_SOURCES = (
    "app.py",
    "chalicelib",
    "functions/__init__.py",
    "functions/channel_sync",
    "functions/consumer.py",
    "functions/entry.py",
    "functions/federation",
    "functions/realtime",
    "functions/redundancy",
    "functions/runners",
    "functions/transcoder",
    "functions/transcription",
    "functions/tracker_scaler",
    "functions/trending",
    "functions/views",
    "functions/work",
)
# The checkout's own bytecode (timestamp-checked, of whatever Python ran the tests) is not
# shipped: the package's is compiled afresh.
_NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".DS_Store")


def package_function(output: Path = FUNCTION_DIR) -> Path:
    """Copy FUNCTION_SOURCES into a fresh `output`, keeping their paths; return `output`."""
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    for name in FUNCTION_SOURCES:
        source = ROOT / name
        destination = output / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination, ignore=_NOT_SHIPPED)
        else:
            shutil.copy2(source, destination)
    _importable_root()
    from layers.dependencies.build import compile_bytecode

    compile_bytecode(output)
    return output


def _importable_root() -> None:
    if str(ROOT) not in sys.path:  # run as a script, sys.path[0] is infra/
        sys.path.insert(0, str(ROOT))


def package_layer(output: Path = LAYER_DIR, layer: str = "dependencies") -> Path:
    """Build a Python layer (`dependencies`, `federation`, `work` or `images`) into `output` (pip, for
    Lambda's platform); return its python/ dir."""
    _importable_root()
    from layers.dependencies.build import build

    return build(output, layer)


def package_ffmpeg_layer(output: Path = FFMPEG_LAYER_DIR) -> Path:
    """Build the ffmpeg layer into `output` (a pinned static build); return its bin/ dir."""
    _importable_root()
    from layers.ffmpeg.build import build

    return build(output)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--skip-layers",
        "--skip-layer",
        dest="skip_layers",
        action="store_true",
        help="only rebuild build/function (dependencies and ffmpeg unchanged)",
    )
    args = parser.parse_args(argv)
    print(package_function())
    if not args.skip_layers:
        print(package_layer())
        print(package_layer(BUILD / "layers" / "federation", "federation"))
        print(package_layer(BUILD / "layers" / "work", "work"))
        print(package_layer(BUILD / "layers" / "images", "images"))
        print(package_ffmpeg_layer())
        from layers.ffmpeg.build import check_size

        # The work function carries the most (code, dependencies, ffmpeg, its own layer and
        # Pillow's): Lambda refuses more than 250 MB of them unzipped.
        check_size(FFMPEG_LAYER_DIR, FUNCTION_DIR, LAYER_DIR, BUILD / "layers" / "work", BUILD / "layers" / "images")


if __name__ == "__main__":
    main()
