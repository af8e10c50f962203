"""The vault of a data folder, as the pages and the command line use it: make it (with a recovery
code shown once), unlock it with the passphrase or the recovery code, change the passphrase,
lock it, and remove it (decrypting the folder in place). See docs/vault.md.

Why it is built like this:

* **One Argon2id per unlock.** The AES-GCM tag of the wrapped data key is the check that the
  passphrase is right; there is no separate passphrase hash to check first.
* **Making a vault is resumable.** The key file is written first, then the folder is encrypted
  file by file (:mod:`vig_core.storage.vault_migration`); a crash midway leaves a folder that
  reads whole, and :func:`finish_unfinished` completes the job on the next unlock.
* **The key lives in this process only while unlocked** (:func:`vig_core.storage.vaulting.holder`);
  :func:`lock` drops it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vig_core.errors import ValidationError
from vig_core.storage import vault_migration, vaulting
from vig_core.storage.files import fsync_dir
from vig_core.vault import keys

Progress = Callable[[float, str], None]
NO_VAULT = "This data folder has no passphrase, so there is nothing to unlock."


def is_vault(root: Path) -> bool:
    return vaulting.is_vault(root)


def _header(root: Path) -> keys.VaultHeader:
    header = vaulting.read_vault_header(root)
    if header is None:
        raise ValidationError(NO_VAULT)
    return header


def create_vault(root: Path, passphrase: str, on_progress: Progress | None = None) -> str:
    """Make ``root`` a vault under ``passphrase`` and encrypt what it holds; return the recovery
    code (to be shown once, never stored)."""
    root = Path(root)
    vault_migration.end_stale(root)  # a making of a vault cut short before its key file: begun again
    if vaulting.is_vault(root):
        raise ValidationError("This data folder already has a passphrase; change it in Settings instead.")
    header, data_key, code = keys.create(passphrase)
    vault_migration.note_migrating(root, vault_migration.ENCRYPT)  # before the key file: a crash resumes
    keys.write_header(vaulting.header_path(root), header)
    vaulting.hold_key(root, data_key)
    vault_migration.change_in_place(root, vault_migration.ENCRYPT, on_progress)
    return code


def unlock(root: Path, passphrase: str) -> None:
    """Hold the data key of ``root``'s vault, or :class:`WrongPassphrase`."""
    vaulting.hold_key(root, keys.unlock(_header(root), passphrase))


def unlock_with_recovery(root: Path, code: str) -> None:
    """Hold the data key from the recovery code (then ask for a new passphrase)."""
    vaulting.hold_key(root, keys.unlock_with_recovery(_header(root), code))


def check_passphrase(root: Path, passphrase: str) -> None:
    """:class:`WrongPassphrase` unless ``passphrase`` opens the vault (the key held stays as it is)."""
    keys.unlock(_header(root), passphrase).wipe()


def lock(root: Path) -> None:
    vaulting.drop_key(root)


def is_unlocked(root: Path) -> bool:
    return vaulting.is_unlocked(root)


def change_passphrase(root: Path, new: str) -> None:
    """Wrap the data key with ``new`` (the vault must be unlocked): instant, nothing else changes."""
    header = _header(root)
    keys.write_header(vaulting.header_path(root),
                      keys.change_passphrase(header, vaulting.holder(root).key(), new))


def new_recovery_code(root: Path) -> str:
    """A new recovery code (the old one stops working); to be shown once."""
    header, code = keys.new_recovery_code(_header(root), vaulting.holder(root).key())
    keys.write_header(vaulting.header_path(root), header)
    return code


def unfinished(root: Path) -> str | None:
    """``"encrypt"`` or ``"decrypt"`` when making or removing the vault was cut short."""
    return vault_migration.unfinished(root)


def finish_unfinished(root: Path, on_progress: Progress | None = None) -> None:
    """Complete an encryption or decryption a crash cut short (the vault must be unlocked; a
    decryption may be finished with the key of the recovery code too)."""
    vault_migration.end_stale(root)
    direction = vault_migration.unfinished(root)
    if direction == vault_migration.ENCRYPT:
        vault_migration.change_in_place(root, direction, on_progress)
    elif direction == vault_migration.DECRYPT:
        _decrypt(root, on_progress)


def remove_vault(root: Path, passphrase: str, on_progress: Progress | None = None) -> None:
    """Decrypt the folder in place and remove the key file (after the passphrase is checked)."""
    root = Path(root)
    vaulting.hold_key(root, keys.unlock(_header(root), passphrase))  # WrongPassphrase: nothing changes
    _decrypt(root, on_progress)


def decrypt_held(root: Path, on_progress: Progress | None = None) -> None:
    """:func:`remove_vault` once the key is held (the passphrase or recovery code checked already)."""
    _decrypt(Path(root), on_progress)


def _decrypt(root: Path, on_progress: Progress | None) -> None:
    # The marker stays until the key file is gone too: a crash between the two resumes.
    vault_migration.change_in_place(root, vault_migration.DECRYPT, on_progress, end=False)
    vaulting.header_path(root).unlink(missing_ok=True)
    fsync_dir(root)  # the key file gone for good before the marker goes
    vaulting.forget_root(root)
    vaulting.drop_key(root)
    vault_migration.end_migrating(root)
