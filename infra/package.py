"""Assemble what template.yaml deploys: `python infra/package.py [--skip-layer]`.

- `build/function/`: the code of the Chalice functions, `app.py` and `chalicelib/` (sources
  and data files, no bytecode). It stays small, so code-only deploys are quick.
- `build/layers/dependencies/python/`: the third-party packages, built for Lambda's platform
  by layers/dependencies/build.py.

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
# What the functions import; everything else in the repository is for development.
FUNCTION_SOURCES = ("app.py", "chalicelib")
_NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".DS_Store")


def package_function(output: Path = FUNCTION_DIR) -> Path:
    """Copy app.py and chalicelib/ into a fresh `output`; return `output`."""
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    for name in FUNCTION_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, output / name, ignore=_NOT_SHIPPED)
        else:
            shutil.copy2(source, output / name)
    return output


def package_layer(output: Path = LAYER_DIR) -> Path:
    """Build the dependency layer into `output` (pip, for Lambda's platform); return its python/ dir."""
    if str(ROOT) not in sys.path:  # run as a script, sys.path[0] is infra/
        sys.path.insert(0, str(ROOT))
    from layers.dependencies.build import build

    return build(output)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--skip-layer", action="store_true", help="only rebuild build/function (dependencies unchanged)"
    )
    args = parser.parse_args(argv)
    print(package_function())
    if not args.skip_layer:
        print(package_layer())


if __name__ == "__main__":
    main()
