"""Writing the workbook's files: private to the practitioner's account, and whole or not at all.

Every file the workbook writes, in its data folder or in a folder the
practitioner chose for an export or a backup, is created readable and
writable by the practitioner's account only (0600), and every folder it makes
can be opened by that account only (0700), whatever the umask: the modes are
given when the file or folder is created (so it is never readable by others,
not even for a moment) and set once more, as a umask may take away more.
Films, clips, stills, records, logs, exports and backups all come through here
(the store, the media modules, the exports).
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import StoreError, VigError

DIR_MODE, FILE_MODE = 0o700, 0o600  # only the practitioner's account may read
TEMP_SUFFIX = ".tmp"


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


@contextmanager
def atomic_file(path: Path, doing: str) -> Iterator[BinaryIO]:
    """A private binary file that replaces ``path`` only when the block ends without error.

    It is written as a temp file beside ``path``, fsynced and ``os.replace``-d
    over it, and the folder fsynced: a crash leaves the old file or the new one,
    never half. On failure the temp file goes and an ``OSError`` anywhere in the
    chain (closing a zip after a full disk raises again) becomes a plain sentence
    about ``doing``.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        with new_private_file(tmp) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException as error:
        tmp.unlink(missing_ok=True)
        cause = error
        while cause is not None and not isinstance(cause, OSError):
            cause = cause.__context__
        if cause is not None and not isinstance(error, VigError):
            raise plain_os_error(cause, doing) from error
        raise


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - not possible on every platform
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
