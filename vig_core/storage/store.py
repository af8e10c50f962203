"""The case store: every case of the data folder, read and changed safely (see :mod:`.layout` for
what the folder holds).

Why it is built like this:

* **One lock per read-modify-write.** Every change goes through :meth:`CaseStore.edit`,
  which takes the case file's lock (:func:`.jsonfiles.file_lock`: threads and
  processes), reads the case fresh from disk, lets the caller change it, validates it
  and writes it atomically. Two tabs editing different fields therefore never undo
  each other.
* **Every change leaves a trace.** Each write notes which parts of the case changed
  in its activity log (:mod:`vig_core.case.activity`, :mod:`.logs`).
* **Per-case files** keep a write's cost independent of the caseload size and let a
  case be exported or erased as one folder. The layout in tables and the schema
  version of each file are in :mod:`.schema`.
* **What a crash left is put right first.** Opening the store tidies what a dead
  writer left (:mod:`.housekeeping`) and finishes an erasure a crash cut short
  (:mod:`.erasing`), before any case is listed.

Only the modules of ``vig_core/storage/`` write in the data folder; the others ask them.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vig_core.case import activity
from vig_core.case.record import Case
from vig_core.datafiles import json_problem
from vig_core.errors import NotFoundError, StoreError, ValidationError, VigError
from vig_core.storage.erasing import CaseErasure
from vig_core.storage.files import DIR_MODE, plain_os_error
from vig_core.storage.housekeeping import StartupHousekeeping
from vig_core.storage.jsonfiles import file_lock, read_json, write_json_atomically
from vig_core.storage.layout import ACTIVITY_LOG, CASE_FILE, CASES_FOLDER
from vig_core.storage.logs import append_line, read_lines
from vig_core.storage.recovery import recover_restore
from vig_core.storage.schema import case_from_tables, case_to_tables, migrate
from vig_core.text import code_key

log = logging.getLogger("vig_workbook.store")

UNUSABLE_CHANGE = ("This change was not saved: it holds a broken character (half of one) or a number no page "
                   "can show.")


@dataclass
class Caseload:
    cases: list[Case] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # one message per case that failed to load

    def with_code(self, code: str) -> Case | None:
        """The case whose code is ``code`` (codes are compared as the store keeps them apart)."""
        wanted = code_key(code)
        return next((c for c in self.cases if code_key(c.code) == wanted), None)


class CaseStore(StartupHousekeeping, CaseErasure):
    """All cases under one data root. Safe to share between threads."""

    change_note_seconds = 60.0  # the same change noted again within this is not a new line

    def __init__(self, root: Path, *, recover: bool = True) -> None:
        """Open the data folder ``root``; unless not ``recover`` (a backup being checked), first put
        right what a crash left (see :mod:`.recovery`), before any case is read."""
        self.root = Path(root)
        self.cases_dir = self.root / CASES_FOLDER
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
            self.after_unlock()

    def after_unlock(self) -> None:
        """Put right what a crash left (:mod:`.housekeeping`, :mod:`.erasing`): run when the store
        opens, and again by the lock once a vault is unlocked.

        On a vault still locked, opening does not fail: what needs no key is done (temp files,
        half-made films, what a killed encryption left), and what must read a sealed record (an
        erasure's mark, a dead import's case) waits for the key: each such step catches the
        :class:`~vig_core.errors.LockedError` as it does any unreadable record and leaves its
        work for this call after the unlock."""
        self.remove_stale_temp_files()
        self.finish_erasures()  # before any case is listed

    # --- folders --------------------------------------------------------
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

    # --- the activity log ------------------------------------------------
    def note_activity(self, case_id: str, action: str, what: str) -> None:
        """Add a line to the case's activity log (e.g. an export), under the case's lock."""
        with file_lock(self._case_file(case_id)):
            self._note(case_id, action, what)

    def activity(self, case_id: str) -> list[dict[str, str]]:
        """The case's activity log, oldest first."""
        return read_lines(self.case_folder(case_id) / ACTIVITY_LOG, "reading the activity log")

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
            append_line(self.case_folder(case_id) / ACTIVITY_LOG, activity.entry(action, what), "")
        except StoreError:
            log.warning("the activity log of a case could not be written")
