"""Cold-start figures of the API function: import time of app.py and package size.

    python bench/coldstart.py [--runs 7] [--no-build] [--reference DIR --reference-layer DIR ...]

Import time is measured in fresh interpreters (the median of --runs), with the layers the API
function carries first on sys.path as in Lambda, and printed as a ratio to a bare Chalice app
(one route) imported the same way in the same run, so that the machine's load cancels out; the
checkouts' runs are interleaved, and both the wall time and the interpreter's CPU time are
printed (on a shared machine the CPU time's ratio is the steadier one). Size is the unzipped function code (app.py
and chalicelib/) plus those layers. With `--reference` (another checkout, e.g. main) and
`--reference-layer` once per layer its API function carries (each built with that checkout's
own layers/dependencies/build.py, in the order its template lists them), the same figures are
printed for it. Goals (issue #24): under 150 ms (as a ratio), under 30 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from layers.dependencies.build import build, output_of  # noqa: E402

# Each probe prints the import's wall time and the CPU time the interpreter spent in it: on a
# machine shared with other work, wall time also counts the waits for a core, CPU time not.
PROBE = (
    "import time; t, c = time.perf_counter(), time.process_time(); import {module}; "
    "print(time.perf_counter() - t, time.process_time() - c)"
)
APP_PROBE = PROBE.format(module="app")
BARE_APP = """from chalice import Chalice

app = Chalice(app_name="bare")


@app.route("/")
def index():
    return {}
"""
BARE_PROBE = PROBE.format(module="bare_app")
CODE_PATHS = ("app.py", "chalicelib")
# What the API function carries (template.yaml: the global layer, then FederationLayer).
API_LAYERS = ("dependencies", "federation")


@dataclass
class Subject:
    """One checkout and the layers its API function carries, with its timings (seconds)."""

    name: str
    code: Path
    layers: list[Path]
    app: list[tuple[float, float]] = field(default_factory=list)  # (wall, CPU) per run
    bare: list[tuple[float, float]] = field(default_factory=list)


def import_seconds(cwd: Path, code: Path, layers: list[Path], probe: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one import in a fresh interpreter."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(code), *map(str, layers)]),
        "PYTHONDONTWRITEBYTECODE": "",
        "AWS_REGION": "us-east-1",
    }
    out = subprocess.run([sys.executable, "-c", probe], env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(out.stderr)
    wall, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def run_interleaved(subjects: list[Subject], bare: Path, runs: int) -> None:
    """Each run imports every subject's app and bare app in turn, so that a change of the
    machine's load falls on all of them alike. A first run compiles the bytecode (as Lambda's
    package would ship it) and is not counted."""
    for run in range(runs + 1):
        for subject in subjects:
            app = import_seconds(subject.code, subject.code, subject.layers, APP_PROBE)
            bare_app = import_seconds(bare, bare, subject.layers, BARE_PROBE)
            if run:
                subject.app.append(app)
                subject.bare.append(bare_app)


def size_bytes(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        total += sum(f.stat().st_size for f in files if "__pycache__" not in f.parts)
    return total


def report(subject: Subject) -> tuple[float, float]:
    """Print one checkout's figures; (wall ratio, CPU ratio) of its import to the bare app's."""
    ratios = []
    for kind, index in (("wall", 0), ("CPU", 1)):
        app_ms = statistics.median(t[index] for t in subject.app) * 1000
        bare_ms = statistics.median(t[index] for t in subject.bare) * 1000
        ratios.append(app_ms / bare_ms)
        print(f"[{subject.name}] import app.py, {kind}: median {app_ms:.0f} ms; a bare Chalice app: {bare_ms:.0f} ms; "
              f"ratio {app_ms / bare_ms:.2f}x (over {len(subject.app)} fresh interpreters each)")  # fmt: skip
    print(f"[{subject.name}]   app runs, wall (ms): " + ", ".join(f"{t[0] * 1000:.0f}" for t in subject.app))
    code_size = size_bytes([subject.code / p for p in CODE_PATHS])
    layer_sizes = [size_bytes([layer]) for layer in subject.layers]
    total = (code_size + sum(layer_sizes)) / 1e6
    layers_text = ", ".join(
        f"{layer.parent.name} {size / 1e6:.1f} MB" for layer, size in zip(subject.layers, layer_sizes, strict=True)
    )
    print(f"[{subject.name}] package unzipped: {total:.1f} MB (code {code_size / 1e6:.2f} MB; {layers_text})")
    return ratios[0], ratios[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-build", action="store_true", help="reuse the layers already built")
    parser.add_argument("--reference", type=Path, help="another checkout to measure too (e.g. /work/main)")
    parser.add_argument(
        "--reference-layer",
        type=Path,
        action="append",
        help="a layer that checkout's API function carries (its python/ directory); once per layer",
    )
    args = parser.parse_args()

    layers = [output_of(name) / "python" if args.no_build else build(output_of(name), name) for name in API_LAYERS]
    subjects = [Subject("this", ROOT, layers)]
    if args.reference:
        subjects.insert(0, Subject("reference", args.reference.resolve(), args.reference_layer or layers))
    with tempfile.TemporaryDirectory() as bare_dir:
        bare = Path(bare_dir)
        (bare / "bare_app.py").write_text(BARE_APP)
        run_interleaved(subjects, bare, args.runs)
    results = {subject.name: report(subject) for subject in subjects}
    # The goal is 150 ms where this app imported in 199 ms (the run): as a ratio to the
    # bare app, at most 150/199 of the reference's ratio in the same run.
    if "reference" in results:
        for index, kind in enumerate(("wall", "CPU")):
            this_ratio, reference_ratio = results["this"][index], results["reference"][index]
            goal = reference_ratio * 150 / 199
            print(f"{kind}: this/reference {this_ratio / reference_ratio:.2f}x; goal (150 ms against the "
                  f"reference's 199 ms): ratio at most {goal:.2f}x; this: {this_ratio:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
