"""Reading a request: JSON and form bodies, pagination, the caller's address.

Bodies are hostile until checked: anything that is not the expected shape becomes a 400
problem, never an exception deeper in the code.
"""

from __future__ import annotations

import hmac
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from chalicelib.errors import BadRequestError, ValidationError

if TYPE_CHECKING:
    from chalice.app import Request

LIST_FIELD = re.compile(r"^(.+)\[\d*\]$")
DEFAULT_COUNT = 15
MAX_COUNT = 100


@dataclass(frozen=True)
class Pagination:
    start: int
    count: int
    sort: str


def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object (PeerTube's routes all take objects)."""
    raw = request.raw_body or b""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequestError("The body is not valid JSON.", code="SyntaxError") from None
    if not isinstance(body, dict):
        raise BadRequestError("The body must be a JSON object.")
    return body


def form_fields(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body, last value of each field winning."""
    raw = request.raw_body or b""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise BadRequestError("The body is not valid UTF-8.") from None
    return dict(parse_qsl(text, keep_blank_values=True))


def media_type(request: Request) -> str:
    return (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()


def pagination(request: Request, sortable: tuple[str, ...] | None, default_sort: str) -> Pagination:
    """`start`, `count` and `sort` as PeerTube validates them: present but empty is invalid
    (defaults apply only to absent parameters), and only the first failing group reports.
    `sortable` None: a list in one order, whose `sort` is ignored as PeerTube ignores it."""
    query: dict[str, str] = dict(request.query_params or {})
    invalid: dict[str, str] = {}
    start = _non_negative_int(query.get("start"), 0)
    if start is None:
        invalid["start"] = "Invalid value"
    count = _non_negative_int(query.get("count"), DEFAULT_COUNT)
    if count is None or count > MAX_COUNT:
        invalid["count"] = f"Should have a number count (max: {MAX_COUNT})"
    if invalid:
        raise ValidationError(invalid, location="query")
    sort = query.get("sort")
    if sort is None or sortable is None:
        sort = default_sort
    elif sort.startswith("+") or sort.removeprefix("-") not in sortable:
        raise ValidationError({"sort": "Invalid value"}, location="query")
    return Pagination(start or 0, count if count is not None else DEFAULT_COUNT, sort)


# DynamoDB has no OFFSET: a page at `start` of a list read in order from a Query costs the
# `start + count` items before it. Such lists stop at this window and answer 400 past it
# (L10); PeerTube's SQL pages have no such limit, but its infinite scroll never reaches it.
MAX_READ_WINDOW = 2000


def check_read_window(page: Pagination) -> None:
    """400 for a page that would read more than MAX_READ_WINDOW items to find its own."""
    count = page.count or MAX_COUNT  # a count of 0 reads a whole page (domain/comments.py)
    if page.start + count > MAX_READ_WINDOW:
        raise ValidationError(
            {"start": f"Should be at most {MAX_READ_WINDOW - count} with this count"}, location="query"
        )


# CloudFront adds this header, with the secret it holds (template.yaml: the api origin's
# OriginCustomHeaders; CIRRUS_EDGE_SECRET for the function), to every request it sends the API.
EDGE_HEADER = "x-cirrus-edge"


def source_ip(request: Request) -> str:
    """The client's address, for rate limits and the sessions list.

    On AWS the hops are: client -> CloudFront -> API Gateway -> this function. API Gateway's
    `sourceIp` is whoever connected to it: a CloudFront edge server, shared by everyone that edge
    serves. CloudFront appends the address of the client that connected to it to whatever
    X-Forwarded-For the client sent, and API Gateway may append `sourceIp` after it, so:
    `[client's own claims..., client (added by CloudFront), edge (added by API Gateway)]`.
    The client is the last entry once the edge's is dropped; everything to its left is what the
    client chose to send. Only a request that carries CloudFront's secret header came that way:
    anyone can call the execute-api host directly with any X-Forwarded-For, and then the only
    address to trust is `sourceIp` itself. Locally the gateway is the edge and `sourceIp` the
    client (no secret is configured, so X-Forwarded-For is ignored)."""
    from chalicelib.config import get_settings

    identity = (request.context or {}).get("identity") or {}
    peer = str(identity.get("sourceIp") or "unknown")
    secret = get_settings().edge_secret
    presented = request.headers.get(EDGE_HEADER) or ""
    if not secret or not hmac.compare_digest(presented.encode(), secret.encode()):
        return peer
    hops = [hop.strip() for hop in (request.headers.get("x-forwarded-for") or "").split(",") if hop.strip()]
    if hops and hops[-1] == peer:
        hops.pop()
    return hops[-1] if hops else peer


COUNTRY = re.compile(r"^[A-Z]{2}$")


def viewer_region(request: Request) -> tuple[str | None, str | None]:
    """The client's country (ISO 3166-1 alpha-2) and subdivision name, as CloudFront tells
    from its address (`CloudFront-Viewer-Country`, `CloudFront-Viewer-Country-Region-Name`).
    They are only believed when the request came through CloudFront (its secret header, see
    source_ip), which sets them over whatever the client sent. Locally no secret is set and
    the same headers stand in for CloudFront's: tests send them to play viewers elsewhere."""
    from chalicelib.config import get_settings

    secret = get_settings().edge_secret
    presented = request.headers.get(EDGE_HEADER) or ""
    if secret and not hmac.compare_digest(presented.encode(), secret.encode()):
        return None, None
    country = (request.headers.get("cloudfront-viewer-country") or "").strip().upper()
    region = (request.headers.get("cloudfront-viewer-country-region-name") or "").strip()[:100]
    if not COUNTRY.match(country):
        return None, None
    return country, region or None


def _non_negative_int(value: str | None, default: int) -> int | None:
    if value is None:
        return default
    if not value.isdigit():
        return None
    return int(value)


@dataclass(frozen=True)
class UploadedFile:
    data: bytes
    content_type: str
    filename: str


def multipart_file(request: Request, field: str) -> bytes | None:
    """The content of one file field of a multipart/form-data body, or None if absent."""
    upload = multipart_form(request)[1].get(field)
    return upload.data if upload else None


def multipart_form(request: Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """The text fields (`tags[]`, `tags[0]`... gathered into lists) and the files of a
    multipart/form-data body."""
    from email.parser import BytesParser
    from email.policy import HTTP

    content_type = request.headers.get("content-type") or ""
    if media_type(request) != "multipart/form-data" or "boundary=" not in content_type:
        raise BadRequestError("The body must be multipart/form-data.")
    raw = request.raw_body or b""
    body = raw if isinstance(raw, bytes) else raw.encode("utf-8", errors="surrogateescape")
    header = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    message = BytesParser(policy=HTTP).parsebytes(header + body)
    if not message.is_multipart():
        raise BadRequestError("The multipart body could not be read.")
    fields: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = UploadedFile(data, part.get_content_type(), filename)
            continue
        text = data.decode("utf-8", errors="replace")
        listed = LIST_FIELD.match(name)
        if listed:
            fields.setdefault(listed.group(1), []).append(text)
        else:
            fields[name] = text
    return fields, files


def query_param(request: Request, name: str) -> str | None:
    """One query parameter (the last if repeated, as API Gateway's single-value view), or None."""
    params = request.query_params
    return params.get(name) if params else None
