"""The practitioner's training record and their own training requirements, in the data folder.

``training.json`` holds the record (:class:`vig_core.case.training.TrainingRecord`) beside the
cases, not inside any: it is the practitioner's, not a family's. Like a case it is written
whole or not at all (:func:`.jsonfiles.write_json_atomically`, 0600) and each change is one
locked read-modify-write (:func:`.jsonfiles.file_lock`), under which a backup copies it too.

``training-requirements.json`` is the practitioner's own requirements file, kept only after
it was checked whole (:func:`vig_core.vocab.training_requirements.check_uploaded`); removing
it brings the shipped requirements back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from vig_core.case.training import TrainingRecord, record_from_data
from vig_core.errors import StoreError, ValidationError
from vig_core.storage.files import private_folder
from vig_core.storage.jsonfiles import file_lock, read_json, write_json_atomically
from vig_core.storage.layout import TRAINING_FILE
from vig_core.vocab.training_requirements import OWN_REQUIREMENTS, Requirements, check_uploaded

T = TypeVar("T")


def training_path(data_root: Path) -> Path:
    return Path(data_root) / TRAINING_FILE


def load_training(data_root: Path) -> TrainingRecord:
    """The record (an empty one before the first change); a damaged file is one plain sentence."""
    data = read_json(training_path(data_root))
    if data is None:
        return TrainingRecord()
    try:
        return record_from_data(data, TRAINING_FILE)
    except ValidationError as error:
        raise StoreError(f"Your training record cannot be read ({error}); restore it from a backup.") from error


def update_training(data_root: Path, change: Callable[[TrainingRecord], T]) -> T:
    """Apply ``change`` to the record and save it, as one locked read-modify-write; the record is
    written only when the change went through and the whole record is valid."""
    path = training_path(data_root)
    private_folder(path.parent)
    with file_lock(path):
        record = load_training(data_root)
        result = change(record)
        record.validate()
        write_json_atomically(path, record.to_data())
    return result


def save_own_requirements(data_root: Path, content: bytes, file_name: str) -> Requirements:
    """Check an uploaded requirements file and keep it in place of the shipped one; nothing is
    written unless the whole file is valid (its problem is one sentence naming the file)."""
    data, requirements = check_uploaded(content, file_name)
    private_folder(Path(data_root))
    write_json_atomically(Path(data_root) / OWN_REQUIREMENTS, data)
    return requirements


def forget_own_requirements(data_root: Path) -> bool:
    """Remove the own requirements file (the shipped one comes back); whether there was one."""
    path = Path(data_root) / OWN_REQUIREMENTS
    if not path.is_file():
        return False
    path.unlink()
    return True
