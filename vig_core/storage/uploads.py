"""The files an upload in pieces is written to: private, appended at a known offset, never read whole.

A film arriving from the browser in pieces (see :mod:`vig_core.services.uploads`) is kept as
``cases/<case id>/uploads/<id><suffix>`` while it grows. Each piece is appended only where the
file ends (the offset the browser names must equal the file's length), so a piece sent twice or
out of order can never leave a gap or overwrite what arrived. The file is created 0600 like every
other (:func:`~vig_core.storage.files.new_private_file`) and noted as work under way by its caller
(:class:`~vig_core.storage.files.Writing`), so a crash leaves nothing: the next start removes it.

In a vault the film never lands on the disk plain: the upload is a folder of encrypted pieces
instead (see the second half of this module), behind the same four functions.
"""

from __future__ import annotations

import bisect
import os
import shutil
import struct
import threading
from collections import OrderedDict
from pathlib import Path
from typing import BinaryIO

from vig_core.storage import vaulting
from vig_core.storage.files import DIR_MODE, TEMP_SUFFIX, fsync_dir, locked_new_file, new_private_file
from vig_core.vault import chunks
from vig_core.vault.errors import DamagedMedia


class OffsetMismatch(Exception):  # noqa: N818 - what happened
    """The piece does not start where the file ends; ``size`` is where it does."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the file holds {size} bytes")
        self.size = size


def new_partial(path: Path) -> None:
    """Create the empty private file ``path`` (it must not exist) and make its name durable;
    in a vault, the empty folder of its pieces."""
    if vaulting.key_for(path) is not None:
        new_pieces(path)
        return
    new_private_file(path).close()
    fsync_dir(path.parent)


def partial_size(path: Path) -> int | None:
    """How many bytes ``path`` holds; ``None`` when it is gone (or not a regular file)."""
    try:
        result = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    if (result.st_mode & 0o170000) == 0o040000 and is_pieces(path):
        try:
            return sum(length for _, length in _pieces(path))
        except (OSError, DamagedMedia):
            return None
    return result.st_size if (result.st_mode & 0o170000) == 0o100000 else None


def append_at(path: Path, offset: int) -> BinaryIO:
    """The existing file ``path`` opened for writing at its end, which must be ``offset``
    (else :class:`OffsetMismatch`). It is never created here: a file removed meanwhile (an
    erasure) raises ``FileNotFoundError`` instead of coming back. In a vault: a new piece
    (:class:`PieceAppender`) after the pieces that hold ``offset`` bytes."""
    if is_pieces(path):
        pieces = _pieces(path)
        size = sum(length for _, length in pieces)
        if size != offset:
            raise OffsetMismatch(size)
        key = vaulting.key_for(path)
        if key is None:
            raise FileNotFoundError(path)
        return PieceAppender(path, len(pieces) + 1, offset, key[0])
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


# -- in a vault: the film arrives as encrypted pieces --------------------------------------------
# A chunked file cannot grow once its last chunk is written, and the bytes of a film must not touch
# the disk plain; so in a vault the upload is a private folder at the same name, holding one
# chunk-encrypted file per piece received (``part-0000001`` ...). Each piece's plaintext starts
# with PIECE_HEAD (mark, its number, the film offset it starts at), so a piece renamed, swapped or
# copied from another upload is refused when read. A piece is written under a temp name and
# renamed when the request ends (whole, or cut short by a lost connection: what arrived counts),
# so what has arrived is always the sum of the complete pieces.
PIECE_MARK = b"VIGP"
PIECE_HEAD = struct.Struct(">4sIQ")
PIECE_PREFIX = "part-"


def piece_name(index: int) -> str:
    return f"{PIECE_PREFIX}{index:07d}"


def is_pieces(path: Path) -> bool:
    """Whether ``path`` is an upload arriving in encrypted pieces (a folder in a case's ``uploads``)."""
    path = Path(path)
    return path.parent.name == "uploads" and path.is_dir() and not path.is_symlink()


def _pieces(folder: Path) -> list[tuple[Path, int]]:
    """The pieces of ``folder`` in order with their plaintext film lengths; gaps are damage."""
    found = sorted(p for p in Path(folder).iterdir() if p.name.startswith(PIECE_PREFIX))
    pieces = []
    for number, path in enumerate(found, start=1):
        if path.name != piece_name(number):
            raise DamagedMedia("This upload is missing a piece; send the film again.")
        with open(path, "rb") as handle:
            raw = handle.read(chunks.HEADER.size)
        if len(raw) < chunks.HEADER.size or raw[:4] != chunks.MAGIC:
            raise DamagedMedia("This upload is damaged; send the film again.")
        length = chunks.HEADER.unpack(raw)[4] - PIECE_HEAD.size
        if length < 0:
            raise DamagedMedia("This upload is damaged; send the film again.")
        pieces.append((path, length))
    return pieces


def new_pieces(path: Path) -> None:
    """Create the empty private folder of an upload in pieces (it must not exist)."""
    path.mkdir(mode=DIR_MODE)
    os.chmod(path, DIR_MODE)
    fsync_dir(path.parent)


def remove_partial(path: Path) -> None:
    """Remove an upload, a file or a folder of pieces; gone already is fine."""
    path = Path(path)
    if is_pieces(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


class PieceAppender:
    """One piece being received (``write``, ``flush``, ``close``): encrypted as it arrives into a
    locked temp file, renamed into place by :meth:`close` with what was written; nothing if a
    write failed."""

    def __init__(self, folder: Path, index: int, offset: int, key) -> None:
        self._part = Path(folder) / piece_name(index)
        self._temp = Path(folder) / f".{self._part.name}{TEMP_SUFFIX}"
        self._handle = os.fdopen(locked_new_file(self._temp, replace=True), "wb")
        self._broken, self.written = False, 0
        try:
            self._writer = chunks.ChunkedWriter(self._handle, key)
            self._writer.write(PIECE_HEAD.pack(PIECE_MARK, index, offset))
        except BaseException:
            self._handle.close()
            self._temp.unlink(missing_ok=True)
            raise

    def write(self, data: bytes | bytearray | memoryview) -> int:
        try:
            done = self._writer.write(data)
        except BaseException:
            self._broken = True
            raise
        self.written += done
        return done

    def flush(self) -> None:
        """Nothing to do: the piece is handed to the system when it is closed."""

    def close(self) -> None:
        if self._handle.closed:
            return
        try:
            if not self._broken and self.written:
                self._writer.close()
                self._handle.flush()
                os.replace(self._temp, self._part)  # while the lock is held
        except BaseException:
            self._broken = True
            raise
        finally:
            self._handle.close()
            self._temp.unlink(missing_ok=True)


class PiecesReader:
    """Random access to the plaintext of an upload in pieces: :attr:`size`, :meth:`readinto_at`,
    :meth:`read`, :meth:`file` (as :class:`~vig_core.vault.chunks.ChunkedReader`)."""

    def __init__(self, folder: Path, key, *, name: str = "This film", keep_open: int = 8) -> None:
        self.name, self._key, self._keep = name, key, keep_open
        self._pieces = _pieces(folder)
        self._starts, at = [], 0
        for _path, length in self._pieces:
            self._starts.append(at)
            at += length
        self.size = at
        self._open: OrderedDict[int, chunks.ChunkedReader] = OrderedDict()
        self._lock = threading.Lock()

    def _reader(self, index: int) -> chunks.ChunkedReader:
        with self._lock:
            reader = self._open.get(index)
            if reader is not None:
                self._open.move_to_end(index)
                return reader
        reader = chunks.ChunkedReader(self._pieces[index][0], self._key, name=self.name)
        if reader.read(0, PIECE_HEAD.size) != PIECE_HEAD.pack(PIECE_MARK, index + 1, self._starts[index]):
            reader.close()
            raise DamagedMedia(f"{self.name} has a piece out of place; send the film again.")
        with self._lock:
            self._open[index] = reader
            while len(self._open) > self._keep:
                self._open.popitem(last=False)[1].close()
        return reader

    def readinto_at(self, offset: int, buffer: memoryview | bytearray) -> int:
        view = memoryview(buffer).cast("B")
        end = min(self.size, offset + len(view))
        done = 0
        while offset + done < end:
            at = offset + done
            index = bisect.bisect_right(self._starts, at) - 1
            while self._pieces[index][1] == 0:  # an empty piece (a connection lost at once)
                index += 1
            within = at - self._starts[index]
            take = min(self._pieces[index][1] - within, end - at)
            got = self._reader(index).readinto_at(PIECE_HEAD.size + within, view[done:done + take])
            if got <= 0:
                break
            done += got
        return done

    def read(self, offset: int, length: int) -> bytes:
        buffer = bytearray(max(0, min(length, self.size - offset)))
        return bytes(buffer[:self.readinto_at(offset, buffer)])

    def file(self) -> chunks.ChunkedFile:
        return chunks.ChunkedFile(self)

    def close(self) -> None:
        with self._lock:
            readers, self._open = list(self._open.values()), OrderedDict()
        for reader in readers:
            reader.close()

    def __enter__(self) -> PiecesReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
