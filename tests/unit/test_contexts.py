"""PeerTube's per-type JSON-LD contexts and the local cache of the documents they reference."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.activitypub.contexts import (
    CACHED_DOCUMENTS,
    UnknownContextError,
    all_contexts,
    cached_document,
    context_for,
    context_kinds,
)
from tests.unit.ap_fixtures import fixture

PEERTUBE = fixture("contexts/ap-contexts-all-types.json")
KINDS = sorted(PEERTUBE)


def referenced_urls(context: list[Any]) -> set[str]:
    return {entry for entry in context if isinstance(entry, str)}


@pytest.mark.parametrize("kind", KINDS)
def test_context_for_returns_peertubes_context(kind: str) -> None:
    assert context_for(kind) == PEERTUBE[kind]["@context"]


def test_the_video_context_is_the_one_peertube_serves() -> None:
    assert context_for("Video") == fixture("contexts/ap-context.json")["@context"]


def test_every_kind_peertube_has_is_known() -> None:
    assert sorted(context_kinds()) == KINDS
    assert {"Video", "Actor", "Follow", "Comment", "Announce", "Delete"} <= set(KINDS)


def test_context_for_returns_a_copy() -> None:
    context = context_for("Video")
    context[3]["pt"] = "changed"
    context.append("x")
    assert context_for("Video") == PEERTUBE["Video"]["@context"]


def test_unknown_kind_raises() -> None:
    with pytest.raises(KeyError):
        context_for("Nope")


def test_the_cache_holds_every_url_the_contexts_reference() -> None:
    urls = set().union(*(referenced_urls(PEERTUBE[kind]["@context"]) for kind in KINDS))
    urls |= referenced_urls(fixture("mastodon/create.json")["@context"])
    assert urls <= set(CACHED_DOCUMENTS)
    for url in urls:
        assert "@context" in cached_document(url)


def test_cached_documents_are_the_real_ones() -> None:
    activitystreams = cached_document("https://www.w3.org/ns/activitystreams")["@context"]
    assert activitystreams["as"] == "https://www.w3.org/ns/activitystreams#"
    assert activitystreams["Note"] == "as:Note"
    security = cached_document("https://w3id.org/security/v1")["@context"]
    assert security["sec"] == "https://w3id.org/security#"
    assert security["creator"] == {"@id": "dc:creator", "@type": "@id"}
    assert cached_document("http://www.w3.org/ns/activitystreams") == cached_document(
        "https://www.w3.org/ns/activitystreams"
    )


def test_uncached_urls_are_refused() -> None:
    with pytest.raises(UnknownContextError):
        cached_document("https://example.org/ns")


def test_all_contexts_is_the_union_of_every_type() -> None:
    union = all_contexts()
    assert union[:2] == ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]
    merged = union[2]
    for kind in KINDS:
        for entry in PEERTUBE[kind]["@context"]:
            if isinstance(entry, dict):
                for term, definition in entry.items():
                    assert merged[term] == definition, (kind, term)  # no term is defined two ways
    assert len(union) == 3
