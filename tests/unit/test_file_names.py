"""Every file the workbook offers or writes for a case is named by one function: the case code, what it is,
the date (``FAM-01-strengths-record-2026-11-29.html``), so downloads never clash in a Downloads folder."""

from __future__ import annotations

from datetime import date

from conftest import make_case
from vig_core.exports.bundle import default_bundle_name
from vig_core.storage.paths import case_file_name

DAY = date(2026, 11, 29)


def test_a_case_file_name_holds_the_code_what_it_is_and_the_date(store):
    assert case_file_name(make_case(store, "FAM-01"), "strengths-record", DAY, "html") == \
        "FAM-01-strengths-record-2026-11-29.html"
    assert case_file_name(make_case(store, " Fam 8/é*_x "), "scores", DAY, "csv") == "Fam-8-_x-scores-2026-11-29.csv"
    odd = make_case(store, "//")
    assert case_file_name(odd, "scores", DAY, "csv") == f"{odd.id}-scores-2026-11-29.csv"


def test_the_family_copy_is_named_the_same_way(store):
    assert default_bundle_name(make_case(store, "FAM-07"), DAY) == "FAM-07-family-copy-2026-11-29.zip"
