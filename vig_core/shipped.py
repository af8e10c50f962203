"""Where the definitions shipped with the workbook live: the repository's ``data/`` folder.

Read-only: the practitioner's own versions are kept in the data folder (see
:mod:`vig_core.storage.paths`), never here.
"""
from pathlib import Path

SHIPPED_DATA = Path(__file__).resolve().parent.parent / "data"
