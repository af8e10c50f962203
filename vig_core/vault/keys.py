"""The vault's keys: a random data key, kept on disk only wrapped, twice.

* The **data key** is 32 random bytes. Nothing is encrypted with it directly:
  each use has its own key derived from it with HKDF-SHA256 (:meth:`DataKey.derive`).
* It is **wrapped by the passphrase**: Argon2id (RFC 9106) turns the passphrase and
  a random salt into a key-encryption key, and AES-256-GCM encrypts the data key
  with it (:data:`PASSPHRASE_PURPOSE` and the vault's id as associated data).
* It is **wrapped by the recovery key** too: 32 random bytes shown once as a code
  (:mod:`.recovery_code`), through HKDF (no slow KDF: the secret is random, not chosen).
* The **key file** (:class:`VaultHeader`, JSON) holds the wrapped keys, the Argon2id
  parameters and salt, the vault's id and a key id (an HKDF of the data key, to tell
  a right key from a wrong one before writing with it). It is read before unlocking,
  so it holds nothing about any family. Changing the passphrase rewrites this file
  only: the data key, and so every encrypted file, stays as it is.

A wrong passphrase and a wrong recovery key are told apart from a damaged key file
by AES-GCM's tag: a damaged wrap and a wrong key look alike, which is why the file's
form is checked first and plainly (:meth:`VaultHeader.from_json`).
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vig_core.errors import StoreError, ValidationError
from vig_core.storage.files import atomic_file
from vig_core.vault import recovery_code
from vig_core.vault.errors import DamagedHeader, WrongPassphrase, WrongRecoveryCode

FORMAT = "vig-vault"
VERSION = 1
KEY_BYTES = 32
NONCE_BYTES = 12
ID_BYTES = 16
SALT_BYTES = 16
PASSPHRASE_PURPOSE = b"vig-vault/1 data key wrapped by the passphrase"
RECOVERY_PURPOSE = b"vig-vault/1 data key wrapped by the recovery key"
_KEY_ID_PURPOSE = b"vig-vault/1 key id"
HEADER_FILE = "vault.json"  # in the data folder, beside what it opens


@dataclass(frozen=True)
class KdfParams:
    """Argon2id's settings. The defaults are RFC 9106's second recommended option
    (t=3, 64 MiB, 4 lanes), the same as argon2-cffi's for the passphrase hash:
    0.2-0.45 s on this project's 2-core machine under a load of 8 (docs/vault.md)."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4
    salt: bytes = b""

    def derive(self, passphrase: str) -> bytes:
        return hash_secret_raw(passphrase.encode("utf-8"), self.salt, time_cost=self.time_cost,
                               memory_cost=self.memory_kib, parallelism=self.parallelism,
                               hash_len=KEY_BYTES, type=Type.ID, version=19)


DEFAULT_KDF = KdfParams()
# Bounds a key file is held to, so a damaged one cannot ask for a day or all the memory.
KDF_LIMITS = {"time_cost": (1, 20), "memory_kib": (8 * 1024, 1024 * 1024), "parallelism": (1, 16)}


def _hkdf(material: bytes | bytearray, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(material)


class DataKey:
    """The unlocked data key, in a ``bytearray`` that :meth:`wipe` overwrites.

    Python cannot promise that no other copy exists (OpenSSL's key schedules, derived
    keys, the garbage collector's leftovers): wiping removes the one this program keeps,
    and dropping the object lets the rest go (see :mod:`.session` and docs/vault.md).
    """

    def __init__(self, material: bytes | bytearray) -> None:
        if len(material) != KEY_BYTES:
            raise ValueError("a data key is 32 bytes")
        self._material: bytearray | None = bytearray(material)
        self._aeads: dict[bytes, AESGCM] = {}

    @classmethod
    def generate(cls) -> DataKey:
        return cls(secrets.token_bytes(KEY_BYTES))

    @property
    def material(self) -> bytearray:
        if self._material is None:
            raise ValueError("the data key was wiped (the workbook is locked)")
        return self._material

    def derive(self, purpose: bytes, salt: bytes | None = None) -> bytes:
        """A key for one use (``purpose``), and for one file when ``salt`` is its id."""
        return _hkdf(self.material, purpose, salt)

    def aead(self, purpose: bytes) -> AESGCM:
        """An AES-256-GCM of the key derived for ``purpose``, kept until :meth:`wipe`."""
        if purpose not in self._aeads:
            self._aeads[purpose] = AESGCM(self.derive(purpose))
        return self._aeads[purpose]

    @property
    def key_id(self) -> bytes:
        return self.derive(_KEY_ID_PURPOSE)[:ID_BYTES]

    def wipe(self) -> None:
        if self._material is not None:
            self._material[:] = bytes(KEY_BYTES)
        self._material = None
        self._aeads.clear()

    @property
    def wiped(self) -> bool:
        return self._material is None

    def __repr__(self) -> str:  # never the key itself, in a log or a traceback
        return f"DataKey({'wiped' if self.wiped else 'held'})"


@dataclass(frozen=True)
class VaultHeader:
    """The key file: what must be read before unlocking, and nothing about a family."""

    vault_id: bytes
    key_id: bytes
    kdf: KdfParams
    passphrase_wrap: bytes  # nonce + AES-GCM(data key) + tag
    recovery_wrap: bytes
    backup_recipient: str | None = None  # an age X25519 recipient for backups (issue 23, later)
    version: int = VERSION

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": self.version, "vault_id": _b64(self.vault_id),
                "key_id": _b64(self.key_id),
                "kdf": {"name": "argon2id", "argon2_version": 19, "time_cost": self.kdf.time_cost,
                        "memory_kib": self.kdf.memory_kib, "parallelism": self.kdf.parallelism,
                        "salt": _b64(self.kdf.salt)},
                "passphrase_wrap": _b64(self.passphrase_wrap), "recovery_wrap": _b64(self.recovery_wrap),
                "backup_recipient": self.backup_recipient}

    @classmethod
    def from_json(cls, data: Any) -> VaultHeader:
        """The header in ``data``, or :class:`DamagedHeader` naming what is wrong, plainly."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise _damaged("it is not a vault key file")
        if data.get("version") != VERSION:
            raise DamagedHeader("The vault's key file was made by a newer version of the workbook; "
                                "update the workbook to open it.")
        kdf = data.get("kdf")
        if not isinstance(kdf, dict) or kdf.get("name") != "argon2id" or kdf.get("argon2_version") != 19:
            raise _damaged("its key settings are missing")
        numbers = {}
        for name, (low, high) in KDF_LIMITS.items():
            value = kdf.get(name)
            if type(value) is not int or not low <= value <= high:
                raise _damaged("its key settings are out of range")
            numbers[name] = value
        recipient = data.get("backup_recipient")
        if recipient is not None and not (isinstance(recipient, str) and recipient.startswith("age1")):
            raise _damaged("its backup key is not an age recipient")
        wrap_bytes = NONCE_BYTES + KEY_BYTES + 16
        return cls(vault_id=_unb64(data.get("vault_id"), ID_BYTES), key_id=_unb64(data.get("key_id"), ID_BYTES),
                   kdf=KdfParams(**numbers, salt=_unb64(kdf.get("salt"), SALT_BYTES)),
                   passphrase_wrap=_unb64(data.get("passphrase_wrap"), wrap_bytes),
                   recovery_wrap=_unb64(data.get("recovery_wrap"), wrap_bytes), backup_recipient=recipient)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: Any, length: int) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else b""
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != length:
        raise _damaged("a key in it is cut or changed")
    return raw


def _damaged(why: str) -> DamagedHeader:
    return DamagedHeader(f"The vault's key file is damaged ({why}), so the data cannot be unlocked; "
                         "restore the key file from a backup.")


def _wrap(kek: bytes, data_key: DataKey, purpose: bytes, vault_id: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, bytes(data_key.material), purpose + vault_id)


def _unwrap(kek: bytes, wrapped: bytes, purpose: bytes, vault_id: bytes) -> DataKey | None:
    try:
        material = AESGCM(kek).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], purpose + vault_id)
    except InvalidTag:
        return None
    return DataKey(material)


def _recovery_kek(secret: bytes, vault_id: bytes) -> bytes:
    return _hkdf(secret, RECOVERY_PURPOSE, vault_id)


def _check_passphrase(passphrase: str) -> None:
    if not isinstance(passphrase, str) or not passphrase:
        raise ValidationError("A vault needs a passphrase.")


def create(passphrase: str, kdf: KdfParams = DEFAULT_KDF) -> tuple[VaultHeader, DataKey, str]:
    """A new vault: its key file, its data key (unlocked) and its recovery code, to be shown once."""
    _check_passphrase(passphrase)
    data_key, vault_id = DataKey.generate(), secrets.token_bytes(ID_BYTES)
    params = replace(kdf, salt=secrets.token_bytes(SALT_BYTES))
    secret = recovery_code.new_secret()
    header = VaultHeader(vault_id=vault_id, key_id=data_key.key_id, kdf=params,
                         passphrase_wrap=_wrap(params.derive(passphrase), data_key, PASSPHRASE_PURPOSE, vault_id),
                         recovery_wrap=_wrap(_recovery_kek(secret, vault_id), data_key, RECOVERY_PURPOSE, vault_id))
    return header, data_key, recovery_code.encode(secret)


def unlock(header: VaultHeader, passphrase: str) -> DataKey:
    """The data key, or :class:`WrongPassphrase`. Costs one Argon2id (the unlock's time)."""
    if not isinstance(passphrase, str) or not passphrase:
        raise WrongPassphrase()
    key = _unwrap(header.kdf.derive(passphrase), header.passphrase_wrap, PASSPHRASE_PURPOSE, header.vault_id)
    if key is None:
        raise WrongPassphrase()
    return _checked(header, key)


def unlock_with_recovery(header: VaultHeader, code: str) -> DataKey:
    """The data key from the recovery code: :class:`.MistypedRecoveryCode` when its own check
    fails, :class:`WrongRecoveryCode` when it is another vault's. Set a new passphrase next."""
    secret = recovery_code.decode(code)
    key = _unwrap(_recovery_kek(secret, header.vault_id), header.recovery_wrap, RECOVERY_PURPOSE, header.vault_id)
    if key is None:
        raise WrongRecoveryCode()
    return _checked(header, key)


def _checked(header: VaultHeader, key: DataKey) -> DataKey:
    if not secrets.compare_digest(key.key_id, header.key_id):
        key.wipe()
        raise _damaged("its key id does not match its key")
    return key


def _require_own_key(header: VaultHeader, data_key: DataKey) -> None:
    if not secrets.compare_digest(data_key.key_id, header.key_id):
        raise ValueError("this data key is not the vault's own")


def change_passphrase(header: VaultHeader, data_key: DataKey, new: str,
                      kdf: KdfParams | None = None) -> VaultHeader:
    """The header with the data key wrapped by ``new`` (a new salt): instant, nothing else changes."""
    _check_passphrase(new)
    _require_own_key(header, data_key)
    params = replace(kdf or header.kdf, salt=secrets.token_bytes(SALT_BYTES))
    return replace(header, kdf=params,
                   passphrase_wrap=_wrap(params.derive(new), data_key, PASSPHRASE_PURPOSE, header.vault_id))


def new_recovery_code(header: VaultHeader, data_key: DataKey) -> tuple[VaultHeader, str]:
    """A new recovery code (the old one stops working once the returned header is written)."""
    _require_own_key(header, data_key)
    secret = recovery_code.new_secret()
    wrap = _wrap(_recovery_kek(secret, header.vault_id), data_key, RECOVERY_PURPOSE, header.vault_id)
    return replace(header, recovery_wrap=wrap), recovery_code.encode(secret)


def write_header(path: Path, header: VaultHeader) -> None:
    """Replace the key file at ``path`` whole or not at all (the store's atomic writer, 0600)."""
    with atomic_file(Path(path), "saving the vault's key file") as handle:
        handle.write(json.dumps(header.to_json(), separators=(",", ":")).encode("ascii"))


def read_header(path: Path) -> VaultHeader | None:
    """The key file at ``path``; ``None`` when there is none (no vault yet)."""
    try:
        text = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError("The vault's key file could not be read: "
                         f"{error.strerror or 'the system refused'}.") from error
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise _damaged("it is not whole") from error
    return VaultHeader.from_json(data)
