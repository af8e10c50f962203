"""Any film or picture of the workbook as plaintext, whichever way it is kept: a plain file, a
chunk-encrypted file of a vault, or an upload arriving in encrypted pieces (:mod:`.uploads`).

The readers of media (probing, stills, ffmpeg through :mod:`vig_core.media.loopback`, the media
route, fingerprints, exports) ask here, so a film reads the same in a vault as outside one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

from vig_core.storage import vaulting
from vig_core.storage.uploads import PiecesReader, is_pieces
from vig_core.vault.errors import DamagedMedia


class HiddenReader(Protocol):
    size: int

    def readinto_at(self, offset: int, buffer: memoryview | bytearray) -> int: ...

    def read(self, offset: int, length: int) -> bytes: ...

    def file(self) -> BinaryIO: ...

    def close(self) -> None: ...


def hidden_reader(path: Path | str, *, name: str = "This film") -> HiddenReader | None:
    """A random-access reader of the plaintext at ``path`` when it is encrypted (a chunked file, an
    upload in pieces); ``None`` when it is a plain file (or nothing readable: the caller's open says so)."""
    path = Path(path)
    if is_pieces(path):
        root = vaulting.vault_root(path)
        if root is None:
            raise DamagedMedia(f"{name} is encrypted, but this data folder has no vault key file.")
        return PiecesReader(path, vaulting.holder(root).key(), name=name)
    return vaulting.media_reader(path, name=name)


def is_media_file(path: Path) -> bool:
    """Whether there is a film to read at ``path`` (a file, or an upload in pieces)."""
    path = Path(path)
    return path.is_file() or is_pieces(path)


def plaintext_size(path: Path) -> int:
    reader = hidden_reader(path)
    if reader is None:
        return os.stat(path).st_size
    try:
        return reader.size
    finally:
        reader.close()


@contextmanager
def open_plaintext(path: Path, *, name: str = "This film") -> Iterator[BinaryIO]:
    """A seekable read-only file object of the plaintext at ``path``."""
    reader = hidden_reader(path, name=name)
    if reader is None:
        with open(path, "rb") as handle:
            yield handle
        return
    try:
        yield reader.file()
    finally:
        reader.close()


@contextmanager
def av_source(path: Path) -> Iterator[str | BinaryIO]:
    """What to hand ``av.open``: the path of a plain file (PyAV reads it itself, fastest), or a
    seekable file object of an encrypted one's plaintext."""
    reader = hidden_reader(path)
    if reader is None:
        yield str(path)
        return
    try:
        yield reader.file()
    finally:
        reader.close()
