"""Back up the whole data folder to one zip file (restored by :mod:`.restore`).

Why it is built like this:

* **One file, checked on the way back.** A practitioner moves a caseload to a
  new computer or keeps a copy on another disk. The zip carries a
  ``manifest.json`` listing every file with its size and SHA-256, so a restore
  can prove that what it unpacked is exactly what was saved.
* **Consistent.** Each ``case.json`` (and ``settings.json``, ``training.json``) is copied while
  holding the same :func:`.jsonfiles.file_lock` every change takes, so a backup
  never holds a half-changed case even while the app or the command line edits.
* **Never half a file.** The zip is written to a temp file beside ``out``,
  fsynced and ``os.replace``-d into place. A crash while the zip is written
  leaves a temp file the next start finds and removes (:mod:`.recovery`).
* **Encrypted when asked.** With a passphrase the zip is streamed through the
  age encryption into one encrypted file and never touches the disk in plain
  (:mod:`.sealed`).
* **Private.** The zip is readable by the practitioner's account only (0600).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from vig_core.errors import StoreError, ValidationError
from vig_core.storage.files import FILE_MODE, atomic_file
from vig_core.storage.jsonfiles import file_lock
from vig_core.storage.layout import (
    CASE_FILE,
    CASES_FOLDER,
    DELETION_LOG,
    MEDIA_FOLDERS,
    SETTINGS_FILE,
    TRAINING_FILE,
)
from vig_core.storage.schema import SCHEMA_VERSION
from vig_core.storage.sealed import write_sealed
from vig_core.storage.vault_migration import unfinished
from vig_core.storage.vaulting import VAULT_FILE
from vig_core.vocab.definitions import OWN_INSTRUMENTS, OWN_PRINCIPLES, OWN_PROMPTS
from vig_core.vocab.training_requirements import OWN_REQUIREMENTS

FORMAT, FORMAT_VERSION, MANIFEST = "vig-workbook-backup", 1, "manifest.json"
TOP_FILES = (SETTINGS_FILE, DELETION_LOG, OWN_PRINCIPLES,  # the data folder's files a backup holds
             TRAINING_FILE, OWN_REQUIREMENTS, VAULT_FILE)  # a vault's files go as they are, with its key file
LOCKED_FILES = (SETTINGS_FILE, TRAINING_FILE)  # records changed under their lock: copied under it
TOP_FOLDERS = (CASES_FOLDER, OWN_INSTRUMENTS, OWN_PROMPTS)  # and its folders
CHUNK = 2**20


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    files: int  # without the manifest
    bytes: int
    media: bool
    encrypted: bool = False


def safe_member_name(name: str) -> bool:
    """Whether a zip entry name stays inside the folder it is unpacked into, on any system."""
    if not name or len(name) > 1024 or name.startswith("/") or "\\" in name or ":" in name:
        return False  # absolute, Windows separators, drive letters ("C:") and alternate streams
    if any(ord(ch) < 32 or ch == "\x7f" for ch in name):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _is_work_file(name: str) -> bool:
    """Temp files, locks, half-made films and export work folders: never part of a backup."""
    return name.startswith(".") or name.endswith(".partial")



# --- backup -------------------------------------------------------------------
def backup(root: Path, out: Path, *, media: bool = True, on_progress: Callable[[float], None] | None = None,
           secrets: Mapping[str, str] | None = None, beside: Mapping[str, bytes] | None = None) -> BackupSummary:
    """Write a zip of the data folder ``root`` to ``out`` (see module notes); with ``secrets``
    ({"passphrase": ...}) the zip is encrypted on the way (:mod:`.sealed`)."""
    report = on_progress or (lambda _fraction: None)
    root, out = Path(root), Path(out)
    if not root.is_dir():
        raise ValidationError(f"There is no data folder at {root} to back up.")
    if out.resolve().is_relative_to(root.resolve()):
        raise ValidationError("The backup cannot be saved inside the data folder it copies; choose another place, "
                              "ideally another disk.")
    if out.is_dir():
        raise ValidationError(f"{out} is a folder; give the backup a file name, for example vig-backup.zip.")
    if not out.parent.is_dir():
        raise ValidationError(f"The folder {out.parent} does not exist; choose an existing folder for the backup.")
    if unfinished(root):
        raise ValidationError("The data folder is being encrypted or decrypted; unlock the workbook to finish that "
                              "first, then back it up.")
    sources = list(_sources(root, media))
    total = sum(file_size(path) for _, path, _ in sources) or 1
    files: list[dict[str, Any]] = []
    done = 0

    def write_zip(handle: BinaryIO) -> None:
        nonlocal done
        with zipfile.ZipFile(handle, "w", allowZip64=True) as archive:
            for name, path, locked in sources:
                entry = _add(archive, name, path, locked)
                if entry is not None:
                    files.append(entry)
                    done += entry["size"]
                    report(min(done / total, 0.99))
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "schema_version": SCHEMA_VERSION, "media": media, "files": files,
            }
            archive.writestr(zip_entry(MANIFEST, time.time(), compress=True), json.dumps(manifest, indent=1))

    with atomic_file(out, "the backup", note_in=root) as handle:  # a crash leaves no copy in the chosen folder
        if secrets:
            write_sealed(handle, secrets, write_zip, beside=beside)
        else:
            write_zip(handle)
    report(1.0)
    return BackupSummary(out, len(files), done, media, bool(secrets))


def _sources(root: Path, media: bool) -> Iterator[tuple[str, Path, bool]]:
    """(name in the zip, file, whether to copy it under its lock) for everything to back up."""
    for name in TOP_FILES:
        path = root / name
        if path.is_file() and not path.is_symlink():
            yield name, path, name in LOCKED_FILES
    for folder in (OWN_INSTRUMENTS, OWN_PROMPTS):
        yield from walk_files(root, root / folder)
    for case_file in sorted((root / CASES_FOLDER).glob(f"*/{CASE_FILE}")):
        folder = case_file.parent
        if not folder.is_symlink() and not _is_work_file(folder.name):
            yield from walk_files(root, folder, skip=() if media else MEDIA_FOLDERS, record=CASE_FILE)


def walk_files(root: Path, folder: Path, skip: tuple[str, ...] = (),
               record: str = "") -> Iterator[tuple[str, Path, bool]]:
    """The files under ``folder`` (not its ``skip`` subfolders); ``record`` is its file to copy under its lock."""
    if not folder.is_dir() or folder.is_symlink():
        return
    for parent, dirs, names in os.walk(folder):  # never follows links
        here = Path(parent)
        dirs[:] = sorted(d for d in dirs if not _is_work_file(d) and not (here == folder and d in skip))
        for name in sorted(names):
            path = here / name
            if _is_work_file(name) or path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(root).as_posix()
            if not safe_member_name(relative):
                raise ValidationError(f"The file {relative} has a name a backup cannot hold; rename it and try again.")
            yield relative, path, here == folder and name == record


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def zip_entry(name: str, mtime: float, *, compress: bool) -> zipfile.ZipInfo:
    stamp = time.localtime(max(mtime, 315_532_800 + 86_400))  # zip dates start in 1980
    info = zipfile.ZipInfo(name, date_time=stamp[:6])
    info.external_attr = (stat.S_IFREG | FILE_MODE) << 16
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED  # films are compressed already
    return info


def _add(archive: zipfile.ZipFile, name: str, path: Path, locked: bool) -> dict[str, Any] | None:
    """Copy one file into the zip; ``None`` when it went away meanwhile (a case erased, a film removed)."""
    compress = path.suffix.lower() in (".json", ".jsonl", ".txt", ".csv")
    try:
        if locked:  # a record: its bytes as they are between two changes
            try:
                with file_lock(path):
                    data = path.read_bytes()
            except StoreError:  # no lock file can be made: a read-only folder nobody can change either
                if os.access(path.parent, os.W_OK):
                    raise
                data = path.read_bytes()
            archive.writestr(zip_entry(name, path.stat().st_mtime, compress=True), data)
            return {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as source:
            info = zip_entry(name, os.fstat(source.fileno()).st_mtime, compress=compress)
            info.file_size = os.fstat(source.fileno()).st_size
            with archive.open(info, "w", force_zip64=info.file_size > 2**30) as target:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
        return {"path": name, "size": size, "sha256": digest.hexdigest()}
    except FileNotFoundError:
        return None
