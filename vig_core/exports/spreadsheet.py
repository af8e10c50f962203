"""The tables of :mod:`.tables` as CSV files or as one Excel workbook.

CSV: UTF-8 with a byte-order mark (so Excel reads accents right) and text that
a spreadsheet would run as a formula given a leading apostrophe, like the score
table. Excel: one sheet per table plus a ``columns`` sheet saying what each
column means; XlsxWriter is told to write text as text (never as a formula or
a link), so a note starting with ``=`` stays exactly what was typed.
"""

from __future__ import annotations

import io

import pandas as pd

from vig_core.exports.score_table import safe_cells
from vig_core.exports.tables import TABLES

EXCEL_CELL_LIMIT = 32_767  # characters Excel keeps in one cell
CUT_MARK = " […]"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return safe_cells(frame).to_csv(index=False).encode("utf-8-sig")


def csv_files(frames: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    """``{"moments.csv": ..., ...}``: one file per table."""
    return {f"{name}.csv": csv_bytes(frame) for name, frame in frames.items()}


def xlsx_bytes(frames: dict[str, pd.DataFrame]) -> tuple[bytes, int]:
    """One workbook with a sheet per table and a ``columns`` sheet; also how many cells had to be shortened
    (Excel holds at most 32,767 characters in a cell; the CSV files keep every character)."""
    shortened = 0

    def fit(value: object) -> object:
        nonlocal shortened
        if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
            shortened += 1
            return value[:EXCEL_CELL_LIMIT - len(CUT_MARK)] + CUT_MARK
        return value

    about = pd.DataFrame([{"table": name, "column": column, "meaning": meaning}
                          for name, cols in TABLES.items() for column, meaning in cols.items()])
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        for name, frame in frames.items():
            frame.map(fit).to_excel(writer, sheet_name=name, index=False)
            writer.sheets[name].freeze_panes(1, 0)
        about.to_excel(writer, sheet_name="columns", index=False)
    return buffer.getvalue(), shortened
