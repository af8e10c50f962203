"""What the case store tidies when it opens: what a crash left in the cases' folders.

Temp files of records, half-made films (``.partial``), export work folders and uploads
no live writer owns, an import's folder whose record was never saved, and a case
folder that a crashed creation left without its record. A leftover is judged by its
lock, not its age (see :mod:`.recovery`, which first finishes what the notes of dead
writers name): what a live writer holds is never touched.

On a locked vault nothing here needs the key but judging a dead import's folder (is its
recording in the case?): that keeps the folder until ``store.after_unlock()`` runs this again.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from vig_core.errors import NotFoundError, VigError
from vig_core.storage import vault_migration
from vig_core.storage.files import TEMP_SUFFIX, remove_if_unowned
from vig_core.storage.layout import CASE_FILE
from vig_core.storage.recovery import clean_writers, remove_path

log = logging.getLogger("vig_workbook.store")

_REPLACED_EXPORT = re.compile(r"^\.(cycle-\d+)-old-")  # an export kept until its successor is in place


class StartupHousekeeping:
    """The start-up tidying of :class:`~vig_core.storage.store.CaseStore`, which it is mixed into: it uses
    the store's folders and its :meth:`load` (an import's folder is kept when its record was saved)."""

    root: Path
    cases_dir: Path

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
        if vault_migration.end_stale(self.root) or vault_migration.unfinished(self.root):
            removed += vault_migration.remove_leftovers(self.root)  # anywhere: what a killed encryption left
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
        except VigError:  # LockedError too: judged again after the unlock (store.after_unlock)
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
