"""Cold-start figures of the API function: import time of app.py and package size.

    python bench/coldstart.py [--runs 5] [--no-build]

Import time is measured in fresh interpreters (the median of --runs), with the dependency
layer first on sys.path as in Lambda. Size is the unzipped function code (app.py and
chalicelib/) plus the dependency layer. Goals: under 250 ms and under 30 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from layers.dependencies.build import DEFAULT_OUTPUT, build  # noqa: E402

IMPORT_PROBE = "import time; t = time.perf_counter(); import app; print(time.perf_counter() - t)"
CODE_PATHS = ("app.py", "chalicelib")


def import_seconds(layer: Path, runs: int) -> list[float]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(layer)]),
        "PYTHONDONTWRITEBYTECODE": "",
        "AWS_REGION": "us-east-1",
    }
    timings = []
    for _ in range(runs + 1):  # the first run compiles the bytecode, as Lambda's package would ship it
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_PROBE], env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
        if out.returncode:
            raise SystemExit(out.stderr)
        timings.append(float(out.stdout.strip().splitlines()[-1]))
    return timings[1:]


def size_bytes(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        total += sum(f.stat().st_size for f in files if "__pycache__" not in f.parts)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-build", action="store_true", help="reuse an already built layer")
    args = parser.parse_args()

    layer = DEFAULT_OUTPUT / "python" if args.no_build else build()
    timings = import_seconds(layer, args.runs)
    code = size_bytes([ROOT / p for p in CODE_PATHS])
    deps = size_bytes([layer])
    print(f"import app.py: median {statistics.median(timings) * 1000:.0f} ms over {args.runs} fresh interpreters")
    print("  runs (ms): " + ", ".join(f"{t * 1000:.0f}" for t in timings))
    total = (code + deps) / 1e6
    print(f"package unzipped: {total:.1f} MB (code {code / 1e6:.2f} MB, dependency layer {deps / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
