"""Shipped definitions and the practitioner's own versions: one mechanism for every vocabulary.

The workbook ships its definitions as data files (``data/principles.json``,
``data/prompts/``, ``data/instruments/``); a practitioner's own version, kept in the
data folder, takes the place of the shipped one with the same id, so an update of
the workbook never overwrites it. Every file is validated as it is read: a file
that is refused is named with its problem in a warning and skipped, and the shipped
version (if any) is used meanwhile, so no page stops working for one broken file.

* A vocabulary of many definitions (prompt sets, questionnaires) is a
  :class:`DefinitionFolders`: one JSON file per definition, shipped and own.
* A vocabulary of one (the principles) is read by :func:`own_or_shipped`.

Own versions are written and removed by :mod:`vig_core.storage.definitions`, as only the
storage modules write in the data folder; this module only reads, so the case may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from vig_core.errors import ValidationError
from vig_core.text import displayable

Definition = TypeVar("Definition")

# Where the practitioner's own versions are kept in the data folder.
OWN_PRINCIPLES = "principles.json"  # their own principles, in place of the shipped ones
OWN_INSTRUMENTS = "instruments"  # folder of their own questionnaire definitions
OWN_PROMPTS = "prompts"  # folder of their own prompt sets


@dataclass(frozen=True)
class DefinitionFolders(Generic[Definition]):
    """A vocabulary kept as one JSON file per definition: the shipped ones in ``shipped``, the
    practitioner's own in the data folder's ``own_folder``."""

    shipped: Path
    own_folder: str
    read: Callable[[Path], Definition]  # reads and validates one file; raises ValidationError
    key: Callable[[Path, Definition], str]  # the id an own file replaces a shipped one by
    refused: str  # how the warning for a file that was not used begins

    def load(self, data_root: Path) -> tuple[dict[str, Definition], list[str]]:
        """Every usable definition by id (own ones over shipped ones), and a warning per refused file."""
        found: dict[str, Definition] = {}
        warnings: list[str] = []
        for folder in (self.shipped, Path(data_root) / self.own_folder):
            for path in sorted(folder.glob("*.json")):
                try:
                    definition = self.read(path)
                except ValidationError as error:
                    warnings.append(displayable(f"{self.refused}: {error}"))  # the error names the file
                    continue
                found[self.key(path, definition)] = definition
        return found, warnings

    def own_ids(self, data_root: Path) -> set[str]:
        """The ids of the practitioner's own versions (every file of the folder, usable or not)."""
        return {p.stem for p in (Path(data_root) / self.own_folder).glob("*.json")}


def own_or_shipped(own: Path, shipped: Path, read: Callable[[Path], Definition],
                   refused: str) -> tuple[Definition, str | None]:
    """The definition in the practitioner's own file ``own`` if there is one and it is valid, else the
    shipped one; with a warning (beginning ``refused``) when the own file was not used."""
    if own.exists():
        try:
            return read(own), None
        except ValidationError as error:
            return read(shipped), f"{refused}: {error}"
    return read(shipped), None
