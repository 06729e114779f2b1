"""RSA key pairs of local ActivityPub actors (HTTP Signatures use RSA-SHA256)."""

from __future__ import annotations

from dataclasses import dataclass

# PeerTube's production key size.
KEY_SIZE = 2048


@dataclass(frozen=True)
class KeyPair:
    public_pem: str
    private_pem: str


def generate_key_pair(key_size: int = KEY_SIZE) -> KeyPair:
    # Imported on use: creating an actor is rare, and cryptography is heavy to import.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return KeyPair(public_pem.decode("ascii"), private_pem.decode("ascii"))
