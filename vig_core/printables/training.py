"""The training record as one printable page, for the practitioner's accreditation meeting.

Plain HTML like the family's pages (:mod:`.strengths`): every text escaped, print styles,
no script or outside resource; opened in a browser, printed or saved as PDF. It shows the
stage and its start, the progress against the stage's requirements, the shared reviews
counted (case code, cycle, date), the supervision sessions and the reflections.

Cases appear by their **case codes only**; the typed texts (notes, reflections, the codes
of a session) go through ``hide``, which replaces the names of every family in the workbook
by the case code (see :func:`vig_core.exports.training.names_hidden`). Nothing else of a case
is used.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

from vig_core.case.training import Progress, TrainingRecord
from vig_core.exports.training import shown_code
from vig_core.printables.strengths import PRINT_CSS

TRAINING_CSS = PRINT_CSS + """
table { border-collapse: collapse; width: 100%; margin: .6rem 0; }
th, td { border: 1px solid #9ca3af; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef2ff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
tr { break-inside: avoid; page-break-inside: avoid; }
.notes, .reflection { white-space: pre-wrap; }
.met { font-weight: bold; }
"""


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _table(headings: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def training_html(record: TrainingRecord, progress: Progress, hide: Callable[[str], str], made_on: date,
                  source: str = "") -> str:
    """The printable page (see module notes); ``source`` says where the requirements come from."""
    e = html.escape
    stage = progress.requirement.title if progress.requirement else f"Stage {progress.stage}"
    began = (f"began {_day(progress.started)}" if progress.started
             else "no start date given: everything so far is counted")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>My VIG training record</title><style>{TRAINING_CSS}</style></head><body>",
        "<h1>My VIG training record</h1>",
        f'<p class="made">{e(stage)}, {e(began)}. Made {_day(made_on)}.</p>',
        "<h2>Progress</h2>",
        _table(["Requirement", "Counted", "Needed"], [
            [e(m.label), f'<span class="{"met" if m.met else ""}">{m.have:g}{e(m.unit)}</span>',
             "" if m.need is None else f"{m.need:g}{e(m.unit)}"] for m in progress.measures]),
    ]
    if source:
        parts.append(f'<p class="made">Requirements: {e(source)}.</p>')
    parts.append("<h2>Shared reviews counted</h2>")
    reviews = sorted((day, case.code, number, [e(_day(day)), e(shown_code(case.code, case.demo)), f"Cycle {number}",
                                               "yes" if case.new_client and n == 0 else ""])
                     for case in progress.cases for n, (number, day) in enumerate(case.reviews))
    parts.append(_table(["Date", "Case code", "Cycle", "New client"], [r[-1] for r in reviews])
                 if reviews else "<p>None yet in this stage.</p>")
    if progress.undated:
        parts.append("<p>Complete without a review date (not counted): "
                     + e(", ".join(progress.undated)) + ".</p>")
    parts.append("<h2>Supervision</h2>")
    sessions = [[e(_day(s.on)), e(s.supervisor), f"{s.minutes}", e(", ".join(hide(c) for c in s.case_codes)),
                 f'<span class="notes">{e(hide(s.notes))}</span>'] for s in record.sessions_by_date()]
    parts.append(_table(["Date", "Supervisor", "Minutes", "Case codes discussed", "Notes"], sessions)
                 if sessions else "<p>No sessions recorded.</p>")
    for number, text in sorted(record.reflections.items()):
        parts.append(f"<h2>Reflection on stage {number}</h2><p class=\"reflection\">{e(hide(text))}</p>")
    parts.append("<footer>Cases are named by their case codes only.</footer></body></html>")
    return "\n".join(parts)
