"""Build a Python dependency layer: `python layers/dependencies/build.py [--layer NAME] [--output DIR]`.

`dependencies` (requirements.txt) is every function's; `federation`
(layers/federation/requirements.txt: JSON-LD, for Linked Data signatures) and `work`
(layers/work/requirements.txt: video imports, Web Push) are carried only by the functions that
use them, so the API function's package and cold start leave them out.

With a `plugins.txt` at the repository's root (pip requirement lines: local paths such as
`./plugins/title-filter`, or pinned package names), its server plugins are installed into
the `dependencies` layer, where their `cirrus.plugins` entry points are found
(docs/plugins.md). Plugins must be pure Python: they are built here, not for Lambda's
platform, and their dependencies are not resolved (list them in plugins.txt too)."""

from __future__ import annotations

import argparse
import compileall
import py_compile
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = ROOT / "build" / "layers" / "dependencies"
# Each layer's requirements; every layer is written to build/layers/<name>/python.
REQUIREMENTS = {
    "dependencies": ROOT / "requirements.txt",
    "federation": ROOT / "layers" / "federation" / "requirements.txt",
    "work": ROOT / "layers" / "work" / "requirements.txt",
    "images": ROOT / "layers" / "images" / "requirements.txt",
}
PLUGINS_FILE = ROOT / "plugins.txt"
LAMBDA_PLATFORM = "manylinux2014_x86_64"
LAMBDA_PYTHON = "3.11"
# The Chalice runtime is this module alone; the rest of the package is its CLI.
CHALICE_RUNTIME_FILES = ("__init__.py", "app.py", "py.typed")
# Pillow modules Cirrus never uses (AVIF, fonts, colour profiles, Tk) and the
# libraries only they load: about 11 MB of the 23 MB wheel.
PILLOW_UNUSED = ("PIL/_avif.*", "PIL/_imagingft.*", "PIL/_imagingcms.*", "PIL/_imagingtk.*")
PILLOW_UNUSED_LIBS = ("libavif-*", "libfreetype-*", "libharfbuzz-*", "liblcms2-*", "libbrotli*", "libpng16-*")
# pyld imports lxml.html (lxml.etree beneath it) and nothing else of lxml: objectify, the C
# headers and the Cython sources are about 4 MB of its 11.
LXML_UNUSED = ("lxml/objectify.*", "lxml/*.pyx", "lxml/*.pxi", "lxml/*.pxd", "lxml/*.h")
LXML_UNUSED_DIRS = ("lxml/includes", "lxml/isoschematron")


# Powertools parts Cirrus never imports (it uses Logger, Metrics, batch and data_classes):
# the REST event handler alone is 2.2 MB.
POWERTOOLS_UNUSED = (
    "event_handler",
    "utilities/parser",
    "utilities/idempotency",
    "utilities/validation",
    "utilities/feature_flags",
    "utilities/streaming",
    "utilities/parameters",
    "utilities/kafka",
    "utilities/data_masking",
    "utilities/circuit_breaker",
    "utilities/auth_alpha",
)


def output_of(layer: str) -> Path:
    return ROOT / "build" / "layers" / layer


def build(output: Path = DEFAULT_OUTPUT, layer: str = "dependencies", plugins_file: Path = PLUGINS_FILE) -> Path:
    """Install `layer`'s requirements into `output/python` for Lambda (and, for `dependencies`,
    plugins.txt's plugins if there is one); return that directory."""
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
            str(REQUIREMENTS[layer]),
        ],
        check=True,
    )
    if layer == "dependencies":
        if plugins_file.exists():
            install_plugins(target, plugins_file)
        _trim_chalice(target / "chalice")
        for unused in POWERTOOLS_UNUSED:
            shutil.rmtree(target / "aws_lambda_powertools" / unused, ignore_errors=True)
        shutil.rmtree(target / "cffi", ignore_errors=True)  # _cffi_backend stays: cryptography loads it
    if layer == "federation":
        _trim_lxml(target)
    if layer == "images":
        _trim_pillow(target)
    for cache in target.rglob("__pycache__"):
        shutil.rmtree(cache)
    strip_extensions(target)
    compile_bytecode(target)
    return target


def compile_bytecode(directory: Path) -> bool:
    """Write every module's bytecode beside it (`__pycache__/`), for Lambda's Python. Lambda's
    code and layers are read-only: without it, every cold start compiles every module it imports
    from source (the API function's import took twice the CPU, bench/coldstart.py). Unchecked
    hash-based files (PEP 552) are used as they are, whatever the files' times after unzipping:
    a package is never edited in place, it is rebuilt. Only this interpreter's version can be
    written; another than Lambda's would only add files Lambda ignores, so none are then.
    Returns whether every module compiled."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" != LAMBDA_PYTHON:
        print(f"Python {LAMBDA_PYTHON} is Lambda's: no bytecode shipped from {sys.version}", file=sys.stderr)
        return False
    return bool(
        compileall.compile_dir(
            directory,
            quiet=2,
            # Paths relative to the package, not the build's directory: the same sources make
            # the same files (a deploy sees no change), and the import names the real path.
            stripdir=str(directory),
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            workers=1,
        )
    )


def strip_extensions(target: Path) -> int:
    """Strip the symbol tables some wheels ship in their extension modules (cryptography's Rust
    core, Pillow's, nh3's: about 6 MB of the dependency layer); Lambda never reads them. A file
    is replaced only when stripping made it smaller: the libraries auditwheel relocated
    (`*.libs/`) are already stripped and would only grow. Returns the bytes saved; none
    without binutils' `strip` (the layer then works, larger)."""
    strip = shutil.which("strip")
    if strip is None:
        print("strip not found: the layer's extension modules keep their symbols", file=sys.stderr)
        return 0
    saved = 0
    with tempfile.TemporaryDirectory() as scratch:
        for module in sorted(target.rglob("*.so")):
            if module.is_symlink() or module.parent.name.endswith(".libs"):
                continue
            copy = Path(scratch) / module.name
            shutil.copy2(module, copy)
            subprocess.run([strip, "--strip-unneeded", str(copy)], check=True)
            if copy.stat().st_size < module.stat().st_size:
                saved += module.stat().st_size - copy.stat().st_size
                shutil.move(copy, module)
    return saved


def install_plugins(target: Path, plugins_file: Path) -> None:
    """The plugins `plugins_file` names, into `target`, with their dist-info (entry points).
    Relative paths are read from the file's directory; no build isolation, so building a
    local plugin needs no index. A local plugin is built from a copy: setuptools writes its
    build/ and egg-info beside the sources, and two builds of one plugin at once (two layers,
    two test workers) would take each other's files away."""
    with tempfile.TemporaryDirectory(prefix="cirrus-plugins-") as scratch:
        copied = _with_local_copies(plugins_file, Path(scratch))
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
                str(copied),
            ],
            check=True,
            cwd=plugins_file.resolve().parent,
        )


def _with_local_copies(plugins_file: Path, scratch: Path) -> Path:
    """`plugins_file` again, in `scratch`, each local plugin directory it names replaced by a
    copy of it there (without a build left over)."""
    base = plugins_file.resolve().parent
    lines = []
    for number, line in enumerate(plugins_file.read_text().splitlines()):
        named = line.split("#", 1)[0].strip()
        source = base / named if named.startswith((".", "/")) else None
        if source is not None and source.is_dir():
            copy = scratch / f"{number}-{source.name}"
            shutil.copytree(source, copy, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
        lines.append(str(copy) if source is not None and source.is_dir() else line)
    copied = scratch / "plugins.txt"
    copied.write_text("\n".join(lines) + "\n")
    return copied


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


def _trim_lxml(target: Path) -> None:
    for pattern in LXML_UNUSED:
        for path in target.glob(pattern):
            path.unlink()
    for directory in LXML_UNUSED_DIRS:
        shutil.rmtree(target / directory, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layer", choices=sorted(REQUIREMENTS), default="dependencies")
    parser.add_argument("--output", type=Path, help="default: build/layers/<layer>")
    args = parser.parse_args()
    print(build(args.output or output_of(args.layer), args.layer))


if __name__ == "__main__":
    main()
