"""The outcome sentences and figures: checked by their words, traces, shapes and annotations, never by pixels."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from vig_core.case import outcomes
from vig_core.case.cycles import CycleStatus
from vig_core.case.questionnaires import TimePoint
from vig_core.case.record import Case, new_case
from vig_core.case.scoring import reliable_change
from vig_core.printables.outcome_chart import (
    NO_GOAL_RATINGS,
    change_sentence,
    goal_change_sentence,
    goals_figure,
    measure_figure,
    number,
)
from vig_core.vocab.instruments import SHIPPED_DIR, Instrument, load_instruments

START, MID, END = date(2026, 1, 12), date(2026, 3, 2), date(2026, 5, 4)
JARGON = ("RCI", "reliable change index", "SD", "GBO")
VERDICT_WORDS = ("real", "reliable", "improve", "worse", "ups and downs")


@pytest.fixture
def case() -> Case:
    return new_case("T-1", "Mia", date(2026, 1, 5))


@pytest.fixture
def instruments(tmp_path: Path) -> dict[str, Instrument]:
    found, warnings = load_instruments(tmp_path)
    assert not warnings
    return found


def epds_with_rci(tmp_path: Path) -> Instrument:
    """The shipped EPDS definition with an own SD and reliability (invented for the tests)."""
    definition = json.loads((SHIPPED_DIR / "epds.json").read_text(encoding="utf-8"))
    definition.update(sd=5.0, reliability=0.8)  # S_diff = √2 · 5 · √0.2 = 3.162
    own = tmp_path / "own"
    (own / "instruments").mkdir(parents=True)
    (own / "instruments" / "epds.json").write_text(json.dumps(definition), encoding="utf-8")
    found, warnings = load_instruments(own)
    assert not warnings and found["epds"].has_rci
    return found["epds"]


def result_of(case: Case, instrument: Instrument, totals: dict[TimePoint, float]) -> outcomes.MeasureResult:
    days = {TimePoint.BASELINE: START, TimePoint.MID: MID, TimePoint.END: END}
    for time_point, total in totals.items():
        outcomes.enter_total(case, instrument, time_point, total, days[time_point])
    [result] = outcomes.measure_results(case, {instrument.id: instrument})
    return result


def plain_text(sentence: str) -> None:
    for word in JARGON:
        assert word not in sentence
    assert "reliable change index" not in sentence.lower() and "rci" not in sentence.lower()


def score_trace(fig):
    [trace] = [t for t in fig.data if t.name == "Score"]
    return trace


def named(items, name: str) -> list:
    return [i for i in items if i.name == name]


# --- numbers and sentences ---------------------------------------------------
def test_numbers_keep_at_most_two_decimals_without_trailing_zeros():
    assert [number(v) for v in (2.5, 4.0, 17.333, 16, -0.001, 102.10)] == ["2.5", "4", "17.33", "16", "0", "102.1"]


def test_an_epds_fall_reads_as_an_improvement_and_says_the_number_went_down(case, tmp_path):
    epds = epds_with_rci(tmp_path)
    change = result_of(case, epds, {TimePoint.BASELINE: 16, TimePoint.END: 8}).change
    plain = change_sentence(epds, change, plain=True)
    assert plain.startswith("Your score went from 16 to 8 (down 8). This is a real improvement")
    plain_text(plain)
    practitioner = change_sentence(epds, change, plain=False)
    assert "Reliable improvement (RCI -2.53, |RCI| > 1.96)" in practitioner
    assert ("Band: At or above the 12/13 threshold: further assessment advised → Below the screening thresholds"
            in practitioner)


def test_a_rise_on_a_higher_is_worse_measure_is_a_change_for_the_worse(tmp_path):
    epds = epds_with_rci(tmp_path)
    change = reliable_change(epds, 8, 16)
    plain = change_sentence(epds, change, plain=True)
    assert plain.startswith("Your score went from 8 to 16 (up 8).") and "for the worse" in plain
    assert "improvement" not in plain
    plain_text(plain)
    assert "Reliable deterioration (RCI 2.53, |RCI| > 1.96)" in change_sentence(epds, change, plain=False)


def test_a_small_change_is_within_the_usual_ups_and_downs(tmp_path):
    epds = epds_with_rci(tmp_path)
    change = reliable_change(epds, 16, 13)  # -3 / 3.162 = -0.95
    plain = change_sentence(epds, change, plain=True)
    assert plain == ("Your score went from 16 to 13 (down 3). This change is within the usual ups and downs, "
                     "so we cannot be sure it is a real change.")
    practitioner = change_sentence(epds, change, plain=False)
    assert "No reliable change (RCI -0.95, |RCI| ≤ 1.96)" in practitioner and "Band:" not in practitioner


def test_a_higher_is_better_measure_with_rci_reads_a_rise_as_an_improvement(instruments):
    wemwbs = instruments["wemwbs"]  # SD 8.96, reliability .91: S_diff = 3.80
    up = change_sentence(wemwbs, reliable_change(wemwbs, 40, 50), plain=True)
    assert up.startswith("Your score went from 40 to 50 (up 10). This is a real improvement")
    down = change_sentence(wemwbs, reliable_change(wemwbs, 50, 40), plain=True)
    assert down.startswith("Your score went from 50 to 40 (down 10).") and "for the worse" in down
    assert "Reliable improvement (RCI 2.63" in change_sentence(wemwbs, reliable_change(wemwbs, 40, 50), plain=False)


def test_without_sd_and_reliability_there_is_only_the_raw_change(case, instruments):
    epds = instruments["epds"]  # the shipped definition gives no SD and reliability
    change = result_of(case, epds, {TimePoint.BASELINE: 16, TimePoint.END: 8}).change
    assert change.verdict is None
    assert change_sentence(epds, change, plain=True) == "Your score went from 16 to 8 (down 8)."
    practitioner = change_sentence(epds, change, plain=False)
    assert practitioner.startswith("Score went from 16 to 8 (down 8). No reliable-change verdict: "
                                   "the definition gives no SD and reliability.")
    assert "Band: At or above" in practitioner and "RCI" not in practitioner


def test_no_instrument_without_rci_gets_verdict_words(instruments):
    without = [i for i in instruments.values() if not i.has_rci]
    assert {"psoc", "parent-check-in", "psi-4-sf"} <= {i.id for i in without}
    for instrument in without:
        low, high = instrument.minimum, instrument.maximum
        for pre, post in ((low, high), (high, low)):
            sentence = change_sentence(instrument, reliable_change(instrument, pre, post), plain=True)
            assert not any(word in sentence.lower() for word in VERDICT_WORDS), sentence
            plain_text(sentence)


def test_a_mean_score_keeps_its_decimal_and_an_unchanged_score_says_so(instruments):
    check_in = instruments["parent-check-in"]
    assert change_sentence(check_in, reliable_change(check_in, 2.5, 4.0), plain=True) == \
        "Your score went from 2.5 to 4 (up 1.5)."
    assert change_sentence(check_in, reliable_change(check_in, 3.0, 3.0), plain=True) == "Your score stayed at 3."


def test_goal_sentences_use_the_three_point_rule(case):
    goal = case.add_goal("I will follow my child's lead at bath time", 3, START)
    goal.rate(7, END, cycle=2)
    other = case.add_goal("I will notice when she looks at me", 5, START)
    other.rate(6, END)
    third = case.add_goal("I will sit with her at bedtime", 8, START)
    third.rate(4, END)
    only_once = case.add_goal("I will play on the floor", 2, MID)
    up, small, down, once = outcomes.goal_changes(case)
    plain = goal_change_sentence(up, plain=True)
    assert plain.startswith("Your rating went from 3 to 7 out of 10 (up 4 points). This is a real step forward")
    plain_text(plain)
    assert goal_change_sentence(up, plain=False) == (
        "Rating went from 3 to 7/10 (up 4 points). Reliable improvement (GBO reliable change: 3 points or more).")
    assert "(up 1 point)" in goal_change_sentence(small, plain=True)
    assert "cannot be sure" in goal_change_sentence(small, plain=True)
    assert "No reliable change (GBO reliable change: 3 points or more)" in goal_change_sentence(small, plain=False)
    assert "(down 4 points)" in goal_change_sentence(down, plain=True)
    assert "for the worse" in goal_change_sentence(down, plain=True)
    assert "Reliable deterioration" in goal_change_sentence(down, plain=False)
    assert once.goal is only_once
    for sentence in (goal_change_sentence(once, plain=True), goal_change_sentence(once, plain=False)):
        assert "2" in sentence and not any(w in sentence.lower() for w in ("real ", "reliable", "improve", "worse"))


# --- the measure figure ------------------------------------------------------
def test_measure_figure_shows_each_finished_score_in_time_point_order(case, instruments):
    check_in = instruments["parent-check-in"]
    scored = ([2, 3] * len(check_in.items))[:len(check_in.items)]  # each item's score after reversal
    for time_point, day, shift in ((TimePoint.END, END, 2), (TimePoint.BASELINE, START, 0)):  # end given first
        administration = outcomes.start(case, check_in, time_point, day)
        for item, value in zip(check_in.items, scored, strict=True):
            answer = 6 - (value + shift) if item.reverse else value + shift  # options 1-5
            outcomes.answer(case, administration.id, check_in, item.id, answer)
        outcomes.finish(case, administration.id, check_in, day)
    outcomes.start(case, check_in, TimePoint.MID, MID)  # begun, not finished: not a point
    [result] = outcomes.measure_results(case, instruments)
    baseline = round(sum(scored) / len(scored), 2)

    fig = measure_figure(result, plain=True)
    trace = score_trace(fig)
    assert list(trace.y) == [baseline, baseline + 2]
    assert list(trace.text) == [number(baseline), number(baseline + 2)]
    assert [x.split("<br>") for x in trace.x] == [["At the start", "12 Jan 2026"], ["At the end", "4 May 2026"]]
    assert "lines" in trace.mode and "markers" in trace.mode and trace.line.shape == "linear"
    assert list(fig.layout.yaxis.range) == pytest.approx([0.8, 5.2])
    assert fig.layout.yaxis.title.text == "Higher is better"
    assert not named(fig.layout.shapes, "band") and not fig.layout.annotations  # the check-in has no bands
    assert fig.layout.title.text == "How you feel with your child"
    assert fig.layout.font.size >= 16
    assert fig.layout.meta == {"figure": "measure", "instrument": "parent-check-in"}
    assert "score" in trace.hovertext[0].lower()
    practitioner = measure_figure(result, plain=False)
    assert practitioner.layout.title.text == "Parent check-in (not a validated measure)"
    assert list(score_trace(practitioner).y) == list(trace.y)


def test_measure_figure_shades_every_band_in_soft_colours_with_its_label(case, instruments):
    epds = instruments["epds"]
    result = result_of(case, epds, {TimePoint.BASELINE: 16, TimePoint.MID: 11, TimePoint.END: 8})
    for plain in (True, False):
        fig = measure_figure(result, plain=plain)
        assert list(score_trace(fig).y) == [16, 11, 8]
        assert [x.split("<br>")[0] for x in score_trace(fig).x] == ["At the start", "Midway", "At the end"]
        shapes = named(fig.layout.shapes, "band")
        assert len(shapes) == len(epds.bands) == 3
        assert [(s.y0, s.y1) for s in shapes] == [(b.low, b.high) for b in epds.bands]
        assert all(s.type == "rect" and s.layer == "below" for s in shapes)
        colours = [s.fillcolor for s in shapes]
        assert len(set(colours)) == len(colours)
        for colour in colours:  # neutral: red, green and blue close together (no traffic lights)
            red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
            assert max(red, green, blue) - min(red, green, blue) <= 40 and min(red, green, blue) >= 190
        annotations = named(fig.layout.annotations, "band")
        assert [a.text.replace("<br>", " ") for a in annotations] == [b.label for b in epds.bands]
        assert all(b.low <= a.y <= b.high for a, b in zip(annotations, epds.bands, strict=True))
        assert list(fig.layout.yaxis.range) == pytest.approx([-1.5, 31.5])
        assert fig.layout.yaxis.title.text == ("Lower is better" if plain else "Total, 0–30 · lower is better")
        assert fig.layout.template.layout.plot_bgcolor == "white"
    assert measure_figure(result, plain=True).layout.title.text == "Your mood over the past week"
    assert measure_figure(result, plain=False).layout.title.text == "Edinburgh Postnatal Depression Scale (EPDS)"


def test_a_single_score_is_a_single_point(case, instruments):
    result = result_of(case, instruments["psoc"], {TimePoint.MID: 60})
    trace = score_trace(measure_figure(result, plain=False))
    assert list(trace.y) == [60] and trace.x[0].startswith("Midway")


# --- the goals figure --------------------------------------------------------
def goals_case(case: Case) -> Case:
    long_text = "I will follow my child's lead when we play, waiting and watching before I say anything at all"
    first = case.add_goal(long_text, 3, START)
    first.rate(5, MID, cycle=1)
    first.rate(8, END, cycle=2)
    case.add_goal("I will never be rated", None, START)
    retired = case.add_goal("I will get out of the house every day", 6, START)
    retired.rate(4, MID, cycle=1)
    retired.retired_on = MID
    retired.set_shown_when_retired(True)  # the practitioner chose to keep it in the family's charts
    for number_, day, status in ((1, date(2026, 3, 3), CycleStatus.REVIEWED),
                                 (2, date(2026, 4, 14), CycleStatus.REVIEWED),
                                 (3, date(2026, 5, 20), CycleStatus.FILMED)):  # booked, not yet held
        cycle = case.cycle(number_)
        cycle.review_date, cycle.status = day, status
    case.cycle(1).review_notes = "PRIVATE review note"
    case.practitioner_notes = "PRIVATE practitioner note"
    return case


def test_goals_figure_has_one_trace_per_rated_goal(case):
    goals_case(case)
    fig = goals_figure(case, plain=True)
    assert [t.name for t in fig.data] == ["Goal 1", "Goal 3"]  # numbered by place among the goals shown
    first, retired = fig.data
    assert list(first.x) == [START, MID, END] and list(first.y) == [3, 5, 8]
    assert list(retired.x) == [START, MID] and list(retired.y) == [6, 4]
    assert (first.meta, retired.meta) == (case.goals[0].id, case.goals[2].id)
    assert first.line.dash == "solid" and retired.line.dash == "dot"
    assert first.hovertext[0].startswith("Goal 1: I will follow my child's lead")
    shown = first.hovertext[0].split("<br>")[0].removeprefix("Goal 1: ")
    assert shown.endswith("…") and len(shown) <= 60
    assert "I will get out of the house every day" in retired.hovertext[0]
    assert list(fig.layout.yaxis.range) == [-0.3, 10.3] and fig.layout.yaxis.dtick == 1
    for colour in fig.layout.colorway:  # goals are told apart, never judged: no red, no green
        red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        assert not (green > red + 60 and green > blue + 60) and not (red > green + 100 and red > blue + 100)
    assert fig.layout.title.text == "Your goals, 0 to 10" and fig.layout.font.size >= 16
    assert goals_figure(case, plain=False).layout.title.text == "Goal Based Outcomes (0–10)"


def test_review_lines_mark_only_the_reviews_held(case):
    goals_case(case)
    for plain in (True, False):
        fig = goals_figure(case, plain=plain)
        lines = named(fig.layout.shapes, "review")
        assert [(s.x0, s.x1, s.yref, s.y0, s.y1) for s in lines] == [
            ("2026-03-03", "2026-03-03", "paper", 0, 1), ("2026-04-14", "2026-04-14", "paper", 0, 1)]
        assert all(s.type == "line" and s.line.dash == "dash" for s in lines)
        labels = named(fig.layout.annotations, "review")
        assert [(a.text, a.x) for a in labels] == [("Shared review 1", "2026-03-03"),
                                                   ("Shared review 2", "2026-04-14")]


def test_a_reviewed_cycle_without_a_date_draws_no_line(case):
    case.add_goal("I will sing with him", 4, START)
    case.cycle(1).status = CycleStatus.REVIEWED
    assert not named(goals_figure(case, plain=True).layout.shapes, "review")


def test_nothing_private_reaches_a_figure(case, instruments):
    goals_case(case)
    result = result_of(case, instruments["epds"], {TimePoint.BASELINE: 16, TimePoint.END: 8})
    for plain in (True, False):
        for fig in (goals_figure(case, plain=plain), measure_figure(result, plain=plain)):
            assert "PRIVATE" not in fig.to_json()
    assert "RCI" not in measure_figure(result, plain=True).to_json()


def test_goals_figure_without_ratings_says_so(case):
    case.add_goal("I will wait for her to look at me", None, START)
    case.cycle(1).review_date, case.cycle(1).status = date(2026, 2, 2), CycleStatus.REVIEWED
    for plain in (True, False):
        fig = goals_figure(case, plain=plain)
        assert not fig.data
        assert [a.text for a in fig.layout.annotations] == [NO_GOAL_RATINGS] == ["No goal ratings yet"]
        assert fig.layout.annotations[0].visible is not False
        assert not fig.layout.shapes
    assert goals_figure(new_case("T-2", "Sam", START), plain=True).layout.annotations[0].text == NO_GOAL_RATINGS


def test_goals_rated_on_one_day_only_get_a_week_either_side(case):
    case.add_goal("I wait for her", 3, date(2026, 1, 5))
    axis = goals_figure(case, plain=True).layout.xaxis
    assert list(axis.range) == ["2025-12-29", "2026-01-12"]
    case.goals[0].rate(5, date(2026, 2, 2))
    assert goals_figure(case, plain=True).layout.xaxis.range is None  # two days: plotly spans them itself
