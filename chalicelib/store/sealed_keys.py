"""Local actors' private keys (and users' two-factor seeds, the VAPID key), sealed before they reach the table
(envelope encryption).

A stored key is `sealed:v1:<backend>:<wrapped data key>:<nonce>:<ciphertext>` (base64
parts): the PEM is encrypted with AES-256-GCM under a data key of its own, and the actor's
id is bound in as associated data, so a sealed key copied onto another actor item does not
open. The data key is wrapped:

- `kms`: by the deployment's KMS key (CIRRUS_ACTOR_KEY_ID; the actor's id as encryption
  context). Only the functions that sign hold kms:Decrypt (template.yaml), so a function
  that can read actor items, or a copy of the table, has no usable private key.
- `local`: by the AES key in CIRRUS_LOCAL_KEY_FILE (`make run` keeps it in its data
  directory), or, with neither setting outside production, by a key that lives as long as
  the process (tests).

Keys stored in clear before sealing existed (`-----BEGIN ...`) are read as they are.
"""

from __future__ import annotations

import base64
import functools
import os
from pathlib import Path

from chalicelib import aws, caches
from chalicelib.config import get_settings

PREFIX = "sealed:v1:"
_KEY_BYTES = 32
_NONCE_BYTES = 12


class SealError(Exception):
    """A sealed key that cannot be opened here (wrong key, tampered, or unknown backend)."""


def seal(private_pem: str, actor_id: int) -> str:
    return _seal(private_pem, _Subject("actor", actor_id))


def unseal(stored: str, actor_id: int) -> str:
    """The PEM of a stored private key, sealed or (from before sealing) in clear."""
    if not stored.startswith(PREFIX):
        return stored
    return _unseal(stored, _Subject("actor", actor_id))


def seal_user_secret(secret: str, user_id: int) -> str:
    """A user's secret (the two-factor TOTP seed), sealed as actors' keys are and bound to the
    user: a sealed seed copied onto another user, or into an actor's key, does not open."""
    return _seal(secret, _Subject("user-secret", user_id))


def unseal_user_secret(stored: str, user_id: int) -> str:
    return _unseal(stored, _Subject("user-secret", user_id))


def seal_runner_secret(secret: str, token_id: int) -> str:
    """A runner registration token, sealed and bound to its id (store/runners.py)."""
    return _seal(secret, _Subject("runner-registration", token_id))


def unseal_runner_secret(stored: str, token_id: int) -> str:
    return _unseal(stored, _Subject("runner-registration", token_id))


def seal_instance_secret(secret: str, name: str) -> str:
    """One of the instance's own secrets (`name`: the VAPID private key), sealed as actors'
    keys are and bound to its name."""
    return _seal(secret, _Subject(f"instance-{name}", 0))


def unseal_instance_secret(stored: str, name: str) -> str:
    return _unseal(stored, _Subject(f"instance-{name}", 0))


class _Subject:
    """What a sealed value belongs to: bound in as KMS encryption context and as AES-GCM data."""

    def __init__(self, kind: str, subject_id: int) -> None:
        self.kind, self.subject_id = kind, subject_id

    def context(self) -> dict[str, str]:
        return {f"cirrus:{self.kind}": str(self.subject_id)}

    def aad(self) -> bytes:
        return f"cirrus:{self.kind}:{self.subject_id}".encode("ascii")

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id}"


def _seal(text: str, subject: _Subject) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    settings = get_settings()
    if settings.actor_key_id:
        answer = aws.kms().generate_data_key(
            KeyId=settings.actor_key_id, KeySpec="AES_256", EncryptionContext=subject.context()
        )
        backend, data_key, wrapped = "kms", bytes(answer["Plaintext"]), bytes(answer["CiphertextBlob"])
    else:
        if settings.production:
            raise SealError("CIRRUS_ACTOR_KEY_ID is not set: private keys cannot be stored")
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(_NONCE_BYTES)
        wrapped = nonce + AESGCM(_local_key()).encrypt(nonce, data_key, subject.aad())
        backend = "local"
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(data_key).encrypt(nonce, text.encode("ascii"), subject.aad())
    return PREFIX + ":".join([backend, _b64(wrapped), _b64(nonce), _b64(sealed)])


def _unseal(stored: str, subject: _Subject) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not stored.startswith(PREFIX):
        raise SealError("not a sealed value")
    try:
        backend, *encoded = stored[len(PREFIX) :].split(":")
        wrapped, nonce, sealed = (base64.b64decode(part, validate=True) for part in encoded)
    except ValueError as exc:
        raise SealError("malformed sealed key") from exc
    try:
        if backend == "kms":
            data_key = _kms_unwrap(wrapped, subject)
        elif backend == "local":
            data_key = AESGCM(_local_key()).decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], subject.aad())
        else:
            raise SealError(f"unknown sealing backend {backend!r}")
        return AESGCM(data_key).decrypt(nonce, sealed, subject.aad()).decode("ascii")
    except InvalidTag as exc:
        raise SealError(f"the sealed value of {subject} does not open with this instance's key") from exc


def _kms_unwrap(wrapped: bytes, subject: _Subject) -> bytes:
    client = aws.kms()
    try:
        answer = client.decrypt(CiphertextBlob=wrapped, EncryptionContext=subject.context())
    except client.exceptions.InvalidCiphertextException as exc:
        # Anything else (throttling, permissions) is raised as is: it may pass on a retry.
        raise SealError(f"the sealed value of {subject} does not open with this instance's KMS key") from exc
    return bytes(answer["Plaintext"])


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _local_key() -> bytes:
    path = get_settings().local_key_file
    return _key_from_file(path) if path else _ephemeral_key()


@functools.cache
def _key_from_file(path: str) -> bytes:
    file = Path(path)
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        # Created readable by its owner only, and never overwritten (O_EXCL): a race with
        # another process loses to the file that process wrote.
        try:
            descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(base64.b64encode(os.urandom(_KEY_BYTES)))
    key = base64.b64decode(file.read_bytes().strip())
    if len(key) != _KEY_BYTES:
        raise SealError(f"{path} does not hold a {_KEY_BYTES}-byte key")
    return key


@functools.cache
def _ephemeral_key() -> bytes:
    return os.urandom(_KEY_BYTES)


@caches.register
def reset() -> None:
    """Forget the keys read (tests: another key file, or a fresh instance without one)."""
    _key_from_file.cache_clear()
    _ephemeral_key.cache_clear()
