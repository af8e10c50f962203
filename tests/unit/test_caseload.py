from datetime import date

from vig_core.case.caseload import caseload_rows
from vig_core.case.consent import ConsentKind
from vig_core.case.cycles import Stage
from vig_core.case.record import new_case

TODAY = date(2026, 6, 1)


def cases():
    a = new_case("FAM-A", "Ada", date(2026, 1, 1), carer_name="Lou", child_birth_date=date(2024, 1, 1))
    b = new_case("FAM-B", "Ben", date(2026, 1, 1))
    b.consent.give(ConsentKind.FILMING, date(2026, 1, 2))
    b.consent.withdraw(ConsentKind.FILMING, date(2026, 2, 2))
    c = new_case("FAM-C", "Cleo", date(2026, 1, 1))
    c.set_stage(Stage.CLOSED, date(2026, 3, 1))  # retention 1 May: overdue
    d = new_case("FAM-D", "Dan", date(2026, 1, 1))
    d.archived = True
    return [a, b, c, d]


def test_rows_show_what_the_practitioner_scans_for():
    rows = {r.code: r for r in caseload_rows(cases(), TODAY)}
    assert set(rows) == {"FAM-A", "FAM-B", "FAM-C"}
    assert rows["FAM-A"].child == "Ada (2 years)" and rows["FAM-A"].step == "initial conversation"
    assert rows["FAM-A"].cycle == "0 of 3" and rows["FAM-A"].retention == "2 months after the end"
    assert rows["FAM-B"].consent_withdrawn and "to be filmed" in rows["FAM-B"].consent
    assert rows["FAM-C"].past_retention and rows["FAM-C"].retention == "01 May 2026"


def test_urgent_cases_first():
    assert [r.code for r in caseload_rows(cases(), TODAY)] == ["FAM-B", "FAM-C", "FAM-A"]


def test_search_status_and_archive_filters():
    assert [r.code for r in caseload_rows(cases(), TODAY, query="lou")] == ["FAM-A"]
    assert [r.code for r in caseload_rows(cases(), TODAY, query="  cle ")] == ["FAM-C"]
    assert [r.code for r in caseload_rows(cases(), TODAY, statuses=["closed"])] == ["FAM-C"]
    assert "FAM-D" in [r.code for r in caseload_rows(cases(), TODAY, include_archived=True)]
