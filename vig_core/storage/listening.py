"""What the workbook heard in a recording, and what the practitioner made of it, kept on disk.

One file per recording, ``recordings/<recording id>/listening.json`` in the case's folder
(see :mod:`.layout`): the film's own folder, so that removing the film, erasing the films
or erasing the case takes it too, a backup with the films carries it, and the family's copy
can leave it out by name (:data:`LISTENING_FILE`). It holds

* the :class:`~vig_core.case.voices.Listening` with the engine's version (a result of
  another version reads as missing, so the film is heard again);
* the practitioner's :class:`~vig_core.case.voices.VoiceCorrection`;
* their decisions on the suggestions, by :attr:`~vig_core.case.episodes.Suggestion.key`:
  the accepted ones with the moment each became, and the dismissed ones.

Why the locks are as they are: every read-modify-write of the file holds
:func:`listening_lock` (the file's own lock), and a write also takes the case's lock for
the moment it checks that the recording is still in the case and writes. A removal takes
the record out under the case's lock before the folder goes, so a listening that ends
while its film is removed never brings the folder, or a file in it, back. The file's lock
is always taken before the case's, never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from vig_core.case.voices import Listening, VoiceCorrection
from vig_core.errors import NotFoundError, StoreError
from vig_core.storage.codec import from_record, to_record
from vig_core.storage.jsonfiles import file_lock, read_json, write_json_atomically
from vig_core.storage.layout import CASE_FILE, LISTENING_FILE
from vig_core.storage.store import CaseStore

GONE = "That film is no longer in this case; it may have been removed."


@dataclass
class ListeningRecord:
    """The contents of one recording's ``listening.json``."""

    listening: Listening
    correction: VoiceCorrection = field(default_factory=VoiceCorrection)
    accepted: dict[str, str] = field(default_factory=dict)  # suggestion key -> the id of the moment it became
    dismissed: list[str] = field(default_factory=list)  # suggestion keys, in the order they were dismissed


def listening_path(store: CaseStore, case_id: str, recording_id: str) -> Path:
    """Where the recording's listening is kept (refusing any id that would leave the case's folder)."""
    if not recording_id or not all(ch.isalnum() or ch in "-_" for ch in recording_id):
        raise NotFoundError(GONE)
    return store.case_folder(case_id) / "recordings" / recording_id / LISTENING_FILE


def read_listening(store: CaseStore, case_id: str, recording_id: str) -> ListeningRecord | None:
    """The stored record, whatever version heard it; ``None`` when the film was never listened to."""
    path = listening_path(store, case_id, recording_id)
    raw = read_json(path)
    if raw is None:
        return None
    try:
        record = from_record(ListeningRecord, raw)
        if not isinstance(record.listening, Listening):
            raise TypeError("no listening in the file")
    except (KeyError, ValueError, TypeError, AttributeError) as error:
        raise StoreError(f"The file {path.name} of a film is damaged and cannot be read; the film can be "
                         "listened to again.") from error
    return record


@contextmanager
def listening_lock(store: CaseStore, case_id: str, recording_id: str) -> Iterator[None]:
    """Hold the recording's listening file for one read-modify-write (threads and processes)."""
    path = listening_path(store, case_id, recording_id)
    if not path.parent.is_dir():
        raise NotFoundError(GONE)  # the lock file must not bring a removed film's folder back
    with file_lock(path):
        yield


def save_listening(store: CaseStore, case_id: str, recording_id: str, record: ListeningRecord) -> None:
    """Write the record, if the recording is still in the case (checked under the case's lock)."""
    store.write_guard()
    path = listening_path(store, case_id, recording_id)
    with file_lock(store.case_folder(case_id) / CASE_FILE):
        case = store.load(case_id)
        if not any(r.id == recording_id for r in case.recordings) or not path.parent.is_dir():
            raise NotFoundError(GONE)
        write_json_atomically(path, to_record(record))
