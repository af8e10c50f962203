"""The one module that writes the workbook's data to disk.

Layout under the data root (see ``paths``)::

    settings.json            installation settings (TinyDB; the passphrase's hash)
    deletion-log.jsonl       anonymous: date, case code, what was erased
    cases/<case id>/case.json one TinyDB file per case
    cases/<case id>/activity.jsonl  which parts of the case changed when (see ``activity``)
    cases/<case id>/recordings/<recording id>/film.mp4   playable copy (+ original if kept)
    cases/<case id>/exports/cycle-<n>/...                clips, compiled film, stills

Why it is built like this:

* **Atomic writes.** TinyDB's own ``JSONStorage`` rewrites the file in place,
  so a crash mid-write can leave half a file. :class:`AtomicJSONStorage`
  writes a temp file, fsyncs it, and ``os.replace``-s it over the old one,
  then fsyncs the folder: a reader sees the old file or the new one, never a
  mix. Temp files a crash left behind are removed when the store opens.
* **One lock per read-modify-write.** Streamlit runs every browser tab (and
  every fragment) in its own thread, and TinyDB is not thread-safe. Every
  change goes through :meth:`CaseStore.edit`, which takes a per-file thread
  lock plus an ``flock`` (so the command line can run beside the app), reads
  the case fresh from disk, lets the caller change it, validates it and writes
  it. Two tabs editing different fields therefore never undo each other.
* **Schema versions.** Each file records its schema version; older files are
  migrated step by step on read (and written back on the next change), newer
  ones are refused with a clear message rather than damaged.
* **Per-case files** keep a write's cost independent of the caseload size and
  let a case be exported or erased as one folder.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

from vig_core.case import activity
from vig_core.case.record import Case
from vig_core.datafiles import json_problem, repaired
from vig_core.errors import NotFoundError, StoreError, ValidationError, VigError
from vig_core.storage.codec import from_record, to_record
from vig_core.storage.files import (
    DIR_MODE,
    FILE_MODE,
    TEMP_SUFFIX,
    atomic_file,
    fsync_dir,
    plain_os_error,
    remove_if_unowned,
)
from vig_core.storage.recovery import clean_writers, recover_restore, remove_path
from vig_core.text import code_key

log = logging.getLogger("vig_workbook.store")

try:  # POSIX: also serialise against other processes (the CLI beside the app)
    import fcntl
except ImportError:  # pragma: no cover - Windows falls back to thread locks only
    fcntl = None

SCHEMA_VERSION = 4
# Raw-table migrations: MIGRATIONS[n] turns a version-n file into version n+1.
Tables = dict[str, dict[str, dict[str, Any]]]
FILM_TABLES = ("recordings", "moments", "clips")
LIST_TABLES = (*FILM_TABLES, "reflections", "administrations")  # lists of the case kept as ordered tables


def _adding_tables(*names: str) -> Callable[[Tables], Tables]:
    """A migration step that adds empty tables (an older case has none of them)."""
    return lambda tables: {**tables, **{name: tables.get(name, {}) for name in names}}


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {
    1: _adding_tables(*FILM_TABLES),  # version 2: recordings, moments, clips
    2: _adding_tables("reflections"),  # version 3: the parent's words in the shared review
    3: _adding_tables("administrations"),  # version 4: questionnaires given at a time point
}

CASE_FILE = "case.json"
DELETION_LOG = "deletion-log.jsonl"  # anonymous: date, case code, what was erased
MEDIA_FOLDERS = ("recordings", "exports", "uploads")  # a case's films, clips, stills and unfinished uploads
ERASING = ".erasing.json"  # in a case's folder: the case is being erased (with the deletion log's line)
ERASING_FILMS = ".erasing-films.json"  # in a case's folder: its films are being erased
ERASING_FOLDER = ".erasing-"  # + case id: a case's folder on its way out, out of the caseload
_REPLACED_EXPORT = re.compile(r"^\.(cycle-\d+)-old-")  # an export kept until its successor is in place
UNUSABLE_CHANGE = ("This change was not saved: it holds a broken character (half of one) or a number no page "
                   "can show.")


def write_json_atomically(path: Path, data: Any) -> None:
    """Replace ``path`` with ``data`` as JSON so that a crash leaves old or new, never half."""
    with atomic_file(path, "saving") as handle:
        # ensure_ascii keeps any str (even lone surrogates) representable.
        handle.write(json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii"))


def read_json(path: Path) -> Any | None:
    """The JSON in ``path``, or ``None`` when the file does not exist or is empty."""
    try:
        text = path.read_text(encoding="utf-8")
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


def migrate(tables: Tables, source: str) -> Tables:
    """Bring raw tables up to :data:`SCHEMA_VERSION`, one step at a time."""
    version = int(tables.get("_meta", {}).get("1", {}).get("schema", 0))
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{source} was written by a newer version of the workbook; update the workbook to open it."
        )
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise StoreError(f"{source} uses an old format (version {version}) that cannot be converted.")
        tables = step(tables)
        version += 1
    tables["_meta"] = {"1": {"schema": SCHEMA_VERSION}}
    return tables


def case_to_tables(case: Case) -> Tables:
    """Lay a case out as TinyDB tables: the case, goals, cycles, and the lists of :data:`LIST_TABLES`."""
    record = to_record(case)
    goals = record.pop("goals")
    cycles = record.pop("cycles")
    lists = {name: {str(i): {**row, "position": i} for i, row in enumerate(record.pop(name), start=1)}
             for name in LIST_TABLES}
    return {
        "_meta": {"1": {"schema": SCHEMA_VERSION}},
        "case": {"1": record},
        "goals": {str(i): {**g, "position": i} for i, g in enumerate(goals, start=1)},
        "cycles": {str(c["number"]): c for c in cycles},
        **lists,
    }


def _in_order(table: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(table.values(), key=lambda row: row.get("position", 0))


def case_from_tables(tables: Tables) -> Case:
    record = dict(tables["case"]["1"])
    cycles = sorted(tables.get("cycles", {}).values(), key=lambda c: c["number"])
    lists = {name: _in_order(tables.get(name, {})) for name in LIST_TABLES}
    return from_record(Case, {**record, "goals": _in_order(tables.get("goals", {})), "cycles": cycles, **lists})


@dataclass
class Caseload:
    cases: list[Case] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # one message per case that failed to load

    def with_code(self, code: str) -> Case | None:
        """The case whose code is ``code`` (codes are compared as the store keeps them apart)."""
        wanted = code_key(code)
        return next((c for c in self.cases if code_key(c.code) == wanted), None)


class CaseStore:
    """All cases under one data root. Safe to share between threads."""

    change_note_seconds = 60.0  # the same change noted again within this is not a new line

    def __init__(self, root: Path, *, recover: bool = True) -> None:
        """Open the data folder ``root``; unless not ``recover`` (a backup being checked), first put
        right what a crash left (see :mod:`.recovery`), before any case is read."""
        self.root = Path(root)
        self.cases_dir = self.root / "cases"
        try:
            if recover:
                recover_restore(self.root)  # a data folder a crashed restore took away comes back first
            self.cases_dir.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            os.chmod(self.root, DIR_MODE)
        except OSError as error:
            raise plain_os_error(error, "opening the data folder") from error
        self._snapshots: dict[str, tuple[tuple[int, int, int], Case]] = {}
        self._snapshots_lock = threading.Lock()
        self._last_change_note: dict[str, tuple[str, float]] = {}  # case id -> (what, when)
        # Asked before every change of a case; raises to refuse it (the app: not while locked).
        self.write_guard: Callable[[], None] = lambda: None
        if recover:
            self.remove_stale_temp_files()
            self.finish_erasures()  # before any case is listed

    # --- housekeeping ---------------------------------------------------
    def remove_stale_temp_files(self) -> int:
        """Delete what a crash left behind, however recent, once no live writer owns it; return
        how many went (see :mod:`.recovery`).

        That is: what the notes of dead writers name (an import's folder, unless its
        record was saved; an export's work folder; a temp zip in a folder the
        practitioner chose), temp files of records and half-made films (``.partial``)
        whose writer's lock is free, export work folders and uploads no live writer
        notes (a replaced export goes back if its successor never arrived), and a case
        folder that a crashed creation left without its record.
        """
        live = {p.absolute() for p in clean_writers(self.root, keep=self._still_needed)}
        removed = 0
        for path in [
            *self.root.glob(f".*{TEMP_SUFFIX}"), *self.cases_dir.glob(f"*/.*{TEMP_SUFFIX}"),
            *self.cases_dir.glob("*/recordings/*/.*.partial"), *self.cases_dir.glob("*/exports/.*.partial"),
            *self.cases_dir.glob("*/exports/review/.*.partial"),
        ]:
            removed += remove_if_unowned(path)
        for path in [*self.cases_dir.glob("*/exports/.*"), *self.cases_dir.glob("*/uploads/*")]:
            if path.absolute() in live or not path.exists() or path.name.endswith(".partial"):
                continue
            try:
                if self._still_needed(path):
                    path.rename(path.with_name(_REPLACED_EXPORT.match(path.name)[1]))  # a crash in the swap: back
                else:
                    remove_path(path)
                    removed += 1
            except OSError:
                log.warning("what a crashed export or upload left could not be removed")
        for folder in [*self.cases_dir.glob("*/recordings/*"), *self.cases_dir.iterdir()]:
            if folder.absolute() not in live:  # an import's folder is empty until ffmpeg begins
                removed += self._remove_if_left_empty(folder)
        return removed

    def _still_needed(self, path: Path) -> bool:
        """Whether a dead writer's ``path`` holds data after all: an import's folder whose record
        was saved, an unreadable case's film, or an export replaced by one that never arrived."""
        replaced = _REPLACED_EXPORT.match(path.name)
        if replaced:
            return path.parent.name == "exports" and not (path.parent / replaced[1]).exists()
        try:
            case_id, kind, recording_id = path.absolute().relative_to(self.cases_dir.absolute()).parts
        except ValueError:
            return False
        if kind != "recordings":
            return False
        try:
            return any(r.id == recording_id for r in self.load(case_id).recordings)
        except NotFoundError:
            return False
        except VigError:
            return True  # a case that cannot be read now: its films are not judged

    def _remove_if_left_empty(self, folder: Path) -> int:
        """Remove a case or recording folder holding nothing but free lock files (a creation or an
        import cut short before its first record); 1 if it went."""
        if folder.name.startswith(".") or not folder.is_dir() or (folder / CASE_FILE).exists():
            return 0
        try:
            if all(p.name.startswith(".") and p.name.endswith(".lock") and remove_if_unowned(p)
                   for p in folder.iterdir()):
                folder.rmdir()
                return 1
        except OSError:
            pass
        return 0

    def finish_erasures(self) -> int:
        """Finish every erasure a crash cut short, logging it as it would have been; return how many.
        One that cannot be finished now (a file in use) is left for the next start, said in the log."""
        finished = 0
        for path in [*self.cases_dir.glob(f"{ERASING_FOLDER}*"), *self.cases_dir.glob(f"*/{ERASING}"),
                     *self.cases_dir.glob(f"*/{ERASING_FILMS}")]:
            try:
                if path.parent == self.cases_dir:  # a case's folder out of the caseload already
                    self._finish_case_erasure(path)
                elif path.parent.name.startswith("."):  # the mark inside such a folder
                    continue
                elif path.name == ERASING:  # marked, not yet out of the caseload
                    self._erase_marked_case(path.parent.name)
                else:
                    with file_lock(self._case_file(path.parent.name)):
                        self._erase_films(path.parent.name, self.load(path.parent.name), read_json(path))
                finished += 1
            except VigError:
                log.warning("an erasure a crash interrupted could not be finished yet")
        return finished

    def case_folder(self, case_id: str) -> Path:
        if not case_id or not all(ch.isalnum() or ch in "-_" for ch in case_id):
            raise NotFoundError("That case does not exist.")
        return self.cases_dir / case_id

    def media_path(self, case_id: str, relative: str) -> Path:
        """The file a record names, refusing anything outside the case's folder."""
        folder = self.case_folder(case_id).resolve()
        path = (folder / relative).resolve()
        if not relative or not path.is_relative_to(folder):
            raise NotFoundError("That file is not part of this case.")
        return path

    def new_folder(self, case_id: str, *parts: str) -> Path:
        """Make (if needed) a private folder inside the case's folder and return it."""
        folder = self.case_folder(case_id)
        for part in parts:
            folder = folder / part
            try:
                folder.mkdir(mode=DIR_MODE, exist_ok=True)
            except OSError as error:
                raise plain_os_error(error, "making a folder for the film") from error
        return folder

    def remove_folder(self, case_id: str, *parts: str) -> None:
        """Delete a folder inside the case's folder with everything in it."""
        if not parts:
            raise ValueError("refusing to remove the case folder itself")
        folder = self.media_path(case_id, "/".join(parts))
        shutil.rmtree(folder, ignore_errors=True)

    def _case_file(self, case_id: str) -> Path:
        return self.case_folder(case_id) / CASE_FILE

    # --- reading --------------------------------------------------------
    def exists(self, case_id: str) -> bool:
        try:
            return self._case_file(case_id).exists()
        except NotFoundError:
            return False

    def version(self, case_id: str) -> tuple[int, int, int] | None:
        """A stamp that changes with every write of the case (``None`` when it is gone):
        a tab compares it to tell whether the case changed elsewhere since it was drawn."""
        try:
            stat = self._case_file(case_id).stat()
        except (OSError, NotFoundError):
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def load(self, case_id: str) -> Case:
        path = self._case_file(case_id)
        raw = read_json(path)
        if raw is None:
            raise NotFoundError("That case does not exist; it may have been erased.")
        tables = migrate(raw, f"The record of case {case_id}")
        try:
            return case_from_tables(tables)
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            raise StoreError(
                f"The record of case {case_id} is damaged and cannot be read; restore it from a backup."
            ) from error

    def case_ids(self) -> list[str]:
        found = self.cases_dir.glob(f"*/{CASE_FILE}")
        return sorted(p.parent.name for p in found if not p.parent.name.startswith("."))  # not one being erased

    def caseload(self) -> Caseload:
        """Every case, for listing: shared read-only snapshots, never to be changed.

        Reading 200 busy cases afresh took a second on every caseload redraw,
        so each case read is kept with its file's inode, mtime and size and
        reused while the file is unchanged (every write replaces the file, so
        the inode alone would tell). Change a case through :meth:`edit`, which
        always reads fresh.
        """
        result = Caseload()
        case_ids = self.case_ids()
        with self._snapshots_lock:  # an erased case's words leave memory too
            for gone in self._snapshots.keys() - set(case_ids):
                del self._snapshots[gone]
        for case_id in case_ids:
            try:
                result.cases.append(self._snapshot(case_id))
            except VigError as error:
                result.unreadable.append(str(error))
        return result

    def _snapshot(self, case_id: str) -> Case:
        key = self.version(case_id)
        if key is None:
            return self.load(case_id)  # gone meanwhile: load says so plainly
        with self._snapshots_lock:
            kept = self._snapshots.get(case_id)
        if kept and kept[0] == key:
            return kept[1]
        case = self.load(case_id)
        with self._snapshots_lock:
            self._snapshots[case_id] = (key, case)
        return case

    # --- writing --------------------------------------------------------
    def create(self, case: Case) -> Case:
        """Store a new case; its code must not be in use by another case."""
        self.write_guard()
        case.validate()
        self._check_code_free(case)
        folder = self.case_folder(case.id)
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError as error:
            raise ValidationError("A case with this id exists already.") from error
        except OSError as error:
            raise plain_os_error(error, "creating the case") from error
        try:
            with file_lock(folder / CASE_FILE):
                self._write(case)
                self._note(case.id, activity.CREATED, "the case")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)  # a failed creation leaves no folder (and no lock file)
            raise
        return case

    @contextmanager
    def edit(self, case_id: str) -> Iterator[Case]:
        """Lock, read the case fresh, yield it for changes, validate, write, and
        note in the activity log which parts changed.

        If the block raises (including a :class:`ValidationError`), or changes
        nothing, nothing is written.
        """
        self.write_guard()
        path = self._case_file(case_id)
        with file_lock(path):
            case = self.load(case_id)
            code = case.code
            before = case_to_tables(case)
            yield case
            case.validate()
            after = case_to_tables(case)
            if json_problem(after):  # what validate has no words for: text copied in from elsewhere
                raise ValidationError(UNUSABLE_CHANGE)
            changed = activity.changed_parts(before, after)
            if not changed:
                return
            if code_key(case.code) != code_key(code):
                self._check_code_free(case)
            write_json_atomically(path, after)
            self._note(case_id, activity.CHANGED, "; ".join(changed))

    def update(self, case_id: str, change: Callable[[Case], Any]) -> Case:
        """Apply ``change`` to the case under the lock and save it; return the saved case."""
        with self.edit(case_id) as case:
            change(case)
        return case

    def _check_code_free(self, case: Case) -> None:
        code = code_key(case.code)
        if any(o.id != case.id and code_key(o.code) == code for o in self.caseload().cases):
            raise ValidationError(f"The code “{case.code}” is already used by another case; choose another.")

    def _write(self, case: Case) -> None:
        write_json_atomically(self._case_file(case.id), case_to_tables(case))

    # --- erasure ----------------------------------------------------------
    # An erasure is marked in the case's folder before anything goes, with the line it will
    # add to the deletion log: a crash at any point leaves a mark the next start finds, and
    # the erasure is then finished and logged (once) before anything is shown.
    def erase(self, case_id: str, what: str, on: str) -> None:
        """Remove the case's folder with every record and file in it, check that nothing is
        left, and add an anonymous line to the deletion log (date, case code, what went).

        The code is taken from the record before it goes; the log holds no name, no
        note and no file name, so it can be kept after the family's data is gone.
        """
        self.write_guard()
        path = self._case_file(case_id)
        with file_lock(path):
            code = self.load(case_id).code
            self._mark(path.parent / ERASING, {"date": on, "case_code": code, "erased": what})
            self._erase_marked_case(case_id)

    def _erase_marked_case(self, case_id: str) -> None:
        """Take a case marked for erasure out of the caseload in one step (a hidden name), then erase it."""
        folder = self.case_folder(case_id)
        with self._snapshots_lock:
            self._snapshots.pop(case_id, None)
        going = self.cases_dir / f"{ERASING_FOLDER}{case_id}"
        try:
            os.rename(folder, going)
            fsync_dir(self.cases_dir)
        except OSError as error:
            raise plain_os_error(error, "erasing the case") from error
        self._finish_case_erasure(going)

    def _finish_case_erasure(self, going: Path) -> None:
        mark = read_json(going / ERASING)
        if isinstance(mark, dict):  # else it went already, with the rest, after the line was logged
            self._log_once(self.deletion_log_path, mark.get("entry"), mark.get("deletion_log_size", 0))
        try:
            shutil.rmtree(going)
            fsync_dir(self.cases_dir)
        except OSError as error:
            raise plain_os_error(error, "erasing the case") from error
        if going.exists():
            raise StoreError("Some of the case's files could not be erased; close any program using them. "
                             "The workbook finishes the erasure when it next starts.")

    def erase_media(self, case_id: str, what: str, on: str) -> None:
        """Remove the case's films, clips and stills (:data:`MEDIA_FOLDERS`) and the records made
        from them (moments, clips, the parent's words about them); check that the files are gone
        and log it in the deletion log and the case's activity log."""
        self.write_guard()
        path = self._case_file(case_id)
        with file_lock(path):
            case = self.load(case_id)
            mark = self._mark(path.parent / ERASING_FILMS, {"date": on, "case_code": case.code, "erased": what})
            self._erase_films(case_id, case, mark)

    def _erase_films(self, case_id: str, case: Case, mark: Any) -> None:
        """Finish the films' erasure ``mark`` describes (the case's lock held): the records go
        first, then the files, then the lines in the logs, then the mark."""
        folder = self.case_folder(case_id)
        mark = mark if isinstance(mark, dict) else {}
        for recording in list(case.recordings):
            case.remove_recording(recording.id)
        case.validate()
        write_json_atomically(folder / CASE_FILE, case_to_tables(case))
        for name in MEDIA_FOLDERS:
            try:
                shutil.rmtree(folder / name)
            except FileNotFoundError:
                pass
            except OSError as error:
                raise plain_os_error(error, "erasing the films") from error
        if any((folder / name).exists() for name in MEDIA_FOLDERS):
            raise StoreError("Some films could not be erased; close any program using them and try again.")
        entry = mark.get("entry") if isinstance(mark.get("entry"), dict) else {}
        noted = activity.entry(activity.ERASED, str(entry.get("erased", "the films")))
        self._log_once(folder / activity.ACTIVITY_LOG, noted, mark.get("activity_size", 0), same=("action", "what"))
        self._log_once(self.deletion_log_path, entry, mark.get("deletion_log_size", 0))
        (folder / ERASING_FILMS).unlink(missing_ok=True)

    def _mark(self, path: Path, entry: dict[str, str]) -> dict[str, Any]:
        """Write the erasure mark ``path``: the deletion log's line, and where each log ended."""
        mark = {"entry": entry, "deletion_log_size": _size(self.deletion_log_path),
                "activity_size": _size(path.parent / activity.ACTIVITY_LOG)}
        write_json_atomically(path, mark)
        return mark

    def _log_once(self, log_path: Path, entry: Any, since: Any, same: tuple[str, ...] = ()) -> None:
        """Append ``entry`` to the log ``log_path`` unless a line after byte ``since`` holds it
        already (the same values of ``same``, or the whole line): an erasure finished after a
        crash is logged once."""
        if not isinstance(entry, dict) or not entry:
            return
        since = since if isinstance(since, int) and since >= 0 else 0
        keys = same or tuple(entry)
        with file_lock(log_path):
            for line in _read_lines(log_path, "reading a log", since):
                if all(line.get(k) == entry.get(k) for k in keys):
                    return
            _append_line(log_path, entry, "noting the erasure in the logs")

    # --- logs -----------------------------------------------------------------
    @property
    def deletion_log_path(self) -> Path:
        return self.root / DELETION_LOG

    def deletion_log(self) -> list[dict[str, str]]:
        return _read_lines(self.deletion_log_path, "reading the deletion log")

    def note_activity(self, case_id: str, action: str, what: str) -> None:
        """Add a line to the case's activity log (e.g. an export), under the case's lock."""
        with file_lock(self._case_file(case_id)):
            self._note(case_id, action, what)

    def activity(self, case_id: str) -> list[dict[str, str]]:
        """The case's activity log, oldest first."""
        return _read_lines(self.case_folder(case_id) / activity.ACTIVITY_LOG, "reading the activity log")

    def _note(self, case_id: str, action: str, what: str) -> None:
        """Append to the activity log (the case's lock held). The change itself is saved
        already, so a log that cannot be written is reported in the server log only.

        A box saves itself every few seconds while someone types in it; the same change
        noted again within :attr:`change_note_seconds` is one line, not dozens."""
        if action == activity.CHANGED:
            now = time.monotonic()
            last = self._last_change_note.get(case_id)
            if last and last[0] == what and now - last[1] < self.change_note_seconds:
                return
            self._last_change_note[case_id] = (what, now)
        try:
            _append_line(self.case_folder(case_id) / activity.ACTIVITY_LOG, activity.entry(action, what), "")
        except StoreError:
            log.warning("the activity log of a case could not be written")


def _append_line(path: Path, entry: dict[str, str], doing: str) -> None:
    """Append one JSON line to ``path`` (private, fsynced). A line a crash cut short
    is ended first, so it cannot swallow this one."""
    line = (json.dumps(entry, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, FILE_MODE)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        raise plain_os_error(error, doing or "writing a log") from error


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _read_lines(path: Path, doing: str, since: int = 0) -> list[dict[str, str]]:
    """The lines of the log ``path`` (from byte ``since``) as dicts; a line a crash cut short is skipped."""
    try:
        with open(path, "rb") as log_file:
            log_file.seek(since)
            lines = log_file.read().decode("utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    except OSError as error:
        raise plain_os_error(error, doing) from error
    entries = []
    for line in lines:
        try:
            entry = repaired(json.loads(line), line)
        except (ValueError, RecursionError):
            continue  # a line cut short by a crash; the others still count
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


class SettingsStore:
    """Installation-wide settings (one small TinyDB file), e.g. client view state."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / "settings.json"
        try:
            recover_restore(self.path.parent)
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        except OSError as error:
            raise plain_os_error(error, "opening the data folder") from error

    def get(self, key: str, default: Any = None) -> Any:
        return (read_json(self.path) or {}).get("settings", {}).get("1", {}).get(key, default)

    def set(self, key: str, value: Any) -> None:
        with file_lock(self.path):
            db = TinyDB(self.path, storage=AtomicJSONStorage)
            table = db.table("settings")
            if table.contains(doc_id=1):
                table.update({key: value}, doc_ids=[1])
            else:
                table.insert({key: value})
