"""Backups as the Settings page and the command line make them: encrypted with the workbook's
passphrase when one is set (issue 23), plain only when the practitioner says so.

The passphrase is never stored: it is typed for each backup and checked against the
lock's hash first (a wrong one counts towards the lock's wait, as at the lock screen),
so a backup can always be opened with the passphrase the workbook asks for. Restore
takes plain backups (older ones) and encrypted ones (with the passphrase they were made
with, which the restored workbook then asks for). No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from vig_core.errors import ValidationError
from vig_core.services.lock import check_passphrase, has_passphrase
from vig_core.storage import vaulting
from vig_core.storage.backup import BackupSummary, backup
from vig_core.storage.restore import RestoreSummary, restore
from vig_core.storage.sealed import is_sealed_file
from vig_core.storage.settings import SettingsStore
from vig_core.storage.vault_restore import recovery_slot_secret

PLAIN_WARNING = ("A plain backup is not encrypted: anyone who gets the file can read every case and watch every "
                 "film. Keep it only on an encrypted disk.")
NO_PASSPHRASE_ADVICE = ("The backup is not encrypted because the workbook has no passphrase. Set one above: "
                        "backups are then encrypted with it.")


def backup_name(today: date, *, encrypted: bool) -> str:
    return f"vig-workbook-backup-{today.isoformat()}{'-encrypted' if encrypted else ''}.zip"


def will_encrypt(settings: SettingsStore, *, plain: bool = False) -> bool:
    """Whether a backup made now is encrypted: whenever a passphrase is set, unless ``plain`` is chosen."""
    return has_passphrase(settings) and not plain


def backup_secrets(settings: SettingsStore, passphrase: str | None, *, plain: bool = False) -> dict[str, str] | None:
    """What encrypts a backup made now (``None``: plain; see :func:`will_encrypt`); the passphrase
    typed must be the workbook's."""
    if not will_encrypt(settings, plain=plain):
        return None
    if not passphrase:
        raise ValidationError("Type the workbook's passphrase: the backup is encrypted with it.")
    check_passphrase(settings, passphrase, wrong="That is not the workbook's passphrase, so no backup was made.")
    return {"passphrase": passphrase}


def make_backup(settings: SettingsStore, root: Path, out: Path, *, media: bool = True, passphrase: str | None = None,
                plain: bool = False, on_progress: Callable[[float], None] | None = None) -> BackupSummary:
    """Back up ``root`` to ``out``, encrypted with ``passphrase`` unless plain (:func:`backup_secrets`)."""
    secrets = backup_secrets(settings, passphrase, plain=plain)
    beside = None
    if secrets and vaulting.is_vault(root):  # the vault's recovery code opens the backup too
        secrets["recovery"] = recovery_slot_secret(vaulting.holder(root).key())
        beside = {vaulting.VAULT_FILE: vaulting.header_path(root).read_bytes()}
    return backup(root, out, media=media, on_progress=on_progress, secrets=secrets, beside=beside)


def is_encrypted_backup(path: Path) -> bool:
    """Whether ``path`` is an encrypted backup (``False`` for a plain one, or a file that is neither)."""
    return is_sealed_file(Path(path))


def restore_backup(path: Path, root: Path, *, force: bool = False, passphrase: str | None = None) -> RestoreSummary:
    """Restore the backup ``path`` into ``root``; an encrypted one needs the passphrase it was made with
    (or, for a vault's backup, the vault's recovery code)."""
    return restore(Path(path), root, force=force, secret=passphrase)
