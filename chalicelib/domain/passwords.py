"""Password hashing with scrypt, a memory-hard KDF (from cryptography, loaded on first use).

A stored hash carries its own parameters (`scrypt$<log2 n>$<r>$<p>$<salt>$<key>`), so the
cost can be raised later without invalidating existing passwords: `needs_rehash` tells when
a successful login should store a fresh hash.
"""

from __future__ import annotations

import base64
import hmac
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

SCHEME = "scrypt"
SALT_BYTES = 16
KEY_BYTES = 32


@dataclass(frozen=True)
class ScryptCost:
    log2_n: int
    r: int
    p: int


# OWASP's recommended minimum for scrypt: N=2^17, r=8, p=1 (128 MiB, about 0.3 s here).
COST = ScryptCost(log2_n=17, r=8, p=1)


def hash_password(password: str, cost: ScryptCost | None = None) -> str:
    cost = cost or COST
    salt = os.urandom(SALT_BYTES)
    key = _kdf(salt, cost).derive(password.encode("utf-8"))
    return "$".join([SCHEME, str(cost.log2_n), str(cost.r), str(cost.p), _b64(salt), _b64(key)])


def verify_password(password: str, stored: str) -> bool:
    """True if `password` matches `stored`; False for a wrong password or a malformed hash."""
    from cryptography.exceptions import InvalidKey

    try:
        scheme, log2_n, r, p, salt, key = stored.split("$")
        cost = ScryptCost(int(log2_n), int(r), int(p))
        if scheme != SCHEME:
            return False
        _kdf(_unb64(salt), cost).verify(password.encode("utf-8"), _unb64(key))
    except (ValueError, InvalidKey):
        return False
    return True


def needs_rehash(stored: str) -> bool:
    parts = stored.split("$")
    return len(parts) != 6 or parts[:4] != [SCHEME, str(COST.log2_n), str(COST.r), str(COST.p)]


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _kdf(salt: bytes, cost: ScryptCost) -> Scrypt:
    # Imported here, not at the top: only logins and password changes pay for it.
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=KEY_BYTES, n=2**cost.log2_n, r=cost.r, p=cost.p)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
