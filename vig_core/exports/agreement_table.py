"""Agreement between coders for the supervision pack: ``agreement.csv``, ``disagreements.csv`` and a
short section of the pack's page.

Each recording of the case with a second coder's moments is compared with the practitioner's own
moments (coder ``me``), once per second coder, at the tolerance the practitioner chose (see
:mod:`vig_core.case.agreement` for the pairing and the figures). Recordings are named by cycle and
number ("cycle 1, recording 1"), never by their title; coders by their coder name, the
practitioner as ``me``.

``agreement.csv``: one row per recording × second coder × principle: recording, coder_a, coder_b,
tolerance_s, paired, only_a, only_b, principle_id, principle, pairs, percent_agreement, kappa
(empty when undefined) and kappa_note (why), alpha and alpha_note (over all principles, the same on
every row of the comparison), turn_pairs and turn_agreed.

``disagreements.csv``: one row per disagreement: recording, coder_a, coder_b, time_a and time_b
(seconds; empty for a moment only one coder marked), at_a and at_b (minutes:seconds), kind
("principle", "only A", "only B"), principle_id, principle, a_says, b_says.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from vig_core.case.agreement import (
    DEFAULT_TOLERANCE,
    PAIRING_RULE,
    Agreement,
    check_tolerance,
    figure,
    percent_text,
    recording_agreement,
)
from vig_core.case.film import ME
from vig_core.case.frames import format_time
from vig_core.case.record import Case
from vig_core.exports.spreadsheet import csv_bytes
from vig_core.vocab.principles import Principles

AGREEMENT_CSV, DISAGREEMENTS_CSV = "agreement.csv", "disagreements.csv"


@dataclass(frozen=True)
class Compared:
    recording: str  # "cycle 1, recording 1"
    fps: float
    result: Agreement


def recording_label(case: Case, recording_id: str) -> str:
    recording = case.recording(recording_id)
    number = [r.id for r in case.recordings_in(recording.cycle)].index(recording_id) + 1
    return f"cycle {recording.cycle}, recording {number}"


def comparisons(case: Case, principles: Principles, tolerance: float = DEFAULT_TOLERANCE) -> list[Compared]:
    """The practitioner's moments against each second coder's, recording by recording (cycle order)."""
    ids, tolerance = [h.id for h in principles.headings], check_tolerance(tolerance)
    return [Compared(recording_label(case, r.id), r.fps, recording_agreement(case, r.id, ME, coder, ids, tolerance))
            for r in sorted(case.recordings, key=lambda r: r.cycle) for coder in case.coders_of(r.id)[1:]]


def agreement_rows(found: Sequence[Compared], principles: Principles) -> pd.DataFrame:
    rows = []
    for c in found:
        r, pairing = c.result, c.result.pairing
        for p in r.principles:
            rows.append({"recording": c.recording, "coder_a": r.coder_a, "coder_b": r.coder_b,
                         "tolerance_s": pairing.tolerance, "paired": len(pairing.pairs), "only_a": len(pairing.only_a),
                         "only_b": len(pairing.only_b), "principle_id": p.principle,
                         "principle": principles.title(p.principle), "pairs": p.pairs,
                         "percent_agreement": None if p.percent is None else round(p.percent, 1),
                         "kappa": None if p.kappa is None else round(p.kappa, 4), "kappa_note": p.kappa_note,
                         "alpha": None if r.alpha is None else round(r.alpha, 4), "alpha_note": r.alpha_note,
                         "turn_pairs": r.turn_pairs, "turn_agreed": r.turn_agreed})
    return pd.DataFrame(rows)


def disagreement_rows(found: Sequence[Compared], principles: Principles) -> pd.DataFrame:
    rows = []
    for c in found:
        for d in c.result.disagreements:
            rows.append({"recording": c.recording, "coder_a": c.result.coder_a, "coder_b": c.result.coder_b,
                         "time_a": d.time_a, "time_b": d.time_b,
                         "at_a": "" if d.time_a is None else format_time(d.time_a, c.fps),
                         "at_b": "" if d.time_b is None else format_time(d.time_b, c.fps), "kind": d.kind,
                         "principle_id": d.principle, "principle": principles.title(d.principle) if d.principle else "",
                         "a_says": d.a_says, "b_says": d.b_says})
    return pd.DataFrame(rows, columns=["recording", "coder_a", "coder_b", "time_a", "time_b", "at_a", "at_b", "kind",
                                       "principle_id", "principle", "a_says", "b_says"])


def agreement_files(found: Sequence[Compared], principles: Principles) -> dict[str, bytes]:
    """``{"agreement.csv": ..., "disagreements.csv": ...}`` (UTF-8 with BOM, formula-like text guarded)."""
    return {AGREEMENT_CSV: csv_bytes(agreement_rows(found, principles)),
            DISAGREEMENTS_CSV: csv_bytes(disagreement_rows(found, principles))}


def agreement_html(found: Sequence[Compared], principles: Principles) -> str:
    """The pack page's section: every text escaped, figures per comparison, the files named."""
    e = html.escape
    parts = ["<section><h2>Agreement between coders</h2>", f"<p>{e(PAIRING_RULE)}</p>"]
    if not found:
        parts.append('<p class="none">(no second coder\'s moments on any recording)</p>')
    for c in found:
        r, pairing = c.result, c.result.pairing
        rows = "".join(f"<tr><td>{e(principles.title(p.principle))}</td><td>{e(figure(p.kappa, p.kappa_note))}</td>"
                       f"<td>{e(percent_text(p.percent))}</td></tr>" for p in r.principles)
        parts.append(
            f"<h3>{e(c.recording.capitalize())}: A = {e(r.coder_a)}, B = {e(r.coder_b)}</h3>"
            f"<p>Tolerance ±{pairing.tolerance:.1f} s. Paired {len(pairing.pairs)}, only A {len(pairing.only_a)}, "
            f"only B {len(pairing.only_b)}. Krippendorff's alpha (all principles): "
            f"{e(figure(r.alpha, r.alpha_note))}. Disagreements: {len(r.disagreements)}.</p>"
            "<table><tr><th>Principle</th><th>Cohen's kappa</th><th>Agreement</th></tr>" + rows + "</table>")
    parts.append(f"<p>Every figure is in {AGREEMENT_CSV}, every disagreement with its times in "
                 f"{DISAGREEMENTS_CSV}.</p></section>")
    return "".join(parts)
