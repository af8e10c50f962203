"""Encrypting a data folder in place when a passphrase is first set, and decrypting it when the
passphrase is removed: file by file, each replaced in one rename, so a crash or a power cut
leaves every file either old or new, and the next run (:func:`unfinished`) finishes the job.

Why it is crash-safe (tests/integration/test_vault_migration_kills.py kills it at random
moments, again and again, then resumes):

* The direction is noted in :data:`MIGRATING` (plain, at the root, holding only "encrypt" or
  "decrypt") before the first file changes and removed only after the last (and, when the vault
  is removed, after the key file): while it is there the app and the command line resume.
* Each file is written whole beside itself (the store's :func:`.files.atomic_file`: a locked
  temp file, fsynced, renamed over it), so a file is old or new, never half. Readers tell each
  file's format by its first bytes (:mod:`.vaulting`), so a folder half done reads whole.
* Records and logs are rewritten under the lock every change of them takes
  (:func:`.jsonfiles.file_lock`), so a change made meanwhile by the app is never undone.
* A temp file a killed run left (a half-encrypted film, or a half-decrypted one) is removed by
  the next run, and by the next opening of the store while a change is unfinished
  (:func:`remove_leftovers`): its lock is free once its writer is dead.
* A marker with nothing left to do (the key file was never written, or is gone already) is
  dropped (:func:`end_stale`): no file was encrypted without the key file in place.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from vig_core.storage import vaulting
from vig_core.storage.files import TEMP_SUFFIX, atomic_file, fsync_dir, remove_if_unowned
from vig_core.storage.jsonfiles import file_lock
from vig_core.vault import chunks, records

MIGRATING = ".vault-migrating"  # at the root: "encrypt" or "decrypt" while a folder is being changed
ENCRYPT, DECRYPT = "encrypt", "decrypt"
SKIPPED_FOLDERS = (".writing", *vaulting.PLAIN_FOLDERS)  # notes of live writers, launch keys: plain
LOCK_SUFFIX = ".lock"
PIECE = 1024 * 1024  # films are copied, and progress told, a MiB at a time
Progress = Callable[[float, str], None]


def unfinished(root: Path) -> str | None:
    """``"encrypt"`` or ``"decrypt"`` when a change of the folder ``root`` was cut short, else ``None``
    (also for a marker with nothing left to do: see :func:`end_stale`)."""
    try:
        text = (Path(root) / MIGRATING).read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    if text not in (ENCRYPT, DECRYPT) or not vaulting.is_vault(root):
        return None  # encrypting never began (no key file yet), or decrypting ended (the key file gone)
    return text


def end_stale(root: Path) -> bool:
    """Remove a marker that has nothing left to do (see :func:`unfinished`); whether one went."""
    if (Path(root) / MIGRATING).exists() and unfinished(root) is None:
        end_migrating(root)
        return True
    return False


def note_migrating(root: Path, direction: str) -> None:
    with atomic_file(Path(root) / MIGRATING, "noting the change of the data folder") as handle:
        handle.write(direction.encode("ascii"))


def end_migrating(root: Path) -> None:
    (Path(root) / MIGRATING).unlink(missing_ok=True)
    fsync_dir(Path(root))


def remove_leftovers(root: Path) -> int:
    """Remove every temp file under ``root`` that no live writer holds (what a killed run left,
    half encrypted or half decrypted, anywhere in the folder); return how many went."""
    removed = 0
    for folder, _folders, names in os.walk(root):
        for name in names:
            if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                removed += remove_if_unowned(Path(folder) / name)
    return removed


def _files(root: Path) -> Iterator[Path]:
    """Every file of the folder that a vault encrypts (not the key file, the settings, the access
    keys, locks, temp files or the notes of live writers)."""
    for folder, folders, names in os.walk(root):
        here = Path(folder)
        folders[:] = sorted(f for f in folders if not (here == root and f in SKIPPED_FOLDERS))
        for name in sorted(names):
            path = here / name
            if name.endswith((LOCK_SUFFIX, TEMP_SUFFIX, ".partial")) or name == MIGRATING or path.is_symlink():
                continue
            if here == root and name in vaulting.PLAIN_NAMES:
                continue
            yield path


def _kind(path: Path) -> str:
    if path.name.endswith(vaulting.LOG_SUFFIX):
        return "log"
    if path.name.endswith(vaulting.RECORD_SUFFIX):
        return "record"
    return "media"


def _needs_change(path: Path, kind: str, encrypt: bool) -> bool:
    """Whether ``path`` is not yet in the format asked for (a log: any line of it)."""
    with open(path, "rb") as handle:
        if kind == "log":
            marks = [line.startswith(vaulting.LOG_LINE_MARK) for line in handle.read().splitlines() if line.strip()]
            return not all(marks) if encrypt else any(marks)
        start = handle.read(4)
    sealed = records.is_sealed(start) if kind == "record" else start == chunks.MAGIC
    return sealed != encrypt


def _convert(path: Path, kind: str, encrypt: bool, on_piece: Callable[[int], None]) -> None:
    """Rewrite one file in the other format, replacing it in one rename (whole or not at all)."""
    doing = "encrypting the data folder" if encrypt else "decrypting the data folder"
    if kind == "media":
        if encrypt:
            with open(path, "rb") as source:
                vaulting.copy_into_media(source, path, doing, piece=PIECE, on_piece=on_piece)
            return
        reader = vaulting.media_reader(path)
        with reader, atomic_file(path, doing) as handle:
            offset = 0
            while offset < reader.size:
                piece = reader.read(offset, PIECE)
                handle.write(piece)
                offset += len(piece)
                on_piece(offset)
        return
    with file_lock(path):  # the lock every change of a record or a log takes: none is undone
        data = vaulting.file_plaintext(path, path.read_bytes())  # a log half done reads whole too
        if encrypt and kind == "record":
            data = vaulting.record_bytes_to_write(path, data)
        elif encrypt:
            data = b"".join(vaulting.log_line_to_write(path, line) + b"\n" for line in data.splitlines()
                            if line.strip())
        with atomic_file(path, doing) as handle:
            handle.write(data)


def change_in_place(root: Path, direction: str, on_progress: Progress | None = None, *,
                    end: bool = True) -> int:
    """Encrypt or decrypt every file of ``root`` that is not yet so (the vault's key must be
    held: :class:`~vig_core.errors.LockedError` otherwise); return how many files changed.

    Safe to run again after a crash: files done are skipped, and what a killed run left is
    removed first. ``on_progress(fraction, name)`` is told before each file and after each
    MiB of a film (so a bar moves for a big film too). The marker stays when not ``end``
    (the caller has a last step: removing the key file)."""
    root = Path(root).absolute()
    encrypt = direction == ENCRYPT
    note_migrating(root, direction)
    remove_leftovers(root)
    todo = []
    for path in _files(root):
        kind = _kind(path)
        if _needs_change(path, kind, encrypt):
            todo.append((path, kind, path.stat().st_size))
    total = sum(size for _, _, size in todo) or 1
    done = changed = 0
    for path, kind, size in todo:
        name = path.relative_to(root).as_posix()

        def tell(copied: int, _done: int = done, _name: str = name) -> None:
            if on_progress is not None:
                on_progress(min(1.0, (_done + copied) / total), _name)

        tell(0)
        _convert(path, kind, encrypt, tell)
        done += size
        changed += 1
    if end:
        end_migrating(root)
    if on_progress is not None:
        on_progress(1.0, "")
    return changed
