"""My VIG training: the record's rules, what the cases count towards a stage, the requirements file
(shipped and own, validated), and the record's round trip through the data folder."""

from __future__ import annotations

import json
import re
import stat
from datetime import date

import pytest

from vig_core.case.cycles import CycleStatus
from vig_core.case.record import new_case
from vig_core.case.training import (
    SupervisionSession,
    TrainingRecord,
    parse_codes,
    record_from_data,
    stage_progress,
)
from vig_core.errors import NotFoundError, StoreError, ValidationError
from vig_core.storage.training import (
    forget_own_requirements,
    load_training,
    save_own_requirements,
    training_path,
    update_training,
)
from vig_core.vocab.training_requirements import (
    OWN_REQUIREMENTS,
    SHIPPED,
    check_uploaded,
    load_requirements,
    parse_requirements,
    read_requirements,
)

TODAY = date(2026, 6, 1)


def reviewed(code: str, *reviews: date | None, opened: date = date(2025, 1, 6), demo: bool = False):
    """A case whose first cycles are complete, reviewed on ``reviews`` (None: complete, no date)."""
    case = new_case(code, "Ada", opened, planned_cycles=max(3, len(reviews) + 1))
    case.is_demo = demo
    for cycle, day in zip(case.cycles, reviews, strict=False):
        cycle.status, cycle.review_date = CycleStatus.REVIEWED, day
    return case


def shipped():
    return read_requirements(SHIPPED)


# --- the shipped requirements --------------------------------------------------------------
def test_the_shipped_requirements_are_the_three_aviguk_stages():
    stages = [(s.stage, s.cycles, s.new_clients, s.supervision_hours) for s in shipped().stages]
    assert stages == [(1, 6, 2, 7.0), (2, 9, 3, 8.0), (3, 12, 3, 8.0)]
    assert "AVIGuk" in shipped().source


@pytest.mark.parametrize(("change", "problem"), [
    ({"stages": []}, "non-empty list"),
    ({"stages": [{"stage": 2, "cycles": 6, "new_clients": 2, "supervision_hours": 7}]}, "numbered 1, 2, 3"),
    ({"stages": [{"stage": 1, "cycles": 0, "new_clients": 2, "supervision_hours": 7}]}, "“cycles” must be between"),
    ({"stages": [{"stage": 1, "cycles": 6.5, "new_clients": 2, "supervision_hours": 7}]}, "whole number"),
    ({"stages": [{"stage": 1, "cycles": "6", "new_clients": 2, "supervision_hours": 7}]}, "whole number"),
    ({"stages": [{"stage": 1, "cycles": 6, "new_clients": -1, "supervision_hours": 7}]}, "“new_clients”"),
    ({"stages": [{"stage": 1, "cycles": 6, "new_clients": 2, "supervision_hours": 7000}]}, "between 0 and"),
    ({"stages": [{"stage": 1, "cycles": 6, "new_clients": 2, "supervision_hours": 7.1}]}, "quarter"),
    ({"stages": [{"stage": 1, "cycles": 6, "new_clients": 2}]}, "number of hours"),
    ({"stages": [{"stage": 1, "cycles": 6, "new_clients": 2, "supervision_hours": True}]}, "number of hours"),
    ({"stages": [{"stage": 1, "cycles": 6, "new_clients": 2, "supervision_hours": 7, "title": ""}]}, "“title”"),
    ({"stages": ["stage 1"]}, "must be an object"),
    ({"source": 5, "stages": [{"stage": 1, "cycles": 6, "new_clients": 2, "supervision_hours": 7}]}, "“source”"),
])
def test_a_malformed_requirements_file_is_refused_in_one_sentence_naming_it(change, problem):
    with pytest.raises(ValidationError, match=problem) as refused:
        parse_requirements(change, "mine.json")
    assert str(refused.value).startswith("mine.json: ")


def test_hours_may_be_halves_and_a_title_is_optional():
    read = parse_requirements({"stages": [{"stage": 1, "cycles": 4, "new_clients": 1, "supervision_hours": 7.5}]},
                              "mine.json")
    assert (read.stages[0].title, read.stages[0].supervision_hours, read.source) == ("Stage 1", 7.5, "")


def test_an_own_file_replaces_the_shipped_one_and_a_malformed_one_leaves_it_in_force(tmp_path):
    own = {"source": "My course", "stages": [{"stage": 1, "cycles": 4, "new_clients": 1, "supervision_hours": 5}]}
    found = save_own_requirements(tmp_path, json.dumps(own).encode(), "course.json")
    assert found.stages[0].cycles == 4
    assert stat.S_IMODE((tmp_path / OWN_REQUIREMENTS).stat().st_mode) == 0o600
    requirements, warning = load_requirements(tmp_path)
    assert (requirements.source, warning) == ("My course", None)

    (tmp_path / OWN_REQUIREMENTS).write_text('{"stages": [{"stage": 1}]}', encoding="utf-8")
    requirements, warning = load_requirements(tmp_path)
    assert requirements.stages == shipped().stages
    assert warning.startswith("Your own training requirements file was not used: training-requirements.json:")

    assert forget_own_requirements(tmp_path) and not forget_own_requirements(tmp_path)
    assert load_requirements(tmp_path) == (shipped(), None)


@pytest.mark.parametrize(("content", "problem"), [
    (b"\xff\xfe not text", "not a text file"),
    (b"{not json", "not valid JSON"),
    (b'{"stages": [{"stage": 1, "cycles": NaN, "new_clients": 1, "supervision_hours": 1}]}', "not finite"),
    (b" " * 200_000, "too large"),
])
def test_an_upload_that_is_not_a_requirements_file_is_refused_and_nothing_is_kept(tmp_path, content, problem):
    with pytest.raises(ValidationError, match=problem):
        save_own_requirements(tmp_path, content, "upload.json")
    assert not (tmp_path / OWN_REQUIREMENTS).exists()
    with pytest.raises(ValidationError, match=problem):
        check_uploaded(content, "upload.json")


# --- counting ---------------------------------------------------------------------------------
def test_cycles_count_from_the_stage_start_and_new_clients_are_those_first_reviewed_in_it():
    record = TrainingRecord(stage=2, stage_starts={2: date(2026, 1, 1)})
    cases = [
        reviewed("OLD-1", date(2025, 11, 3), date(2025, 12, 1), date(2026, 1, 12)),  # began before: 1, not new
        reviewed("NEW-1", date(2026, 2, 2), date(2026, 3, 2)),  # 2, new
        reviewed("NEW-2", date(2026, 1, 1)),  # on the start day: counts, new
        reviewed("EARLY", date(2025, 6, 1)),  # all before: nothing
        reviewed("LATER", date(2026, 7, 1)),  # after today (a typing slip): nothing
        reviewed("DEMO-2", date(2026, 5, 1), demo=True),  # demo cases count, marked
        new_case("FRESH", "Bo", date(2026, 3, 1)),  # no review yet
    ]
    cases[-1].cycles[0].status, cases[-1].cycles[0].review_date = CycleStatus.FILMED, date(2026, 3, 9)  # planned
    progress = stage_progress(record, shipped(), cases, TODAY)
    assert [(c.code, len(c.reviews), c.new_client, c.demo) for c in progress.cases] == [
        ("DEMO-2", 1, True, True), ("NEW-1", 2, True, False), ("NEW-2", 1, True, False), ("OLD-1", 1, False, False)]
    assert (progress.cycles, progress.new_clients) == (5, 3)
    assert [m.sentence() for m in progress.measures] == [
        "Cycles with a shared review: 5 of 9", "New clients: 3 of 3", "Supervision: 0 h of 8 h"]
    assert [m.met for m in progress.measures] == [False, True, False] and not progress.complete


def test_a_complete_cycle_without_a_review_date_is_listed_not_counted():
    progress = stage_progress(TrainingRecord(), shipped(), [reviewed("FAM-3", date(2026, 1, 5), None)], TODAY)
    assert (progress.cycles, progress.undated) == (1, ("FAM-3, cycle 2",))


def test_without_a_start_date_everything_so_far_counts_and_supervision_is_summed_in_hours():
    record = TrainingRecord()
    for day, minutes in [(date(2024, 3, 1), 90), (date(2026, 5, 1), 60), (date(2026, 5, 20), 45)]:
        record.add_session(day, "Sam", minutes, "FAM-1", "", TODAY)
    progress = stage_progress(record, shipped(), [reviewed("A", date(2020, 1, 1))], TODAY)
    assert (progress.started, progress.cycles, progress.minutes, progress.hours) == (None, 1, 195, 3.25)
    record.set_stage(1, date(2026, 1, 1), TODAY)
    progress = stage_progress(record, shipped(), [reviewed("A", date(2020, 1, 1))], TODAY)
    assert (progress.cycles, progress.sessions, progress.minutes) == (0, 2, 105)
    assert progress.measures[2].sentence() == "Supervision: 1.75 h of 7 h"


def test_a_stage_the_requirements_do_not_name_shows_its_figures_without_a_target():
    record = TrainingRecord(stage=5)
    progress = stage_progress(record, shipped(), [], TODAY)
    assert progress.requirement is None
    assert progress.measures[0].sentence() == "Cycles with a shared review: 0" and not progress.complete


# --- the record -------------------------------------------------------------------------------
def test_a_session_keeps_the_codes_as_typed_once_each():
    record = TrainingRecord()
    session = record.add_session(date(2026, 5, 1), "  Dr Sam Lee ", 90, "FAM-01, fam-01; DEMO-2 ,,", "Notes", TODAY)
    assert (session.supervisor, session.case_codes, session.minutes) == ("Dr Sam Lee", ("FAM-01", "DEMO-2"), 90)
    assert parse_codes("") == ()


@pytest.mark.parametrize(("args", "problem"), [
    ((None, "Sam", 60, "", ""), "Give the date"),
    ((date(2026, 6, 2), "Sam", 60, "", ""), "in the future"),
    ((date(1970, 1, 1), "Sam", 60, "", ""), "Give the date"),
    ((date(2026, 5, 1), "  ", 60, "", ""), "supervisor's name cannot be empty"),
    ((date(2026, 5, 1), "Sam", 0, "", ""), "between 1 and 600 minutes"),
    ((date(2026, 5, 1), "Sam", 601, "", ""), "between 1 and 600 minutes"),
    ((date(2026, 5, 1), "Sam", 60, "X" * 81, ""), "too long"),
    ((date(2026, 5, 1), "Sam", 60, "FAM\u200b-1", ""), "invisible"),
    ((date(2026, 5, 1), "Sam", 60, ",".join(f"F{n}" for n in range(21)), ""), "at most 20"),
    ((date(2026, 5, 1), "Sam", 60, "", "x" * 50_001), "too long"),
])
def test_a_session_that_breaks_a_rule_is_refused_plainly_and_not_added(args, problem):
    record = TrainingRecord()
    with pytest.raises(ValidationError, match=problem):
        record.add_session(*args, TODAY)
    assert record.sessions == []


def test_stage_dates_reflections_and_removal():
    record = TrainingRecord()
    with pytest.raises(ValidationError, match="in the future"):
        record.set_stage(1, date(2026, 7, 1), TODAY)
    record.set_stage(1, date(2025, 9, 1), TODAY)
    record.set_stage(2, date(2026, 2, 1), TODAY)
    assert (record.stage, record.stage_started, record.stage_starts[1]) == (2, date(2026, 2, 1), date(2025, 9, 1))
    record.set_reflection(1, "What I learnt")
    record.set_reflection(2, "   ")
    assert record.reflections == {1: "What I learnt"}
    session = record.add_session(date(2026, 5, 1), "Sam", 60, "", "", TODAY)
    assert record.remove_session(session.id) == session and record.sessions == []
    with pytest.raises(NotFoundError, match="removed already"):
        record.remove_session(session.id)


def test_the_record_round_trips_through_the_data_folder_privately(tmp_path):
    assert load_training(tmp_path) == TrainingRecord()
    update_training(tmp_path, lambda r: r.set_stage(2, date(2026, 1, 1), TODAY))
    update_training(tmp_path, lambda r: r.add_session(date(2026, 5, 1), "Sam ✓", 90, "FAM-1, DEMO-2", "é\nline", TODAY))
    update_training(tmp_path, lambda r: r.set_reflection(2, "Reflection"))
    record = load_training(tmp_path)
    assert record_from_data(record.to_data()) == record
    assert (record.stage, record.stage_starts, record.reflections) == (2, {2: date(2026, 1, 1)}, {2: "Reflection"})
    assert record.sessions[0].case_codes == ("FAM-1", "DEMO-2") and record.sessions[0].notes == "é\nline"
    assert stat.S_IMODE(training_path(tmp_path).stat().st_mode) == 0o600


def test_a_refused_change_writes_nothing(tmp_path):
    update_training(tmp_path, lambda r: r.add_session(date(2026, 5, 1), "Sam", 90, "", "", TODAY))
    before = training_path(tmp_path).read_bytes()
    with pytest.raises(ValidationError):
        update_training(tmp_path, lambda r: r.add_session(date(2026, 5, 1), "", 90, "", "", TODAY))
    with pytest.raises(ValidationError):
        update_training(tmp_path, lambda r: r.sessions.append(SupervisionSession("x", date(2026, 5, 1), "S", 0)))
    assert training_path(tmp_path).read_bytes() == before


@pytest.mark.parametrize("data", [
    "[]", '{"stage": "two"}', '{"sessions": [{"id": "a"}]}', '{"stage_starts": {"1": "not a date"}}',
    '{"sessions": [{"id": "a", "on": "2026-01-01", "supervisor": "S", "minutes": 9999}]}',
])
def test_a_damaged_record_is_one_plain_sentence(tmp_path, data):
    training_path(tmp_path).write_text(data, encoding="utf-8")
    with pytest.raises(StoreError, match="Your training record cannot be read"):
        load_training(tmp_path)


# --- the downloads -----------------------------------------------------------------------------
def test_the_downloads_name_cases_by_code_and_hide_every_familys_name_from_typed_text():
    from vig_core.exports.training import names_hidden, training_csv
    from vig_core.printables.training import training_html

    ada = reviewed("FAM-01", date(2026, 2, 2))
    ada.child_first_name, ada.carer_name = "Ada", "Jo Patel"
    other = new_case("FAM-02", "Noor", date(2026, 1, 5), carer_name="Lena")
    record = TrainingRecord()
    record.add_session(date(2026, 5, 1), "Dr Ann Lee", 60, "FAM-01, Noor", "=HYPERLINK(\"x\") Ada and Jo <script>",
                       TODAY)
    record.set_reflection(1, "Lena's <b>words</b>")
    progress = stage_progress(record, shipped(), [ada, other], TODAY)
    hide = names_hidden([ada, other])
    csv = training_csv(record, progress, hide).decode("utf-8-sig")
    page = training_html(record, progress, hide, TODAY, "AVIGuk")
    for text in (csv, page):
        for name in ("Ada", "Jo", "Patel", "Noor", "Lena"):
            assert not re.search(rf"\b{name}\b", text), name
        assert "FAM-01" in text and "[FAM-02 child]" in text and "[FAM-01 parent]" in text
    assert "'=HYPERLINK" in csv  # a spreadsheet does not run it
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>" not in page
    assert "review,2026-02-02,Cycle 1: shared review (new client),FAM-01" in csv


def test_a_demo_case_is_marked_fictional_once():
    from vig_core.exports.training import shown_code

    assert shown_code("DEMO-2 (fictional)", demo=True) == "DEMO-2 (fictional)"
    assert shown_code("PLAY-1", demo=True) == "PLAY-1 (fictional)"
    assert shown_code("FAM-7", demo=False) == "FAM-7"
