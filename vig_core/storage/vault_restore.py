"""Restoring a backup of a vault (see :mod:`.restore`): its files came as they were, encrypted,
with the vault's key file (``vault.json``), so the restore opens that key file with the secret it
is given (the vault's passphrase, or its recovery code) before it checks what it unpacked, and
hands the key to the data folder once the restored folder is in its place.

A wrong secret is refused before the data folder changes. A plain backup restored over a vault
leaves no key held and no folder known as a vault (:func:`hand_over`).
"""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path

from vig_core.errors import ValidationError, VigError
from vig_core.storage import vaulting
from vig_core.vault import keys
from vig_core.vault.errors import MistypedRecoveryCode, WrongPassphrase, WrongRecoveryCode

NEEDS_SECRET = ("This backup is of a workbook with a passphrase: type that passphrase (or the recovery code) "
                "to restore it.")
WRONG_SECRET = "That passphrase (or recovery code) does not open this backup; nothing was restored."


BACKUP_RECOVERY_PURPOSE = b"vig-vault/1 backup recovery slot"


def recovery_slot_secret(key: keys.DataKey) -> str:
    """The secret of an encrypted backup's recovery slot: derived from the vault's data key, so
    whoever can open the vault (with the passphrase or the recovery code) can open the backup."""
    return base64.b64encode(key.derive(BACKUP_RECOVERY_PURPOSE)).decode("ascii")


def outer_secret(archive: zipfile.ZipFile, secret: str) -> str:
    """The secret to open an encrypted backup ``archive`` with: a vault's recovery code, when the
    key file beside its data opens with it, gives the recovery slot's secret; else ``secret``."""
    try:
        header = keys.VaultHeader.from_json(json.loads(archive.read(vaulting.VAULT_FILE)))
        key = keys.unlock_with_recovery(header, secret)
    except (KeyError, ValueError, VigError):
        return secret
    try:
        return recovery_slot_secret(key)
    finally:
        key.wipe()


def unlock_restored(work: Path, secret: str | None) -> keys.DataKey | None:
    """Hold the key of the vault unpacked in ``work`` (``None`` when it is no vault), from its
    passphrase or its recovery code; :class:`ValidationError` when ``secret`` opens neither."""
    header = vaulting.read_vault_header(work)
    if header is None:
        return None
    if not secret:
        raise ValidationError(NEEDS_SECRET)
    try:
        key = keys.unlock_with_recovery(header, secret)  # cheap: a passphrase is rarely a well-formed code
    except (MistypedRecoveryCode, WrongRecoveryCode, ValueError):
        try:
            key = keys.unlock(header, secret)
        except WrongPassphrase as error:
            raise ValidationError(WRONG_SECRET) from error
    vaulting.hold_key(work, key)
    return key


def hand_over(work: Path, root: Path, key: keys.DataKey | None) -> None:
    """After the restored folder ``work`` became ``root``: ``root`` holds the restored vault's key
    (a copy: the one held for ``work`` is wiped), or none when a plain folder was restored."""
    vaulting.forget_root(root)
    vaulting.forget_root(work)
    if key is not None:
        vaulting.hold_key(root, keys.DataKey(key.material))
    else:
        vaulting.drop_key(root)
    vaulting.drop_key(work)


def is_vault_backup(zip_path: Path) -> bool:
    """Whether the (plain) backup zip ``zip_path`` holds a vault's key file: it needs the vault's
    passphrase or recovery code to be restored."""
    try:
        with zipfile.ZipFile(zip_path) as archive:
            return vaulting.VAULT_FILE in archive.namelist()
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return False
