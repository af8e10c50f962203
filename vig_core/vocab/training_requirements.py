"""What each stage of the practitioner's VIG accreditation asks for, loaded from a data file.

The shipped file is ``data/training-requirements.json`` (AVIGuk's stages: 6 cycles with
2 or more new clients and 7 hours of supervision, then 9 with 3 more and 8 hours, then 12
with 3 more and 8 hours). A practitioner whose training body asks for something else
keeps their own file of the same format as ``training-requirements.json`` in the data
folder (checked first, written by :mod:`vig_core.storage.training`); a malformed own file
is named in a warning and the shipped one stays in force, as for every definition
(:mod:`.definitions`).

Format::

    {"source": "AVIGuk accreditation",            (optional, shown under the progress)
     "stages": [{"stage": 1, "title": "Stage 1",  (title optional)
                 "cycles": 6, "new_clients": 2, "supervision_hours": 7}, ...]}

Stages are numbered 1, 2, 3 ... in order; every figure is a whole number within sensible
bounds (hours may be halves or quarters: 7.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vig_core.datafiles import check_json, parse_json, read_data_file
from vig_core.errors import ValidationError
from vig_core.shipped import SHIPPED_DATA
from vig_core.text import MAX_SHORT_TEXT, MAX_TITLE_TEXT, is_valid_unicode
from vig_core.vocab.definitions import own_or_shipped

SHIPPED = SHIPPED_DATA / "training-requirements.json"
OWN_REQUIREMENTS = "training-requirements.json"  # the practitioner's own, in the data folder
MAX_FILE_BYTES = 100_000  # a requirements file is a few hundred bytes
MAX_STAGES = 10
MAX_CYCLES = 200  # per stage: far more than any training asks for
MAX_NEW_CLIENTS = 100
MAX_HOURS = 500


@dataclass(frozen=True)
class StageRequirement:
    stage: int
    title: str
    cycles: int  # shared reviews held (cycles completed) since the stage began
    new_clients: int  # clients whose first shared review falls in the stage
    supervision_hours: float


@dataclass(frozen=True)
class Requirements:
    stages: tuple[StageRequirement, ...]
    source: str  # where the figures come from, shown beside them
    file: str  # the file they were read from (shown to the practitioner)

    def stage(self, number: int) -> StageRequirement | None:
        return next((s for s in self.stages if s.stage == number), None)

    @property
    def numbers(self) -> list[int]:
        return [s.stage for s in self.stages]


def _whole(value: object, where: str, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise ValidationError(f"{where}: “{what}” must be a whole number.")
    if not low <= value <= high:
        raise ValidationError(f"{where}: “{what}” must be between {low} and {high} (it is {value:g}).")
    return int(value)


def parse_requirements(data: object, source: str) -> Requirements:
    """Check a requirements file's structure and figures; raise one plain sentence naming the problem."""
    check_json(data, source)
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list) or not data["stages"]:
        raise ValidationError(f"{source}: “stages” must be a non-empty list of stages.")
    if len(data["stages"]) > MAX_STAGES:
        raise ValidationError(f"{source}: at most {MAX_STAGES} stages can be listed.")
    about = data.get("source", "")
    if not isinstance(about, str) or len(about) > MAX_TITLE_TEXT or not is_valid_unicode(about):
        raise ValidationError(f"{source}: “source” must be a short text (at most {MAX_TITLE_TEXT} characters).")
    stages = []
    for n, raw in enumerate(data["stages"], start=1):
        where = f"{source}: stage {n} of the list"
        if not isinstance(raw, dict):
            raise ValidationError(f"{where} must be an object with stage, cycles, new_clients and "
                                  "supervision_hours.")
        number = _whole(raw.get("stage"), where, "stage", 1, MAX_STAGES)
        if number != n:
            raise ValidationError(f"{where} is numbered {number}; stages are numbered 1, 2, 3 ... in order.")
        title = raw.get("title", f"Stage {n}")
        if not isinstance(title, str) or not title.strip() or len(title) > MAX_SHORT_TEXT \
                or not is_valid_unicode(title):
            raise ValidationError(f"{where}: “title” must be a short text (at most {MAX_SHORT_TEXT} characters).")
        hours = raw.get("supervision_hours")
        if isinstance(hours, bool) or not isinstance(hours, (int, float)):
            raise ValidationError(f"{where}: “supervision_hours” must be a number of hours.")
        if not 0 <= hours <= MAX_HOURS or round(hours * 4) != hours * 4:
            raise ValidationError(f"{where}: “supervision_hours” must be between 0 and {MAX_HOURS} in quarter "
                                  f"hours (it is {hours:g}).")
        stages.append(StageRequirement(number, title.strip(),
                                       _whole(raw.get("cycles"), where, "cycles", 1, MAX_CYCLES),
                                       _whole(raw.get("new_clients"), where, "new_clients", 0, MAX_NEW_CLIENTS),
                                       float(hours)))
    return Requirements(tuple(stages), about.strip(), source)


def read_requirements(path: Path) -> Requirements:
    return parse_requirements(read_data_file(path), Path(path).name)


def check_uploaded(content: bytes, file_name: str) -> tuple[object, Requirements]:
    """An uploaded requirements file, checked: its JSON (to keep as it came) and what it says."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(f"{file_name}: the file is too large for a requirements file "
                              f"({len(content):,} bytes; the limit is {MAX_FILE_BYTES:,}).")
    try:
        data = parse_json(content.decode("utf-8"), file_name)
    except UnicodeDecodeError as error:
        raise ValidationError(f"{file_name}: not a text file (a requirements file is JSON text).") from error
    return data, parse_requirements(data, file_name)


def load_requirements(data_root: Path) -> tuple[Requirements, str | None]:
    """The practitioner's own requirements if present and valid, else the shipped ones; with a
    warning to show when an own file was refused."""
    return own_or_shipped(Path(data_root) / OWN_REQUIREMENTS, SHIPPED, read_requirements,
                          "Your own training requirements file was not used")
