"""All scores of a case as one table (pandas), for a CSV a service or researcher can read.

One row per finished questionnaire and per goal rating (of the goals the family's
documents show: see ``Case.numbered_goals``). Column names are
stable (documented in ``docs/instruments.md``)::

    case_code, measure_id, measure, time_point, date, score, band, how, goal, cycle

Text a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) gets a leading apostrophe, so a goal typed as
``=HYPERLINK(...)`` stays text when the file is opened in Excel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from vig_core.case.outcomes import GBO_ID, GBO_TITLE
from vig_core.case.questionnaires import TimePoint
from vig_core.case.record import Case
from vig_core.vocab.instruments import Instrument

COLUMNS = ["case_code", "measure_id", "measure", "time_point", "date", "score", "band", "how", "goal", "cycle"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def each_cell(column: pd.Series, change: Callable[[object], object]) -> pd.Series:
    """``change`` applied to every cell of ``column``, keeping ints and floats apart (pandas' own ``map``
    makes a column of ints and floats all floats again, and 71 would be written ``71.0``)."""
    return pd.Series([change(v) for v in column], index=column.index, dtype=object)


def safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :func:`safe_cell` applied to its text columns."""
    return frame.apply(lambda column: column if pd.api.types.is_numeric_dtype(column) else each_cell(column, safe_cell))


def whole(value: object) -> object:
    """A score that is a whole number as an int (so a table writes ``71``, not ``71.0``), else as it is."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def scores_frame(case: Case, instruments: Mapping[str, Instrument], *, guarded: bool = True) -> pd.DataFrame:
    """The table; ``guarded`` puts an apostrophe before formula-like text (for CSV, not for Excel's own files)."""
    rows = []
    order = {tp: n for n, tp in enumerate(TimePoint)}
    for a in sorted((a for a in case.administrations if a.done), key=lambda a: (a.instrument_id, order[a.time_point])):
        known = instruments.get(a.instrument_id)
        rows.append({"measure_id": a.instrument_id, "measure": known.title if known else a.instrument_title,
                     "time_point": a.time_point.value, "date": a.completed_on, "score": a.total, "band": a.band,
                     "how": "typed total" if a.typed_total is not None else "answered"})
    for number, goal in case.numbered_goals():
        for rating in goal.ratings:
            rows.append({"measure_id": GBO_ID, "measure": GBO_TITLE, "time_point": rating.at.value, "date": rating.on,
                         "score": rating.score, "band": "", "how": "goal rating", "goal": f"Goal {number}: {goal.text}",
                         "cycle": rating.cycle})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["case_code"] = case.code
    frame["cycle"] = frame["cycle"].astype("Int64")
    frame = frame.fillna({"band": "", "goal": ""})
    frame["score"] = each_cell(frame["score"], whole)  # 71, not 71.0; 3.17 stays 3.17
    return safe_cells(frame) if guarded else frame


def scores_csv(case: Case, instruments: Mapping[str, Instrument]) -> bytes:
    """The table as UTF-8 CSV with a byte-order mark (so Excel reads accents right)."""
    return scores_frame(case, instruments).to_csv(index=False).encode("utf-8-sig")
