"""The recovery key as a person writes it down: 56 characters in 14 groups of 4.

It carries 32 random bytes (256 bits) and a 3-byte check (the first bytes of a
SHA-256 of those bytes), 35 bytes = 280 bits = 56 characters of Crockford's base32
alphabet ``0-9 A-Z`` without ``I L O U``, so no two characters look alike. Reading it
back forgives what people do when they copy a code: lower case, spaces, dashes, and
``I``/``L`` for ``1``, ``O`` for ``0``. A code whose check fails was **mistyped** (a
wrong character, a swapped pair, a missing group: caught but for a chance of one in
16 million); a code that passes its check but does not open the vault is a **wrong**
code (another workbook's, or an old one). The two are told apart on purpose, so a
practitioner with the right paper in hand looks for the typing mistake.
"""

from __future__ import annotations

import hashlib
import secrets

from vig_core.vault.errors import MistypedRecoveryCode

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
_VALUE = {c: i for i, c in enumerate(ALPHABET)} | {"I": 1, "L": 1, "O": 0}
SECRET_BYTES = 32
CHECK_BYTES = 3
GROUP = 4
LENGTH = (SECRET_BYTES + CHECK_BYTES) * 8 // 5  # 56 characters
_CHECK_PURPOSE = b"vig-vault recovery code check"


def _check(secret: bytes) -> bytes:
    return hashlib.sha256(_CHECK_PURPOSE + secret).digest()[:CHECK_BYTES]


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def encode(secret: bytes) -> str:
    """The code for ``secret`` (32 bytes), grouped as ``ABCD-EFGH-...``."""
    if len(secret) != SECRET_BYTES:
        raise ValueError("a recovery secret is 32 bytes")
    number = int.from_bytes(secret + _check(secret), "big")
    chars = [ALPHABET[(number >> (5 * (LENGTH - 1 - i))) & 31] for i in range(LENGTH)]
    return "-".join("".join(chars[i:i + GROUP]) for i in range(0, LENGTH, GROUP))


def decode(code: str) -> bytes:
    """The 32-byte secret of a typed ``code``, or :class:`MistypedRecoveryCode` with what looks wrong."""
    typed = "".join(c for c in code.upper() if c not in " -\t\r\n")
    if len(typed) != LENGTH:
        raise MistypedRecoveryCode(
            f"The recovery key looks mistyped: it has {len(typed)} letters and digits, and a recovery key "
            f"has {LENGTH} ({LENGTH // GROUP} groups of {GROUP}).")
    number = 0
    for position, char in enumerate(typed):
        value = _VALUE.get(char)
        if value is None:
            raise MistypedRecoveryCode(
                f"The recovery key looks mistyped: group {position // GROUP + 1} holds a character that "
                "recovery keys do not use (they use digits and the letters A to Z without I, L, O and U).")
        number = number << 5 | value
    raw = number.to_bytes(SECRET_BYTES + CHECK_BYTES, "big")
    secret, check = raw[:SECRET_BYTES], raw[SECRET_BYTES:]
    if not secrets.compare_digest(check, _check(secret)):
        raise MistypedRecoveryCode(
            "The recovery key looks mistyped: its letters and digits do not add up. "
            "Check each group against the paper.")
    return secret
