"""Encrypting a data folder in place when a passphrase is first set, and decrypting it when the
passphrase is removed: file by file, each replaced in one rename, so a crash or a power cut
leaves every file either old or new, and the next run (:func:`unfinished`) finishes the job.

The direction is noted in :data:`MIGRATING` (plain, at the root, holding only "encrypt" or
"decrypt") before the first file changes and removed after the last: the app and the command
line resume while it is there. Readers tell each file's format by its first bytes
(:mod:`.vaulting`), so a folder half done reads whole.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from vig_core.storage import vaulting
from vig_core.storage.files import TEMP_SUFFIX, atomic_file, fsync_dir
from vig_core.vault import chunks, records

MIGRATING = ".vault-migrating"  # at the root: "encrypt" or "decrypt" while a folder is being changed
ENCRYPT, DECRYPT = "encrypt", "decrypt"
SKIPPED_FOLDERS = (".writing",)  # notes of live writers: plain by design, gone when the write ends
LOCK_SUFFIX = ".lock"
Progress = Callable[[float, str], None]


def unfinished(root: Path) -> str | None:
    """``"encrypt"`` or ``"decrypt"`` when a change of the folder ``root`` was cut short, else ``None``."""
    try:
        text = (Path(root) / MIGRATING).read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return text if text in (ENCRYPT, DECRYPT) else None


def note_migrating(root: Path, direction: str) -> None:
    with atomic_file(Path(root) / MIGRATING, "noting the change of the data folder") as handle:
        handle.write(direction.encode("ascii"))


def end_migrating(root: Path) -> None:
    (Path(root) / MIGRATING).unlink(missing_ok=True)
    fsync_dir(Path(root))


def _files(root: Path) -> Iterator[Path]:
    """Every file of the folder that a vault encrypts (not the key file, the settings, the access
    keys, locks, temp files or the notes of live writers)."""
    for folder, folders, names in os.walk(root):
        here = Path(folder)
        folders[:] = [f for f in folders if not (here == root and f in (*SKIPPED_FOLDERS, "access"))]
        for name in names:
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


def _is_encrypted(path: Path, kind: str) -> bool:
    with open(path, "rb") as handle:
        start = handle.read(4)
    if kind == "record":
        return records.is_sealed(start)
    if kind == "media":
        return start == chunks.MAGIC
    return start[:1] == vaulting.LOG_LINE_MARK or not start


def _convert(path: Path, kind: str, encrypt: bool) -> None:
    """Rewrite one file in the other format, replacing it in one rename (whole or not at all)."""
    doing = "encrypting the data folder" if encrypt else "decrypting the data folder"
    if kind == "media":
        if encrypt:
            with open(path, "rb") as source:
                vaulting.copy_into_media(source, path, doing)
        else:
            reader = vaulting.media_reader(path)
            with reader, atomic_file(path, doing) as handle:
                offset, piece = 0, 1024 * 1024
                while offset < reader.size:
                    handle.write(reader.read(offset, piece))
                    offset += piece
        return
    raw = path.read_bytes()
    if kind == "record":
        plain = vaulting.record_bytes_read(path, raw) if not encrypt else raw
        with atomic_file(path, doing) as handle:
            handle.write(vaulting.record_bytes_to_write(path, plain) if encrypt else plain)
        return
    lines = []
    for line in raw.splitlines():
        opened = vaulting.log_line_read(path, line)
        if opened is not None and opened.strip():
            lines.append(vaulting.log_line_to_write(path, opened) if encrypt else opened)
    with atomic_file(path, doing) as handle:
        handle.write(b"".join(line + b"\n" for line in lines))


def change_in_place(root: Path, direction: str, on_progress: Progress | None = None) -> int:
    """Encrypt (the vault's key must be held) or decrypt every file of ``root`` that is not yet so;
    return how many files changed. Safe to run again after a crash: files done are skipped."""
    root = Path(root).absolute()
    encrypt = direction == ENCRYPT
    note_migrating(root, direction)
    todo = []
    for path in _files(root):
        kind = _kind(path)
        if _is_encrypted(path, kind) != encrypt:
            todo.append((path, kind, path.stat().st_size))
    total = sum(size for _, _, size in todo) or 1
    done = changed = 0
    for path, kind, size in todo:
        if on_progress is not None:
            on_progress(done / total, path.relative_to(root).as_posix())
        _convert(path, kind, encrypt)
        done += size
        changed += 1
    end_migrating(root)
    if on_progress is not None:
        on_progress(1.0, "")
    return changed
