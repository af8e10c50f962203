"""The practitioner's training record as one CSV file, for their accreditation meeting.

It names cases by their **case codes only**. The record itself never holds a family's
name (sessions keep the codes as typed), but the practitioner types the notes, the
reflections and the codes of a session, and a name slips into typing: every such text is
rewritten with the names of every family in the workbook replaced by the case code
(:func:`names_hidden`, the same replacement as every export, see :mod:`.names`). Nothing
of a case goes in but its code and its review dates: no notes of a case, no names.

One table, a row per line of the record, its ``part`` saying which:

* ``summary``: the stage, its start, each requirement with what is counted and needed;
* ``review``: each shared review counted (case code, cycle, date);
* ``session``: each supervision session (date, supervisor, minutes, case codes, notes);
* ``reflection``: the practitioner's reflection on each stage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import pandas as pd

from vig_core.case.record import Case
from vig_core.case.training import Progress, TrainingRecord
from vig_core.exports.names import name_replacer
from vig_core.exports.spreadsheet import csv_bytes

COLUMNS = ("part", "date", "what", "case_codes", "counted", "required", "supervisor", "minutes", "notes")


def names_hidden(cases: Iterable[Case]) -> Callable[[str], str]:
    """A text with the names of every family in ``cases`` replaced by their case code."""
    replacers = [name_replacer(case) for case in cases]

    def hide(text: str) -> str:
        for replace in replacers:
            text = replace(text)
        return text

    return hide


def file_name(made_on: date, ext: str) -> str:
    return f"vig-training-record-{made_on.isoformat()}.{ext}"


def shown_code(code: str, demo: bool) -> str:
    """A counted case's code, marked as fictional when it is a demo case (the shipped ones say so already)."""
    return code if not demo or "fictional" in code.casefold() else f"{code} (fictional)"


def training_rows(record: TrainingRecord, progress: Progress, hide: Callable[[str], str]) -> list[dict]:
    rows: list[dict] = []

    def row(part: str, **values: object) -> None:
        rows.append({column: values.get(column, "") for column in COLUMNS} | {"part": part})

    stage = progress.requirement.title if progress.requirement else f"Stage {progress.stage}"
    row("summary", what="Stage", counted=stage)
    row("summary", what="Stage began", date=progress.started.isoformat() if progress.started else "",
        counted="" if progress.started else "not set: everything so far is counted")
    for measure in progress.measures:
        row("summary", what=measure.label + (" (hours)" if measure.unit else ""), counted=f"{measure.have:g}",
            required="" if measure.need is None else f"{measure.need:g}")
    for case in progress.cases:  # the case code as the case has it (a code is the family's pseudonym)
        for n, (number, day) in enumerate(case.reviews):
            row("review", date=day.isoformat(), case_codes=shown_code(case.code, case.demo),
                what=f"Cycle {number}: shared review" + (" (new client)" if case.new_client and n == 0 else ""))
    for session in record.sessions_by_date():
        row("session", date=session.on.isoformat(), supervisor=session.supervisor, minutes=session.minutes,
            case_codes="; ".join(hide(code) for code in session.case_codes), notes=hide(session.notes),
            what="Supervision")
    for number, text in sorted(record.reflections.items()):
        row("reflection", what=f"Reflection on stage {number}", notes=hide(text))
    return rows


def training_csv(record: TrainingRecord, progress: Progress, hide: Callable[[str], str]) -> bytes:
    """The record as one CSV (UTF-8 with BOM; text a spreadsheet would run as a formula made safe)."""
    return csv_bytes(pd.DataFrame(training_rows(record, progress, hide), columns=list(COLUMNS)))
