"""draft-cavage HTTP Signatures (the `Signature` header), as PeerTube signs and reads them.

Outbound requests are signed as PeerTube signs them: `algorithm="rsa-sha256"` over
`(request-target) host date digest` (POST) or `(request-target) host date` (GET), with a `Digest`
of the body. Inbound ones must cover the request's method and path, its host, its digest (POST)
and its creation time (`date` or draft-11 `(created)`), within PeerTube's clock skew
(common.require_coverage, common.check_times).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from datetime import datetime

from chalicelib.activitypub.errors import SignatureError
from chalicelib.activitypub.signatures import crypto
from chalicelib.activitypub.signatures.common import (
    CANNOT_PARSE,
    INVALID_KEY_ID,
    InboundRequest,
    OutboundRequest,
    ParsedSignature,
    check_times,
    digest_header,
    require_coverage,
)

POST_COMPONENTS = ("(request-target)", "host", "date", "digest")
GET_COMPONENTS = ("(request-target)", "host", "date")


# --- Outbound ---------------------------------------------------------------------------------


def sign(
    request: OutboundRequest,
    key_id: str,
    private_key_pem: str,
    *,
    components: Sequence[str] | None = None,
    algorithm: str | None = None,
) -> dict[str, str]:
    """The headers that sign `request` as PeerTube does: Host, Date, Digest (with a body) and Signature.

    `components` overrides the signed list (draft-11 style `(created)` included); the default is
    PeerTube's. The algorithm announced is `rsa-sha256`, or `hs2019` with `(created)`, as the
    draft requires, unless `algorithm` names another.
    """
    headers = request.unsigned_headers()
    if request.body is not None:
        headers["Digest"] = request.digest or digest_header(request.body)
    names = tuple(components or (POST_COMPONENTS if request.body is not None else GET_COMPONENTS))
    created = int(request.moment.timestamp())
    pseudo = {"(request-target)": f"{request.method.lower()} {request.target}", "(created)": str(created)}
    lowered = {name.lower(): value for name, value in headers.items()}
    lines = [f"{name}: {pseudo[name] if name in pseudo else lowered[name]}" for name in names]
    algorithm = algorithm or (crypto.FROM_KEY if "(created)" in names else crypto.RSA_SHA256)
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


def parse(request: InboundRequest, now: datetime, clock_skew_seconds: int) -> ParsedSignature:
    """Parse and policy-check the request's `Signature` header (a missing one cannot be parsed)."""
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
