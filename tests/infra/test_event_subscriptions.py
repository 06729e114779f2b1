"""Every deployed function that can emit a domain event has federation's subscribers once its
entry module is imported: a Lambda that forgot `subscriptions.register()` would drop its
activities without a word (domain/events.py: no subscriber, nothing happens).

"Can emit" is read from the code: the entry module reaches, through any import that runs
(inside functions too; not those under TYPE_CHECKING), a module that calls `events.emit`.
The entries are the handlers template.yaml deploys. Each is imported in a fresh interpreter,
since this one has long registered everything.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import pytest

from tests.infra.conftest import ROOT, TEMPLATE, load_template

PACKAGES = ("chalicelib", "functions")


@cache
def module_files() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(nodes: list[ast.stmt]) -> list[ast.AST]:
    """Every node of `nodes`, without the bodies of `if TYPE_CHECKING:` (never run)."""
    found: list[ast.AST] = []
    pending: list[ast.AST] = list(nodes)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
            continue
        found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found


@cache
def runtime_imports(module: str) -> frozenset[str]:
    """The project's modules that `module` imports when it runs."""
    known = module_files()
    names: set[str] = set()
    for node in _runtime_nodes(ast.parse(known[module].read_text()).body):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(found for name in names if (found := _known_prefix(name, known))) - {module}


def _known_prefix(name: str, known: dict[str, Path]) -> str:
    """The project module `name` is (or is inside: `from a.b import f` names a.b.f); "" if none."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def _emits(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            call = node.func
            if isinstance(call, ast.Attribute) and call.attr == "emit" and getattr(call.value, "id", "") == "events":
                return True
    return False


@cache
def emitters() -> frozenset[str]:
    return frozenset(name for name, path in module_files().items() if _emits(path))


def reachable(entry: str) -> set[str]:
    seen: set[str] = set()
    pending = [entry]
    while pending:
        module = pending.pop()
        if module not in seen:
            seen.add(module)
            pending.extend(runtime_imports(module))
    return seen


def deployed_entries() -> list[str]:
    resources = load_template(TEMPLATE.read_text())["Resources"]
    handlers = {
        str(resource["Properties"]["Handler"])
        for resource in resources.values()
        if resource["Type"] == "AWS::Serverless::Function" and "Handler" in resource.get("Properties", {})
    }
    return sorted({handler.rpartition(".")[0] for handler in handlers})


def emitting_entries() -> list[str]:
    return [entry for entry in deployed_entries() if reachable(entry) & emitters()]


def unsubscribed_after_import(module: str) -> list[str]:
    """The event types nobody subscribed to once `module` is imported in a fresh interpreter."""
    probe = textwrap.dedent(
        """
        import importlib, sys
        importlib.import_module(sys.argv[1])
        from chalicelib.domain import events
        print(" ".join(t.__name__ for t in events.EVENT_TYPES if not events.subscribers(t)))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, module], check=False, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_scan_finds_the_emitters_and_the_entries_that_reach_them() -> None:
    assert {"chalicelib.domain.comments", "chalicelib.api.views", "chalicelib.domain.transcoding"} <= emitters()
    entries = emitting_entries()
    assert {"app", "functions.transcoder.handler", "functions.work.handler", "functions.federation.inbox"} <= set(
        entries
    )
    assert "functions.federation.deliver" not in entries  # sends what others built; emits nothing


# Events whose subscriber is still to come: LiveStateChanged is for the realtime channel's
# `state-change` (/live-videos), which subscribes when it is merged; remove it from here then.
AWAITING_SUBSCRIBER = frozenset({"LiveStateChanged"})


@pytest.mark.parametrize("entry", emitting_entries())
def test_each_function_that_can_emit_has_the_subscribers_after_import(entry: str) -> None:
    missing = [name for name in unsubscribed_after_import(entry) if name not in AWAITING_SUBSCRIBER]
    assert missing == [], f"{entry} must call subscriptions.register() at import"


def test_a_module_that_does_not_register_is_caught() -> None:
    missing = unsubscribed_after_import("chalicelib.domain.comments")
    assert "CommentPosted" in missing
