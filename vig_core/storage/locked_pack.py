"""A family's copy or a supervision pack written as a zip, plain or encrypted with a password the
practitioner gives the recipient.

The encrypted form is built like an encrypted backup (:mod:`.sealed`), with the same pieces:

* **The standard age format.** age's own password encryption (scrypt) takes whole strings in
  ``pyrage`` only, and a pack may hold gigabytes of film. So each pack gets a fresh X25519 key: the
  pack's zip is streamed into ``NAME.zip.age`` encrypted to that key (:func:`.sealed.write_age_zip`,
  1 MiB at a time through an OS pipe: the plain zip is never on disk), and the key, a line of text,
  is encrypted with the password into ``key.age``. Both go into one outer zip (stored, not
  compressed) with a ``README.txt`` saying how to open it. The age tool and rage read a password-
  encrypted key file directly: ``age -d -i key.age NAME.zip.age > NAME.zip`` asks for the password.
* **Never half a file.** The outer zip is written through :func:`.files.atomic_file` (a temp file
  beside it, replaced into place at the end, named in a :class:`.files.Writing` note so a crash's
  leftover is removed at the next start).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pyrage
from pyrage import x25519

from vig_core.errors import ValidationError
from vig_core.storage.files import atomic_file
from vig_core.storage.sealed import write_age_zip

LOCKED_SUFFIX = ".encrypted.zip"
KEY_ENTRY, README_ENTRY = "key.age", "README.txt"
WRONG_PASSWORD = "That password does not open this file."


def locked_name(name: str) -> str:
    """The name of the encrypted form of the zip ``name``: ``FAM-07-family-copy.zip`` gives
    ``FAM-07-family-copy.encrypted.zip``."""
    return name.removesuffix(".zip") + LOCKED_SUFFIX


def inner_name(out: Path) -> str:
    """The name of the pack's own zip inside the encrypted file ``out``."""
    name = re.sub(r"(\.encrypted(-\d+)?)?\.zip$", "", Path(out).name)  # "-2": a second file of the same name
    return f"{name or 'pack'}.zip"


def readme(what: str, inner: str) -> str:
    return f"""This file holds {what}, encrypted with a password.
The person who made it gives you the password another way (on the phone, in a
text message): never in the same message as this file.

To open it you need the free age tool (https://age-encryption.org) or rage
(https://github.com/str4d/rage). Unzip this file first (double-click it), then,
in the folder where {KEY_ENTRY} and {inner}.age are, run:

    age -d -i {KEY_ENTRY} {inner}.age > {inner}

and type the password when asked. {inner} is then an ordinary zip: open it
as usual. It holds the family's films and words, so keep it only on an
encrypted disk and delete it when it is no longer needed.
"""


def write_pack(out: Path, doing: str, note_in: Path, write_zip: Callable[[BinaryIO], None], *,
               password: str | None = None, what: str = "a copy of a case") -> None:
    """Write the new file ``out``: the zip ``write_zip`` writes into the handle it is given, as it is, or
    with ``password`` encrypted (see module notes). ``write_zip`` gets an unseekable handle then."""
    with atomic_file(out, doing, note_in=note_in) as handle:
        if password is None:
            write_zip(handle)
            return
        if not password:
            raise ValueError("an encrypted pack needs a password")
        inner = inner_name(out)
        write_age_zip(handle, {README_ENTRY: readme(what, inner)}, {KEY_ENTRY: password}, f"{inner}.age", write_zip)


def is_locked_pack(path: Path) -> bool:
    """Whether ``path`` is an encrypted pack (a file that is not a zip is not)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return False
    return KEY_ENTRY in names and any(n.endswith(".zip.age") for n in names)


def open_pack(path: Path, password: str, target: BinaryIO) -> None:
    """Decrypt the encrypted pack ``path`` into ``target`` (the pack's own zip) with ``password``;
    a wrong password is refused in plain words. What the recipient's age tool does, for checks."""
    with zipfile.ZipFile(path) as archive:
        data = next((n for n in archive.namelist() if n.endswith(".zip.age")), None)
        if data is None or KEY_ENTRY not in archive.namelist():
            raise ValidationError("This file is not an encrypted pack of the workbook.")
        try:
            text = pyrage.passphrase.decrypt(archive.read(KEY_ENTRY), password)
        except pyrage.DecryptError:
            raise ValidationError(WRONG_PASSWORD) from None
        identity = x25519.Identity.from_str(text.decode("ascii").strip())
        with archive.open(data) as source:
            pyrage.decrypt_io(source, target, [identity])
