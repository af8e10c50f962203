"""The practitioner's own definitions in the data folder: keeping one, listing them, removing one.

A vocabulary (questionnaires, prompt sets) keeps each own definition as ``<id>.json``
in its folder of the data folder (:data:`.layout.OWN_INSTRUMENTS`,
:data:`.layout.OWN_PROMPTS`), where it takes the place of a shipped one with the same
id. The vocabularies validate a definition before it comes here; this module is
where it is written, as every file of the data folder is: privately and atomically.
Reading shipped and own definitions together is :mod:`vig_core.vocab.definitions`; the
vocabularies' own rules (what a valid questionnaire or prompt set is) are checked before
anything is written here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vig_core.datafiles import is_safe_id, parse_json
from vig_core.errors import ValidationError
from vig_core.storage.files import private_folder
from vig_core.storage.jsonfiles import write_json_atomically
from vig_core.vocab.instruments import INSTRUMENTS, MAX_FILE_BYTES, DefinitionError, Instrument, parse_instrument
from vig_core.vocab.prompts import PROMPT_SETS, PromptSet, parse_prompt_set


def own_definition_path(data_root: Path, folder: str, definition_id: str) -> Path:
    """Where the own definition ``definition_id`` of the vocabulary kept in ``folder`` is kept."""
    return Path(data_root) / folder / f"{definition_id}.json"


def save_own_definition(data_root: Path, folder: str, definition_id: str, data: Any) -> Path:
    """Keep ``data`` (a validated definition) as the own definition ``definition_id``; return its file."""
    private_folder(Path(data_root) / folder)
    path = own_definition_path(data_root, folder, definition_id)
    write_json_atomically(path, data)
    return path




def remove_own_definition(data_root: Path, folder: str, definition_id: str) -> bool:
    """Remove the own definition ``definition_id`` (a shipped one of the same id comes back); whether
    there was one. Only a file the folder lists goes, never a path built from the id."""
    if definition_id not in {p.stem for p in (Path(data_root) / folder).glob("*.json")}:
        return False
    own_definition_path(data_root, folder, definition_id).unlink()
    return True


def save_own_instrument(data_root: Path, content: bytes, file_name: str) -> Instrument:
    """Validate an uploaded definition and keep it in the data folder's ``instruments/`` as ``<id>.json``.

    Nothing is written unless the whole file is valid; the problems are
    raised as one :class:`DefinitionError`, each naming the file and field.
    """
    if len(content) > MAX_FILE_BYTES:
        raise DefinitionError([f"{file_name}: the file is too large for a questionnaire definition "
                               f"({len(content):,} bytes; the limit is {MAX_FILE_BYTES:,})."])
    try:
        data = parse_json(content.decode("utf-8"), file_name)
    except UnicodeDecodeError as error:
        raise DefinitionError([f"{file_name}: not a text file (a definition is JSON text)."]) from error
    except ValidationError as error:
        raise DefinitionError([str(error)]) from error
    instrument = parse_instrument(data, file_name)
    save_own_definition(data_root, INSTRUMENTS.own_folder, instrument.id, data)
    return instrument


def forget_own_instrument(data_root: Path, instrument_id: str) -> bool:
    """Remove this installation's own definition (a shipped one of the same id comes back); also a
    file the folder holds under a name that is no id at all, which was never used but listed to remove."""
    # only a file that is there, never a path
    return remove_own_definition(data_root, INSTRUMENTS.own_folder, instrument_id)


def save_own_prompt_set(data_root: Path, prompt_set: PromptSet) -> Path:
    """Keep the practitioner's edit of a set for this installation (validated first)."""
    parse_prompt_set(prompt_set.to_data(), f"{prompt_set.id}.json")
    return save_own_definition(data_root, PROMPT_SETS.own_folder, prompt_set.id, prompt_set.to_data())


def forget_own_prompt_set(data_root: Path, set_id: str) -> bool:
    """Go back to the shipped set: remove this installation's own edit, if any."""
    return is_safe_id(set_id) and remove_own_definition(data_root, PROMPT_SETS.own_folder, set_id)
