"""A vault's backup holds its files as they are (encrypted) and its key file; restored with the
passphrase or the recovery code, every case loads and every film reads back to the byte; a wrong
secret changes nothing. The store opens on a locked vault, and finishes an erasure after the unlock."""

from __future__ import annotations

import hashlib
import os
import zipfile
from datetime import date

import pytest

from vig_core.errors import ValidationError
from vig_core.services import vault
from vig_core.services.demo import ensure_demo_cases
from vig_core.storage.backup import backup
from vig_core.storage.layout import ERASING, ERASING_FOLDER
from vig_core.storage.media_source import open_plaintext
from vig_core.storage.restore import restore
from vig_core.storage.store import CaseStore
from vig_core.vault import chunks, records

PASSPHRASE = "tea with two sugars please"


def film_hashes(root):
    found = {}
    for path in sorted((root / "cases").rglob("film.mp4")):
        with open_plaintext(path) as handle:
            found[path.relative_to(root).as_posix()] = hashlib.sha256(handle.read()).hexdigest()
    return found


@pytest.fixture
def a_vault(tmp_path):
    root = tmp_path / "data"
    ensure_demo_cases(CaseStore(root))
    code = vault.create_vault(root, PASSPHRASE)
    yield root, code
    vault.lock(root)


@pytest.mark.parametrize("with_code", [False, True])
def test_a_vault_backup_is_ciphertext_and_restores_with_passphrase_or_recovery_code(a_vault, tmp_path, with_code):
    root, code = a_vault
    films, codes = film_hashes(root), {c.code for c in CaseStore(root).caseload().cases}
    out = backup(root, tmp_path / "backup.zip").path
    vault.lock(root)  # a backup needs no key either: the files go as they are
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert "vault.json" in names
        for name in names:
            data = archive.read(name)
            if name.endswith("case.json"):
                assert records.is_sealed(data)
            if name.endswith("film.mp4"):
                assert data.startswith(chunks.MAGIC)
    target = tmp_path / "restored"
    with pytest.raises(ValidationError, match="does not open"):
        restore(out, target, secret="not the passphrase")
    with pytest.raises(ValidationError, match="passphrase"):
        restore(out, target)
    assert not target.exists() or not any(target.iterdir())
    restore(out, target, secret=code if with_code else PASSPHRASE)
    assert vault.is_unlocked(target)
    store = CaseStore(target)
    assert {c.code for c in store.caseload().cases} == codes and store.caseload().unreadable == []
    assert film_hashes(target) == films
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no unpack folder left
    vault.lock(target)


@pytest.mark.parametrize("with_code", [False, True])
def test_an_encrypted_vault_backup_restores_with_the_passphrase_or_the_recovery_code(a_vault, tmp_path, with_code):
    """The settings' backup of a vault is encrypted as a whole (age) too; its recovery slot opens with
    the vault's recovery code, which never was stored anywhere (issue 23)."""
    from vig_core.services import backups
    from vig_core.storage.sealed import KEY_NAMES
    from vig_core.storage.settings import SettingsStore

    root, code = a_vault
    films = film_hashes(root)
    out = backups.make_backup(SettingsStore(root), root, tmp_path / "backup.zip", passphrase=PASSPHRASE).path
    assert backups.is_encrypted_backup(out)
    with zipfile.ZipFile(out) as archive:
        assert {"vault.json", *(f"key.{name}.age" for name in KEY_NAMES)} <= set(archive.namelist())
        assert not any(name.startswith("cases/") for name in archive.namelist())  # names hidden inside data.age
    vault.lock(root)
    target = tmp_path / "restored"
    with pytest.raises(ValidationError, match="does not open"):
        backups.restore_backup(out, target, passphrase=code[:-4] + "0000" if with_code else "not it at all")
    backups.restore_backup(out, target, passphrase=code if with_code else PASSPHRASE)
    assert vault.is_unlocked(target) and film_hashes(target) == films
    vault.lock(target)


def test_the_store_opens_on_a_locked_vault_and_finishes_an_erasure_after_the_unlock(a_vault):
    root, _ = a_vault
    store = CaseStore(root)
    gone = store.case_ids()[0]
    store._mark(store.case_folder(gone) / ERASING, {"date": str(date.today()), "case_code": "DEMO", "erased": "all"})
    os.rename(store.case_folder(gone), store.cases_dir / f"{ERASING_FOLDER}{gone}")  # a crash just after this
    vault.lock(root)
    locked = CaseStore(root)  # does not fail, and leaves the erasure for the key
    assert (root / "cases" / f"{ERASING_FOLDER}{gone}").exists()
    vault.unlock(root, PASSPHRASE)
    locked.after_unlock()
    assert not (root / "cases" / f"{ERASING_FOLDER}{gone}").exists()
    assert [e["case_code"] for e in locked.deletion_log()] == ["DEMO"]
    assert gone not in locked.case_ids()
