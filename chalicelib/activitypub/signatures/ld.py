"""RsaSignature2017 Linked Data signatures, as PeerTube and Mastodon sign forwarded activities.

signatureValue = base64(RSA-SHA256(hex(sha256(N-Quads of the signature options)) +
hex(sha256(N-Quads of the document without its signature)))), both canonicalised with URDNA2015.
As PeerTube does, the document is first compacted against the union of PeerTube's contexts.
JSON-LD processing (pyld, imported on use: it is heavy) only ever reads contexts from the local
cache, so a document naming any other context does not verify, and nothing is fetched.

The signature covers an RDF graph, not the JSON: a document's own `@context` can map its JSON
keys to anything (or to nothing) and still verify. So a forwarded activity is handled only in
`signed_form`: what the signature covers, compacted against the one context Cirrus reads in
(`contexts.reading_context`), with nothing that the signed N-Quads leave out. Its `created` must
be recent too, so that a captured activity cannot be replayed later.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.activitypub.contexts import all_contexts, document_loader, reading_context
from chalicelib.activitypub.signatures import crypto

SIGNATURE_TYPE = "RsaSignature2017"
# The context the signature options are canonicalised in (security/v1 defines creator and created).
_OPTIONS_CONTEXT = ["https://w3id.org/security/v1", {"RsaSignature2017": "https://w3id.org/security#RsaSignature2017"}]
# JSON-LD keywords that pull other nodes or documents into the graph: a signed document may not use them.
_SMUGGLING_KEYWORDS = frozenset({"@include", "@included", "@import"})
# Keywords that let a tree put another node of the signed graph at its root, or hang nodes
# outside it (an Undo's Like hoisted to the top, an Undo pushed into a named graph): the
# signed form of an activity may not hold them.
_RESTRUCTURING_KEYWORDS = frozenset({"@graph", "@reverse", "@included", "@nest"})
# How old a forwarded activity's signature may be, and how far ahead of our clock.
MAX_AGE = timedelta(minutes=30)
MAX_AHEAD = timedelta(minutes=5)


def sign_document(
    doc: dict[str, Any], key_id: str, private_key_pem: str, created: datetime | None = None
) -> dict[str, Any]:
    """A copy of `doc` with an RsaSignature2017 `signature` by `key_id` (an actor's `#main-key`)."""
    moment = (created or datetime.now(UTC)).astimezone(UTC)
    options = {"type": SIGNATURE_TYPE, "creator": key_id, "created": moment.strftime("%Y-%m-%dT%H:%M:%SZ")}
    unsigned = {key: value for key, value in doc.items() if key != "signature"}
    to_sign = _options_hash(options) + _document_hash(unsigned)
    value = crypto.sign(private_key_pem, to_sign.encode("ascii"), crypto.RSA_SHA256)
    return {**unsigned, "signature": {**options, "signatureValue": base64.b64encode(value).decode("ascii")}}


def verify_document(doc: dict[str, Any], public_key_pem: str) -> bool:
    """Whether `doc` carries a valid RsaSignature2017 for `public_key_pem`; False for anything malformed."""
    signature = doc.get("signature") if isinstance(doc, dict) else None
    if not isinstance(signature, dict) or signature.get("type") != SIGNATURE_TYPE:
        return False
    creator, created, value = signature.get("creator"), signature.get("created"), signature.get("signatureValue")
    if not all(isinstance(item, str) and item for item in (creator, created, value)):
        return False
    if _uses_smuggling_keywords(doc):
        return False
    from pyld.jsonld import JsonLdError

    try:
        signature_bytes = base64.b64decode(str(value), validate=True)
        unsigned = {key: item for key, item in doc.items() if key != "signature"}
        to_verify = _options_hash({"creator": creator, "created": created}) + _document_hash(unsigned)
    except (JsonLdError, ValueError, TypeError, LookupError, RecursionError):
        return False  # hostile or broken JSON-LD (pyld's own errors and what odd values raise inside it)
    return crypto.verify(public_key_pem, signature_bytes, to_verify.encode("ascii"), crypto.RSA_SHA256)


def signed_form(doc: dict[str, Any], public_key_pem: str, now: datetime) -> dict[str, Any] | None:
    """What `doc`'s RsaSignature2017 by `public_key_pem` covers, as Cirrus reads it, or None when
    the signature does not hold, is stale (`created` older than MAX_AGE) or the document cannot be
    read back without a tree trick. The result has no `@context` and no `signature`."""
    if not isinstance(doc, dict) or not _recent(doc.get("signature"), now):
        return None
    if not verify_document(doc, public_key_pem):
        return None
    from pyld.jsonld import JsonLdError

    unsigned = {key: item for key, item in doc.items() if key != "signature"}
    try:
        compacted = _compact(unsigned, reading_context())
    except (JsonLdError, ValueError, TypeError, LookupError, RecursionError):
        return None
    compacted.pop("@context", None)
    if _has_key(compacted, _RESTRUCTURING_KEYWORDS):
        return None
    signed = _without_blank_properties(compacted)
    return signed if isinstance(signed, dict) else None


def _recent(signature: Any, now: datetime) -> bool:
    created = signature.get("created") if isinstance(signature, dict) else None
    if not isinstance(created, str):
        return False
    try:
        moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return now - MAX_AGE <= moment <= now + MAX_AHEAD


def _compact(doc: dict[str, Any], context: list[Any]) -> dict[str, Any]:
    from pyld import jsonld

    compacted: dict[str, Any] = jsonld.compact(doc, {"@context": context}, {"documentLoader": document_loader})
    return compacted


def _has_key(value: Any, names: frozenset[str]) -> bool:
    if isinstance(value, dict):
        return any(key in names or _has_key(item, names) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_key(item, names) for item in value)
    return False


def _without_blank_properties(value: Any) -> Any:
    """Drop `_:name` properties: activitystreams' `@vocab` is `_:`, so a key no term defines
    expands to a blank-node property, which the N-Quads (and so the signature) leave out."""
    if isinstance(value, dict):
        return {key: _without_blank_properties(item) for key, item in value.items() if not key.startswith("_:")}
    if isinstance(value, list):
        return [_without_blank_properties(item) for item in value]
    return value


def _options_hash(options: dict[str, Any]) -> str:
    fields = {key: value for key, value in options.items() if key not in ("type", "id", "signatureValue")}
    return _canonical_hash({"@context": _OPTIONS_CONTEXT, **fields})


def _document_hash(doc: dict[str, Any]) -> str:
    return _canonical_hash(_compact(doc, all_contexts()))


def _canonical_hash(doc: dict[str, Any]) -> str:
    from pyld import jsonld

    nquads = jsonld.normalize(
        doc, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader}
    )
    return hashlib.sha256(str(nquads).encode("utf-8")).hexdigest()


def _uses_smuggling_keywords(value: Any) -> bool:
    if isinstance(value, dict):
        return any(key in _SMUGGLING_KEYWORDS or _uses_smuggling_keywords(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_uses_smuggling_keywords(item) for item in value)
    return False
