"""Which measures a practitioner sees, and how a score is written: with a key to what it means
("3.17 (average of 6 answers, 1–5)"), whole numbers without decimals ("71", not "71.00")."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from vig_core.case import outcomes
from vig_core.case.questionnaires import TimePoint
from vig_core.case.record import new_case
from vig_core.exports.score_table import scores_csv
from vig_core.printables.outcome_chart import measure_figure
from vig_core.vocab.instruments import load_instruments, measures_in_use, scale_note

DAY = date(2026, 1, 5)


@pytest.fixture
def found(tmp_path):
    return load_instruments(tmp_path)[0]


@pytest.fixture
def case():
    return new_case("FAM", "Ada", DAY, carer_name="Jo")


def check_in_at(case, found, answers: list[int]):
    check_in = found["parent-check-in"]
    administration = outcomes.start(case, check_in, TimePoint.BASELINE, DAY)
    for item, value in zip(check_in.items, answers, strict=True):
        outcomes.answer(case, administration.id, check_in, item.id, value)
    outcomes.finish(case, administration.id, check_in, DAY)
    return administration


def test_each_measure_has_a_key_to_its_scale(found):
    assert scale_note(found["parent-check-in"]) == "average of 6 answers, 1–5"
    assert scale_note(found["wemwbs"]) == "total, 14–70"
    assert scale_note(found["parent-check-in"], plain=True) == "the average of your 6 answers, from 1 to 5"


def test_a_score_in_words_has_its_key_and_no_needless_decimals(case, found):
    check_in = check_in_at(case, found, [3, 3, 3, 3, 3, 2])  # 19 / 6 = 3.1666...
    assert outcomes.progress(check_in, found["parent-check-in"]) == \
        "done 05 Jan 2026: 3.17 (average of 6 answers, 1–5)"
    outcomes.enter_total(case, found["wemwbs"], TimePoint.BASELINE, 68.0, DAY)
    typed = case.administration("wemwbs", TimePoint.BASELINE)
    assert outcomes.progress(typed, found["wemwbs"]) == "done 05 Jan 2026: 68 (total, 14–70), total typed in"


def test_the_chart_says_what_the_score_is(case, found):
    check_in_at(case, found, [3, 3, 3, 3, 3, 2])
    [result] = outcomes.measure_results(case, found)
    practitioner, plain = measure_figure(result, plain=False), measure_figure(result, plain=True)
    assert "Score: 3.17 (average of 6 answers, 1–5)" in practitioner.data[0].hovertext[0]
    assert "Your score: 3.17 (the average of your 6 answers, from 1 to 5)" in plain.data[0].hovertext[0]
    assert practitioner.layout.yaxis.title.text == "Average of 6 answers, 1–5 · higher is better"


def test_the_scores_csv_writes_whole_numbers_as_whole_numbers(case, found):
    check_in_at(case, found, [3, 3, 3, 3, 3, 2])
    outcomes.enter_total(case, found["wemwbs"], TimePoint.BASELINE, 68.0, DAY)
    case.add_goal("I listen first", 7, DAY)
    rows = list(csv.DictReader(io.StringIO(scores_csv(case, found).decode("utf-8-sig"))))
    assert [(r["measure_id"], r["score"]) for r in rows] == [("parent-check-in", "3.17"), ("wemwbs", "68"),
                                                            ("gbo", "7")]


def test_measures_in_use_are_the_check_in_and_own_ones_until_the_practitioner_chooses(found):
    assert measures_in_use(found, None, own={"mine"}) == ["parent-check-in"]  # "mine" is not installed here
    assert measures_in_use(found, None, own={"wemwbs"}) == ["parent-check-in", "wemwbs"]
    assert measures_in_use(found, ["wemwbs", "gone"], own=set()) == ["wemwbs"]  # a removed one is left out
    assert measures_in_use(found, [], own=set()) == []


def test_measures_given_to_the_family_stay_in_view_whatever_is_in_use(case, found):
    outcomes.enter_total(case, found["epds"], TimePoint.BASELINE, 4, DAY)
    shown, others = outcomes.measures_shown(case, found, ["wemwbs"])
    assert [i.id for i in shown] == [i for i in found if i in ("epds", "wemwbs")]  # in the library's order
    assert {i.id for i in others} == set(found) - {"epds", "wemwbs"}
