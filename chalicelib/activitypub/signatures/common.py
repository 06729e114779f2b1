"""What both HTTP signature schemes share: the request as they see it, the parsed signature,
Digest and Content-Digest, Date, PeerTube's coverage and clock-skew policy, and verification.

Errors carry PeerTube's messages (SignatureError; the web layer answers 403 with them).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from chalicelib.activitypub.errors import SignatureError
from chalicelib.activitypub.signatures import crypto

# HTTP_SIGNATURE.CLOCK_SKEW_SECONDS in PeerTube.
CLOCK_SKEW_SECONDS = 1800
CANNOT_PARSE = "Cannot parse HTTP signature"
INVALID_KEY_ID = "Invalid key ID"
INVALID_SIGNATURE = "Invalid signature"
INVALID_DIGEST = "Invalid digest"

# The schemes, as ParsedSignature.scheme names them.
DRAFT_CAVAGE = "draft-cavage"
RFC_9421 = "rfc9421"


@dataclass(frozen=True)
class InboundRequest:
    """What signature checks need of a request: `path` includes the query string, `body` is raw.

    Header names are matched case-insensitively. `scheme` only serves RFC 9421's `@target-uri`.
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes = b""
    scheme: str = "https"
    _lowered: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Anything but a mapping (a mangled request) reads as a request without headers.
        headers = self.headers if isinstance(self.headers, Mapping) else {}
        object.__setattr__(self, "_lowered", {str(name).lower(): str(value) for name, value in headers.items()})

    def header(self, name: str) -> str | None:
        return self._lowered.get(name.lower())


@dataclass(frozen=True)
class ParsedSignature:
    """A parsed, policy-checked signature: verify it with the key of `key_id`'s actor."""

    key_id: str
    algorithm: str
    components: tuple[str, ...]
    signing_input: bytes
    signature: bytes
    scheme: str = DRAFT_CAVAGE


@dataclass(frozen=True)
class OutboundRequest:
    """A request about to be signed, by either scheme, at `moment`."""

    method: str
    url: str
    body: bytes | None
    moment: datetime
    # The body's `Digest`, when the caller already has it (one body sent to many inboxes).
    digest: str | None = None

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme

    @property
    def target(self) -> str:
        """The path and query, as the request line carries them."""
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def unsigned_headers(self) -> dict[str, str]:
        """Host (the URL's, port included: what the transport sends) and Date; each scheme adds
        its digest of the body and its signature headers."""
        return {"Host": urlsplit(self.url).netloc, "Date": http_date(self.moment)}


def http_date(moment: datetime) -> str:
    """RFC 7231 IMF-fixdate, e.g. `Mon, 22 Oct 2018 13:34:22 GMT`."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def verify_signature(parsed: ParsedSignature, public_key_pem: str) -> bool:
    """Whether the parsed signature holds for `public_key_pem` (False for an unusable key too)."""
    return crypto.verify(public_key_pem, parsed.signature, parsed.signing_input, parsed.algorithm)


# --- Digest -----------------------------------------------------------------------------------


def digest_header(body: bytes) -> str:
    """The `Digest` header value of `body`: `SHA-256=<base64>`."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def content_digest_header(body: bytes) -> str:
    """The RFC 9530 `Content-Digest` header value of `body`: `sha-256=:<base64>:`."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii") + ":"


_HASHES = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}
_DIGEST_ITEM = re.compile(r"\s*([A-Za-z0-9-]+)\s*=\s*(.+?)\s*$")
_CONTENT_DIGEST_ITEM = re.compile(r"\s*([a-z0-9-]+)\s*=\s*:([A-Za-z0-9+/=]*):\s*$")


def check_digest(request: InboundRequest) -> None:
    """Raise SignatureError("Invalid digest") unless every digest the request carries matches its body.

    `Digest` (RFC 3230, what PeerTube and Mastodon send) and `Content-Digest` (RFC 9530) are both
    read; a header with no algorithm we know fails too. A request with neither passes here: the
    signature policy requires a signed digest on POSTs.
    """
    for header, pattern in (("digest", _DIGEST_ITEM), ("content-digest", _CONTENT_DIGEST_ITEM)):
        value = request.header(header)
        if value is None:
            continue
        matched_one = False
        for item in value.split(","):
            match = pattern.match(item)
            if match is None:
                raise SignatureError(INVALID_DIGEST)
            hash_function = _HASHES.get(match.group(1).lower())
            if hash_function is None:
                continue
            expected = base64.b64encode(hash_function(request.body).digest())
            if not hmac.compare_digest(expected, match.group(2).encode("utf-8")):
                raise SignatureError(INVALID_DIGEST)
            matched_one = True
        if not matched_one:
            raise SignatureError(INVALID_DIGEST)


# --- Policy -----------------------------------------------------------------------------------


def require_coverage(method: str, *, method_and_path: bool, authority: bool, digest: bool, time: bool) -> None:
    """PeerTube's required components: request target and host (+ digest for POST), and date or created."""
    needs_digest = method.upper() == "POST"
    if not (method_and_path and authority and time and (digest or not needs_digest)):
        raise SignatureError(CANNOT_PARSE)


def check_times(
    request: InboundRequest,
    now: datetime,
    clock_skew_seconds: int,
    *,
    date_signed: bool,
    created: int | None,
    expires: int | None,
) -> None:
    """Refuse a signed Date or `created` further than the clock skew from now, and an expired signature."""
    current = now.timestamp()
    if date_signed:
        date = request.header("date")
        try:
            signed_at = parsedate_to_datetime(date or "")
        except (TypeError, ValueError):
            raise SignatureError(CANNOT_PARSE) from None
        if signed_at.tzinfo is None:
            signed_at = signed_at.replace(tzinfo=UTC)
        if abs(current - signed_at.timestamp()) > clock_skew_seconds:
            raise SignatureError(CANNOT_PARSE)
    if created is not None and abs(current - created) > clock_skew_seconds:
        raise SignatureError(CANNOT_PARSE)
    if expires is not None and expires + clock_skew_seconds < current:
        raise SignatureError(CANNOT_PARSE)
