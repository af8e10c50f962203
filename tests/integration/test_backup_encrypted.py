"""Encrypted backups (issue 23): made with the workbook's passphrase, restored with it, refused
plainly when the passphrase is wrong or the file was changed, nothing readable from outside,
old plain backups still restore, and the memory a large backup needs stays small."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pyrage
import pytest

from conftest import make_case
from unit.test_backup import FILM, everything, fill, tree
from vig_core.errors import ValidationError
from vig_core.services import backups, lock
from vig_core.storage import sealed
from vig_core.storage.backup import MANIFEST, backup
from vig_core.storage.paths import ENV_VAR
from vig_core.storage.restore import restore
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore

PASS = "a long enough passphrase"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def filled(store: CaseStore, tmp_path: Path) -> tuple[CaseStore, Path]:
    fill(store)
    lock.set_passphrase(SettingsStore(store.root), PASS, PASS)
    (tmp_path / "out").mkdir()
    return store, tmp_path / "out" / "backup-encrypted.zip"


def made(store: CaseStore, out: Path, **kwargs):
    return backups.make_backup(SettingsStore(store.root), store.root, out, **kwargs)


def test_round_trip_with_the_passphrase_restores_every_file(filled, tmp_path):
    store, out = filled
    summary = made(store, out, passphrase=PASS)
    assert summary.encrypted and backups.is_encrypted_backup(out)
    with zipfile.ZipFile(out) as outer:
        # a vault's backup: its recovery slot and its key file ride beside (issue 23)
        assert sorted(outer.namelist()) == sorted([sealed.README, sealed.INFO, "key.passphrase.age", "key.recovery.age",
                                                   "vault.json", sealed.DATA])
        assert all(info.compress_type == zipfile.ZIP_STORED for info in outer.infolist())
    assert out.stat().st_mode & 0o777 == 0o600
    result = backups.restore_backup(out, tmp_path / "restored", passphrase=PASS)
    assert tree(tmp_path / "restored") == tree(store.root)
    assert result.cases == 2 and result.files == summary.files
    assert not list(tmp_path.glob(".restored.*")) and not list(tmp_path.rglob(".backup.zip"))  # nothing left
    assert lock.matches(SettingsStore(tmp_path / "restored"), PASS)  # the restored workbook asks for the same one


def test_the_standard_age_steps_of_its_readme_give_the_plain_backup(filled, tmp_path):
    """What README.txt says (age -d key, then age -d -i key data), done with the same library."""
    store, out = filled
    made(store, out, passphrase=PASS)
    with zipfile.ZipFile(out) as outer:
        key = pyrage.passphrase.decrypt(outer.read("key.passphrase.age"), PASS).decode()
        assert key.startswith("AGE-SECRET-KEY-1") and "age -d -i key.txt data.age" in outer.read("README.txt").decode()
        inner = pyrage.decrypt(outer.read(sealed.DATA), [pyrage.x25519.Identity.from_str(key)])
    plain = tmp_path / "backup.zip"
    plain.write_bytes(inner)
    with zipfile.ZipFile(plain) as archive:
        assert MANIFEST in archive.namelist() and archive.testzip() is None
    restore(plain, tmp_path / "from-plain", secret=PASS)  # inside: the vault's files, still encrypted
    assert tree(tmp_path / "from-plain") == tree(store.root)


def test_nothing_readable_is_in_the_encrypted_file(filled):
    store, out = filled
    store.update(store.case_ids()[1], lambda c: setattr(c, "practitioner_notes", "Maisie-Lou smiled at her dad"))
    made(store, out, passphrase=PASS)
    raw = out.read_bytes()
    case = store.load(store.case_ids()[0])
    for secret in (case.code.encode(), b"Maisie-Lou", "Notes é ✓".encode(), FILM[:64],
                   FILM[-64:], b"case.json", b"settings.json", b"recordings/", b"ftyp", b"\x89PNG", PASS.encode()):
        assert secret not in raw, secret


def test_a_wrong_passphrase_is_refused_and_changes_nothing(filled, tmp_path):
    store, out = filled
    made(store, out, passphrase=PASS)
    target = tmp_path / "restored"
    fill(CaseStore(target))
    before = everything(target)
    with pytest.raises(ValidationError, match="That passphrase does not open this backup; nothing was restored"):
        backups.restore_backup(out, target, force=True, passphrase="not the passphrase")
    with pytest.raises(ValidationError, match="This backup is encrypted: type the passphrase"):
        backups.restore_backup(out, target, force=True)
    assert everything(target) == before
    assert not list(tmp_path.glob(".restored.*"))


def test_a_wrong_passphrase_makes_no_backup(filled):
    store, out = filled
    with pytest.raises(ValidationError, match="not the workbook's passphrase, so no backup was made"):
        made(store, out, passphrase="a wrong passphrase")
    with pytest.raises(ValidationError, match="Type the workbook's passphrase"):
        made(store, out)
    assert not list(out.parent.iterdir())


@pytest.mark.parametrize("where", ["data", "key", "truncated"])
def test_a_changed_encrypted_backup_is_refused_and_changes_nothing(filled, tmp_path, where):
    store, out = filled
    made(store, out, passphrase=PASS)
    with zipfile.ZipFile(out) as outer:
        parts = {name: outer.read(name) for name in outer.namelist()}
    name = "key.passphrase.age" if where == "key" else sealed.DATA
    data = bytearray(parts[name])
    if where == "truncated":
        del data[len(data) - 70_000:]  # a whole last chunk gone: age notices the missing end
    else:
        data[len(data) // 2] ^= 0x01
    parts[name] = bytes(data)
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(changed, "w") as outer:  # the zip's own checksums made afresh: only age can tell
        for part, content in parts.items():
            outer.writestr(part, content)
    target = tmp_path / "restored"
    fill(CaseStore(target))
    before = everything(target)
    expected = "does not open" if where == "key" else "changed or damaged since it was made"
    with pytest.raises(ValidationError, match=expected):
        backups.restore_backup(changed, target, force=True, passphrase=PASS)
    assert everything(target) == before
    assert not list(tmp_path.glob(".restored.*"))


def test_a_plain_backup_still_restores_and_plain_is_a_choice(filled, tmp_path):
    store, out = filled
    summary = made(store, out, plain=True)
    assert not summary.encrypted and not backups.is_encrypted_backup(out)
    with zipfile.ZipFile(out) as archive:
        assert MANIFEST in archive.namelist()
    # a plain backup of a vault holds its files still encrypted: restoring it needs the vault's passphrase
    backups.restore_backup(out, tmp_path / "restored", passphrase=PASS)
    assert tree(tmp_path / "restored") == tree(store.root)


def test_without_a_passphrase_the_backup_is_plain(store, tmp_path):
    fill(store)
    summary = backups.make_backup(SettingsStore(store.root), store.root, tmp_path / "b.zip")
    assert not summary.encrypted and not backups.will_encrypt(SettingsStore(store.root))


def test_a_second_secret_opens_the_same_backup(store, tmp_path):
    """A second secret is one more wrapped copy of the backup's key (a plain folder here: a vault's
    recovery slot is tested in test_vault_backup)."""
    fill(store)
    out = tmp_path / "backup-encrypted.zip"
    backup(store.root, out, secrets={"passphrase": PASS, "recovery": "RECOVERY-CODE-1234"})
    restore(out, tmp_path / "by-code", secret="RECOVERY-CODE-1234")
    assert tree(tmp_path / "by-code") == tree(store.root)


def test_a_failure_while_writing_leaves_no_file(filled, monkeypatch):
    store, out = filled

    def broken(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pyrage, "encrypt_io", broken)
    with pytest.raises(Exception, match="space|disk"):
        made(store, out, passphrase=PASS)
    assert not list(out.parent.iterdir())


# --- the command line -----------------------------------------------------------------------
def run_cli(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vig_core", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, ENV_VAR: str(root)}, timeout=120)


def test_the_command_line_backs_up_and_restores_with_the_passphrase_on_stdin(filled, tmp_path):
    store, out = filled
    wrong = run_cli(store.root, "backup", "--out", str(out), "--passphrase-stdin", stdin="nope nope nope\n")
    assert wrong.returncode == 2 and "not right" in wrong.stderr and not out.exists()  # the vault stays shut
    done = run_cli(store.root, "backup", "--out", str(out), "--passphrase-stdin", stdin=PASS + "\n")
    assert done.returncode == 0, done.stderr
    assert "encrypted with the passphrase" in done.stdout and backups.is_encrypted_backup(out)
    target = tmp_path / "restored"
    refused = run_cli(target, "restore", str(out), "--passphrase-stdin", stdin="nope nope nope\n")
    assert refused.returncode == 1 and "does not open this backup" in refused.stderr
    assert "Traceback" not in refused.stderr
    restored = run_cli(target, "restore", str(out), "--passphrase-stdin", stdin=PASS + "\n")
    assert restored.returncode == 0, restored.stderr
    assert "from an encrypted backup" in restored.stdout and tree(target) == tree(store.root)
    plain = run_cli(store.root, "backup", "--out", str(tmp_path / "plain.zip"), "--plain", "--passphrase-stdin",
                    stdin=PASS + "\n")
    assert plain.returncode == 0 and "its files encrypted as in the data folder" in plain.stdout


# --- memory ---------------------------------------------------------------------------------
PROBE = """
import resource, sys
from pathlib import Path
import pyrage
from vig_core.storage import sealed
from vig_core.storage.backup import backup
from vig_core.storage.restore import restore
root, out, back = (Path(p) for p in sys.argv[1:4])
# age's scrypt tunes itself to about a second: 512 MiB or 1 GiB for a moment, whatever the backup's
# size. The key is wrapped here without it, so that only the streaming is measured.
wrap = pyrage.x25519.Identity.generate()
sealed.pyrage.passphrase = type("NoScrypt", (), {
    "encrypt": staticmethod(lambda data, _secret: pyrage.encrypt(data, [wrap.to_public()])),
    "decrypt": staticmethod(lambda data, _secret: pyrage.decrypt(data, [wrap]))})
start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
backup(root, out, secrets={"passphrase": "a long enough passphrase"})
made = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
restore(out, back, secret="a long enough passphrase")
print(made - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start)
"""


def test_a_large_encrypted_backup_needs_little_memory(store, tmp_path):
    """A 500 MB film (sparse, so cheap to make): backing up and restoring it grows the process by far
    less than the film (the passphrase's scrypt, a fixed cost, left out: see the probe)."""
    case = make_case(store)
    film = store.cases_dir / case.id / "recordings" / "r1" / "film.mp4"
    film.parent.mkdir(parents=True)
    with open(film, "wb") as handle:
        handle.truncate(500 * 10**6)
    result = subprocess.run([sys.executable, "-c", PROBE, str(store.root), str(tmp_path / "big.zip"),
                             str(tmp_path / "back")], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    grew_backup, grew_restore = (int(kb) * 1024 for kb in result.stdout.split())
    assert grew_backup < 100 * 10**6 and grew_restore < 100 * 10**6, (grew_backup, grew_restore)
    assert (tmp_path / "back" / film.relative_to(store.root)).stat().st_size == 500 * 10**6
