"""One family's case as a single zip they can take away (data portability, GDPR art. 20).

A family may ask for a copy of everything the workbook holds about them. The
bundle gives it in forms they can open without the workbook:

* ``case.json``: every record of the case, complete and machine-readable (the
  same fields the store keeps, as readable JSON), taken under the case's lock
  like a backup does, so it is never half-way through a change.
* ``tables/*.csv``: the parts people most want to read (moments, clips, the
  parent's words, goal ratings, scores) as spreadsheets with stable, documented
  columns (see :data:`.exports.tables.TABLES`), UTF-8 with a byte-order mark and guarded against
  formulas, like the score table.
* ``media/...``: the films, clips, stills and exported films of the case folder
  (optional), streamed in and stored uncompressed: they are compressed already
  and may be gigabytes, so they are never read into memory.
  What the workbook heard in a film (``listening.json`` beside it) is left out: its
  suggestions are the practitioner's working notes, and the accepted ones are in the
  case as ordinary moments already. So is a second coder's coding (a supervisor's layer, see
  :mod:`vig_core.services.coding`): the family's copy holds the practitioner's own moments.
* any other record kept beside ``case.json`` in the case folder (such as the
  case's activity log), as it is, read under the same lock: a copy of
  *everything* held must not depend on this module knowing every file's name.
* ``README.txt``: what all of this is, in plain words.

Only the case's own folder is read, never another case's, and the zip is
written through :func:`~vig_core.storage.files.atomic_file`: a failure (a full disk) leaves no
half zip behind and says so in one sentence. With a password it is encrypted on the way for the
recipient (:mod:`~vig_core.storage.locked_pack`), and never on disk in plain.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from vig_core.case.activity import EXPORTED
from vig_core.case.film import ME
from vig_core.case.record import Case
from vig_core.exports.spreadsheet import csv_files
from vig_core.exports.tables import columns_text, table_frames
from vig_core.storage import vaulting
from vig_core.storage.backup import CHUNK, file_size, walk_files, zip_entry
from vig_core.storage.codec import to_record
from vig_core.storage.files import plain_os_error
from vig_core.storage.jsonfiles import file_lock
from vig_core.storage.layout import CASE_FILE, LISTENING_FILE
from vig_core.storage.locked_pack import write_pack
from vig_core.storage.media_source import open_plaintext
from vig_core.storage.paths import case_file_name, check_new_files
from vig_core.storage.store import CaseStore
from vig_core.vocab.instruments import load_instruments
from vig_core.vocab.principles import load_principles

MEDIA_DIR = "media"
LEFT_OUT = ("uploads",)  # files still arriving or never imported: not part of the record
OWN_NAMES = ("case.json", "README.txt")  # a record of the same name beside case.json gets a "case-" prefix
KNOWN_RECORDS = {"activity.jsonl": "when each part of the case was created, changed, exported or erased\n"
                                   "              (which parts, never the text itself), one line each"}

@dataclass(frozen=True)
class BundleSummary:
    path: Path
    files: int  # entries in the zip, README and tables included
    bytes: int  # their size before zipping
    media: bool
    encrypted: bool = False


def default_bundle_name(case: Case, today: date) -> str:
    """A file name such as ``FAM-07-family-copy-2026-11-21.zip``
    (see :func:`~vig_core.storage.paths.case_file_name`)."""
    return case_file_name(case, "family-copy", today, "zip")


def export_case_bundle(store: CaseStore, case_id: str, out: Path, *, media: bool = True,
                       on_progress: Callable[[float], None] | None = None,
                       password: str | None = None) -> BundleSummary:
    """Write the bundle of ``case_id`` to the new file ``out`` (see module notes); never overwrites.
    With ``password`` the zip is encrypted for the recipient (:mod:`~vig_core.storage.locked_pack`)."""
    report = on_progress or (lambda _fraction: None)
    out = Path(out)
    check_new_files([out], store.root)
    case, records, files = _snapshot(store, case_id, media)
    texts = {"case.json": _case_json(case), **_tables(store, case), **records}
    texts["README.txt"] = _readme(case, media, len(files), list(records)).encode("utf-8")
    total = sum(len(data) for data in texts.values()) + sum(file_size(path) for _, path in files) or 1
    done = 0

    def advance(size: int) -> None:
        nonlocal done
        done += size
        report(min(done / total, 0.99))  # 1.0 only once the zip is in place

    count = len(texts)

    def write_zip(handle: BinaryIO) -> None:
        nonlocal count
        with zipfile.ZipFile(handle, "w", allowZip64=True) as archive:
            for name, data in texts.items():
                archive.writestr(zip_entry(name, time.time(), compress=True), data)
                advance(len(data))
            count += sum(stream_file(archive, name, path, advance) for name, path in files)

    write_pack(out, "exporting the case", store.root, write_zip, password=password,
               what=f"a copy of the case {case.code} made by the VIG Workbook")
    store.note_activity(case_id, EXPORTED, "the whole case" + (" with its films" if media else ", without films")
                        + (", encrypted with a password" if password else ""))
    report(1.0)
    return BundleSummary(out, count, done, media, password is not None)


def _snapshot(store: CaseStore, case_id: str, media: bool) -> tuple[Case, dict[str, bytes], list[tuple[str, Path]]]:
    """The case, the other records beside it (by name in the bundle) and its media files, all read
    between two changes: under the lock every change takes. Films are only listed here, so the lock
    is held for moments, not for as long as a film takes to copy."""
    store.load(case_id)  # an unknown case: the store's own NotFoundError, before a lock file is made for it
    folder = store.case_folder(case_id)
    records: dict[str, bytes] = {}
    files: list[tuple[str, Path]] = []
    with file_lock(folder / CASE_FILE):
        case = store.load(case_id)
        case.moments = [m for m in case.moments if m.coder == ME]  # a second coder's layer is supervision's
        for name, path, _ in walk_files(folder, folder, skip=LEFT_OUT):
            if "/" in name:
                if media and not _heard_only(name):
                    files.append((f"{MEDIA_DIR}/{name}", path))
            elif name != CASE_FILE:
                try:
                    plain = vaulting.file_plaintext(path, path.read_bytes())  # opened in a vault
                    records[f"case-{name}" if name in OWN_NAMES else name] = plain
                except FileNotFoundError:
                    pass
                except OSError as error:
                    raise plain_os_error(error, "exporting the case") from error
    return case, records, files


def _heard_only(name: str) -> bool:
    """Whether ``name`` (relative to the case's folder) is what was heard in a film (see module notes)."""
    parts = name.split("/")
    return len(parts) == 3 and parts[0] == "recordings" and parts[2] == LISTENING_FILE


def _case_json(case: Case) -> bytes:
    text = json.dumps(to_record(case), indent=2, ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate typed somewhere: escaped JSON still reads back the same
        return json.dumps(to_record(case), indent=2).encode("ascii")


def _tables(store: CaseStore, case: Case) -> dict[str, bytes]:
    principles, _ = load_principles(store.root)
    instruments, _ = load_instruments(store.root)
    return {f"tables/{name}": data for name, data in csv_files(table_frames(case, principles, instruments)).items()}


def _readme(case: Case, media: bool, media_files: int, records: list[str]) -> str:
    columns = columns_text("tables/")
    count = f"{media_files} file{'' if media_files == 1 else 's'}"
    films = (f"media/        the films, clips and still pictures of the case ({count}), in the\n"
             "              folders the workbook keeps them in\n" if media else
             "Films, clips and still pictures were left out of this copy.\n")
    others = "".join((f"{name:<13} " if len(name) < 14 else f"{name}\n{' ' * 14}")
                     + KNOWN_RECORDS.get(name, "kept with the case, copied as it is") + "\n" for name in records)
    return f"""A copy of the Video Interaction Guidance case {case.code}
made by the VIG Workbook on {date.today():%d %B %Y}.

It holds everything the workbook keeps about this piece of work:

case.json     every record of the case (consent, the conversations, goals,
              cycles, moments, clips, the parent's words, questionnaires and
              notes) in JSON, a text format any computer can read
tables/       the main parts again as spreadsheets (CSV files: open them with
              Excel, LibreOffice or Numbers)
{films}{others}
Times are from the start of the film they belong to. Dates are written
year-month-day. Text a spreadsheet would treat as a formula starts with an
apostrophe (') in the tables; case.json keeps it exactly as it was typed.

What the columns of each table mean:

{columns}
"""


def stream_file(archive: zipfile.ZipFile, name: str, path: Path, advance: Callable[[int], None]) -> bool:
    """Copy one media file into the zip a chunk at a time, uncompressed, as plaintext (a vault's film
    leaves it decrypted); ``False`` if it went away meanwhile (a recording removed while the bundle was
    being made)."""
    with contextlib.ExitStack() as stack:
        try:
            source = stack.enter_context(open_plaintext(path))
        except FileNotFoundError:
            return False
        size = source.seek(0, os.SEEK_END)
        source.seek(0)
        info = zip_entry(name, os.stat(path).st_mtime, compress=False)
        info.file_size = size
        with archive.open(info, "w", force_zip64=info.file_size > 2**30) as target:
            while chunk := source.read(CHUNK):
                target.write(chunk)
                advance(len(chunk))
    return True
