"""A live's simulcast targets (Cirrus's `simulcastTargets`, beyond PeerTube): the other RTMP
endpoints its stream is pushed on to, as the owner lists them in `POST /videos/live` and
`PUT /videos/live/{id}`.

Checked here for their form: `rtmp://` or `rtmps://`, a host name or an IP literal the
address policy allows, no credentials, a path (the application and the stream key). A host
name's addresses are checked by the ingest when it connects (functions/live/simulcast.py),
since a name may resolve differently by then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chalicelib.address_policy import address_refusal, is_host_name, is_ip_literal
from chalicelib.config import get_settings

if TYPE_CHECKING:
    from chalicelib.domain.validation import Checks

FIELD = "simulcastTargets"
MAX_TARGETS = 5
MAX_URL_LENGTH = 1000
SCHEMES = ("rtmp", "rtmps")
BAD_HOST = "A simulcast URL must have a valid host and port"
MESSAGE = f"Should be an array of at most {MAX_TARGETS} rtmp:// or rtmps:// URLs"


def read_targets(value: Any, checks: Checks) -> list[str] | None:
    """The targets sent (null or [] clears them); None, with a check added, when they are bad."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_TARGETS:
        checks.add(FIELD, MESSAGE)
        return None
    found: list[str] = []
    for url in value:
        reason = refusal(url)
        if reason is not None:
            checks.add(FIELD, reason)
            return None
        if url not in found:
            found.append(url)
    return found


def refusal(url: Any) -> str | None:
    """Why `url` cannot be a simulcast target, or None."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        return MESSAGE
    if any(character.isspace() or ord(character) < 32 for character in url):
        return "A simulcast URL may not contain spaces or control characters"
    return _url_refusal(url)


def _url_refusal(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return BAD_HOST
    if parts.scheme not in SCHEMES:
        return "A simulcast URL must start with rtmp:// or rtmps://"
    if parts.username is not None or parts.password is not None:
        return "A simulcast URL may not contain credentials"
    if not parts.path.strip("/"):
        return "A simulcast URL must name the application and the stream key"
    return _host_refusal(parts.hostname or "")


def _host_refusal(host: str) -> str | None:
    if not is_ip_literal(host):
        return None if is_host_name(host) else BAD_HOST
    reason = address_refusal(host.strip("[]"), allow_loopback=get_settings().federation.allow_loopback)
    return None if reason is None else f"A simulcast URL may not name a {reason} address"
