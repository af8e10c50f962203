"""Where the workbook keeps its data.

By default the per-user data folder of the operating system (via
``platformdirs``), never the source tree, so that a ``git clean`` or a copy of
the code can never carry a family's records with it. ``VIG_DATA_DIR``
overrides it (tests, a practitioner's encrypted volume).
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from vig_core.errors import ValidationError

if TYPE_CHECKING:
    from vig_core.case.record import Case

ENV_VAR = "VIG_DATA_DIR"
APP_NAME = "vig-workbook"


def data_root() -> Path:
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_save_folder() -> Path:
    """Where backups and exports are offered to go: the Documents folder, else home."""
    documents = Path(platformdirs.user_documents_dir())
    return documents if documents.is_dir() else Path.home()


def free_file_name(folder: Path, name: str) -> Path:
    """``folder / name``, or with ``-2``, ``-3``… before the suffix when that is taken."""
    path = Path(folder) / name
    stem, suffix, number = path.stem, path.suffix, 2
    while path.exists():
        path = path.with_name(f"{stem}-{number}{suffix}")
        number += 1
    return path


def check_new_files(paths: list[Path], root: Path) -> None:
    """Refuse, in plain words, to write ``paths`` (files of one export) unless their folder exists, lies
    outside the data folder ``root`` and holds none of them yet: an export never overwrites anything."""
    for folder in {Path(p).parent for p in paths}:
        if not folder.is_dir():
            raise ValidationError(f"There is no folder at “{folder}”: it does not exist on this computer; "
                                  "choose an existing folder.")
        if folder.resolve().is_relative_to(Path(root).resolve()):
            raise ValidationError("Nothing can be saved inside the workbook's data folder; choose another place.")
    taken = [p.name for p in map(Path, paths) if p.exists() or p.is_symlink()]
    if taken:
        raise ValidationError(f"There is already a file called {taken[0]} in that folder; nothing was written. "
                              "Choose another folder or name, or move the earlier file away.")


def safe_name(text: str, fallback: str) -> str:
    """``text`` as far as it is safe in a file name on any system (``DEMO-1 (fictional)`` gives
    ``DEMO-1-fictional``), or ``fallback`` when nothing is left."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-_") or fallback


def case_file_name(case: Case, what: str, on: date, suffix: str) -> str:
    """The name of every file made for a case, downloaded or exported: case code, what it is, date
    (``FAM-01-strengths-record-2026-11-29.html``), so files of two families, or of one family on two
    days, never clash in a Downloads folder. ``what`` is a file-name-safe word or two."""
    return f"{safe_name(case.code, case.id)}-{what}-{on.isoformat()}.{suffix}"
