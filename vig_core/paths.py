"""Where the workbook keeps its data.

By default the per-user data folder of the operating system (via
``platformdirs``), never the source tree, so that a ``git clean`` or a copy of
the code can never carry a family's records with it. ``VIG_DATA_DIR``
overrides it (tests, a practitioner's encrypted volume).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

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
