"""Writing the workbook's files: private to the practitioner's account, and whole or not at all.

Every file the workbook writes, in its data folder or in a folder the
practitioner chose for an export or a backup, is created readable and
writable by the practitioner's account only (0600), and every folder it makes
can be opened by that account only (0700), whatever the umask: the modes are
given when the file or folder is created (so it is never readable by others,
not even for a moment) and set once more, as a umask may take away more.
Films, clips, stills, records, logs, exports and backups all come through here
(the store, the media modules, the exports).

A crash must leave nothing behind either: a temp file is locked (``flock``) by
its writer from the moment it exists (:func:`locked_new_file`), and work a crash
could leave anywhere else (a temp zip in a folder the practitioner chose, an
export's work folder, an import's folder) is noted in the data folder while it
lasts (:class:`Writing`). The next start removes each of these whose lock can be
taken: no live writer owns it, however young it is (see :mod:`.recovery`).
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from vig_core.errors import StoreError, VigError
from vig_core.storage.layout import WRITERS

try:  # POSIX: a lock that dies with the process holding it
    import fcntl
except ImportError:  # pragma: no cover - Windows: leftovers are judged by their age instead
    fcntl = None

DIR_MODE, FILE_MODE = 0o700, 0o600  # only the practitioner's account may read
TEMP_SUFFIX = ".tmp"
STALE_SECONDS = 60  # without file locks (Windows): a leftover untouched this long has no live writer


def plain_os_error(error: OSError, doing: str) -> StoreError:
    """Turn an ``OSError`` into a sentence a practitioner can act on."""
    if error.errno == errno.ENOSPC or error.errno == errno.EDQUOT:
        return StoreError(f"The disk is full, so {doing} did not happen. Free some space and try again.")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError(f"The workbook is not allowed to write to its data folder, so {doing} did not happen.")
    # Only the system's words: the error itself may carry a path inside the data folder.
    return StoreError(f"{doing[0].upper()}{doing[1:]} did not happen: {error.strerror or 'the system refused'}.")


def private_folder(path: Path) -> Path:
    """Make the folder ``path`` (and any missing folders above it) openable by this account only."""
    path = missing = Path(path)
    above = []
    while not missing.is_dir():
        above.append(missing)
        missing = missing.parent
    for folder in reversed(above):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)
    return path


def new_private_file(path: Path, *, replace: bool = False) -> BinaryIO:
    """Open a new file at ``path`` for writing, readable by this account only; an existing
    file is an error unless ``replace`` (then it is emptied and made private)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL)
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "wb")


def locked_new_file(path: Path, *, replace: bool = False) -> int:
    """Create the private file ``path`` and return a descriptor that holds an exclusive lock on it
    until it is closed: while it is open, start-up cleaning leaves the file alone. An existing file
    is an error unless ``replace`` (then it is removed first: a leftover, or a writer about to fail)."""
    while True:
        if replace:
            Path(path).unlink(missing_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            if fcntl is None:
                return fd
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_nlink:
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # a start-up cleaning took it in the instant before the lock: make it again


def take_if_unowned(path: Path) -> int | None:
    """A descriptor of ``path`` holding its lock when no live writer holds it (:func:`locked_new_file`),
    else ``None``. Without file locks, a file untouched for :data:`STALE_SECONDS` counts as unowned."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:  # gone meanwhile, or a link: not a file of ours
        return None
    try:
        if fcntl is None:
            if time.time() - os.fstat(fd).st_mtime >= STALE_SECONDS:
                return fd
        else:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def remove_if_unowned(path: Path) -> bool:
    """Delete the file ``path`` unless a live writer holds its lock; return whether it went."""
    fd = take_if_unowned(path)
    if fd is None:
        return False
    try:
        path.unlink(missing_ok=True)
        return True
    finally:
        os.close(fd)


class Writing:
    """A note in the data folder ``root`` that this process is writing ``paths`` (temp files or
    folders, inside the data folder or in a folder the practitioner chose), locked for as long
    as the write lasts.

    Made before the first of ``paths`` exists and removed when the write is over (use it as a
    context manager, or call :meth:`close`). If the process dies first, the note's lock is
    free and the next start removes what it names (see :func:`.recovery.clean_writers`), so a
    crash never leaves a hidden copy of a family's data behind, even outside the data folder.
    """

    def __init__(self, root: Path, *paths: Path) -> None:
        self._fd = None
        try:
            folder = private_folder(Path(root) / WRITERS)
            self.note = folder / f"{secrets.token_hex(8)}.json"
            self._fd = locked_new_file(self.note)
            os.write(self._fd, json.dumps([str(Path(p).absolute()) for p in paths]).encode("ascii"))
            os.fsync(self._fd)
            fsync_dir(folder)
        except BaseException as error:
            self.close()
            if isinstance(error, OSError):
                raise plain_os_error(error, "the work") from error
            raise

    def close(self) -> None:
        if self._fd is not None:
            self.note.unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Writing:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@contextmanager
def atomic_file(path: Path, doing: str, *, note_in: Path | None = None) -> Iterator[BinaryIO]:
    """A private binary file that replaces ``path`` only when the block ends without error.

    It is written as a temp file beside ``path`` (locked while it is written),
    fsynced and ``os.replace``-d over it, and the folder fsynced: a crash leaves
    the old file or the new one, never half. On failure the temp file goes and an
    ``OSError`` anywhere in the chain (closing a zip after a full disk raises
    again) becomes a plain sentence about ``doing``. A file outside the data folder
    gives the data folder as ``note_in``, so that the next start can find and remove
    a temp file a crash left there (:class:`Writing`).
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    note = None
    try:
        note = Writing(note_in, tmp) if note_in is not None else None
        with os.fdopen(locked_new_file(tmp), "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp, path)  # before the lock goes with the descriptor
        fsync_dir(path.parent)
    except BaseException as error:
        tmp.unlink(missing_ok=True)
        cause = error
        while cause is not None and not isinstance(cause, OSError):
            cause = cause.__context__
        if cause is not None and not isinstance(error, VigError):
            raise plain_os_error(cause, doing) from error
        raise
    finally:
        if note is not None:
            note.close()


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - not possible on every platform
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
