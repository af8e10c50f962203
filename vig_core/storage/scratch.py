"""A private folder outside the data folder for plaintext that only a program other than the workbook
can read from a file (ffmpeg's output, title-card pictures), while a vault's film is being made.

The folder is made in memory-backed storage, ``/dev/shm``, when that exists and this account may
write there (Linux), else in the system's temporary folder (macOS, Windows: then on the disk, as
any program's temporary files). It is private (0700), noted in the data folder as work under way
(:class:`~vig_core.storage.files.Writing`) before it exists, and removed with all it holds when the
work ends, failed or not; if the workbook is killed first, the next start removes it (see
:func:`~vig_core.storage.recovery.clean_writers`). ``/dev/shm`` is emptied at every reboot as well.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vig_core.storage.files import DIR_MODE, Writing, plain_os_error

MEMORY = Path("/dev/shm")


def scratch_base() -> Path:
    """Where scratch folders go: ``/dev/shm`` when usable, else the system's temporary folder."""
    if MEMORY.is_dir() and os.access(MEMORY, os.W_OK | os.X_OK):
        return MEMORY
    return Path(tempfile.gettempdir())


@contextmanager
def scratch_folder(root: Path, doing: str = "preparing the film") -> Iterator[Path]:
    """A new private folder (see module notes) for the time of the block; ``root`` is the data folder."""
    folder = scratch_base() / f"vig-work-{secrets.token_hex(12)}"
    note = Writing(root, folder)
    try:
        try:
            folder.mkdir(mode=DIR_MODE)
            os.chmod(folder, DIR_MODE)
        except OSError as error:
            raise plain_os_error(error, doing) from error
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        note.close()
