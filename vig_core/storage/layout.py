"""The names of what the data folder holds: one place, so that the store, the backup and the restore,
the recovery at start and the vocabularies agree on them.

Layout under the data root (see :mod:`.paths`)::

    settings.json             installation settings (TinyDB; the passphrase's hash)
    deletion-log.jsonl        anonymous: date, case code, what was erased
    principles.json           the practitioner's own principles, if any (see vocab.principles)
    instruments/<id>.json     their own questionnaire definitions (see vocab.instruments)
    prompts/<id>.json         their own prompt sets (see vocab.prompts)
    training.json             the practitioner's own VIG training record (see storage.training)
    training-requirements.json  their own training requirements, if any (see vocab.training_requirements)
    .writing/<note>.json      one locked note per unfinished write (see files.Writing)
    cases/<case id>/case.json one TinyDB file per case
    cases/<case id>/activity.jsonl  which parts of the case changed when (see case.activity)
    cases/<case id>/recordings/<recording id>/film.mp4   playable copy (+ original if kept)
    cases/<case id>/recordings/<recording id>/listening.json  what was heard in it (see .listening)
    cases/<case id>/exports/cycle-<n>/...                clips, compiled film, stills
    cases/<case id>/uploads/...                          uploads not yet imported

The modes every file and folder is made with (private to the practitioner's account)
are in :mod:`.files`, as they hold for the exports and backups written elsewhere too.
"""

from __future__ import annotations

SETTINGS_FILE = "settings.json"
DELETION_LOG = "deletion-log.jsonl"  # anonymous: date, case code, what was erased
TRAINING_FILE = "training.json"  # the practitioner's training record: not a family's, outside every case
# The practitioner's own definitions (principles.json, instruments/, prompts/) are named by the
# vocabulary they belong to: see vig_core.vocab.definitions.
WRITERS = ".writing"  # one locked note per unfinished write (see files.Writing)

CASES_FOLDER = "cases"
CASE_FILE = "case.json"
ACTIVITY_LOG = "activity.jsonl"  # in a case's folder: which parts of the case changed when
MEDIA_FOLDERS = ("recordings", "exports", "uploads")  # a case's films, clips, stills and unfinished uploads
LISTENING_FILE = "listening.json"  # in a recording's folder: its sound heard, and the decisions on it

ERASING = ".erasing.json"  # in a case's folder: the case is being erased (with the deletion log's line)
ERASING_FILMS = ".erasing-films.json"  # in a case's folder: its films are being erased
ERASING_FOLDER = ".erasing-"  # + case id: a case's folder on its way out, out of the caseload
