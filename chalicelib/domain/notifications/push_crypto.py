"""Web Push's cryptography: the message encrypted for one browser (RFC 8291, the aes128gcm
content coding of RFC 8188) and the VAPID authorization of the push request (RFC 8292).

VAPID's signed token is py_vapid's (Mozilla's library); the encryption is written here with
`cryptography`, because the library that does it (http_ece) ships no wheel and the dependency
layer installs wheels only. Imported on use: `cryptography` is heavy.
"""

from __future__ import annotations

import base64
import os
import struct
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# One record (RFC 8188): the push services take 4096-byte bodies; the header is 86 bytes.
RECORD_SIZE = 4096
MAX_PLAINTEXT = RECORD_SIZE - 16 - 1 - 86  # the tag, the padding delimiter, the header
AUTH_SECRET_BYTES = 16
PUBLIC_KEY_BYTES = 65  # an uncompressed P-256 point
VAPID_TOKEN_SECONDS = 12 * 3600  # RFC 8292 allows up to a day


class BadKey(ValueError):
    """A browser's key or secret that is not what Web Push needs."""


@dataclass(frozen=True)
class VapidKeyPair:
    public_key: str  # base64url, uncompressed point: the SPA's applicationServerKey
    private_pem: str


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def generate_vapid_keys() -> VapidKeyPair:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return VapidKeyPair(b64url(_point(private.public_key())), pem.decode("ascii"))


def _point(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def check_browser_keys(p256dh: str, auth: str) -> None:
    """The browser's public key must be a point on P-256, its secret 16 bytes; BadKey if not."""
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        point, secret = b64url_decode(p256dh), b64url_decode(auth)
    except ValueError:
        raise BadKey("not base64url") from None
    if len(secret) != AUTH_SECRET_BYTES:
        raise BadKey("auth must be 16 bytes")
    if len(point) != PUBLIC_KEY_BYTES or point[0] != 4:
        raise BadKey("p256dh must be an uncompressed P-256 point")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise BadKey("p256dh is not a point on P-256") from None


def encrypt(plaintext: bytes, p256dh: str, auth: str) -> bytes:
    """`plaintext` as the body of a push message for the browser holding `p256dh`'s private key
    and `auth` (RFC 8291 section 3.4 and RFC 8188 section 2): one record, a fresh key pair and salt."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    if len(plaintext) > MAX_PLAINTEXT:
        raise ValueError(f"a push message holds at most {MAX_PLAINTEXT} bytes")
    browser_public = b64url_decode(p256dh)
    browser_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), browser_public)
    ours = ec.generate_private_key(ec.SECP256R1())
    our_public = _point(ours.public_key())
    shared = ours.exchange(ec.ECDH(), browser_key)
    key_info = b"WebPush: info\x00" + browser_public + our_public
    ikm = HKDF(hashes.SHA256(), 32, b64url_decode(auth), key_info).derive(shared)
    salt = os.urandom(16)
    content_key = HKDF(hashes.SHA256(), 16, salt, b"Content-Encoding: aes128gcm\x00").derive(ikm)
    nonce = HKDF(hashes.SHA256(), 12, salt, b"Content-Encoding: nonce\x00").derive(ikm)
    record = AESGCM(content_key).encrypt(nonce, plaintext + b"\x02", None)  # \x02: the last record
    header = salt + struct.pack("!IB", RECORD_SIZE, len(our_public)) + our_public
    return header + record


def vapid_authorization(endpoint: str, private_pem: str, subject: str, now: float) -> str:
    """The `Authorization: vapid t=<JWT>, k=<public key>` header for a push to `endpoint`."""
    from py_vapid import Vapid02

    parts = urlsplit(endpoint)
    claims = {"aud": f"{parts.scheme}://{parts.netloc}", "sub": subject, "exp": int(now) + VAPID_TOKEN_SECONDS}
    # py_vapid wants `sub` a mailto: or https: URL; an instance on plain http (a laptop's) has neither.
    vapid = Vapid02.from_pem(private_pem.encode("ascii"))
    if not subject.startswith(("mailto:", "https://")):
        vapid.conf["no-strict"] = True
    return str(vapid.sign(claims)["Authorization"])
