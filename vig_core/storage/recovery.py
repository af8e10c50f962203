"""What the next start does after a crash (a SIGKILL, a power cut) in the middle of long work.

Run when a store opens its data folder (:class:`~vig_core.storage.store.CaseStore`,
:class:`~vig_core.storage.settings.SettingsStore`), before anything is read or shown:

* **A restore that did not finish** is finished or rolled back from its
  journal (:func:`restoring`): the data folder is never left missing (which
  looked like a first start with no cases), and the unpacked copy of a
  backup (every case and film) never stays beside it.
* **Writes noted in the data folder** (:class:`~vig_core.storage.files.Writing`)
  whose writer died: the temp files and folders they name are removed, here
  or in a folder the practitioner chose (a half-written backup).

The store's own housekeeping then removes unowned temp files and half-made films
(:mod:`.housekeeping`) and finishes interrupted erasures (:mod:`.erasing`).
A leftover is judged by its lock, not its age: a writer holds the lock for as long
as it works, so what can be locked is dead, even seconds after the crash.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from vig_core.errors import ValidationError
from vig_core.storage.files import TEMP_SUFFIX, fsync_dir, locked_new_file, take_if_unowned
from vig_core.storage.layout import WRITERS

log = logging.getLogger("vig_workbook.recovery")


def _read_note(fd: int) -> object:
    try:
        with os.fdopen(os.dup(fd), "rb") as note:
            return json.loads(note.read() or b"null")
    except ValueError:  # cut short by the crash: written before anything it names existed
        return None


def remove_path(path: Path) -> None:
    """Delete a file or a folder with everything in it (never what a link points to)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        pass


# --- writes noted in the data folder ---------------------------------------------------------
def clean_writers(root: Path, keep: Callable[[Path], bool] = lambda _path: False) -> set[Path]:
    """Remove what each dead writer's note names (unless ``keep`` says it is needed), and the
    note; return the paths named by notes of live writers (to be left alone)."""
    folder = Path(root) / WRITERS
    live: set[Path] = set()
    try:
        notes = sorted(folder.iterdir())
    except OSError:  # no note was ever written
        return live
    for note in notes:
        fd = take_if_unowned(note)
        if fd is None:
            try:
                with open(note, "rb") as handle:
                    named = json.loads(handle.read() or b"[]")
            except (OSError, ValueError):
                named = []
            live.update(Path(p) for p in named if isinstance(p, str))
            continue
        try:
            named = _read_note(fd)
            for text in named if isinstance(named, list) else []:
                path = Path(text) if isinstance(text, str) else None
                if path is not None and path.is_absolute() and not keep(path):
                    remove_path(path)
            note.unlink(missing_ok=True)
        except OSError:
            log.warning("what a crashed write left could not all be removed")
        finally:
            os.close(fd)
    return live


# --- restore -------------------------------------------------------------------------------
def journal_path(root: Path) -> Path:
    """The journal of a restore into ``root``: beside it, as the data folder itself is swapped."""
    return root.with_name(f".{root.name}.restore.json")


@contextmanager
def restoring(root: Path, work: Path, old: Path) -> Iterator[None]:
    """Hold the journal of a restore that unpacks into ``work`` and then swaps it for ``root``
    (which goes to ``old`` on the way): written and locked before ``work`` exists; while it is
    locked no start touches the three folders. When the block ends, ``work`` (if it was not
    swapped in) and ``old`` (if ``root`` is in place) are removed, and then the journal."""
    journal = journal_path(root)
    try:
        fd = locked_new_file(journal)
    except FileExistsError:
        raise ValidationError("A restore into this workbook is under way already; wait for it to end.") from None
    try:
        os.write(fd, json.dumps({"work": str(work), "old": str(old)}).encode("ascii"))
        os.fsync(fd)
        fsync_dir(root.parent)
        try:
            yield
        finally:
            shutil.rmtree(work, ignore_errors=True)  # a failed restore: never swapped in
            if root.exists():
                shutil.rmtree(old, ignore_errors=True)  # a finished one: the replaced data goes
            if not work.exists() and not old.exists():  # else the next start tries again
                journal.unlink(missing_ok=True)
                fsync_dir(root.parent)
    finally:
        os.close(fd)


def recover_restore(root: Path) -> None:
    """Finish or roll back a restore into ``root`` that a crash cut short (see :func:`restoring`).

    The swap is two renames, ``root`` to ``old`` and ``work`` to ``root``: killed
    between them, ``root`` is missing and the old data goes back (the backup can be
    restored again; the data the practitioner had is never lost to a half-done
    restore). After the second rename the restore is complete and ``old`` goes.
    An unpacked copy that was never swapped in goes too.
    """
    root = Path(root)
    journal = journal_path(root)
    if journal.exists():
        fd = take_if_unowned(journal)
        if fd is None:
            return  # a restore is running in another process: its folders are its own
        try:
            noted = _read_note(fd)
            names = noted if isinstance(noted, dict) else {}
            work, old = (_sibling(root, names.get(key)) for key in ("work", "old"))
            if old is not None and old.is_dir():
                if not root.exists():
                    os.rename(old, root)  # killed between the renames: roll back
                else:
                    shutil.rmtree(old)  # the swap was complete: the replaced data goes
                fsync_dir(root.parent)
            if work is not None and work.exists():
                shutil.rmtree(work)  # unpacked but never swapped in
            journal.unlink()
            fsync_dir(root.parent)
        finally:
            os.close(fd)
    _remove_unjournalled(root)


def _sibling(root: Path, name: object) -> Path | None:
    """A folder the journal names, only if it is one of this restore's own, beside ``root``."""
    if not isinstance(name, str):
        return None
    path = Path(name)
    ours = path.parent == root.parent and path.name.startswith(f".{root.name}.") and path.name.endswith(TEMP_SUFFIX)
    return path if ours else None


def _remove_unjournalled(root: Path) -> None:
    """Restore folders without a journal (left by a workbook from before journals): an unpacked
    copy goes; a replaced data folder goes back when the data folder is missing."""
    for work in root.parent.glob(f".{root.name}.restore-*{TEMP_SUFFIX}"):
        shutil.rmtree(work, ignore_errors=True)
    for old in sorted(root.parent.glob(f".{root.name}.old-*{TEMP_SUFFIX}"), key=lambda p: p.stat().st_mtime):
        if not root.exists():
            os.rename(old, root)
            fsync_dir(root.parent)
        else:
            log.warning("a data folder replaced by an earlier restore was left beside the data folder")
