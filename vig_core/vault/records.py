"""Sealed records: a small file (a case, a note, settings) encrypted whole, in one AES-GCM.

A sealed file is ``MAGIC`` (4 bytes, ``VIGS``), a version byte, a random 96-bit nonce,
then the ciphertext and its 16-byte tag. The associated data binds the magic, the
version and the file's **identity** (its path relative to the data folder, in POSIX
form): a sealed file copied or renamed over another file's name fails its check, as
does any changed byte. Each write seals afresh with a new random nonce (at most 2^32
seals per key keep the chance of a repeated nonce below 2^-32, NIST SP 800-38D; a
practitioner's lifetime of saves is far below that). The key is the data key's own
for records (HKDF, :data:`PURPOSE`), never the one films use.

Writing goes through the store's atomic writer (:func:`write_sealed`), so a sealed
file, like a plain one, is there whole or not at all.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag

from vig_core.storage.files import atomic_file
from vig_core.vault.errors import DamagedRecord
from vig_core.vault.keys import DataKey

MAGIC = b"VIGS"
VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
PREFIX = MAGIC + bytes([VERSION])
OVERHEAD = len(PREFIX) + NONCE_BYTES + TAG_BYTES  # 33 bytes
PURPOSE = b"vig-vault/1 records"


def _aad(identity: str) -> bytes:
    if not isinstance(identity, str) or not identity:
        raise ValueError("a sealed record needs its identity (its path in the data folder)")
    return PREFIX + identity.encode("utf-8", "surrogatepass")


def is_sealed(data: bytes) -> bool:
    """Whether ``data`` starts as a sealed record does (a plain JSON record starts with ``{`` or ``[``)."""
    return data[:len(MAGIC)] == MAGIC


def seal(key: DataKey, plaintext: bytes, identity: str) -> bytes:
    """``plaintext`` encrypted and bound to ``identity``."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return PREFIX + nonce + key.aead(PURPOSE).encrypt(nonce, plaintext, _aad(identity))


def open_sealed(key: DataKey, sealed: bytes, identity: str, *, name: str = "A record") -> bytes:
    """The plaintext of ``sealed`` read as ``identity``, or :class:`DamagedRecord`.

    ``name`` is how the message names the file to the practitioner (never its content)."""
    aad = _aad(identity)
    if not is_sealed(sealed):
        raise DamagedRecord(f"{name} is not an encrypted file of this workbook; restore it from a backup.")
    if sealed[len(MAGIC)] != VERSION:
        raise DamagedRecord(f"{name} was encrypted by a newer version of the workbook; update the workbook.")
    if len(sealed) < OVERHEAD:
        raise DamagedRecord(f"{name} is cut short and cannot be read; restore it from a backup.")
    body = memoryview(sealed)[len(PREFIX):]
    try:
        return key.aead(PURPOSE).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DamagedRecord(f"{name} fails its check (damaged, changed, or moved from another place) "
                            "and cannot be read; restore it from a backup.") from None


def write_sealed(path: Path, key: DataKey, plaintext: bytes, identity: str, doing: str = "saving") -> None:
    """Replace ``path`` with ``plaintext`` sealed as ``identity``: whole or not at all, 0600."""
    sealed = seal(key, plaintext, identity)
    with atomic_file(Path(path), doing) as handle:
        handle.write(sealed)


def read_sealed(path: Path, key: DataKey, identity: str, *, name: str = "A record") -> bytes:
    """The plaintext of the sealed file at ``path`` (``FileNotFoundError`` passes through)."""
    return open_sealed(key, Path(path).read_bytes(), identity, name=name)
