"""Restore a backup of the data folder (made by :mod:`.backup`): verified, and all or nothing.

Why it is built like this:

* **Checked on the way back.** The zip's ``manifest.json`` lists every file with
  its size and SHA-256; the restore proves that what it unpacked is exactly what
  was saved.
* **Never half a folder.** The restore unpacks into a temp folder beside the data
  folder, verifies everything and only then swaps it in, so any failure leaves the
  old data folder as it was. A crash too: the restore keeps a journal beside the
  data folder, and the next start rolls a half-done swap back and removes the
  unpacked copy (:mod:`.recovery`).
* **A backup is untrusted input.** It may come from anywhere, so the restore
  refuses anything it did not make: entries that would land outside the
  folder (zip-slip) or are links, files the manifest does not list, sizes or
  fingerprints that do not match, zip bombs, and newer formats. What it
  brings in must also pass the checks the app makes of the same files (every
  case opens and validates; questionnaire, prompt, principles and training
  requirements files are valid definitions; the training record reads; no
  file holds broken text, NaN or absurd numbers, or deep nesting): a file
  that would break a page is named and nothing changes.
* **Encrypted backups** (:mod:`.sealed`) open with their passphrase, checked
  before anything is touched; the decrypted zip is written inside the unpack
  folder (a zip is read by seeking), so it goes with it on any failure or crash.
* **A vault's backup** holds its files encrypted as they were, with its key file: the restore
  opens the key file with the secret given (the vault's passphrase or its recovery code,
  :mod:`.vault_restore`) before it reads a record, and the data folder holds the key after.
* **Private.** Everything restored is readable by the practitioner's account
  only (files 0600, folders 0700).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyrage.x25519 import Identity

from vig_core.case.training import record_from_data
from vig_core.datafiles import check_json, parse_json
from vig_core.errors import StoreError, ValidationError, VigError
from vig_core.storage import vaulting
from vig_core.storage.backup import CHUNK, FORMAT, FORMAT_VERSION, MANIFEST, TOP_FILES, TOP_FOLDERS, safe_member_name
from vig_core.storage.files import DIR_MODE, FILE_MODE, TEMP_SUFFIX, fsync_dir, plain_os_error
from vig_core.storage.layout import (
    ACTIVITY_LOG,
    CASE_FILE,
    CASES_FOLDER,
    DELETION_LOG,
    SETTINGS_FILE,
    TRAINING_FILE,
)
from vig_core.storage.recovery import recover_restore, restoring
from vig_core.storage.schema import SCHEMA_VERSION
from vig_core.storage.sealed import decrypt_data, is_sealed, open_identity
from vig_core.storage.store import CaseStore
from vig_core.storage.vault_restore import hand_over, outer_secret, unlock_restored
from vig_core.vocab.definitions import OWN_INSTRUMENTS, OWN_PRINCIPLES, OWN_PROMPTS
from vig_core.vocab.instruments import DefinitionError, read_instrument
from vig_core.vocab.principles import read_principles
from vig_core.vocab.prompts import read_prompt_set
from vig_core.vocab.training_requirements import OWN_REQUIREMENTS, read_requirements

MAX_TOTAL_BYTES = 200 * 10**9  # more than any caseload: a zip bomb
MAX_RATIO = 1000  # unpacked bytes per byte of zip: more is a zip bomb
MAX_MANIFEST_BYTES = 64 * 2**20
DECRYPTED = ".backup.zip"  # an encrypted backup's zip, decrypted inside the unpack folder
DAMAGED = "The backup file is damaged and cannot be read; nothing was restored."


@dataclass(frozen=True)
class RestoreSummary:
    root: Path
    cases: int
    files: int
    bytes: int
    media: bool
    created: str  # when the backup was made (UTC, ISO 8601)


def restore(zip_path: Path, root: Path, *, force: bool = False, secret: str | None = None) -> RestoreSummary:
    """Restore the backup ``zip_path`` into the data folder ``root`` (see module notes); an
    encrypted one (:mod:`.sealed`) opens with ``secret``, its passphrase (or recovery code), and so
    does a vault's backup (:mod:`.vault_restore`).

    ``root`` must be empty or missing, unless ``force``: then what is in it is
    replaced, but only after the whole backup was unpacked and verified.
    """
    zip_path, root = Path(zip_path), Path(root).resolve()
    try:
        recover_restore(root)  # what an earlier restore left, before this one looks at the folder
    except OSError as error:
        raise plain_os_error(error, "the restore") from error
    if not zip_path.is_file():
        raise ValidationError(f"There is no backup file at {zip_path}.")
    if zip_path.resolve().is_relative_to(root):
        raise ValidationError("The backup file is inside the folder it would replace; move it somewhere else first.")
    if root.exists() and not root.is_dir():
        raise ValidationError(f"{root} is a file, not a folder; choose a folder to restore into.")
    if not root.parent.is_dir():
        raise ValidationError(f"The folder {root.parent} does not exist; choose an existing place to restore into.")
    if root.is_dir() and any(root.iterdir()) and not force:
        raise ValidationError(f"The folder {root} is not empty. Restoring would replace everything in it: choose an "
                              "empty folder, or confirm that its contents may be replaced.")
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise ValidationError("This file is not a workbook backup (it is not a zip file, or it is damaged).") from error
    except OSError as error:
        raise StoreError(f"The backup file could not be read ({error.strerror or error}).") from error
    identity = None
    try:
        if is_sealed(archive):
            # a wrong passphrase: refused before anything else; a vault's recovery code opens its slot
            identity = open_identity(archive, outer_secret(archive, secret or ""))
    except BaseException:
        archive.close()
        raise
    work = root.with_name(f".{root.name}.restore-{secrets.token_hex(4)}{TEMP_SUFFIX}")
    old = root.with_name(f".{root.name}.old-{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        with archive, restoring(root, work, old):
            work.mkdir(mode=DIR_MODE)
            os.chmod(work, DIR_MODE)
            if identity is None:
                source, source_bytes = archive, zip_path.stat().st_size
            else:
                source, source_bytes = _decrypted(archive, identity, work / DECRYPTED)
            with source:
                manifest, expected = _read_manifest(source)
                _check_members(source, expected, source_bytes)
                folders = {work}
                for info in source.infolist():
                    if info.filename != MANIFEST:
                        _extract(source, info, expected[info.filename], work, folders)
            (work / DECRYPTED).unlink(missing_ok=True)  # the plain backup zip goes as soon as it is unpacked
            for folder in folders:
                fsync_dir(folder)
            key = unlock_restored(work, secret)  # a vault's backup: its key, before its records are read
            try:
                cases = _check_cases(work)
                _swap(work, root, old)
            except BaseException:
                vaulting.drop_key(work)
                raise
            hand_over(work, root, key)
    except BaseException as error:
        if isinstance(error, VigError):
            raise
        if isinstance(error, (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)):
            raise ValidationError(DAMAGED) from error
        if isinstance(error, OSError):
            raise plain_os_error(error, "the restore") from error
        raise
    return RestoreSummary(root, cases, len(expected), sum(size for size, _ in expected.values()),
                          bool(manifest.get("media")), str(manifest.get("created", "")))


def _decrypted(sealed: zipfile.ZipFile, identity: Identity, target: Path) -> tuple[zipfile.ZipFile, int]:
    """Decrypt the backup zip of ``sealed`` into ``target`` (inside the unpack folder, private) and open it."""
    with os.fdopen(os.open(target, os.O_RDWR | os.O_CREAT | os.O_EXCL, FILE_MODE), "w+b") as handle:
        decrypt_data(sealed, identity, handle)
    try:
        return zipfile.ZipFile(target), target.stat().st_size
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise ValidationError(DAMAGED) from error


def _read_manifest(archive: zipfile.ZipFile) -> tuple[dict[str, Any], dict[str, tuple[int, str]]]:
    """The manifest and its files as {path: (size, sha256)}, refusing anything not ours or too new."""
    not_ours = "This file is not a workbook backup (its list of contents is missing or not the workbook's)."
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise ValidationError(not_ours) from None
    with archive.open(info) as handle:
        raw = handle.read(MAX_MANIFEST_BYTES + 1)
    try:
        manifest = json.loads(raw) if len(raw) <= MAX_MANIFEST_BYTES else None
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValidationError(not_ours)
    version, schema, files = manifest.get("format_version"), manifest.get("schema_version"), manifest.get("files")
    if not _count(version) or not _count(schema) or not isinstance(files, list) or version < 1:
        raise ValidationError(not_ours)
    if version > FORMAT_VERSION or schema > SCHEMA_VERSION:
        raise ValidationError("This backup was made by a newer version of the workbook; update the workbook to "
                              "restore it.")
    expected: dict[str, tuple[int, str]] = {}
    for entry in files:
        path = entry.get("path") if isinstance(entry, dict) else None
        size, sha = (entry.get("size"), entry.get("sha256")) if isinstance(entry, dict) else (None, None)
        if (not isinstance(path, str) or not _count(size) or not isinstance(sha, str) or len(sha) != 64
                or path in expected or path == MANIFEST):
            raise ValidationError(not_ours)
        if not safe_member_name(path) or not _known_place(path):
            raise ValidationError(f"The backup names a file (“{path}”) outside the data folder; "
                                  "nothing was restored.")
        expected[path] = (size, sha.lower())
    return manifest, expected


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _known_place(path: str) -> bool:
    first, _, rest = path.partition("/")
    return path in TOP_FILES or (first in TOP_FOLDERS and bool(rest))


def _check_members(archive: zipfile.ZipFile, expected: dict[str, tuple[int, str]], zip_bytes: int) -> None:
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(names) != len(set(names)):
        raise ValidationError(DAMAGED)
    for info in infos:
        if not safe_member_name(info.filename) or stat.S_ISLNK(info.external_attr >> 16):
            raise ValidationError(f"The backup holds an unsafe entry (“{info.filename}”) that could write outside "
                                  "its folder; nothing was restored.")
        if info.flag_bits & 0x1:  # encrypted: not something the workbook writes
            raise ValidationError(DAMAGED)
        if info.filename != MANIFEST and info.filename not in expected:
            raise ValidationError(f"The backup holds a file its list of contents does not name "
                                  f"(“{info.filename}”); nothing was restored.")
        if info.filename != MANIFEST and info.file_size != expected[info.filename][0]:
            raise ValidationError(f"The file “{info.filename}” in the backup is damaged; nothing was restored.")
    missing = expected.keys() - set(names)
    if missing:
        raise ValidationError(f"The backup is incomplete: {len(missing)} file(s) on its list of contents are "
                              f"missing, for example “{min(missing)}”; nothing was restored.")
    total = sum(size for size, _ in expected.values())
    if total > MAX_TOTAL_BYTES or total > MAX_RATIO * max(zip_bytes, 1):
        raise ValidationError("The backup would unpack to far more than it could hold; it is not a real backup and "
                              "nothing was restored.")


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, expected: tuple[int, str], work: Path,
             folders: set[Path]) -> None:
    """Unpack one entry into ``work``, checking its size and fingerprint as it goes."""
    size, sha = expected
    target = work.joinpath(*info.filename.split("/"))
    try:
        for folder in reversed(target.parents[: len(target.parents) - len(work.parents) - 1]):
            if folder not in folders:
                folder.mkdir(mode=DIR_MODE)
                os.chmod(folder, DIR_MODE)
                folders.add(folder)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except (FileExistsError, NotADirectoryError, IsADirectoryError) as error:
        raise ValidationError(f"The backup holds “{info.filename}” twice or in a clashing place; "
                              "nothing was restored.") from error
    digest, written = hashlib.sha256(), 0
    with os.fdopen(fd, "wb") as out, archive.open(info) as source:
        os.fchmod(out.fileno(), FILE_MODE)
        while chunk := source.read(min(CHUNK, size - written + 1)):  # one byte more shows a longer file
            written += len(chunk)
            if written > size:
                break
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if written != size or digest.hexdigest() != sha:
        raise ValidationError(f"The file “{info.filename}” in the backup is damaged (it does not match its "
                              "recorded fingerprint); nothing was restored.")


def _check_cases(work: Path) -> int:
    """Check everything restored as the app will read it (see module notes); return how many cases there are."""
    _checked_json(work, DELETION_LOG, lines=True)
    settings = _checked_json(work, SETTINGS_FILE)
    if settings is not None and not (isinstance(settings, dict) and all(
            isinstance(table, dict) and all(isinstance(row, dict) for row in table.values())
            for table in settings.values())):
        _refuse(SETTINGS_FILE, "it is not a settings file")
    training = _checked_json(work, TRAINING_FILE)
    if training is not None:
        try:
            record_from_data(training, TRAINING_FILE)
        except ValidationError as error:
            _refuse(TRAINING_FILE, _detail(str(error), TRAINING_FILE))
    for path, read in [(work / OWN_PRINCIPLES, read_principles), (work / OWN_REQUIREMENTS, read_requirements),
                       *((p, read_instrument) for p in sorted((work / OWN_INSTRUMENTS).glob("*.json"))),
                       *((p, read_prompt_set) for p in sorted((work / OWN_PROMPTS).glob("*.json")))]:
        if path.is_file():
            try:
                read(path)
            except DefinitionError as error:
                _refuse(path.relative_to(work).as_posix(), _detail(error.problems[0], path.name))
            except ValidationError as error:
                _refuse(path.relative_to(work).as_posix(), _detail(str(error), path.name))
    store = CaseStore(work, recover=False)  # checked as it came, not tidied
    ids = store.case_ids()
    for case_id in ids:
        folder = f"{CASES_FOLDER}/{case_id}"
        _checked_json(work, f"{folder}/{CASE_FILE}")
        _checked_json(work, f"{folder}/{ACTIVITY_LOG}", lines=True)
        try:
            store.load(case_id).validate()
        except VigError as error:
            raise ValidationError(f"The backup holds a case that cannot be opened ({error}); nothing was "
                                  "restored.") from error
    return len(ids)


def _checked_json(work: Path, name: str, *, lines: bool = False) -> object:
    """The JSON of the restored file ``name`` (``None`` if absent), refused if the app could not use it;
    of a log (``lines``) each line is checked, a line a crash cut short is left as the app leaves it."""
    path = work.joinpath(*name.split("/"))
    if not path.is_file():
        return None
    try:
        text = vaulting.file_plaintext(path, path.read_bytes()).decode("utf-8")
        if lines:
            for line in text.splitlines():
                try:
                    data = json.loads(line)
                except ValueError:
                    continue
                check_json(data, name)
            return None
        return check_json(parse_json(text, name), name)
    except UnicodeDecodeError:
        _refuse(name, "it is not text")
    except (ValidationError, RecursionError) as error:
        _refuse(name, _detail(str(error), name) if isinstance(error, ValidationError) else "nested too deeply")


def _detail(message: str, source: str) -> str:
    """A check's sentence without the file name it starts with (the refusal names the file itself)."""
    return message.removeprefix(f"{source}: ").removeprefix(f"{Path(source).name}: ").rstrip(".")


def _refuse(name: str, why: str) -> None:
    raise ValidationError(f"The backup holds a file the workbook cannot use (“{name}”: {why}); "
                          "nothing was restored.")


def _swap(work: Path, root: Path, old: Path) -> None:
    """Put ``work`` where ``root`` is; the old root is kept (as ``old``, removed by :func:`restoring`)
    until the new one is in place. Each rename is made durable before the next step, so that the
    next start reads the same state after a power cut as after a crash."""
    existed = root.exists()
    if existed:
        os.rename(root, old)
        fsync_dir(root.parent)
    try:
        os.rename(work, root)
    except OSError:
        if existed:
            os.rename(old, root)
        raise
    fsync_dir(root.parent)
