"""The practitioner's own definitions in the data folder: keeping one, listing them, removing one.

A vocabulary (questionnaires, prompt sets) keeps each own definition as ``<id>.json``
in its folder of the data folder (:data:`.layout.OWN_INSTRUMENTS`,
:data:`.layout.OWN_PROMPTS`), where it takes the place of a shipped one with the same
id. The vocabularies validate a definition before it comes here; this module is
where it is written, as every file of the data folder is: privately and atomically.
Reading shipped and own definitions together is :mod:`vig_core.vocab.definitions`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vig_core.storage.files import private_folder
from vig_core.storage.jsonfiles import write_json_atomically


def own_definition_path(data_root: Path, folder: str, definition_id: str) -> Path:
    """Where the own definition ``definition_id`` of the vocabulary kept in ``folder`` is kept."""
    return Path(data_root) / folder / f"{definition_id}.json"


def save_own_definition(data_root: Path, folder: str, definition_id: str, data: Any) -> Path:
    """Keep ``data`` (a validated definition) as the own definition ``definition_id``; return its file."""
    private_folder(Path(data_root) / folder)
    path = own_definition_path(data_root, folder, definition_id)
    write_json_atomically(path, data)
    return path


def own_definition_ids(data_root: Path, folder: str) -> set[str]:
    """The ids of the own definitions kept in ``folder`` (each file's name, valid or not)."""
    return {p.stem for p in (Path(data_root) / folder).glob("*.json")}


def remove_own_definition(data_root: Path, folder: str, definition_id: str) -> bool:
    """Remove the own definition ``definition_id`` (a shipped one of the same id comes back); whether
    there was one. Only a file the folder lists goes, never a path built from the id."""
    if definition_id not in own_definition_ids(data_root, folder):
        return False
    own_definition_path(data_root, folder, definition_id).unlink()
    return True
