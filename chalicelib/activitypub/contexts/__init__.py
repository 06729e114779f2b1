"""JSON-LD contexts: PeerTube's per-type `@context` values and a local cache of the documents they name.

The cache answers pyld's document loader, so compacting or canonicalising a document never goes
over the network (a Lambda has no business fetching w3.org on the hot path, and an attacker-chosen
context URL must not make us fetch anything). Where each file comes from: README.md beside this file.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).parent

# The remote documents federation needs, by the URL they are referenced with.
CACHED_DOCUMENTS: dict[str, str] = {
    "https://www.w3.org/ns/activitystreams": "activitystreams.jsonld",
    "https://w3id.org/security/v1": "security-v1.jsonld",
    "https://w3id.org/security/v2": "security-v2.jsonld",
}
# Spellings of the same documents that remote servers use too.
_ALIASES: dict[str, str] = {
    "http://www.w3.org/ns/activitystreams": "https://www.w3.org/ns/activitystreams",
    "https://www.w3.org/ns/activitystreams.jsonld": "https://www.w3.org/ns/activitystreams",
    "http://w3id.org/security/v1": "https://w3id.org/security/v1",
    "http://w3id.org/security/v2": "https://w3id.org/security/v2",
}


class UnknownContextError(LookupError):
    """A JSON-LD document names a context URL that is not in the local cache."""


def context_for(kind: str) -> list[Any]:
    """PeerTube's `@context` list for an object or activity type ("Video", "Actor", "Follow", ...).

    A fresh deep copy: callers may put it in a document they go on editing.
    """
    contexts = _peertube_contexts()
    if kind not in contexts:
        raise KeyError(f"No PeerTube context for {kind!r}")
    return copy.deepcopy(contexts[kind])


def context_kinds() -> tuple[str, ...]:
    """Every type PeerTube has a context for."""
    return tuple(_peertube_contexts())


def all_contexts() -> list[Any]:
    """The union of every type's context, as PeerTube compacts against when checking LD signatures.

    The remote documents first, then one object holding every type's term definitions.
    """
    return copy.deepcopy(_union())


def reading_context() -> list[Any]:
    """The one context Cirrus reads LD-signed documents in (a deep copy): what a signature covers
    is compacted against it, whatever `@context` the document brought, and only that is handled.

    It is PeerTube's union (activitystreams, security, PeerTube's terms), then:
    - the properties that may hold several values (`to`, `cc`, `tag`, `icon`...) as sets, so
      they are always arrays, as the parsers expect;
    - no `@vocab` and no prefixes: a property no term defines, and an IRI no term names, stay
      whole IRIs (`_:name` for activitystreams' blank `@vocab`: such properties never reach the
      signed N-Quads, so the reader must not take them for a term), and the public collection
      stays `https://www.w3.org/ns/activitystreams#Public` rather than `as:Public`.
    """
    return copy.deepcopy(_reading())


def cached_document(url: str) -> dict[str, Any]:
    """The cached JSON-LD document for `url` (a deep copy); UnknownContextError if it is not cached."""
    canonical = _ALIASES.get(url, url)
    if canonical not in CACHED_DOCUMENTS:
        raise UnknownContextError(f"JSON-LD context {url!r} is not in the local cache")
    return copy.deepcopy(_load(canonical))


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader answering only from the local cache; it never fetches anything.

    Any other URL raises pyld's JsonLdError ("loading document failed"), so pyld stops processing.
    """
    try:
        document = cached_document(url)
    except UnknownContextError as error:
        from pyld.jsonld import JsonLdError

        raise JsonLdError(
            str(error), "jsonld.LoadDocumentError", {"url": url}, code="loading document failed"
        ) from None
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}


@cache
def _load(url: str) -> dict[str, Any]:
    with open(_HERE / CACHED_DOCUMENTS[url], encoding="utf-8") as file:
        document: dict[str, Any] = json.load(file)
    return document


@cache
def _peertube_contexts() -> dict[str, list[Any]]:
    with open(_HERE / "peertube-types.json", encoding="utf-8") as file:
        by_kind: dict[str, dict[str, list[Any]]] = json.load(file)
    return {kind: value["@context"] for kind, value in by_kind.items()}


@cache
def _union() -> list[Any]:
    urls: list[str] = []
    terms: dict[str, Any] = {}
    for context in _peertube_contexts().values():
        for entry in context:
            if isinstance(entry, str):
                if entry not in urls:
                    urls.append(entry)
            else:
                terms.update(entry)  # no term has two definitions across types (a test checks it)
    return [*urls, terms]


# Properties that may hold several values: arrays in the form handlers read, even with one value.
_SET_TERMS = ("to", "cc", "bto", "bcc", "audience", "tag", "attachment", "icon", "attributedTo")


@cache
def _reading() -> list[Any]:
    activitystreams: dict[str, Any] = _load("https://www.w3.org/ns/activitystreams")["@context"]
    sets = {}
    for term in _SET_TERMS:
        definition = activitystreams[term]
        sets[term] = {**(definition if isinstance(definition, dict) else {"@id": definition}), "@container": "@set"}
    # Every term that can serve as a prefix (its IRI ends in # or /) is dropped in a last,
    # separate object, so the definitions above were made with it and compaction cannot use it.
    prefixes: dict[str, None] = {}
    objects = [_load(url)["@context"] for url in CACHED_DOCUMENTS] + [_union()[-1]]
    flat = [entry for item in objects for entry in (item if isinstance(item, list) else [item])]
    for context in (entry for entry in flat if isinstance(entry, dict)):
        for term, value in context.items():
            if isinstance(value, str) and not term.startswith("@") and value.endswith(("#", "/")):
                prefixes[term] = None
    return [*_union(), sets, {"@vocab": None, **prefixes}]
