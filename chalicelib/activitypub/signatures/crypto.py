"""RSA (and Ed25519) signing and verifying for federation, with parsed keys cached.

Loading a PEM key costs more than one RSA verification, and the same few remote actors sign most
of what an inbox receives, so parsed keys are kept (by their PEM text). `cryptography` is imported
on first use: importing this module stays cheap for the API function's cold start.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

# Signature algorithms by the names HTTP signatures use for them. "hs2019" (draft-cavage) and an
# RFC 9421 signature without `alg` mean "whatever the key says": for RSA keys, the two schemes below.
RSA_SHA256 = "rsa-sha256"
RSA_V1_5_SHA256 = "rsa-v1_5-sha256"
RSA_PSS_SHA512 = "rsa-pss-sha512"
ED25519 = "ed25519"
FROM_KEY = "hs2019"
_RSA_ALGORITHMS = frozenset({RSA_SHA256, RSA_V1_5_SHA256, RSA_PSS_SHA512})
KNOWN_ALGORITHMS = _RSA_ALGORITHMS | {ED25519, FROM_KEY}


class BadKeyError(ValueError):
    """A PEM text that is not a usable key."""


@lru_cache(maxsize=512)
def public_key(pem: str) -> PublicKeyTypes:
    """The parsed public key of `pem` (cached); BadKeyError when it does not parse."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        return load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as error:
        raise BadKeyError(str(error)) from None


@lru_cache(maxsize=64)
def private_key(pem: str) -> PrivateKeyTypes:
    """The parsed private key of `pem` (cached; local actors only)."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        return load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as error:
        raise BadKeyError(str(error)) from None


def sign(private_pem: str, data: bytes, algorithm: str = RSA_SHA256) -> bytes:
    """Sign `data` with the key in `private_pem` by `algorithm` (an RSA or Ed25519 key)."""
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    key = private_key(private_pem)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(data)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise BadKeyError("Only RSA and Ed25519 keys can sign")
    hash_algorithm, pad = _rsa_scheme(RSA_SHA256 if algorithm == FROM_KEY else algorithm)
    return key.sign(data, pad, hash_algorithm)


def verify(public_pem: str, signature: bytes, data: bytes, algorithm: str = RSA_SHA256) -> bool:
    """Whether `signature` over `data` holds for the key in `public_pem`; False for a bad key too."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    try:
        key = public_key(public_pem)
    except BadKeyError:
        return False
    if isinstance(key, ed25519.Ed25519PublicKey) and algorithm in (ED25519, FROM_KEY):
        try:
            key.verify(signature, data)
        except InvalidSignature:
            return False
        return True
    if isinstance(key, rsa.RSAPublicKey) and algorithm in _RSA_ALGORITHMS | {FROM_KEY}:
        # "From the key" for RSA: PKCS#1 v1.5 with SHA-256 as the fediverse sends it, else RFC 9421's PSS.
        return any(
            _rsa_holds(key, signature, data, candidate)
            for candidate in ((RSA_SHA256, RSA_PSS_SHA512) if algorithm == FROM_KEY else (algorithm,))
        )
    return False


def _rsa_holds(key: RSAPublicKey, signature: bytes, data: bytes, algorithm: str) -> bool:
    from cryptography.exceptions import InvalidSignature

    hash_algorithm, pad = _rsa_scheme(algorithm)
    try:
        key.verify(signature, data, pad, hash_algorithm)
    except InvalidSignature:
        return False
    return True


def _rsa_scheme(algorithm: str) -> tuple[Any, Any]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    if algorithm in (RSA_SHA256, RSA_V1_5_SHA256):
        return hashes.SHA256(), padding.PKCS1v15()
    if algorithm == RSA_PSS_SHA512:
        # RFC 9421 section 3.3.1: MGF1 with SHA-512 and a 64-byte salt.
        return hashes.SHA512(), padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
    raise BadKeyError(f"Unsupported algorithm {algorithm!r} for an RSA key")
