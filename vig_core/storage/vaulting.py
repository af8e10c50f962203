"""Which files of a data folder are encrypted, and reading and writing them: the one place the
store, the logs, the media modules and the exports ask.

A data folder is a **vault** when its key file (:data:`VAULT_FILE`) exists. Then every file
in it but the key file and the installation settings is written encrypted (see
docs/vault.md for the formats):

* **records** (``*.json``) and **log lines** (``*.jsonl``, one sealed line each) are sealed
  with the records key, bound to their path in the data folder;
* **everything else** (films, originals, clips, stills, sound, uploads) is chunked, so any
  range can be read without decrypting the rest.

Readers tell the formats apart by their first bytes, so a folder being encrypted (or
decrypted) in place, file by file, reads whole at every moment (see :mod:`.vault_migration`).

The key of each vault root lives in a :class:`~vig_core.vault.session.KeyHolder` of this
process (:func:`holder`): the lock drops it, and while it is dropped every read or write of
an encrypted file raises :class:`~vig_core.errors.LockedError`.

Why the root is found from the path: the writers (the store, the logs, ffmpeg's runner) are
handed paths, not stores; looking up the folder chain for the key file (a few ``stat`` calls,
the folder of a positive answer cached) keeps every existing call as it is.
"""

from __future__ import annotations

import atexit
import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from vig_core.datafiles import set_file_opener
from vig_core.storage.files import atomic_file
from vig_core.storage.layout import CASES_FOLDER, ERASING_FOLDER
from vig_core.vault import chunks, records
from vig_core.vault.keys import DataKey, VaultHeader, read_header
from vig_core.vault.session import KeyHolder

VAULT_FILE = "vault.json"  # the key file: wrapped keys and settings, nothing about any family
SETTINGS_FILE = "settings.json"  # read before unlocking (the lock's own settings): never encrypted
PLAIN_NAMES = (VAULT_FILE, SETTINGS_FILE)  # at the root: stay plain in a vault
# Folders at the root read before unlocking, holding nothing about a family: the launch keys and the
# cookie secret (read by the access check of every request, and by `dev.py run` in another process).
PLAIN_FOLDERS = ("access",)
RECORD_SUFFIX, LOG_SUFFIX = ".json", ".jsonl"
LOG_LINE_MARK = b"~"  # a sealed log line: ~ and the sealed bytes in base64
SEALED_MEDIA = chunks.MAGIC

_holders: dict[Path, KeyHolder] = {}
_known_vaults: set[Path] = set()  # folders known to hold a key file (positive answers only)
_guard = threading.Lock()


# -- which vault, and its key -----------------------------------------------------------------------
def header_path(root: Path) -> Path:
    return Path(root) / VAULT_FILE


def is_vault(root: Path) -> bool:
    return header_path(root).is_file()


def read_vault_header(root: Path) -> VaultHeader | None:
    return read_header(header_path(root))


def vault_root(path: Path) -> Path | None:
    """The vault's data folder that ``path`` lies in, or ``None`` (a plain folder, or outside any)."""
    path = Path(path).absolute()
    for folder in path.parents:
        if folder in _known_vaults:
            return folder
        if (folder / VAULT_FILE).is_file():
            with _guard:
                _known_vaults.add(folder)
            return folder
    return None


def forget_root(root: Path) -> None:
    """The vault of ``root`` was removed (decrypted): look again next time."""
    with _guard:
        _known_vaults.discard(Path(root).absolute())


def holder(root: Path) -> KeyHolder:
    """The key holder of the vault at ``root`` (one per data folder in this process)."""
    root = Path(root).absolute()
    with _guard:
        return _holders.setdefault(root, KeyHolder())


def hold_key(root: Path, key: DataKey) -> None:
    holder(root).hold(key)
    with _guard:
        _known_vaults.add(Path(root).absolute())


def drop_key(root: Path) -> None:
    holder(root).drop()


@atexit.register
def drop_every_key() -> None:
    """At shutdown: forget every key this process holds."""
    with _guard:
        holders = list(_holders.values())
    for each in holders:
        each.drop()


def is_unlocked(root: Path) -> bool:
    return holder(root).unlocked




def _identity(root: Path, path: Path) -> str:
    """The path of ``path`` in the data folder, as it is bound into the file: a case folder on its way
    out (renamed ``.erasing-<id>`` in one step, see :mod:`.erasing`) keeps its files' identities."""
    parts = list(Path(path).absolute().relative_to(root).parts)
    if len(parts) > 2 and parts[0] == CASES_FOLDER and parts[1].startswith(ERASING_FOLDER):
        parts[1] = parts[1][len(ERASING_FOLDER):]
    return "/".join(parts)


def key_for(path: Path) -> tuple[DataKey, str] | None:
    """The key and identity to encrypt ``path`` with, or ``None`` when it is to stay plain
    (no vault, the key file, the settings); :class:`LockedError` while the vault is locked."""
    root = vault_root(path)
    if root is None:
        return None
    identity = _identity(root, path)
    if identity in PLAIN_NAMES or identity.split("/", 1)[0] in PLAIN_FOLDERS:
        return None
    return holder(root).key(), identity


# -- records ---------------------------------------------------------------------------------------
def record_bytes_to_write(path: Path, plaintext: bytes) -> bytes:
    """What to write at ``path`` for ``plaintext``: sealed in a vault, else as it is."""
    found = key_for(path)
    return plaintext if found is None else records.seal(found[0], plaintext, found[1])


def record_bytes_read(path: Path, raw: bytes, *, name: str = "A record") -> bytes:
    """The plaintext of ``raw`` read from ``path``: opened when sealed, else as it is."""
    if not records.is_sealed(raw):
        return raw
    root = vault_root(path)
    if root is None:
        raise records.DamagedRecord(f"{name} is encrypted, but this data folder has no vault key file; "
                                    "restore the folder from a backup.")
    return records.open_sealed(holder(root).key(), raw, _identity(root, path), name=name)


set_file_opener(lambda path, raw: record_bytes_read(path, raw, name=f"The file {Path(path).name}"))


def log_line_to_write(path: Path, line: bytes) -> bytes:
    """One log line (without its newline) as it goes on disk."""
    found = key_for(path)
    if found is None:
        return line
    return LOG_LINE_MARK + base64.b64encode(records.seal(found[0], line, found[1]))


def log_line_read(path: Path, line: bytes) -> bytes | None:
    """A log line's plaintext; ``None`` for a sealed line that cannot be opened (cut by a crash)."""
    if not line.startswith(LOG_LINE_MARK):
        return line
    root = vault_root(path)
    key = holder(root).key() if root is not None else None
    try:
        return records.open_sealed(key, base64.b64decode(line[1:], validate=True), _identity(root, path))
    except (ValueError, AttributeError, records.DamagedRecord):
        return None


def file_plaintext(path: Path, raw: bytes) -> bytes:
    """What was written to the record or log ``path`` whose bytes on disk are ``raw``: a record
    opened when sealed, a log's lines each opened (a line a crash cut short left out, as readers do)."""
    if Path(path).name.endswith(LOG_SUFFIX):
        opened = (log_line_read(path, line) for line in raw.splitlines())
        return b"".join(line + b"\n" for line in opened if line is not None)
    return record_bytes_read(path, raw, name=f"The file {Path(path).name}")


# -- media -----------------------------------------------------------------------------------------
def is_sealed_media(path: Path) -> bool:
    """Whether the file at ``path`` is a chunked (encrypted) film or picture."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SEALED_MEDIA)) == SEALED_MEDIA
    except OSError:
        return False


def media_reader(path: Path, *, name: str = "This film") -> chunks.ChunkedReader | None:
    """A random-access reader of the encrypted file at ``path``; ``None`` when it is plain."""
    if not is_sealed_media(path):
        return None
    root = vault_root(path)
    if root is None:
        raise chunks.DamagedMedia(f"{name} is encrypted, but this data folder has no vault key file.")
    return chunks.ChunkedReader(Path(path), holder(root).key(), name=name)


class _PlainWriter:
    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    def write(self, data: bytes | bytearray | memoryview) -> int:
        return self._handle.write(data)


@contextmanager
def media_writer(path: Path, doing: str = "saving the film", *, note_in: Path | None = None) -> Iterator:
    """A writer (``write(bytes)``) whose bytes replace ``path`` when the block ends without error:
    chunk-encrypted in a vault, else plain; whole or not at all, 0600 (the store's atomic writer)."""
    found = key_for(path)
    with atomic_file(Path(path), doing, note_in=note_in) as handle:
        if found is None:
            yield _PlainWriter(handle)
        else:
            with chunks.ChunkedWriter(handle, found[0]) as writer:
                yield writer


def write_media_bytes(path: Path, data: bytes, doing: str = "saving") -> None:
    with media_writer(path, doing) as writer:
        writer.write(data)


def copy_into_media(source: BinaryIO, path: Path, doing: str = "saving the film", *,
                    piece: int = 1024 * 1024, on_piece=None) -> int:
    """Copy the open file ``source`` into ``path`` (encrypted in a vault); return the bytes copied."""
    copied = 0
    buffer = bytearray(piece)
    view = memoryview(buffer)
    with media_writer(path, doing) as writer:
        while True:
            got = source.readinto(buffer)
            if not got:
                break
            writer.write(view[:got])
            copied += got
            if on_piece is not None:
                on_piece(copied)
    return copied
