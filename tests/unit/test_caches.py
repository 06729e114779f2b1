"""Every process cache of chalicelib/ and functions/ is emptied by `caches.reset_all()`.

A module-level cache is found by reading the source: a module-level function under
`functools.cache`/`lru_cache`, or a private module-level name (`_x`, not a CONSTANT) bound to
a dict, list or set, or to an object built at import. Each must belong to a module that
registers a reset with chalicelib/caches.py, or be listed in NO_RESET with the reason it
cannot leak one test's AWS into the next. A new cache fails this test until it is one or
the other.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from typing import Any

from chalicelib import caches

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("app.py", "chalicelib", "functions")

NO_RESET = {
    ("chalicelib.activitypub.contexts", "_load"): "JSON-LD context files shipped with the code",
    ("chalicelib.activitypub.contexts", "_peertube_contexts"): "JSON-LD context files shipped with the code",
    ("chalicelib.activitypub.contexts", "_union"): "JSON-LD context files shipped with the code",
    ("chalicelib.activitypub.contexts", "_reading"): "JSON-LD context files shipped with the code",
    ("chalicelib.activitypub.signatures.crypto", "public_key"): "a key parsed from its PEM text, which says it all",
    ("chalicelib.activitypub.signatures.crypto", "private_key"): "a key parsed from its PEM text, which says it all",
    ("chalicelib.activitypub.net.transport", "_default_tls_context"): "the system's CAs; tests swap `tls_context`",
    ("chalicelib.domain.reference_data", "load"): "reference data files shipped with the code",
    (
        "chalicelib.plugins.constants",
        "base",
    ): "PeerTube's reference tables shipped with the code (plugins' changes are kept apart)",
    ("chalicelib.domain.notifications.web_push", "_private_pem"): "keyed by the sealed text: another key seals another",
    ("chalicelib.domain.text_match", "word_trigrams"): "a pure function of its argument",
    ("chalicelib.domain.comment_text", "_markdown"): "a configured parser that keeps nothing",
    ("chalicelib.domain.browse", "_orders"): "kept per catalogue version, and versions never repeat in a process",
    ("chalicelib.domain.browse", "_results"): "kept per catalogue version, and versions never repeat in a process",
    ("chalicelib.domain.browse", "_features"): "kept per item and change stamp, and stamps never repeat",
    ("chalicelib.store.catalog", "_versions"): "must keep growing: the caches above are keyed by it",
    ("chalicelib.store.catalog_items", "_plans"): "how each model class is read: made from the code, no data",
    ("chalicelib.store.models.catalogued", "_clock"): "change stamps must keep growing in a process",
    ("chalicelib.caches", "_resets"): "the registry of resets itself",
    ("chalicelib.domain.watched_words", "_pattern"): "a pure function of its argument (the words)",
    ("chalicelib.domain.automatic_tags", "_link_finders"): "patterns of the code, compiled on first use",
    ("chalicelib.store.queues", "_refused_by_sqs"): "a pattern of the code, compiled on first use",
    ("chalicelib.aws", "_boto3_session"): "parsed service models and endpoint rules: no endpoint, region or data",
    ("chalicelib.store.realtime", "_ports"): "wiring: the pusher the process was started with (the local stack's)",
    ("chalicelib.domain.realtime", "_runner_lookups"): "wiring: how runner tokens are found, set once at start",
    ("chalicelib.domain.events", "_subscribers"): (
        "wiring made once per process (subscriptions.register), not data; tests isolate with events.isolated()"
    ),
    ("functions.entry", "_done"): "what ran once per execution environment; a second run would repeat it",
    ("chalicelib.observability", "_metrics_lock"): "a lock, which holds no data",
    ("chalicelib.activitypub.net.alarms", "_heap"): "watchdog deadlines of requests in flight, nothing read from AWS",
    ("chalicelib.activitypub.net.alarms", "_order"): "a counter that orders equal deadlines",
    ("chalicelib.activitypub.net.alarms", "_wake"): "a condition, which holds no data",
    ("functions.federation.deliver", "_sender"): "sending threads and in-flight counts per host, nothing read from AWS",
}


def _is_cache_decorator(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name in ("cache", "lru_cache")


def _holds_state(value: ast.expr | None) -> bool:
    containers = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp, ast.Call)
    return isinstance(value, containers)


def module_caches(source: str) -> set[str]:
    """The names of the module-level caches `source` defines."""
    found: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and any(_is_cache_decorator(d) for d in node.decorator_list):
            found.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and _holds_state(node.value):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found.update(
                target.id
                for target in targets
                if isinstance(target, ast.Name)
                and target.id.startswith("_")
                and not target.id.startswith("__")
                and not target.id.isupper()
            )
    return found


def all_caches() -> dict[tuple[str, str], Path]:
    found: dict[tuple[str, str], Path] = {}
    for name in SCANNED:
        path = ROOT / name
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            module = ".".join(file.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            for cache in module_caches(file.read_text(encoding="utf-8")):
                found[(module, cache)] = file
    return found


def _module_of(reset: Any) -> str | None:
    owner = getattr(reset, "__self__", None)  # a functools cache's cache_clear
    return getattr(owner, "__module__", None) if owner is not None else getattr(reset, "__module__", None)


def test_the_scan_finds_the_kinds_of_cache() -> None:
    source = """
import functools
from functools import cache, lru_cache
CONSTANT = {}
_TABLE = {"a": 1}
_seen: dict[str, int] = {}
_ids = []
_state = State()
public = {}
__all__ = ["x"]
@functools.cache
def a(): ...
@cache
def b(): ...
@lru_cache(maxsize=4)
def c(x): ...
def d(): ...
"""
    assert module_caches(source) == {"_seen", "_ids", "_state", "a", "b", "c"}


def test_every_module_level_cache_is_reset_by_reset_all_or_says_why_not() -> None:
    found = all_caches()
    assert len({module for module, _ in found}) > 10, "the scan found the caches"
    stale = sorted(key for key in NO_RESET if key not in found)
    assert stale == [], "NO_RESET names caches that are gone"

    unregistered = []
    for module, name in sorted(found):
        if (module, name) in NO_RESET:
            continue
        importlib.import_module(module)
        if module not in {_module_of(reset) for reset in caches.registered()}:
            unregistered.append(f"{module}.{name}")
    assert unregistered == [], "register a reset with chalicelib.caches, or say why not in NO_RESET"


def test_reset_all_empties_the_registered_dicts_and_function_caches() -> None:
    checked = 0
    for module_name, name in sorted(all_caches()):
        if (module_name, name) in NO_RESET:
            continue
        holder = getattr(importlib.import_module(module_name), name)
        if isinstance(holder, dict):
            holder[object()] = None
        elif hasattr(holder, "cache_info") and not inspect.signature(holder).parameters:
            holder()  # a cache of one value: filled by one call
        else:
            continue
        caches.reset_all()
        size = holder.cache_info().currsize if hasattr(holder, "cache_info") else len(holder)
        assert size == 0, f"{module_name}.{name} kept {size} entries"
        checked += 1
    assert checked >= 5
