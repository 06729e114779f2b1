"""The API and the domain reach AWS only through the store's ports: no module under
chalicelib/api or chalicelib/domain imports boto3, botocore or chalicelib.aws, nor the raw
queue sender, wherever the import sits (module top, inside a function, under
TYPE_CHECKING)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("chalicelib/api", "chalicelib/domain")
FORBIDDEN = ("boto3", "botocore", "mypy_boto3_", "chalicelib.aws", "chalicelib.queues")


def forbidden_imports(source: str) -> list[str]:
    """Every forbidden module `source` imports, anywhere in its tree."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from chalicelib import aws` imports chalicelib.aws; `from boto3 import x`, boto3.
            inner = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [node.module] if _is_forbidden(node.module) else inner
        else:
            continue
        found += [name for name in names if _is_forbidden(name)]
    return found


def _is_forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad if bad.endswith("_") else bad + ".") for bad in FORBIDDEN)


def test_api_and_domain_reach_aws_only_through_the_store() -> None:
    offenders = {}
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            name = str(path.relative_to(ROOT))
            found = forbidden_imports(path.read_text())
            if found:
                offenders[name] = found
    assert offenders == {}


def test_the_check_sees_imports_wherever_they_hide() -> None:
    source = """
from typing import TYPE_CHECKING
from chalicelib import config, aws
if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
def later():
    import boto3.session
    from botocore.exceptions import ClientError
    from chalicelib import queues
    from chalicelib.store import queues as named_senders
"""
    assert forbidden_imports(source) == [
        "chalicelib.aws",
        "mypy_boto3_s3",
        "boto3.session",
        "botocore.exceptions",
        "chalicelib.queues",
    ]
    assert forbidden_imports("from chalicelib.store import media, uploads_bucket\nimport chalicelib.config") == []
