"""Questionnaire definitions and scoring, against hand-computed cases, plus property tests."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vig_core.case.scoring import Verdict, clinical_cutoff, reliable_change, score_entry, score_items
from vig_core.errors import ValidationError
from vig_core.vocab.instruments import DefinitionError, load_instruments, parse_instrument, read_instrument


def check_in(**changes) -> dict:
    """A small own check-in: 4 items scored 1-5, item "hard" reversed, two subscales."""
    definition = {
        "id": "mini", "title": "Mini check-in (not a validated measure)", "kind": "items", "validated": False,
        "citation": "Written for the tests.", "licence": "Free to use.",
        "score": {"min": 4, "max": 20, "higher_is": "better", "rule": "sum", "max_missing": 1},
        "options": [{"value": v, "label": str(v)} for v in range(1, 6)],
        "items": [{"id": "enjoy", "text": "I enjoy time with my child"},
                  {"id": "notice", "text": "I notice what my child likes"},
                  {"id": "calm", "text": "I stay calm"},
                  {"id": "hard", "text": "I often get things wrong", "reverse": True}],
        "subscales": [{"id": "joy", "title": "Enjoyment", "items": ["enjoy", "notice"]},
                      {"id": "steady", "title": "Steadiness", "items": ["calm", "hard"]}],
        "bands": [{"from": 4, "to": 11, "label": "Finding it hard"}, {"from": 12, "to": 20, "label": "Going well"}],
        "sd": 3.0, "reliability": 0.8, "norms_source": "Invented for the tests.",
    }
    definition.update(changes)
    return definition


SCORE_ENTRY = {
    "id": "worse", "title": "A licensed measure (score entry)", "kind": "score-entry", "validated": True,
    "citation": "Someone (2000).", "licence": "Use your own licensed copy.",
    "score": {"min": 0, "max": 40, "higher_is": "worse"},
    "bands": [{"from": 0, "to": 13, "label": "Close to average"}, {"from": 14, "to": 40, "label": "Raised"}],
    "sd": 5.0, "reliability": 0.82, "norms_source": "Invented for the tests.",
}


def test_reverse_scoring_subscales_and_bands_by_hand():
    mini = parse_instrument(check_in(), "mini.json")
    score = score_items(mini, {"enjoy": 5, "notice": 4, "calm": 3, "hard": 2})  # hard 2 -> 4
    assert (score.total, score.missing, score.band.label) == (16, 0, "Going well")
    assert score.subscales == {"joy": 9, "steady": 7}


def test_a_missing_item_is_prorated_and_too_many_give_no_score():
    mini = parse_instrument(check_in(), "mini.json")
    one_missing = score_items(mini, {"enjoy": 5, "notice": 4, "calm": None, "hard": 2})
    assert one_missing.total == 17.33 and one_missing.missing == 1  # (5 + 4 + 4) / 3 * 4, 2 decimals
    assert one_missing.subscales == {"joy": 9, "steady": None}  # a subscale may not miss half its items
    two_missing = score_items(mini, {"enjoy": 5, "notice": 4})
    assert (two_missing.total, two_missing.band, two_missing.missing) == (None, None, 2)
    mean_rule = parse_instrument(check_in(score={"min": 1, "max": 5, "higher_is": "better", "rule": "mean",
                                                 "max_missing": 1}, bands=[]), "mini.json")
    assert score_items(mean_rule, {"enjoy": 5, "notice": 4, "calm": 3, "hard": 2}).total == 4.0


def test_answers_outside_the_options_and_unknown_items_are_refused():
    mini = parse_instrument(check_in(), "mini.json")
    with pytest.raises(ValidationError, match="“7” is not one of the answers to “I stay calm”"):
        score_items(mini, {"calm": 7})
    with pytest.raises(ValidationError, match="no item “sleep”"):
        score_items(mini, {"sleep": 3})


def test_score_entry_checks_the_range():
    measure = parse_instrument(SCORE_ENTRY, "worse.json")
    assert score_entry(measure, 14).band.label == "Raised"
    with pytest.raises(ValidationError, match="from 0 to 40, not 41"):
        score_entry(measure, 41)
    with pytest.raises(ValidationError, match="must be a number"):
        score_entry(measure, float("nan"))
    with pytest.raises(ValidationError, match="not item by item"):
        score_items(measure, {})


def test_reliable_change_reads_the_direction_of_the_measure():
    worse = parse_instrument(SCORE_ENTRY, "worse.json")
    s_diff = math.sqrt(2) * 5.0 * math.sqrt(1 - 0.82)  # 3.0
    fall = reliable_change(worse, 20, 12)  # down 8 on a "higher is worse" measure
    assert fall.rci == pytest.approx(-8 / s_diff) and fall.verdict is Verdict.IMPROVED
    assert fall.crossed == "Raised → Close to average"
    assert reliable_change(worse, 12, 20).verdict is Verdict.DETERIORATED
    assert reliable_change(worse, 20, 15).verdict is Verdict.NO_CHANGE  # 5 / 3.0 = 1.67 < 1.96
    better = parse_instrument(check_in(), "mini.json")  # SD 3, r .8: S_diff = 1.897
    assert reliable_change(better, 8, 12).verdict is Verdict.IMPROVED  # +4 / 1.897 = 2.11
    assert reliable_change(better, 8, 11).verdict is Verdict.NO_CHANGE
    unknown = parse_instrument({**SCORE_ENTRY, "sd": None, "reliability": None}, "worse.json")
    change = reliable_change(unknown, 20, 10)
    assert (change.difference, change.rci, change.verdict) == (-10, None, None)  # raw change, no verdict


def test_clinical_cutoff_by_hand():
    assert clinical_cutoff(mean_clinical=20, sd_clinical=6, mean_general=10, sd_general=4) == pytest.approx(14.0)


@pytest.mark.parametrize(("change", "message"), [
    ({"id": "no spaces"}, "mini.json: “id” must be a short name"),
    ({"kind": "quiz"}, "“kind” must be one of items, score-entry"),
    ({"score": {"min": 5, "max": 1, "higher_is": "better"}}, "“score.min” and “score.max” must be numbers"),
    ({"score": {"min": 4, "max": 20, "higher_is": "up"}}, "“score.higher_is” must be “better” or “worse”"),
    ({"score": {"min": 0, "max": 20, "higher_is": "better"}}, "items and options give 4 to 20"),
    ({"bands": [{"from": 4, "to": 12, "label": "a"}, {"from": 12, "to": 20, "label": "b"}]}, "“bands” overlap"),
    ({"bands": [{"from": 0, "to": 30, "label": "a"}]}, "band 1 goes outside the score range"),
    ({"sd": None}, "“sd” and “reliability” must be given together"),
    ({"reliability": 1.2}, "“reliability” must be a number between 0 and 1"),
    ({"items": [{"id": "a", "text": ""}]}, "item 1 must have an “id”, a “text”"),
    ({"subscales": [{"id": "x", "title": "X", "items": ["nope"]}]}, "subscale 1 names items that do not exist: nope"),
])
def test_a_malformed_definition_names_the_field_and_the_problem(change, message):
    with pytest.raises(DefinitionError) as error:
        parse_instrument(check_in(**change), "mini.json")
    assert message in str(error.value)


def test_every_problem_is_reported_and_licensed_item_text_is_refused():
    with pytest.raises(DefinitionError) as error:
        parse_instrument({**SCORE_ENTRY, "title": "", "validated": "yes", "items": [{"id": "q1", "text": "x"}]},
                         "worse.json")
    assert len(error.value.problems) == 3
    assert any("not allowed in a score-entry definition" in p for p in error.value.problems)


def test_own_definitions_load_beside_shipped_ones_and_broken_ones_are_named(tmp_path):
    own = tmp_path / "instruments"
    own.mkdir()
    (own / "mini.json").write_text(json.dumps(check_in()))
    (own / "broken.json").write_text("{not json")
    (own / "renamed.json").write_text(json.dumps(check_in()))
    found, warnings = load_instruments(tmp_path)
    assert found["mini"].title.startswith("Mini check-in")
    assert any("broken.json: not valid JSON" in w for w in warnings)
    assert any("renamed.json: “id” is “mini” but must match the file name" in w for w in warnings)
    assert read_instrument(own / "mini.json").items[3].reverse is True


def test_every_shipped_definition_is_valid(tmp_path):
    found, warnings = load_instruments(tmp_path)
    assert warnings == []
    for instrument in found.values():
        if instrument.validated:  # licensed measures: totals only, never item text
            assert instrument.kind == "score-entry" and not instrument.items


@st.composite
def definitions(draw):
    """Definitions of every shape the validator accepts (and some it refuses)."""
    values = sorted(draw(st.sets(st.integers(-3, 9), min_size=2, max_size=6)))
    n = draw(st.integers(1, 8))
    rule = draw(st.sampled_from(["sum", "mean"]))
    low, high = (values[0] * n, values[-1] * n) if rule == "sum" else (values[0], values[-1])
    items = [{"id": f"i{k}", "text": f"Item {k}", "reverse": draw(st.booleans())} for k in range(n)]
    cut = draw(st.integers(low, high))
    bands = draw(st.sampled_from([[], [{"from": low, "to": cut, "label": "low"}] +
                                  ([{"from": cut + 1, "to": high, "label": "high"}] if cut < high else [])]))
    sd = draw(st.one_of(st.none(), st.floats(0.1, 50)))
    return {"id": "gen", "title": "Generated", "kind": "items", "validated": False, "citation": "c", "licence": "l",
            "score": {"min": low, "max": high, "higher_is": draw(st.sampled_from(["better", "worse"])),
                      "rule": rule, "max_missing": draw(st.integers(0, n))},
            "options": [{"value": v, "label": str(v)} for v in values], "items": items,
            "subscales": [{"id": "s", "title": "S", "items": [i["id"] for i in items[: max(1, n // 2)]]}],
            "bands": bands, "sd": sd, "reliability": None if sd is None else draw(st.floats(0.01, 0.99)),
            "norms_source": "generated"}


@settings(max_examples=200, deadline=None)
@given(definitions(), st.data())
def test_scoring_never_fails_on_a_definition_that_validates(definition, data):
    try:
        instrument = parse_instrument(definition, "gen.json")
    except DefinitionError:
        return
    values = [o.value for o in instrument.options]
    answers = {i.id: data.draw(st.one_of(st.none(), st.sampled_from(values))) for i in instrument.items}
    score = score_items(instrument, answers)
    if score.total is not None:
        assert instrument.minimum - 1e-9 <= score.total <= instrument.maximum + 1e-9
        assert score.band is None or score.band.holds(score.total) or not instrument.bands
        change = reliable_change(instrument, instrument.minimum, score.total)
        assert (change.verdict is None) == (not instrument.has_rci)
