"""The files an upload in pieces is written to: private, appended at a known offset, never read whole.

A film arriving from the browser in pieces (see :mod:`vig_core.services.uploads`) is kept as
``cases/<case id>/uploads/<id><suffix>`` while it grows. Each piece is appended only where the
file ends (the offset the browser names must equal the file's length), so a piece sent twice or
out of order can never leave a gap or overwrite what arrived. The file is created 0600 like every
other (:func:`~vig_core.storage.files.new_private_file`) and noted as work under way by its caller
(:class:`~vig_core.storage.files.Writing`), so a crash leaves nothing: the next start removes it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from vig_core.storage.files import fsync_dir, new_private_file


class OffsetMismatch(Exception):  # noqa: N818 - what happened
    """The piece does not start where the file ends; ``size`` is where it does."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the file holds {size} bytes")
        self.size = size


def new_partial(path: Path) -> None:
    """Create the empty private file ``path`` (it must not exist) and make its name durable."""
    new_private_file(path).close()
    fsync_dir(path.parent)


def partial_size(path: Path) -> int | None:
    """How many bytes ``path`` holds; ``None`` when it is gone (or not a regular file)."""
    try:
        result = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return result.st_size if (result.st_mode & 0o170000) == 0o100000 else None


def append_at(path: Path, offset: int) -> BinaryIO:
    """The existing file ``path`` opened for writing at its end, which must be ``offset``
    (else :class:`OffsetMismatch`). It is never created here: a file removed meanwhile (an
    erasure) raises ``FileNotFoundError`` instead of coming back."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        size = os.fstat(fd).st_size
        if size != offset:
            raise OffsetMismatch(size)
        os.lseek(fd, offset, os.SEEK_SET)
        return os.fdopen(fd, "wb", buffering=0)
    except BaseException:
        os.close(fd)
        raise


def finish(handle: BinaryIO) -> None:
    """Everything written to ``handle`` handed to the system (the last piece of a film).

    Not fsynced: an arrived film is a staging copy that the import reads at once and then removes,
    and the import makes its own copy durable. After a crash a half-imported upload is tidied away
    at the next start, fsynced or not, so forcing 2 GB out to the disk here only made the wait
    longer: the whole film written out before the last answer."""
    handle.flush()
