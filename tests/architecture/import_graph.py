"""The import graph of Cirrus's own code, and the layer rules it must follow.

Every import counts: at module level, inside functions and under ``TYPE_CHECKING``. A lazy
import keeps the cold start light, but it is still a dependency, and an upward one is still a
layering mistake (the architecture review found five cycles that only lazy imports hid).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

# Top to bottom. A module may import its own layer and the layers its row names, nothing else.
# "base" is the few modules every layer may use (settings, errors, logging, failpoints).
LAYERS: dict[str, frozenset[str]] = {
    "entry": frozenset({"api", "activitypub", "domain", "plugins", "store", "media", "aws", "base"}),
    "api": frozenset({"activitypub", "domain", "plugins", "store", "media", "base"}),
    "activitypub": frozenset({"domain", "plugins", "store", "media", "aws", "base"}),
    "domain": frozenset({"plugins", "store", "media", "base"}),
    # Server plugins' registry and runner (chalicelib/plugins): used by the layers above,
    # it reads and writes its own items through the store and knows no use case.
    "plugins": frozenset({"store", "base"}),
    "store": frozenset({"media", "aws", "base"}),
    "media": frozenset({"base"}),
    "aws": frozenset({"base"}),
    "base": frozenset(),
}

# Longest prefix wins. Modules of chalicelib/ or functions/ missing here fail the test, so
# that a new top-level module has to be given a place.
PLACES: dict[str, str] = {
    "app": "entry",
    "functions": "entry",
    # What the deployment is made of (queues, schedules, triggers and the handlers they run):
    # read by infra/ and local/, imported by no function.
    "chalicelib.deploy_specs": "entry",
    # Every subscriber of the domain events (federation's and notifications'), registered by
    # each entry point.
    "chalicelib.subscribers": "entry",
    "chalicelib.api": "api",
    "chalicelib.routing": "api",
    "chalicelib.activitypub": "activitypub",
    "chalicelib.domain": "domain",
    "chalicelib.plugins": "plugins",
    "chalicelib.store": "store",
    "chalicelib.media": "media",
    "chalicelib.aws": "aws",
    "chalicelib": "base",
}


@dataclass(frozen=True)
class Edge:
    """One import: ``importer`` names ``imported`` at ``line`` of its file."""

    importer: str
    imported: str
    line: int


def module_name(path: Path, root: Path) -> str:
    """``chalicelib/store/videos.py`` → ``chalicelib.store.videos``; packages by their folder."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root: Path, tops: Iterable[str]) -> Iterator[Path]:
    """The Python files of the named top-level packages or modules under ``root``."""
    for top in tops:
        single = root / f"{top}.py"
        if single.is_file():
            yield single
        folder = root / top
        if folder.is_dir():
            yield from sorted(folder.rglob("*.py"))


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = importer.split(".") if is_package else importer.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: Path, root: Path) -> Iterator[Edge]:
    """Every module ``path`` imports, wherever the import statement stands."""
    importer = module_name(path, root)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Edge(importer, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, importer, is_package)
            for alias in node.names:
                # `from chalicelib import aws` names a module; `from x.y import f` names x.y.
                yield Edge(importer, f"{target}.{alias.name}", node.lineno)


def graph(root: Path, tops: Iterable[str]) -> tuple[set[str], list[Edge]]:
    """The project's modules, and the imports between them (third-party imports left out)."""
    files = list(source_files(root, tops))
    modules = {module_name(path, root) for path in files}
    edges: list[Edge] = []
    for path in files:
        for edge in imports_of(path, root):
            target = _resolve(edge.imported, modules)
            if target is not None and target != edge.importer:
                edges.append(Edge(edge.importer, target, edge.line))
    return modules, edges


def _resolve(name: str, modules: set[str]) -> str | None:
    """The longest known module that ``name`` starts with (``pkg.mod.func`` → ``pkg.mod``)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def layer_of(module: str, places: Mapping[str, str] = PLACES) -> str | None:
    """The layer ``module`` belongs to, by the longest matching prefix of ``places``."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        place = places.get(".".join(parts[:end]))
        if place is not None:
            return place
    return None


def upward_imports(
    edges: Iterable[Edge],
    places: Mapping[str, str] = PLACES,
    layers: Mapping[str, frozenset[str]] = LAYERS,
) -> list[str]:
    """Each import that crosses into a layer its importer may not use, as a readable line."""
    found = []
    for edge in edges:
        source, target = layer_of(edge.importer, places), layer_of(edge.imported, places)
        if source is None or target is None or source == target:
            continue
        if target not in layers[source]:
            found.append(f"{edge.importer}:{edge.line} ({source}) imports {edge.imported} ({target})")
    return sorted(found)


def cycles(modules: Iterable[str], edges: Iterable[Edge]) -> list[list[str]]:
    """The strongly connected groups of two or more modules (Tarjan), each sorted."""
    successors: dict[str, set[str]] = {module: set() for module in modules}
    for edge in edges:
        successors.setdefault(edge.importer, set()).add(edge.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative, so that a long import chain cannot hit Python's recursion limit.
        work = [(start, iter(sorted(successors[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(successors.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))

    for module in sorted(successors):
        if module not in index:
            visit(module)
    return sorted(groups)
