"""RFC 9421 HTTP Message Signatures (`Signature-Input` + `Signature`), inbound and outbound.

Only what request signatures between servers use: the derived components `@method`, `@target-uri`,
`@authority`, `@scheme`, `@request-target`, `@path`, `@query` and plain header fields, without
component parameters; algorithms rsa-v1_5-sha256, rsa-pss-sha512 and ed25519. The same coverage
policy as draft-cavage signatures applies (common.require_coverage).
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
    RFC_9421,
    InboundRequest,
    OutboundRequest,
    ParsedSignature,
    check_times,
    content_digest_header,
    require_coverage,
)

ALGORITHMS = frozenset({crypto.RSA_V1_5_SHA256, crypto.RSA_PSS_SHA512, crypto.ED25519})
POST_COMPONENTS = ("@method", "@target-uri", "@authority", "content-digest")
GET_COMPONENTS = ("@method", "@target-uri", "@authority")
LABEL = "sig1"  # the name our own signature goes by in both headers
_PATH_COMPONENTS = frozenset({"@target-uri", "@path", "@request-target"})
_AUTHORITY_COMPONENTS = frozenset({"@authority", "@target-uri", "host"})


class Token(str):
    """An RFC 8941 token (serialised bare, where a string is quoted)."""

    __slots__ = ()


Bare = str | int | bool | bytes
Params = dict[str, Bare]


def sign(
    request: OutboundRequest,
    key_id: str,
    private_key_pem: str,
    *,
    components: Sequence[str] | None = None,
    algorithm: str | None = None,
) -> dict[str, str]:
    """Headers signing `request` by RFC 9421: Host, Date, Content-Digest (with a body), Signature-Input
    and Signature, labelled `sig1`; by rsa-v1_5-sha256 unless `algorithm` names another."""
    algorithm = algorithm or crypto.RSA_V1_5_SHA256
    headers = request.unsigned_headers()
    if request.body is not None:
        headers["Content-Digest"] = content_digest_header(request.body)
    seen = InboundRequest(request.method, request.target, headers, request.body or b"", request.scheme)
    names = tuple(components or (POST_COMPONENTS if request.body is not None else GET_COMPONENTS))
    params: Params = {"created": int(request.moment.timestamp()), "keyid": key_id, "alg": algorithm}
    signature_params = _serialize_inner_list(names, params)
    base = _signature_base(seen, names, signature_params)
    signature = crypto.sign(private_key_pem, base, algorithm)
    headers["Signature-Input"] = f"{LABEL}={signature_params}"
    headers["Signature"] = f"{LABEL}=:{base64.b64encode(signature).decode('ascii')}:"
    return headers


def parse(request: InboundRequest, now: datetime, clock_skew_seconds: int) -> ParsedSignature:
    """Parse and policy-check the first signature named in both Signature-Input and Signature."""
    try:
        inputs = _Parser(request.header("signature-input") or "").dictionary()
        signatures = _Parser(request.header("signature") or "").dictionary()
    except ValueError:
        raise SignatureError(CANNOT_PARSE) from None
    label = next((name for name in inputs if name in signatures), None)
    if label is None:
        raise SignatureError(CANNOT_PARSE)
    members, params = inputs[label]
    signature, _ = signatures[label]
    if not isinstance(members, list) or not isinstance(signature, bytes):
        raise SignatureError(CANNOT_PARSE)
    names: list[str] = []
    for member, member_params in members:
        if not isinstance(member, str) or isinstance(member, Token) or member_params or member != member.lower():
            raise SignatureError(CANNOT_PARSE)  # component parameters (;sf, ;req, ...) are not supported
        names.append(member)
    key_id = params.get("keyid")
    if not isinstance(key_id, str) or not key_id:
        raise SignatureError(INVALID_KEY_ID)
    algorithm = params.get("alg", crypto.FROM_KEY)
    if not isinstance(algorithm, str) or algorithm not in ALGORITHMS | {crypto.FROM_KEY}:
        raise SignatureError(CANNOT_PARSE)
    created, expires = params.get("created"), params.get("expires")
    if not isinstance(created, int | None) or not isinstance(expires, int | None):
        raise SignatureError(CANNOT_PARSE)
    require_coverage(
        request.method,
        method_and_path="@method" in names and not _PATH_COMPONENTS.isdisjoint(names),
        authority=not _AUTHORITY_COMPONENTS.isdisjoint(names),
        digest="content-digest" in names or "digest" in names,
        time=created is not None or "date" in names,
    )
    check_times(
        request, now, clock_skew_seconds, date_signed="date" in names, created=_int(created), expires=_int(expires)
    )
    base = _signature_base(request, tuple(names), _serialize_inner_list(tuple(names), params))
    return ParsedSignature(key_id, algorithm, tuple(names), base, signature, RFC_9421)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _signature_base(request: InboundRequest, names: Sequence[str], signature_params: str) -> bytes:
    lines = [f'"{name}": {_component_value(request, name)}' for name in names]
    lines.append(f'"@signature-params": {signature_params}')
    return "\n".join(lines).encode("utf-8")


def _component_value(request: InboundRequest, name: str) -> str:
    path, _, query = request.path.partition("?")
    authority = (request.header("host") or "").lower()
    derived = {
        "@method": request.method,
        "@target-uri": f"{request.scheme}://{authority}{request.path}",
        "@authority": authority,
        "@scheme": request.scheme.lower(),
        "@request-target": request.path,
        "@path": path or "/",
        "@query": f"?{query}",
    }
    if name.startswith("@"):
        if name not in derived:
            raise SignatureError(CANNOT_PARSE)
        return derived[name]
    value = request.header(name)
    if value is None:
        raise SignatureError(CANNOT_PARSE)
    return value.strip()


# --- RFC 8941 structured fields, the parts signatures use ---------------------------------------


def _serialize_inner_list(names: Sequence[str], params: Params) -> str:
    return "(" + " ".join(_serialize_bare(name) for name in names) + ")" + _serialize_params(params)


def _serialize_params(params: Params) -> str:
    return "".join(f";{key}" if value is True else f";{key}={_serialize_bare(value)}" for key, value in params.items())


def _serialize_bare(value: Bare) -> str:
    if isinstance(value, bool):
        return "?1" if value else "?0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, bytes):
        return ":" + base64.b64encode(value).decode("ascii") + ":"
    if isinstance(value, Token):
        return str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_KEY = re.compile(r"[a-z*][a-z0-9_\-.*]*")
_TOKEN = re.compile(r"[A-Za-z*][A-Za-z0-9:/!#$%&'*+\-.^_`|~]*")
_INTEGER = re.compile(r"-?[0-9]{1,15}(?![0-9.])")
_BYTES = re.compile(r":([A-Za-z0-9+/=]*):")

Member = tuple[Bare | list[tuple[Bare, Params]], Params]


class _Parser:
    """A strict reader of RFC 8941 dictionaries (ValueError on anything malformed)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def dictionary(self) -> dict[str, Member]:
        members: dict[str, Member] = {}
        self._skip(" \t")
        while self.position < len(self.text):
            key = self._key()
            if self._peek() == "=":
                self.position += 1
                value: Bare | list[tuple[Bare, Params]] = self._inner_list() if self._peek() == "(" else self._bare()
            else:
                value = True
            members[key] = (value, self._params())
            self._skip(" \t")
            if self.position >= len(self.text):
                break
            if self._peek() != ",":
                raise ValueError("expected a comma")
            self.position += 1
            self._skip(" \t")
            if self.position >= len(self.text):
                raise ValueError("trailing comma")
        return members

    def _inner_list(self) -> list[tuple[Bare, Params]]:
        self.position += 1
        items: list[tuple[Bare, Params]] = []
        while True:
            self._skip(" ")
            if self._peek() == ")":
                self.position += 1
                return items
            items.append((self._bare(), self._params()))
            if self._peek() not in (" ", ")"):
                raise ValueError("malformed inner list")

    def _params(self) -> Params:
        params: Params = {}
        while self._peek() == ";":
            self.position += 1
            self._skip(" ")
            key = self._key()
            if self._peek() == "=":
                self.position += 1
                params[key] = self._bare()
            else:
                params[key] = True
        return params

    def _bare(self) -> Bare:
        char = self._peek()
        if char == '"':
            return self._string()
        if char == "?":
            value = self.text[self.position : self.position + 2]
            if value not in ("?0", "?1"):
                raise ValueError("malformed boolean")
            self.position += 2
            return value == "?1"
        for pattern, convert in ((_BYTES, None), (_INTEGER, int), (_TOKEN, Token)):
            match = pattern.match(self.text, self.position)
            if match:
                self.position = match.end()
                if convert is None:
                    return base64.b64decode(match.group(1), validate=True)
                return convert(match.group(0))
        raise ValueError("unknown item")

    def _string(self) -> str:
        self.position += 1
        out: list[str] = []
        while self.position < len(self.text):
            char = self.text[self.position]
            self.position += 1
            if char == "\\":
                escaped = self.text[self.position : self.position + 1]
                if escaped not in ('"', "\\"):
                    raise ValueError("bad escape")
                out.append(escaped)
                self.position += 1
            elif char == '"':
                return "".join(out)
            elif not " " <= char <= "~":
                raise ValueError("bad character in a string")
            else:
                out.append(char)
        raise ValueError("unterminated string")

    def _key(self) -> str:
        match = _KEY.match(self.text, self.position)
        if match is None:
            raise ValueError("malformed key")
        self.position = match.end()
        return match.group(0)

    def _peek(self) -> str:
        return self.text[self.position : self.position + 1]

    def _skip(self, characters: str) -> None:
        while self._peek() and self._peek() in characters:
            self.position += 1
