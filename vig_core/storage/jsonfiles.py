"""The workbook's JSON records on disk: written whole or not at all, read back plainly, changed under a lock.

Why it is built like this:

* **Atomic writes.** TinyDB's own ``JSONStorage`` rewrites the file in place,
  so a crash mid-write can leave half a file. :class:`AtomicJSONStorage` and
  :func:`write_json_atomically` write a temp file, fsync it, and ``os.replace``
  it over the old one, then fsync the folder (:func:`.files.atomic_file`): a
  reader sees the old file or the new one, never a mix. Temp files a crash left
  behind are removed when the store opens.
* **One lock per read-modify-write.** Streamlit runs every browser tab (and
  every fragment) in its own thread, and TinyDB is not thread-safe. Every
  change of a record takes :func:`file_lock`: a per-file thread lock plus an
  ``flock`` (so the command line can run beside the app). A backup copies a
  record under the same lock, so it never holds a half-changed case.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from vig_core.datafiles import repaired
from vig_core.errors import StoreError
from vig_core.storage import vaulting
from vig_core.storage.files import FILE_MODE, atomic_file, plain_os_error

try:  # POSIX: also serialise against other processes (the CLI beside the app)
    import fcntl
except ImportError:  # pragma: no cover - Windows falls back to thread locks only
    fcntl = None


def write_json_atomically(path: Path, data: Any) -> None:
    """Replace ``path`` with ``data`` as JSON so that a crash leaves old or new, never half."""
    with atomic_file(path, "saving") as handle:
        # ensure_ascii keeps any str (even lone surrogates) representable.
        plain = json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        handle.write(vaulting.record_bytes_to_write(path, plain))


def read_json(path: Path) -> Any | None:
    """The JSON in ``path``, or ``None`` when the file does not exist or is empty."""
    try:
        text = vaulting.record_bytes_read(path, path.read_bytes(), name=f"The file {path.name}").decode(
            "utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise plain_os_error(error, "reading a record") from error
    if not text.strip():
        return None
    try:
        return repaired(json.loads(text), text)  # a broken character of an older record shows as �
    except (ValueError, RecursionError) as error:
        raise StoreError(
            f"The file {path.name} in {path.parent.name} is damaged and cannot be read; "
            "restore it from a backup."
        ) from error


class AtomicJSONStorage(Storage):
    """A TinyDB storage that never leaves a half-written file (see module notes)."""

    def __init__(self, path: str | Path, **_: Any) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        return read_json(self.path)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_json_atomically(self.path, data)

    def close(self) -> None:  # nothing is held open between calls
        pass


_thread_locks: dict[Path, threading.RLock] = {}
_thread_locks_guard = threading.Lock()


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold the lock for one read-modify-write of ``path`` (threads and processes)."""
    with _thread_locks_guard:
        lock = _thread_locks.setdefault(path, threading.RLock())
    with lock:
        if fcntl is None:
            yield
            return
        lock_path = path.with_name(f".{path.name}.lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as error:
            raise plain_os_error(error, "saving") from error
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
