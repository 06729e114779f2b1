"""local/ (the embedded stack) is never shipped: nothing that is deployed or that describes
the deployment imports it, not even inside a function or under TYPE_CHECKING.

local/ may import chalicelib and infra (it imitates the deployed stack from the same
definitions); the other way round, the Lambda package or `cdk deploy` would need a module
that is not there.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOYED = ("app.py", "chalicelib", "functions", "infra", "layers")
SKIPPED_PARTS = {"node_modules", "cdk.out", "build", "__pycache__", ".chalice"}


def imported_modules(source: str, module: str) -> set[str]:
    """Every module `source` (the module named `module`) imports, wherever the import sits."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".")[: -node.level]
                base = ".".join([*package, node.module] if node.module else package)
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def imports_local(modules: set[str]) -> set[str]:
    return {name for name in modules if name == "local" or name.startswith("local.")}


def deployed_files() -> list[Path]:
    files: list[Path] = []
    for name in DEPLOYED:
        path = ROOT / name
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    # Installed or built trees (infra/node_modules carries CDK's templated .py files) are not ours.
    return [file for file in files if not SKIPPED_PARTS.intersection(file.relative_to(ROOT).parts)]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_nothing_deployed_imports_local() -> None:
    files = deployed_files()
    assert len(files) > 100, "the scan found the sources"
    offenders = {
        str(path.relative_to(ROOT)): sorted(found)
        for path in files
        if (found := imports_local(imported_modules(path.read_text(encoding="utf-8"), module_name(path))))
    }
    assert offenders == {}


def test_the_scan_sees_imports_inside_functions_and_type_checking_blocks() -> None:
    source = """
from typing import TYPE_CHECKING
import localisation
if TYPE_CHECKING:
    from local.lambda_runtime import LocalLambdaContext
def later():
    import local.stack
    from local import resources
"""
    found = imports_local(imported_modules(source, "chalicelib.example"))

    assert found == {
        "local.lambda_runtime",
        "local.lambda_runtime.LocalLambdaContext",
        "local.stack",
        "local",
        "local.resources",
    }
    assert imports_local(imported_modules("from .. import local", "pkg.sub.mod")) == set()
    assert imports_local(imported_modules("from .. import local", "local.sub.mod")) == {"local", "local.local"}
