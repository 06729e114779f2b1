"""Signatures of federation traffic, and the one place that picks a request's scheme.

- `common`: what both HTTP signature schemes share (InboundRequest, ParsedSignature, Digest and
  Content-Digest, Date, PeerTube's coverage and clock-skew policy, verification);
- `cavage`: draft-cavage HTTP Signatures (`Signature`), what PeerTube sends and Cirrus signs with;
- `rfc9421`: RFC 9421 HTTP Message Signatures (`Signature-Input` + `Signature`);
- `ld`: RsaSignature2017 Linked Data signatures of forwarded activities (pyld, imported on use);
- `crypto`: keys and algorithms (`cryptography`, imported on use).

Importing this package stays cheap: neither `cryptography` nor pyld is loaded until a key is used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from chalicelib.activitypub.signatures import cavage, rfc9421
from chalicelib.activitypub.signatures.common import (
    CLOCK_SKEW_SECONDS,
    DRAFT_CAVAGE,
    RFC_9421,
    InboundRequest,
    OutboundRequest,
    ParsedSignature,
    check_digest,
    digest_header,
    verify_signature,
)

__all__ = [
    "CLOCK_SKEW_SECONDS",
    "DRAFT_CAVAGE",
    "RFC_9421",
    "InboundRequest",
    "ParsedSignature",
    "check_digest",
    "digest_header",
    "parse_signature",
    "scheme_of",
    "sign_request",
    "verify_signature",
]

_Parse = Callable[[InboundRequest, datetime, int], ParsedSignature]
_PARSERS: dict[str, _Parse] = {DRAFT_CAVAGE: cavage.parse, RFC_9421: rfc9421.parse}
_SIGNERS = {DRAFT_CAVAGE: cavage.sign, RFC_9421: rfc9421.sign}


def scheme_of(request: InboundRequest) -> str:
    """The scheme a request's signature is read by: RFC 9421 when it carries `Signature-Input`,
    draft-cavage otherwise (a request with no signature at all then fails to parse)."""
    return RFC_9421 if request.header("signature-input") is not None else DRAFT_CAVAGE


def parse_signature(
    request: InboundRequest, now: datetime | None = None, clock_skew_seconds: int = CLOCK_SKEW_SECONDS
) -> ParsedSignature:
    """Parse the request's signature and check PeerTube's policy on it (not the signature itself).

    Raises SignatureError: "Cannot parse HTTP signature" for a missing or malformed signature, a
    missing required component or a date out of the clock skew, "Invalid key ID" without a key id.
    """
    return _PARSERS[scheme_of(request)](request, now or datetime.now(UTC), clock_skew_seconds)


def sign_request(
    method: str,
    url: str,
    body: bytes | None,
    key_id: str,
    private_key_pem: str,
    now: datetime | None = None,
    *,
    scheme: str = DRAFT_CAVAGE,
    components: Sequence[str] | None = None,
    algorithm: str | None = None,
    digest: str | None = None,
) -> dict[str, str]:
    """The headers that sign a request: Host, Date, the body's digest (with a body) and the
    signature, by `scheme`.

    draft-cavage (the default) signs as PeerTube does (cavage.sign); RFC 9421 serves peers that
    ask for it (rfc9421.sign). `components` and `algorithm` override each scheme's defaults.
    `digest`: the body's `Digest` (common.digest_header), when the caller computed it once for
    many requests.
    """
    sign = _SIGNERS.get(scheme)
    if sign is None:
        raise ValueError(f"unknown signature scheme {scheme!r}")
    request = OutboundRequest(method, url, body, now or datetime.now(UTC), digest)
    return sign(request, key_id, private_key_pem, components=components, algorithm=algorithm)
