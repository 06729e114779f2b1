"""The layers of docs/architecture.md hold: api → domain → store → aws, activitypub beside the
domain, nothing upward, no import cycle, and no AWS client above the store."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.architecture.import_graph import Edge, cycles, graph, layer_of, source_files, upward_imports

ROOT = Path(__file__).resolve().parents[2]
TOPS = ("app", "chalicelib", "functions")

# Exceptions to the rules: none. Should one ever be needed, list it here with its reason; the
# test fails when a listed one is fixed, so the lists can only shrink.
KNOWN_UPWARD: set[str] = set()
KNOWN_CYCLES: list[list[str]] = []

KNOWN_AWS_ABOVE_STORE: list[str] = []


@pytest.fixture(scope="module")
def project() -> tuple[set[str], list[Edge]]:
    return graph(ROOT, TOPS)


def test_every_module_has_a_layer(project: tuple[set[str], list[Edge]]) -> None:
    modules, _ = project
    assert [module for module in sorted(modules) if layer_of(module) is None] == []


def test_nothing_imports_upward(project: tuple[set[str], list[Edge]]) -> None:
    _, edges = project
    found = {line.split(":")[0] + " → " + line.rsplit(" imports ", 1)[1] for line in upward_imports(edges)}
    assert sorted(found - KNOWN_UPWARD) == [], "upward imports (see docs/architecture.md, Layers)"
    assert sorted(KNOWN_UPWARD - found) == [], "fixed: remove these from KNOWN_UPWARD"


def test_no_import_cycles(project: tuple[set[str], list[Edge]]) -> None:
    modules, edges = project
    assert cycles(modules, edges) == KNOWN_CYCLES


def test_api_and_domain_reach_no_aws_client() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in source_files(ROOT, ("chalicelib/api", "chalicelib/domain"))
        for line, name in aws_client_imports(path.read_text())
    ]
    assert sorted(set(offenders)) == KNOWN_AWS_ABOVE_STORE


def aws_client_imports(source: str) -> list[tuple[int, str]]:
    """Each AWS client library (boto3, botocore, the mypy_boto3_* stubs) or chalicelib.aws that
    `source` imports, with its line, wherever the import stands (module top, inside a function,
    under TYPE_CHECKING). The libraries are not in the import graph, which keeps Cirrus's own
    modules only, so they are looked for by name; a relative import of chalicelib.aws is an
    upward import, which the graph sees."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from chalicelib import aws` imports chalicelib.aws; `from boto3 import x`, boto3.
            inner = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [node.module] if _reaches_aws(node.module) else inner
        else:
            continue
        found += [(node.lineno, name) for name in names if _reaches_aws(name)]
    return found


def _reaches_aws(name: str) -> bool:
    top = name.split(".", maxsplit=1)[0]
    return top in {"boto3", "botocore"} or top.startswith("mypy_boto3_") or f"{name}.".startswith("chalicelib.aws.")


# The checker itself: it must see what it is meant to see, or the tests above prove nothing.


def _tree(tmp_path: Path, files: dict[str, str]) -> tuple[set[str], list[Edge]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return graph(tmp_path, ("chalicelib",))


def test_the_checker_sees_an_upward_import_inside_a_function(tmp_path: Path) -> None:
    _, edges = _tree(
        tmp_path,
        {
            "chalicelib/__init__.py": "",
            "chalicelib/store/__init__.py": "",
            "chalicelib/store/videos.py": "def f():\n    from chalicelib.domain import videos\n",
            "chalicelib/domain/__init__.py": "",
            "chalicelib/domain/videos.py": "from chalicelib.store import videos\n",
        },
    )
    assert upward_imports(edges) == ["chalicelib.store.videos:2 (store) imports chalicelib.domain.videos (domain)"]


def test_the_checker_sees_domain_importing_activitypub_under_type_checking(tmp_path: Path) -> None:
    _, edges = _tree(
        tmp_path,
        {
            "chalicelib/__init__.py": "",
            "chalicelib/activitypub/__init__.py": "",
            "chalicelib/activitypub/send.py": "",
            "chalicelib/domain/__init__.py": "",
            "chalicelib/domain/comments.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..activitypub import send\n"
            ),
        },
    )
    assert upward_imports(edges) == [
        "chalicelib.domain.comments:3 (domain) imports chalicelib.activitypub.send (activitypub)"
    ]


def test_the_checker_finds_a_cycle_hidden_by_a_lazy_import(tmp_path: Path) -> None:
    modules, edges = _tree(
        tmp_path,
        {
            "chalicelib/__init__.py": "",
            "chalicelib/store/__init__.py": "",
            "chalicelib/store/a.py": "from chalicelib.store.b import x\n",
            "chalicelib/store/b.py": "x = 1\ndef f():\n    from chalicelib.store import a\n",
        },
    )
    assert cycles(modules, edges) == [["chalicelib.store.a", "chalicelib.store.b"]]


def test_the_aws_check_sees_imports_wherever_they_hide() -> None:
    source = """
from typing import TYPE_CHECKING
from chalicelib import config, aws
if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
def later():
    import boto3.session
    from botocore.exceptions import ClientError
    from chalicelib.store import queues as named_senders
"""
    assert sorted(aws_client_imports(source)) == [
        (3, "chalicelib.aws"),
        (5, "mypy_boto3_s3"),
        (7, "boto3.session"),
        (8, "botocore.exceptions"),
    ]
    assert aws_client_imports("from chalicelib.store import media, uploads_bucket\nimport chalicelib.config") == []
    assert aws_client_imports("import chalicelib.aws_helpers\nfrom chalicelib.awsome import x") == []
