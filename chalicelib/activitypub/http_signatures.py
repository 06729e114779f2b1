"""HTTP Signatures of federation requests: Digest, signing outbound requests, checking inbound ones.

Outbound requests are signed as PeerTube signs them: draft-cavage, `algorithm="rsa-sha256"`, over
`(request-target) host date digest` (POST) or `(request-target) host date` (GET). Inbound requests
may carry a draft-cavage `Signature` header or RFC 9421 `Signature-Input` + `Signature` (see
message_signatures.py); both must cover the request's method and path, its host, its digest (POST)
and its creation time, within PeerTube's clock skew. Errors carry PeerTube's messages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from chalicelib.activitypub import crypto
from chalicelib.activitypub.errors import SignatureError

# HTTP_SIGNATURE.CLOCK_SKEW_SECONDS in PeerTube.
CLOCK_SKEW_SECONDS = 1800
CANNOT_PARSE = "Cannot parse HTTP signature"
INVALID_KEY_ID = "Invalid key ID"
INVALID_SIGNATURE = "Invalid signature"
INVALID_DIGEST = "Invalid digest"

POST_COMPONENTS = ("(request-target)", "host", "date", "digest")
GET_COMPONENTS = ("(request-target)", "host", "date")
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


# --- Outbound ---------------------------------------------------------------------------------


def http_date(moment: datetime) -> str:
    """RFC 7231 IMF-fixdate, e.g. `Mon, 22 Oct 2018 13:34:22 GMT`."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def sign_request(
    method: str,
    url: str,
    body: bytes | None,
    key_id: str,
    private_key_pem: str,
    now: datetime | None = None,
    *,
    components: Sequence[str] | None = None,
) -> dict[str, str]:
    """The headers that sign a request as PeerTube does: Host, Date, Digest (with a body) and Signature.

    `components` overrides the signed list (draft-11 style `(created)` included); the default is
    PeerTube's. With `(created)` the algorithm is announced as `hs2019`, as the draft requires.
    """
    moment = now or datetime.now(UTC)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"Host": parts.netloc, "Date": http_date(moment)}
    if body is not None:
        headers["Digest"] = digest_header(body)
    names = tuple(components or (POST_COMPONENTS if body is not None else GET_COMPONENTS))
    created = int(moment.timestamp())
    pseudo = {"(request-target)": f"{method.lower()} {target}", "(created)": str(created)}
    lowered = {name.lower(): value for name, value in headers.items()}
    lines = [f"{name}: {pseudo[name] if name in pseudo else lowered[name]}" for name in names]
    algorithm = crypto.FROM_KEY if "(created)" in names else crypto.RSA_SHA256
    signature = crypto.sign(private_key_pem, "\n".join(lines).encode("utf-8"), algorithm)
    params = [f'keyId="{key_id}"', f'algorithm="{algorithm}"']
    if "(created)" in names:
        params.append(f"created={created}")
    params.append(f'headers="{" ".join(names)}"')
    params.append(f'signature="{base64.b64encode(signature).decode("ascii")}"')
    headers["Signature"] = ",".join(params)
    return headers


# --- Inbound ----------------------------------------------------------------------------------

_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^",\s]*))\s*(?:,|$)')


def parse_signature(
    request: InboundRequest, now: datetime | None = None, clock_skew_seconds: int = CLOCK_SKEW_SECONDS
) -> ParsedSignature:
    """Parse the request's signature and check PeerTube's policy on it (not the signature itself).

    RFC 9421 (`Signature-Input`) is used when present, draft-cavage `Signature` otherwise. Raises
    SignatureError: "Cannot parse HTTP signature" for a missing or malformed signature, a missing
    required component or a date out of the clock skew, "Invalid key ID" without a key id.
    """
    moment = now or datetime.now(UTC)
    if request.header("signature-input") is not None:
        from chalicelib.activitypub.message_signatures import parse_message_signature

        return parse_message_signature(request, moment, clock_skew_seconds)
    return _parse_cavage(request, moment, clock_skew_seconds)


def verify_signature(parsed: ParsedSignature, public_key_pem: str) -> bool:
    """Whether the parsed signature holds for `public_key_pem` (False for an unusable key too)."""
    return crypto.verify(public_key_pem, parsed.signature, parsed.signing_input, parsed.algorithm)


def _parse_cavage(request: InboundRequest, now: datetime, clock_skew_seconds: int) -> ParsedSignature:
    value = request.header("signature")
    if value is None:
        raise SignatureError(CANNOT_PARSE)
    value = value.strip()
    if value[:10].lower() == "signature ":  # some senders repeat the Authorization scheme (PeerTube strips it)
        value = value[10:]
    params = _cavage_params(value)
    if not params:
        raise SignatureError(CANNOT_PARSE)
    key_id = params.get("keyid")
    if not key_id:
        raise SignatureError(INVALID_KEY_ID)
    algorithm = params.get("algorithm", crypto.FROM_KEY).lower()
    if algorithm not in crypto.KNOWN_ALGORITHMS or "signature" not in params:
        raise SignatureError(CANNOT_PARSE)
    components = tuple(params.get("headers", "(created)").lower().split())
    require_coverage(
        request.method,
        method_and_path="(request-target)" in components,
        authority="host" in components,
        digest="digest" in components,
        time="date" in components or "(created)" in components,
    )
    created = _integer(params.get("created"), "(created)" in components)
    expires = _integer(params.get("expires"), "(expires)" in components)
    check_times(request, now, clock_skew_seconds, date_signed="date" in components, created=created, expires=expires)
    lines = []
    for name in components:
        if name == "(request-target)":
            line = f"{request.method.lower()} {request.path}"
        elif name in ("(created)", "(expires)"):
            line = params[name[1:-1]]
        else:
            header = request.header(name)
            if header is None:
                raise SignatureError(CANNOT_PARSE)
            line = header.strip()
        lines.append(f"{name}: {line}")
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError:
        raise SignatureError(CANNOT_PARSE) from None
    return ParsedSignature(key_id, algorithm, components, "\n".join(lines).encode("utf-8"), signature)


def _cavage_params(value: str) -> dict[str, str]:
    params: dict[str, str] = {}
    position = 0
    while position < len(value):
        match = _PARAM.match(value, position)
        if match is None or match.end() == position:
            raise SignatureError(CANNOT_PARSE)
        params[match.group(1).lower()] = match.group(2) if match.group(2) is not None else match.group(3)
        position = match.end()
    return params


def _integer(value: str | None, required: bool) -> int | None:
    if value is None:
        if required:
            raise SignatureError(CANNOT_PARSE)
        return None
    try:
        return int(value)
    except ValueError:
        raise SignatureError(CANNOT_PARSE) from None


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
