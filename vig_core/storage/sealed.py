"""An encrypted backup: the backup zip, encrypted in the standard age format (``pyrage``).

Why it is built like this:

* **A standard format anyone can open.** The file is a plain zip (stored, not
  compressed) holding ``data.age`` (the backup zip, encrypted), one small
  ``key.<secret>.age`` per secret that opens it, ``vig-backup.json`` (what the
  file is) and ``README.txt`` (how to open it with the ``age`` tool, without the
  workbook). Nothing in the outer zip names a family or holds a record.
* **Streamed, so a backup with films of many GB needs little memory.** age's
  passphrase encryption (scrypt) works on whole strings only, so each backup gets
  a fresh X25519 key: the backup zip is streamed into ``data.age`` encrypted to
  that key, and the key (a short line of text) is encrypted with the passphrase
  into ``key.passphrase.age``. A second secret (a recovery code) is one more
  wrapped copy of the same key (``key.recovery.age``); restore tries each. A vault's
  backup keeps its key file beside (``vault.json``: wrapped keys only), and the recovery
  slot's secret is derived from the vault's data key, so the vault's recovery code opens
  the backup too (:mod:`.vault_restore`).
* **No plaintext on disk while backing up.** The backup zip is written into an OS
  pipe and read from it by the encryptor in a second thread: the plaintext exists
  only in this process's memory (a chunk of 1 MiB at a time) and the kernel's pipe
  buffer. On restore the decrypted zip is written inside the restore's own unpack
  folder beside the data folder (see :mod:`.restore`), where the restored files go
  anyway, and removed before the restore ends.
* **Tampering is refused.** age authenticates every 64 KiB chunk and the end of
  the stream; a wrong passphrase and a changed file are told apart in plain words.
"""

from __future__ import annotations

import json
import os
import stat
import threading
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO

import pyrage
from pyrage import x25519

from vig_core.errors import ValidationError
from vig_core.storage.files import FILE_MODE

SEALED_FORMAT, SEALED_VERSION = "vig-workbook-encrypted-backup", 1
INFO, DATA, README = "vig-backup.json", "data.age", "README.txt"
KEY_NAMES = ("passphrase", "recovery")  # the secrets that may open a backup, tried in this order
MAX_KEY_BYTES = 64 * 2**10
WRONG_SECRET = "That passphrase does not open this backup; nothing was restored."
TAMPERED = ("The encrypted backup has been changed or damaged since it was made, so it cannot be trusted; "
            "nothing was restored.")

README_TEXT = """This is an encrypted backup of VIG Workbook.

Restore it in the workbook (Settings and backup > Restore from a backup, or
`python -m vig_core restore FILE`) with the workbook passphrase it was made with.

It uses the standard age format (https://age-encryption.org), so it can also be
opened without the workbook, with the `age` or `rage` command-line tools:

    unzip this-file.zip data.age key.passphrase.age
    age -d key.passphrase.age > key.txt        (asks for the passphrase)
    age -d -i key.txt data.age > backup.zip
    rm key.txt

backup.zip is then an ordinary workbook backup: it holds every case and film, so
keep it only on an encrypted disk and delete it when done.
"""


def key_entry(name: str) -> str:
    return f"key.{name}.age"


def write_sealed(handle: BinaryIO, secrets: Mapping[str, str], write_inner: Callable[[BinaryIO], None], *,
                 beside: Mapping[str, bytes] | None = None) -> None:
    """Write an encrypted backup to ``handle``: ``write_inner`` writes the backup zip into the
    (unseekable) file it is given, which is encrypted on the way (see module notes). ``beside``:
    small files that go into the outer zip as they are (a vault's key file, see :mod:`.vault_restore`)."""
    if not secrets or any(name not in KEY_NAMES or not secret for name, secret in secrets.items()):
        raise ValueError("an encrypted backup needs a passphrase or recovery code")
    info = {"format": SEALED_FORMAT, "format_version": SEALED_VERSION, "keys": sorted(secrets)}
    write_age_zip(handle, {README: README_TEXT, INFO: json.dumps(info, indent=1), **(beside or {})},
                  {key_entry(name): secret for name, secret in secrets.items()}, DATA, write_inner)


def write_age_zip(handle: BinaryIO, texts: Mapping[str, str | bytes], keys: Mapping[str, str], data: str,
                  write_inner: Callable[[BinaryIO], None]) -> None:
    """An outer zip (stored, dates left out) in ``handle``: the files ``texts`` as they are, the entry
    ``data`` holding what ``write_inner`` writes, streamed and encrypted (age) to a fresh X25519 key,
    and that key encrypted with each secret of ``keys`` ({entry name: passphrase}, age's scrypt).
    The shared form of encrypted backups and of password-encrypted packs (:mod:`.locked_pack`)."""
    identity = x25519.Identity.generate()
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED, allowZip64=True) as outer:
        for name, text in texts.items():
            outer.writestr(dateless_entry(name), text)
        for name, secret in keys.items():
            outer.writestr(dateless_entry(name), pyrage.passphrase.encrypt(str(identity).encode("ascii"), secret))
        with outer.open(dateless_entry(data), "w", force_zip64=True) as target:
            encrypt_stream(write_inner, target, identity.to_public())


def encrypt_stream(write_inner: Callable[[BinaryIO], None], target: BinaryIO, recipient: x25519.Recipient) -> None:
    read_end, write_end = os.pipe()
    failed: list[BaseException] = []

    def encrypt() -> None:
        try:
            with open(read_end, "rb") as source:  # closing it stops a writer still writing (BrokenPipeError)
                pyrage.encrypt_io(source, target, [recipient])
        except BaseException as error:  # noqa: BLE001 - handed to the caller below
            failed.append(error)

    worker = threading.Thread(target=encrypt, name="backup-encrypt", daemon=True)
    worker.start()
    try:
        with open(write_end, "wb") as sink:
            write_inner(sink)
    except BrokenPipeError:
        worker.join()
        if failed:
            raise failed[0] from None
        raise
    except BaseException:
        worker.join()  # the sink is closed: the encryptor ends; the half-made file is discarded by the caller
        raise
    worker.join()
    if failed:
        raise failed[0]


def is_sealed(archive: zipfile.ZipFile) -> bool:
    return INFO in archive.namelist() and DATA in archive.namelist()


def is_sealed_file(path: Path) -> bool:
    """Whether ``path`` is an encrypted backup (a file that is not a zip is not)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return is_sealed(archive)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return False


def check_sealed(archive: zipfile.ZipFile) -> list[str]:
    """The names of the secrets that open the encrypted backup ``archive``, refusing what is not one."""
    not_ours = "This file is not a workbook backup (its description is missing or not the workbook's)."
    try:
        info = json.loads(_small(archive, INFO))
    except ValueError:
        info = None
    if not isinstance(info, dict) or info.get("format") != SEALED_FORMAT:
        raise ValidationError(not_ours)
    version = info.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValidationError(not_ours)
    if version > SEALED_VERSION:
        raise ValidationError("This backup was made by a newer version of the workbook; update the workbook to "
                              "restore it.")
    names = [name for name in KEY_NAMES if key_entry(name) in archive.namelist()]
    if not names:
        raise ValidationError(TAMPERED)
    return names


def open_identity(archive: zipfile.ZipFile, secret: str) -> x25519.Identity:
    """The key of the encrypted backup ``archive``, opened with ``secret`` (its passphrase or recovery code)."""
    if not secret:
        raise ValidationError("This backup is encrypted: type the passphrase it was made with.")
    for name in check_sealed(archive):
        wrapped = _small(archive, key_entry(name))
        try:
            text = pyrage.passphrase.decrypt(wrapped, secret)
        except pyrage.DecryptError:
            continue
        try:
            return x25519.Identity.from_str(text.decode("ascii").strip())
        except (UnicodeDecodeError, pyrage.IdentityError, ValueError):
            raise ValidationError(TAMPERED) from None
    raise ValidationError(WRONG_SECRET)


def decrypt_data(archive: zipfile.ZipFile, identity: x25519.Identity, target: BinaryIO) -> None:
    """Stream-decrypt the backup zip of ``archive`` into ``target``; a changed file is refused,
    a disk that fails (full, gone) raises its own error."""
    try:
        with archive.open(DATA) as data:
            source, sink = _Watched(data), _Watched(target)
            try:
                pyrage.decrypt_io(source, sink, [identity])
            except OSError:  # age's own refusals come as I/O errors too: ours are told apart
                if isinstance(sink.failed or source.failed, OSError):
                    raise (sink.failed or source.failed) from None
                raise ValidationError(TAMPERED) from None
    except (pyrage.DecryptError, zipfile.BadZipFile, EOFError) as error:
        raise ValidationError(TAMPERED) from error


class _Watched:
    """A file whose ``read``/``write`` failure is kept, to tell a failing disk from a changed backup."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.failed: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        try:
            return self._handle.read(size)
        except BaseException as error:
            self.failed = error
            raise

    def write(self, data: bytes) -> int:
        try:
            return self._handle.write(data)
        except BaseException as error:
            self.failed = error
            raise

    def flush(self) -> None:
        self._handle.flush()


def dateless_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # no date: nothing to learn from the outside
    info.external_attr = (stat.S_IFREG | FILE_MODE) << 16
    return info


def _small(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as handle:
            raw = handle.read(MAX_KEY_BYTES + 1)
    except KeyError:
        raise ValidationError(TAMPERED) from None
    except (zipfile.BadZipFile, EOFError) as error:
        raise ValidationError(TAMPERED) from error
    if len(raw) > MAX_KEY_BYTES:
        raise ValidationError(TAMPERED)
    return raw
