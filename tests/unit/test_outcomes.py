"""Giving questionnaires (resumable, one per time point, score kept), goal change, and storing them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from vig_core.case import outcomes
from vig_core.case.questionnaires import TimePoint
from vig_core.case.record import new_case
from vig_core.case.scoring import Verdict
from vig_core.errors import ValidationError
from vig_core.storage import schema
from vig_core.storage.store import CaseStore
from vig_core.vocab.instruments import load_instruments

START, MIDDLE, END = date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 2)


@pytest.fixture(scope="module")
def instruments(tmp_path_factory):
    found, warnings = load_instruments(tmp_path_factory.mktemp("root"))
    assert not warnings
    return found


@pytest.fixture
def case():
    return new_case("FAM", "Ada", START, carer_name="Jo")


def answer_all(case, instruments, time_point, value, day, leave_out=()):
    check_in = instruments["parent-check-in"]
    administration = outcomes.start(case, check_in, time_point, day)
    for item in check_in.items:
        if item.id not in leave_out:
            outcomes.answer(case, administration.id, check_in, item.id, value)
    return administration


def test_answers_are_kept_one_by_one_and_the_questionnaire_resumes(case, instruments):
    check_in = instruments["parent-check-in"]
    first = outcomes.start(case, check_in, TimePoint.BASELINE, START)
    outcomes.answer(case, first.id, check_in, "enjoy", 4)
    again = outcomes.start(case, check_in, TimePoint.BASELINE, MIDDLE)
    assert again is first and again.answers == {"enjoy": 4} and again.started_on == START
    outcomes.answer(case, first.id, check_in, "enjoy", None)
    assert first.answers == {}
    assert outcomes.start(case, check_in, TimePoint.END, END) is not first
    with pytest.raises(ValidationError, match="not one of the answers"):
        outcomes.answer(case, first.id, check_in, "enjoy", 9)
    with pytest.raises(ValidationError, match="no question"):
        outcomes.answer(case, first.id, check_in, "nope", 1)


def test_finishing_keeps_the_score_and_changing_an_answer_reopens_it(case, instruments):
    check_in = instruments["parent-check-in"]
    administration = answer_all(case, instruments, TimePoint.BASELINE, 4, START)
    score = outcomes.finish(case, administration.id, check_in, MIDDLE)
    # five items at 4 and the reverse item "get_wrong" answered 4 counts 2: mean 22/6
    assert score.total == administration.total == 3.67
    assert administration.done and administration.completed_on == MIDDLE
    assert administration.instrument_title == check_in.title
    outcomes.answer(case, administration.id, check_in, "enjoy", 5)
    assert not administration.done and administration.total is None


def test_too_many_unanswered_questions_cannot_be_finished(case, instruments):
    check_in = instruments["parent-check-in"]
    one_missing = answer_all(case, instruments, TimePoint.BASELINE, 3, START, leave_out={"enjoy"})
    assert outcomes.finish(case, one_missing.id, check_in, START).missing == 1
    two_missing = answer_all(case, instruments, TimePoint.END, 3, END, leave_out={"enjoy", "calm"})
    with pytest.raises(ValidationError, match="2 questions are still unanswered; up to 1 may be left out"):
        outcomes.finish(case, two_missing.id, check_in, END)
    assert not two_missing.done


def test_a_typed_total_is_range_checked_and_banded(case, instruments):
    epds = instruments["epds"]
    with pytest.raises(ValidationError, match="from 0 to 30"):
        outcomes.enter_total(case, epds, TimePoint.BASELINE, 31, START)
    assert case.administrations == []
    outcomes.enter_total(case, epds, TimePoint.BASELINE, 15, START)
    outcomes.enter_total(case, epds, TimePoint.BASELINE, 14, START)  # a correction replaces it
    administration = case.administration("epds", TimePoint.BASELINE)
    assert len(case.administrations) == 1 and administration.typed_total == 14 and administration.band
    assert administration.band == epds.band(14).label

    check_in = instruments["parent-check-in"]
    typed = outcomes.enter_total(case, check_in, TimePoint.END, 3.5, END)
    assert typed.total == 3.5
    answered = answer_all(case, instruments, TimePoint.END, 4, END)  # the parent then answers on screen
    assert answered.typed_total is None and not answered.done


def test_results_compare_first_and_last_time_point(case, instruments):
    epds = instruments["epds"]
    outcomes.enter_total(case, epds, TimePoint.BASELINE, 18, START)
    outcomes.enter_total(case, epds, TimePoint.MID, 12, MIDDLE)
    outcomes.enter_total(case, epds, TimePoint.END, 6, END)
    answer_all(case, instruments, TimePoint.BASELINE, 3, START)  # started, never finished
    (result,) = outcomes.measure_results(case, instruments)
    assert result.instrument.id == "epds" and list(result.scores) == list(TimePoint)
    assert (result.change.pre, result.change.post, result.change.difference) == (18, 6, -12)
    assert result.change.verdict is None  # the EPDS definition gives no SD and reliability

    outcomes.remove(case, case.administration("epds", TimePoint.END).id)
    (result,) = outcomes.measure_results(case, instruments)
    assert result.change.post == 12
    outcomes.remove(case, case.administration("epds", TimePoint.MID).id)
    assert outcomes.measure_results(case, instruments)[0].change is None


def test_goal_change_is_reliable_from_three_points(case):
    moved = case.add_goal("I wait for Ada", 2, START)
    moved.rate(5, END)
    small = case.add_goal("I use a quiet voice", 4, START)
    small.rate(6, END)
    worse = case.add_goal("I sit with her", 8, START)
    worse.rate(5, END)
    case.add_goal("I sing with her", 6, START)
    case.add_goal("Unrated", None, START)
    changes = outcomes.goal_changes(case)
    assert [(c.first, c.last, c.difference, c.verdict) for c in changes] == [
        (2, 5, 3, Verdict.IMPROVED), (4, 6, 2, Verdict.NO_CHANGE),
        (8, 5, -3, Verdict.DETERIORATED), (6, 6, 0, None)]


def test_questionnaires_and_the_ending_are_stored_and_a_version_3_file_is_migrated(tmp_path, instruments):
    store = CaseStore(tmp_path)
    case = store.create(new_case("FAM", "Ada", START))

    def give(c):
        outcomes.enter_total(c, instruments["epds"], TimePoint.BASELINE, 14, START)
        answer_all(c, instruments, TimePoint.END, 5, END, leave_out={"calm"})
        c.ending.what_changed = "We laugh more <b>now</b>"
        c.ending.future_goals = ["I keep waiting for Ada"]

    store.update(case.id, give)
    loaded = store.load(case.id)
    assert [(a.instrument_id, a.time_point, a.total, len(a.answers)) for a in loaded.administrations] == [
        ("epds", TimePoint.BASELINE, 14, 0), ("parent-check-in", TimePoint.END, None, 5)]
    assert loaded.ending.what_changed == "We laugh more <b>now</b>"
    assert loaded.ending.future_goals == ["I keep waiting for Ada"]

    path = store.cases_dir / case.id / "case.json"
    raw = json.loads(path.read_text())
    del raw["administrations"]
    del raw["case"]["1"]["ending"]
    raw["_meta"]["1"]["schema"] = 3
    path.write_text(json.dumps(raw))
    old = store.load(case.id)
    assert old.administrations == [] and old.ending.what_changed == ""
    assert schema.SCHEMA_VERSION >= 4


def test_one_questionnaire_per_time_point_and_blank_future_goals_are_refused(case, instruments):
    outcomes.enter_total(case, instruments["epds"], TimePoint.BASELINE, 14, START)
    case.administrations.append(case.administrations[0].__class__(
        id="x", instrument_id="epds", time_point=TimePoint.BASELINE, started_on=START))
    with pytest.raises(ValidationError, match="once at each time point"):
        case.validate()
    case.administrations.pop()
    case.ending.future_goals = ["  "]
    with pytest.raises(ValidationError, match="goal for the future cannot be empty"):
        case.validate()


def test_an_uploaded_definition_is_kept_only_when_valid(tmp_path):
    from vig_core.storage.definitions import forget_own_instrument, save_own_instrument
    from vig_core.vocab.instruments import SHIPPED_DIR, DefinitionError, load_instruments
    good = json.loads((SHIPPED_DIR / "parent-check-in.json").read_text())
    good.update(id="my-check", title="My check-in")
    assert save_own_instrument(tmp_path, json.dumps(good).encode(), "upload.json").id == "my-check"
    assert load_instruments(tmp_path)[0]["my-check"].title == "My check-in"
    assert (tmp_path / "instruments" / "my-check.json").stat().st_mode & 0o077 == 0

    for content, message in [(b"\xff\xfe", "not a text file"), (b"{", "not valid JSON"),
                             (b" " * 1_000_001, "too large"),
                             (json.dumps(dict(good, id="other", kind="score-entry")).encode(), "are not allowed")]:
        with pytest.raises(DefinitionError, match=message):
            save_own_instrument(tmp_path, content, "upload.json")
    assert sorted(p.name for p in (tmp_path / "instruments").iterdir()) == ["my-check.json"]
    assert forget_own_instrument(tmp_path, "my-check") and not forget_own_instrument(tmp_path, "../x")


def test_all_scores_as_csv_with_stable_columns_and_no_formulas(case, instruments):
    import io

    import pandas as pd

    from vig_core.exports.score_table import COLUMNS, scores_csv
    goal = case.add_goal("=HYPERLINK(\"http://x\") é", 3, START)
    goal.rate(7, END, cycle=2)
    outcomes.enter_total(case, instruments["wemwbs"], TimePoint.BASELINE, 40, START)
    answer_all(case, instruments, TimePoint.END, 4, END, leave_out={"calm"})  # unfinished: not a score
    case.code = "-FAM"
    data = scores_csv(case, instruments)
    assert data.startswith("\ufeff".encode())
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(table.columns) == COLUMNS
    assert table[["measure_id", "time_point", "score", "how", "cycle"]].values.tolist() == [
        ["wemwbs", "baseline", "40", "typed total", ""], ["gbo", "start", "3", "goal rating", ""],
        ["gbo", "review", "7", "goal rating", "2"]]
    assert set(table["case_code"]) == {"'-FAM"}
    assert table["goal"].tolist()[1] == "Goal 1: =HYPERLINK(\"http://x\") é"  # starts with "Goal", stays text
