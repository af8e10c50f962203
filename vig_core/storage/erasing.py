"""Erasing a case, or only its films, so that a crash at any point still ends in a whole erasure, logged once.

An erasure is marked in the case's folder before anything goes (:data:`.layout.ERASING`,
:data:`.layout.ERASING_FILMS`), with the line it will add to the deletion log and where
each log ended: a crash at any point leaves a mark the next start finds
(:meth:`CaseErasure.finish_erasures`), and the erasure is then finished and logged
(once) before anything is shown. A case leaves the caseload in one step, by a rename
to a hidden name (:data:`.layout.ERASING_FOLDER`), before its files go.

The deletion log is anonymous: the date, the case code and what went; no name, no note,
no file name, so it can be kept after the family's data is gone.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vig_core.case import activity
from vig_core.case.record import Case
from vig_core.errors import StoreError, VigError
from vig_core.storage.files import fsync_dir, plain_os_error
from vig_core.storage.jsonfiles import file_lock, read_json, write_json_atomically
from vig_core.storage.layout import (
    ACTIVITY_LOG,
    CASE_FILE,
    DELETION_LOG,
    ERASING,
    ERASING_FILMS,
    ERASING_FOLDER,
    MEDIA_FOLDERS,
)
from vig_core.storage.logs import append_once, log_size, read_lines
from vig_core.storage.schema import case_to_tables

log = logging.getLogger("vig_workbook.store")


class CaseErasure:
    """The erasing part of :class:`~vig_core.storage.store.CaseStore`, which it is mixed into: it uses
    the store's folders, its case lock and its :meth:`load`."""

    root: Path
    cases_dir: Path
    write_guard: Callable[[], None]
    _snapshots: dict[str, tuple[tuple[int, int, int], Case]]
    _snapshots_lock: threading.Lock

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
            append_once(self.deletion_log_path, mark.get("entry"), mark.get("deletion_log_size", 0))
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
        append_once(folder / ACTIVITY_LOG, noted, mark.get("activity_size", 0), same=("action", "what"))
        append_once(self.deletion_log_path, entry, mark.get("deletion_log_size", 0))
        (folder / ERASING_FILMS).unlink(missing_ok=True)

    def _mark(self, path: Path, entry: dict[str, str]) -> dict[str, Any]:
        """Write the erasure mark ``path``: the deletion log's line, and where each log ended."""
        mark = {"entry": entry, "deletion_log_size": log_size(self.deletion_log_path),
                "activity_size": log_size(path.parent / ACTIVITY_LOG)}
        write_json_atomically(path, mark)
        return mark

    @property
    def deletion_log_path(self) -> Path:
        return self.root / DELETION_LOG

    def deletion_log(self) -> list[dict[str, str]]:
        return read_lines(self.deletion_log_path, "reading the deletion log")
