"""Exports for other tools, the parts that need no film: names replaced, Excel cells cut, captions
of hostile text, and the documentation of every column. The exports of the demo case (films, clips,
the supervision pack, the ``export`` command) are in tests/integration/test_exports.py; ELAN files have
their own tests in test_elan.py."""

from __future__ import annotations

import html
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import webvtt

from conftest import make_case
from vig_core.errors import ValidationError
from vig_core.exports.names import name_replacer, pseudonymised
from vig_core.exports.save import Format, export
from vig_core.exports.spreadsheet import CUT_MARK, EXCEL_CELL_LIMIT, xlsx_bytes
from vig_core.exports.tables import TABLES
from vig_core.exports.webvtt import webvtt as make_webvtt

HOSTILE = '=HYPERLINK("http://x.example")\n\n--> <b>bold</b> & <script>alert(1)</script>'


# --- names ---------------------------------------------------------------------------------
def test_names_are_replaced_as_whole_words_in_every_text_and_the_case_itself_is_unchanged(store):
    case = make_case(store, code="FAM-07", child="Sam", carer_name="Ann Lee")
    case.conversation.about_child = "Sam and SAM's mum Ann; Samantha, Annabel and Lee-Ann are other people."
    case.practitioner_notes = "ann lee came with sam"
    twin = pseudonymised(case)
    assert twin.conversation.about_child == ("[FAM-07 child] and [FAM-07 child]'s mum [FAM-07 parent]; Samantha, "
                                            "Annabel and [FAM-07 parent]-[FAM-07 parent] are other people.")
    assert twin.practitioner_notes == "[FAM-07 parent] came with [FAM-07 child]"
    assert (twin.child_first_name, twin.carer_name, twin.id, twin.code) == ("[FAM-07 child]", "[FAM-07 parent]",
                                                                            case.id, "FAM-07")
    assert case.conversation.about_child.startswith("Sam and SAM")  # the original is untouched


def test_a_case_without_a_carer_name_or_with_one_letter_parts_replaces_only_real_names(store):
    case = make_case(store, child="Bo", carer_name="J")
    replace = name_replacer(case)
    assert replace("Bo and J went; I and a bo-peep") == "[FAM-01 child] and J went; I and a [FAM-01 child]-peep"


def test_text_longer_than_an_excel_cell_is_cut_with_a_mark_and_counted():
    frame = pd.DataFrame({"note": ["x" * (EXCEL_CELL_LIMIT + 10), "short"]})
    data, shortened = xlsx_bytes({"moments": frame})
    sheet = openpyxl.load_workbook(io.BytesIO(data))["moments"]
    assert shortened == 1 and sheet["A2"].value.endswith(CUT_MARK) and len(sheet["A2"].value) == EXCEL_CELL_LIMIT
    assert sheet["A3"].value == "short"


# --- captions ----------------------------------------------------------------------------------
def parsed(text: str) -> list[webvtt.Caption]:
    return list(webvtt.from_buffer(io.StringIO(text)))


def test_hostile_and_long_text_stays_inside_cues_and_reads_back_unchanged():
    long_words = "word " * 200
    text = make_webvtt([HOSTILE, long_words.strip()], 6.0)
    captions = parsed(text)
    assert all(len(line) <= 42 for c in captions for line in c.text.split("\n"))
    assert all(c.text.count("\n") <= 1 for c in captions)
    read = " ".join(html.unescape(c.text).replace("\n", " ") for c in captions)
    assert read == " ".join(HOSTILE.split() + long_words.split())
    assert "--&gt; &lt;b&gt;bold&lt;/b&gt; &amp;" in text and "<b>" not in text and "<script>" not in text
    assert text.count("-->") == len(captions)  # only the cue timings
    assert [c.start_in_seconds for c in captions] == sorted(c.start_in_seconds for c in captions)
    assert captions[-1].end_in_seconds == pytest.approx(6.0) and len(captions) > 10


def test_captions_are_refused_only_for_a_case_without_clips(store, out):
    case = make_case(store)
    with pytest.raises(ValidationError, match="has no clips yet"):
        export(store, case.id, "vtt", out)
    assert list(out.iterdir()) == []


def test_the_exports_document_names_every_column_and_format():
    document = (Path(__file__).resolve().parents[2] / "docs" / "exports.md").read_text(encoding="utf-8")
    for name, columns in TABLES.items():
        assert f"### `{name}`" in document
        for column, meaning in columns.items():
            assert f"- `{column}`: {meaning}" in document, (name, column)
    assert all(f"| `{fmt.value}` |" in document for fmt in Format)
