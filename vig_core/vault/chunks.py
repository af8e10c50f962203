"""Films and other media, encrypted in fixed-size chunks that can be read at any offset.

The format (docs/vault.md has the full table)::

    header  "VIGM" | version (1 byte) | file id (16 random bytes) | chunk size (u32) | length (u64)
    chunk 0 ... chunk n-1: each AES-256-GCM(plaintext of chunk size, the last shorter) + 16-byte tag

There is always at least one chunk (an empty file has one empty last chunk), and a
file of exactly k chunk sizes has k full chunks, the k-th marked last.

* **Key.** Each file has its own key, HKDF of the data key with the file id as salt
  (:data:`PURPOSE`). A writer always draws a new file id, so a file written again,
  even with the same content, has a new key.
* **Nonce.** The chunk's index (11 bytes, big-endian) and the last-chunk flag (1 byte):
  unique within a file, and a file's key is never shared, so no (key, nonce) pair is
  ever used twice.
* **Associated data.** Magic, version, file id, chunk size, index and the last flag:
  a chunk moved to another place in the file, or from another file, or a file cut at a
  chunk boundary (its new last chunk is not marked last) fails its check; so does a
  changed chunk size. The length in the header is checked against the file's size and
  against the last chunk, decrypted when the reader opens the file.

A chunk that fails gives :class:`.DamagedMedia`, never its bytes. The reader decrypts
only the chunks a range needs (a full chunk straight into the caller's buffer, the
partial ones at the edges through a small cache), with ``os.pread``, so threads can
share one reader.
"""

from __future__ import annotations

import io
import os
import secrets
import struct
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vig_core.errors import StoreError
from vig_core.storage.files import atomic_file
from vig_core.vault.errors import DamagedMedia
from vig_core.vault.keys import DataKey

MAGIC = b"VIGM"
VERSION = 1
HEADER = struct.Struct(">4sB16sIQ")  # magic, version, file id, chunk size, plaintext length
TAG_BYTES = 16
ID_BYTES = 16
DEFAULT_CHUNK = 64 * 1024
MIN_CHUNK, MAX_CHUNK = 1024, 16 * 1024 * 1024
PURPOSE = b"vig-vault/1 media chunks"
_LENGTH_AT = HEADER.size - 8


def chunk_count(length: int, chunk_size: int) -> int:
    return max(1, -(-length // chunk_size))


def encrypted_size(length: int, chunk_size: int = DEFAULT_CHUNK) -> int:
    """The size on disk of ``length`` bytes of media."""
    return HEADER.size + length + TAG_BYTES * chunk_count(length, chunk_size)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _aad(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def _check_chunk_size(chunk_size: int) -> None:
    if not MIN_CHUNK <= chunk_size <= MAX_CHUNK:
        raise ValueError(f"a chunk size is between {MIN_CHUNK} and {MAX_CHUNK} bytes")


class ChunkedWriter:
    """Encrypts what is written to it into ``handle`` (seekable: the length goes into the header
    at :meth:`close`). Memory stays at about one chunk, whatever the sizes written."""

    def __init__(self, handle: BinaryIO, key: DataKey, chunk_size: int = DEFAULT_CHUNK) -> None:
        _check_chunk_size(chunk_size)
        if not handle.seekable():
            raise ValueError("a chunked file is written to a seekable file")
        self._handle, self.chunk_size = handle, chunk_size
        self.file_id = secrets.token_bytes(ID_BYTES)  # new for every write: a new key, never a reused nonce
        self._aead = _aead(key, self.file_id)
        self._prefix = MAGIC + bytes([VERSION]) + self.file_id + chunk_size.to_bytes(4, "big")
        self._start = handle.tell()
        handle.write(HEADER.pack(MAGIC, VERSION, self.file_id, chunk_size, 0))
        self._buffer = bytearray()
        self._index = 0
        self.length = 0
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self.closed:
            raise ValueError("write to a closed chunked file")
        view = memoryview(data).cast("B")
        written = view.nbytes
        while view:
            if len(self._buffer) == self.chunk_size:  # more follows, so this one is not the last
                self._emit(last=False)
            take = min(self.chunk_size - len(self._buffer), len(view))
            self._buffer += view[:take]
            view = view[take:]
        self.length += written
        return written

    def _emit(self, last: bool) -> None:
        self._handle.write(self._aead.encrypt(_nonce(self._index, last), self._buffer,
                                              _aad(self._prefix, self._index, last)))
        self._buffer.clear()
        self._index += 1

    def close(self) -> None:
        """Write the last chunk and the length. Not called when the block around it failed."""
        if self.closed:
            return
        self._emit(last=True)
        end = self._handle.tell()
        self._handle.seek(self._start + _LENGTH_AT)
        self._handle.write(self.length.to_bytes(8, "big"))
        self._handle.seek(end)
        self.closed = True

    def __enter__(self) -> ChunkedWriter:
        return self

    def __exit__(self, kind: type | None, *_: object) -> None:
        if kind is None:
            self.close()
        else:  # the file is unfinished: whoever opened it removes it (atomic_file does)
            self.closed = True
            self._buffer.clear()


def _aead(key: DataKey, file_id: bytes) -> AESGCM:
    return AESGCM(key.derive(PURPOSE, salt=file_id))


def write_chunked_file(path: Path, key: DataKey, pieces: Iterable[bytes], *, chunk_size: int = DEFAULT_CHUNK,
                       doing: str = "saving the film", note_in: Path | None = None) -> int:
    """Encrypt ``pieces`` into ``path`` through the store's atomic writer (0600, whole or not at all);
    return the plaintext length."""
    with atomic_file(Path(path), doing, note_in=note_in) as handle, \
            ChunkedWriter(handle, key, chunk_size) as writer:
        for piece in pieces:
            writer.write(piece)
    return writer.length


class ChunkedReader:
    """Random access to a chunked file's plaintext: :attr:`size`, :meth:`read` and :meth:`readinto_at`,
    safe to share between threads; :meth:`file` gives a file-like view (PyAV, a pipe to ffmpeg)."""

    def __init__(self, path: Path, key: DataKey, *, cache_chunks: int = 8, name: str = "This film") -> None:
        self.name = name
        self._cache: OrderedDict[int, bytes] = OrderedDict()
        self._cache_chunks, self._lock = cache_chunks, threading.Lock()
        try:
            self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            raise
        except OSError as error:
            raise StoreError(f"{name} could not be read: {error.strerror or 'the system refused'}.") from error
        try:
            self._open(os.fstat(self._fd).st_size, key)
        except BaseException:
            os.close(self._fd)
            raise

    def _open(self, on_disk: int, key: DataKey) -> None:
        raw = os.pread(self._fd, HEADER.size, 0)
        if len(raw) < HEADER.size or raw[:4] != MAGIC:
            raise DamagedMedia(f"{self.name} is not an encrypted film of this workbook; restore it from a backup.")
        _magic, version, self.file_id, self.chunk_size, self.size = HEADER.unpack(raw)
        if version != VERSION:
            raise DamagedMedia(f"{self.name} was encrypted by a newer version of the workbook; update the workbook.")
        if not MIN_CHUNK <= self.chunk_size <= MAX_CHUNK:
            raise DamagedMedia(f"{self.name} has a damaged header; restore it from a backup.")
        self.chunk_count = chunk_count(self.size, self.chunk_size)
        if on_disk != encrypted_size(self.size, self.chunk_size):
            raise DamagedMedia(f"{self.name} is cut short or has bytes added, so it cannot be shown; "
                               "restore it from a backup.", chunk=None)
        self._prefix = raw[:4 + 1 + ID_BYTES] + self.chunk_size.to_bytes(4, "big")
        self._aead = _aead(key, self.file_id)
        self._chunk(self.chunk_count - 1)  # checks the length and that nothing was cut at a boundary

    # -- chunks ---------------------------------------------------------------------------------
    def _plain_length(self, index: int) -> int:
        return min(self.chunk_size, self.size - index * self.chunk_size)

    def _decrypt(self, index: int, into: memoryview | None = None) -> bytes | None:
        last = index == self.chunk_count - 1
        length = self._plain_length(index)
        at = HEADER.size + index * (self.chunk_size + TAG_BYTES)
        sealed = os.pread(self._fd, length + TAG_BYTES, at)
        try:
            if into is not None:
                self._aead.decrypt_into(_nonce(index, last), sealed, _aad(self._prefix, index, last), into)
                return None
            return self._aead.decrypt(_nonce(index, last), sealed, _aad(self._prefix, index, last))
        except (InvalidTag, ValueError):
            raise DamagedMedia(f"{self.name} is damaged (part {index + 1} of {self.chunk_count} fails its "
                               "check), so it cannot be shown from there; restore it from a backup.",
                               chunk=index) from None

    def _chunk(self, index: int) -> bytes:
        with self._lock:
            plain = self._cache.get(index)
            if plain is not None:
                self._cache.move_to_end(index)
                return plain
        plain = self._decrypt(index)
        with self._lock:
            self._cache[index] = plain
            while len(self._cache) > self._cache_chunks:
                self._cache.popitem(last=False)
        return plain

    # -- reading --------------------------------------------------------------------------------
    def readinto_at(self, offset: int, buffer: memoryview | bytearray) -> int:
        """Fill ``buffer`` with the plaintext from ``offset``; return how many bytes (fewer at the end)."""
        view = memoryview(buffer).cast("B")
        if offset < 0:
            raise ValueError("a negative offset")
        end = min(self.size, offset + len(view))
        done = 0
        while offset + done < end:
            at = offset + done
            index, within = divmod(at, self.chunk_size)
            length = self._plain_length(index)
            take = min(length - within, end - at)
            if within == 0 and take == length and index not in self._cache:
                self._decrypt(index, view[done:done + take])  # a whole chunk: straight into the buffer
            else:
                view[done:done + take] = self._chunk(index)[within:within + take]
            done += take
        return done

    def read(self, offset: int, length: int) -> bytes:
        """The plaintext bytes ``[offset, offset + length)`` (fewer past the end)."""
        buffer = bytearray(max(0, min(length, self.size - offset)))
        self.readinto_at(offset, buffer)
        return bytes(buffer)

    def file(self) -> ChunkedFile:
        """A file-like view with its own position (``read``, ``readinto``, ``seek``, ``tell``)."""
        return ChunkedFile(self)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        with self._lock:
            self._cache.clear()

    def __enter__(self) -> ChunkedReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class ChunkedFile(io.RawIOBase):
    """A read-only, seekable file over a :class:`ChunkedReader` (closing it leaves the reader open)."""

    def __init__(self, reader: ChunkedReader) -> None:
        super().__init__()
        self._reader, self._position = reader, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:
        done = self._reader.readinto_at(self._position, buffer)
        self._position += done
        return done

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._reader.size}[whence]
        if base + offset < 0:
            raise OSError("seek before the start of the file")
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    @property
    def size(self) -> int:
        return self._reader.size
