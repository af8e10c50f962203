"""Agreement between two coders (vig_core/case/agreement.py): pairing and the statistics,
each checked against figures worked out by hand."""

from __future__ import annotations

import math
from datetime import date

import pytest

from vig_core.case.agreement import (
    ONLY_A,
    ONLY_B,
    agreement,
    alpha,
    check_coders,
    kappa,
    pair_moments,
    reliability_data,
)
from vig_core.case.film import ME, Moment, Turn
from vig_core.case.record import new_case
from vig_core.errors import NotFoundError, ValidationError

IDS = ["attentive", "encouraging", "receiving"]


def moment(time: float, *principles: str, coder: str = ME, turn: Turn | None = None, rid: str = "r1") -> Moment:
    return Moment(id=f"{coder}-{time}", recording_id=rid, time=time, principles=list(principles), coder=coder,
                  turn=turn)


def times(pairing) -> list[tuple[float, float]]:
    return [(p.a.time, p.b.time) for p in pairing.pairs]


def test_no_overlap_pairs_nothing():
    a, b = [moment(1.0), moment(5.0)], [moment(3.0, coder="S"), moment(9.0, coder="S")]
    pairing = pair_moments(a, b, 1.0)
    assert pairing.pairs == () and pairing.only_a == tuple(a) and pairing.only_b == tuple(b)
    result = agreement(a, b, IDS)
    assert all(p.kappa is None and p.kappa_note == "no paired moments" and p.percent is None
               for p in result.principles)
    assert result.alpha is None and result.alpha_note == "no paired moments"
    assert [(d.kind, d.time) for d in result.disagreements] == [(ONLY_A, 1.0), (ONLY_B, 3.0), (ONLY_A, 5.0),
                                                                (ONLY_B, 9.0)]


def test_the_tolerance_is_inclusive_and_a_pair_never_further_apart():
    a, b = [moment(10.0)], [moment(11.0, coder="S")]
    assert times(pair_moments(a, b, 1.0)) == [(10.0, 11.0)]
    assert times(pair_moments(a, b, 0.9)) == []
    assert pair_moments(a, b, 1.0).pairs[0].difference == pytest.approx(1.0)


def test_perfect_agreement():
    a = [moment(1.0, "attentive"), moment(4.0, "encouraging", "receiving"), moment(8.0, "attentive", "receiving")]
    b = [moment(1.2, "attentive", coder="S"), moment(3.5, "encouraging", "receiving", coder="S"),
         moment(8.0, "receiving", "attentive", coder="S")]
    result = agreement(a, b, IDS, coder_b="S")
    assert times(result.pairing) == [(1.0, 1.2), (4.0, 3.5), (8.0, 8.0)]
    assert [(p.principle, p.agreed, p.percent, p.kappa) for p in result.principles] == [
        ("attentive", 3, 100.0, 1.0), ("encouraging", 3, 100.0, 1.0), ("receiving", 3, 100.0, 1.0)]
    assert result.alpha == pytest.approx(1.0) and result.disagreements == ()


def test_one_coder_empty():
    a = [moment(1.0, "attentive"), moment(2.0)]
    result = agreement(a, [], IDS)
    assert result.pairing.pairs == () and len(result.pairing.only_a) == 2 and result.pairing.only_b == ()
    assert result.alpha is None and all(p.kappa is None for p in result.principles)
    assert [(d.kind, d.a_says, d.b_says) for d in result.disagreements] == [
        (ONLY_A, "attentive", "no moment"), (ONLY_A, "not coded", "no moment")]


def test_ties_within_the_tolerance_go_nearest_first_then_to_the_earlier_moment():
    # B at 5.0 is 0.4 from A at 4.6 and from A at 5.4: the tie goes to the earlier A moment;
    # A at 5.4 then takes B at 6.3 (0.9 away), still within the tolerance.
    a = [moment(4.6), moment(5.4)]
    b = [moment(5.0, coder="S"), moment(6.3, coder="S")]
    assert times(pair_moments(a, b, 1.0)) == [(4.6, 5.0), (5.4, 6.3)]
    # Nearest first, not first come: A at 2.0 is nearer to B at 2.7 than A at 1.8 is, so A at 1.8 is left.
    a = [moment(1.8), moment(2.0)]
    b = [moment(2.7, coder="S")]
    pairing = pair_moments(a, b, 1.0)
    assert times(pairing) == [(2.0, 2.7)] and [m.time for m in pairing.only_a] == [1.8]
    # One A moment between two B moments equally far: the earlier B moment.
    pairing = pair_moments([moment(3.0)], [moment(2.5, coder="S"), moment(3.5, coder="S")], 1.0)
    assert times(pairing) == [(3.0, 2.5)] and [m.time for m in pairing.only_b] == [3.5]


def test_kappa_is_undefined_when_both_coders_give_one_same_answer_throughout():
    assert kappa([False, False, False], [False, False, False]) == (
        None, "both coders said absent on every paired moment, so agreement by chance is already complete")
    assert kappa([True, True], [True, True])[0] is None
    assert kappa([], []) == (None, "no paired moments")
    assert kappa([True, True], [False, False]) == (0.0, "")  # always disagreeing: no better than chance


def test_kappa_of_a_small_table_worked_by_hand():
    # both present 4, both absent 3, A only 2, B only 1 (10 pairs): po = 0.7;
    # pe = 0.6 × 0.5 + 0.4 × 0.5 = 0.5; kappa = (0.7 − 0.5) / (1 − 0.5) = 0.4
    a = [True] * 4 + [False] * 3 + [True, True, False]
    b = [True] * 4 + [False] * 3 + [False, False, True]
    value, note = kappa(a, b)
    assert value == pytest.approx(0.4) and note == ""


def test_alpha_of_the_same_table_worked_by_hand():
    # Coincidences: o11 = 8, o00 = 6, o01 = o10 = 3; n = 20, n1 = 11, n0 = 9.
    # Do = 6/20; De = 2·11·9/(20·19) = 198/380; alpha = 1 − Do/De = 1 − 114/198 = 14/33
    a = [1.0] * 4 + [0.0] * 3 + [1.0, 1.0, 0.0]
    b = [1.0] * 4 + [0.0] * 3 + [0.0, 0.0, 1.0]
    assert alpha([a, b])[0] == pytest.approx(14 / 33)


def test_alpha_matches_the_krippendorff_documentation_example():
    # The reliability data of the krippendorff package's README (Krippendorff's own example): nominal 0.691.
    rows = ("*    *    *    *    *    3    4    1    2    1    1    3    3    *    3",
            "1    *    2    1    3    3    4    3    *    *    *    *    *    *    *",
            "*    *    2    1    3    4    4    *    2    1    1    3    3    *    4")
    data = [[math.nan if v == "*" else float(v) for v in row.split()] for row in rows]
    assert alpha(data)[0] == pytest.approx(0.691, abs=5e-4)


def test_alpha_undefined_when_every_paired_answer_is_the_same():
    value, note = alpha([[0.0, 0.0, 1.0], [0.0, 0.0, math.nan]])
    assert value is None and "every answer on the paired moments is the same (absent)" in note


def test_reliability_data_is_moment_by_principle_with_the_missing_coder_missing():
    a = [moment(1.0, "attentive"), moment(9.0, "receiving")]
    b = [moment(1.5, "attentive", "encouraging", coder="S"), moment(20.0, coder="S")]
    data = reliability_data(pair_moments(a, b, 1.0), IDS)
    # units: the pair (1.0, 1.5) × 3 principles, A's 9.0 × 3 (B missing), B's 20.0 × 3 (A missing)
    assert [[None if math.isnan(v) else v for v in row] for row in data] == [
        [1, 0, 0, 0, 0, 1, None, None, None], [1, 1, 0, None, None, None, 0, 0, 0]]


def test_a_full_example_figures_and_disagreements():
    a = [moment(1.0, "attentive", turn=Turn.CHILD_INITIATIVE), moment(4.0, "attentive", "receiving"),
         moment(7.0, "encouraging"), moment(12.0, "attentive")]
    b = [moment(1.4, "attentive", coder="S", turn=Turn.CHILD_INITIATIVE), moment(4.8, "attentive", coder="S"),
         moment(7.1, "encouraging", "receiving", coder="S"), moment(30.0, coder="S")]
    result = agreement(a, b, IDS, coder_a=ME, coder_b="S")
    assert (len(result.pairing.pairs), len(result.pairing.only_a), len(result.pairing.only_b)) == (3, 1, 1)
    receiving = result.principles[2]
    assert (receiving.agreed, receiving.pairs) == (1, 3) and receiving.percent == pytest.approx(100 / 3)
    # receiving: A = [0, 1, 0], B = [0, 0, 1]: po = 1/3, pe = 1/3·1/3 + 2/3·2/3 = 5/9, kappa = (3/9 − 5/9)/(4/9) = −0.5
    assert receiving.kappa == pytest.approx(-0.5)
    assert result.kappas["attentive"] == 1.0
    assert result.kappas["encouraging"] == 1.0
    assert (result.turn_pairs, result.turn_agreed) == (1, 1)
    assert [(d.time_a, d.time_b, d.principle, d.a_says, d.b_says, d.kind) for d in result.disagreements] == [
        (4.0, 4.8, "receiving", "present", "absent", "principle"),
        (7.0, 7.1, "receiving", "absent", "present", "principle"),
        (12.0, None, "", "attentive", "no moment", ONLY_A),
        (None, 30.0, "", "no moment", "not coded", ONLY_B)]
    assert result.alpha is not None and -1 <= result.alpha <= 1


def test_a_principle_removed_from_the_file_still_counts():
    result = agreement([moment(1.0, "old")], [moment(1.0, "old", coder="S")], IDS)
    assert [p.principle for p in result.principles] == [*IDS, "old"]


def test_the_tolerance_is_checked():
    for wrong in (0.0, 5.5, math.nan, -1.0):
        with pytest.raises(ValidationError, match="between 0.1 and 5 seconds"):
            agreement([], [], IDS, tolerance=wrong)
    assert agreement([], [], IDS, tolerance=5.0).pairing.tolerance == 5.0


def test_coders_of_a_recording_and_unknown_coders():
    moments = [moment(1.0), moment(2.0, coder="Supervisor"), moment(3.0, coder="Anna"),
               moment(4.0, coder="Other", rid="r2")]
    case = new_case("FAM-1", "Ada", date(2026, 11, 1))
    case.moments = moments
    assert case.coders_of("r1") == [ME, "Anna", "Supervisor"]
    assert new_case("FAM-2", "Ben", date(2026, 11, 1)).coders_of("r1") == [ME]
    check_coders(case.coders_of("r1"), ME, "Supervisor")
    with pytest.raises(NotFoundError, match="no coder “Other”"):
        check_coders(case.coders_of("r1"), ME, "Other")
    with pytest.raises(ValidationError, match="two different coders"):
        check_coders(case.coders_of("r1"), "Anna", "Anna")
