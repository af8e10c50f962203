"""The films' turn-taking joined cycle by cycle, and its chart: from constructed figures, no film and no ffmpeg."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from vig_core.case.cycle_figures import CycleTurnTaking, combined, turn_taking_by_cycle
from vig_core.case.episodes import TurnTaking, turn_taking
from vig_core.case.film import Recording
from vig_core.case.record import Case, new_case
from vig_core.case.voices import LISTENING_VERSION, Listening, Stretch, voice_boundary
from vig_core.printables.outcome_chart import ANSWERED_TRACE, TURN_TAKING_CAPTION, TURNS_TRACE, turn_taking_figure

CHILD, MOTHER = 320.0, 215.0


def recording(rid: str, cycle: int) -> Recording:
    return Recording(id=rid, cycle=cycle, title=f"Play {rid}", original_name="play.mov",
                     imported_at=datetime(2026, 1, 6), playable=f"recordings/{rid}/film.mp4", duration=120.0,
                     fps=25, width=640, height=360, has_audio=True)


def figures(minutes: float, initiatives: int, answered: int, turns: int,
            child_talk: float = 10.0, adult_talk: float = 30.0) -> TurnTaking:
    return TurnTaking(minutes=minutes, child_initiatives=initiatives, answered=answered,
                      conversational_turns=turns, child_talk_seconds=child_talk, adult_talk_seconds=adult_talk)


@pytest.fixture
def case() -> Case:
    case = new_case("FAM", "Ada", date(2026, 1, 5))
    for rid, cycle in [("a", 1), ("b", 1), ("c", 2), ("d", 3), ("e", 3)]:
        case.add_recording(recording(rid, cycle))
    return case


def test_one_heard_recording_gives_its_cycle_its_own_figures(case):
    only = figures(10.0, 8, 6, 30)
    (point,) = turn_taking_by_cycle(case, {"c": only})
    assert point == CycleTurnTaking(cycle=2, recordings=1, figures=only)


def test_a_cycles_recordings_are_joined_by_adding_counts_and_talk_not_by_averaging_shares(case):
    short = figures(2.0, 1, 1, 4, child_talk=5.0, adult_talk=5.0)  # 100 % answered, 2 turns a minute
    long = figures(30.0, 40, 10, 60, child_talk=100.0, adult_talk=300.0)  # 25 % answered, 2 turns a minute
    (point,) = turn_taking_by_cycle(case, {"a": short, "b": long})
    assert point.cycle == 1 and point.recordings == 2
    joined = point.figures
    counted = (joined.minutes, joined.child_initiatives, joined.answered, joined.conversational_turns)
    assert counted == (32.0, 41, 11, 64)
    assert (joined.child_talk_seconds, joined.adult_talk_seconds) == (105.0, 305.0)
    assert joined.answered_share == pytest.approx(11 / 41)  # not (1.0 + 0.25) / 2
    assert joined.turns_per_minute == pytest.approx(64 / 32)
    assert joined.adult_share_of_talk == pytest.approx(305 / 410)  # not (0.5 + 0.75) / 2


def test_cycles_come_in_order_and_a_cycle_with_nothing_heard_gets_no_point(case):
    heard = {"e": figures(5.0, 2, 1, 6), "a": figures(4.0, 3, 2, 8)}  # "b", "c" and "d" not heard yet
    by_cycle = turn_taking_by_cycle(case, heard)
    assert [(p.cycle, p.recordings) for p in by_cycle] == [(1, 1), (3, 1)]
    assert turn_taking_by_cycle(case, {}) == []
    assert turn_taking_by_cycle(case, {"gone": figures(5.0, 2, 1, 6)}) == []  # not a recording of the case


def test_joining_figures_made_from_constructed_listenings():
    def heard(*stretches: Stretch, duration: float) -> Listening:
        found = list(stretches)
        return Listening(version=LISTENING_VERSION, duration=duration, stretches=found,
                         boundary_hz=voice_boundary(found))

    first = turn_taking(heard(Stretch(10.0, 10.5, CHILD, voiced=0.9), Stretch(11.0, 12.0, MOTHER, voiced=0.9),
                              Stretch(30.0, 30.5, CHILD, voiced=0.9), duration=60.0))
    second = turn_taking(heard(Stretch(5.0, 5.5, CHILD, voiced=0.9), Stretch(6.0, 8.0, MOTHER, voiced=0.9),
                               duration=120.0))
    joined = combined([first, second])
    assert (first.child_initiatives, first.answered, second.child_initiatives, second.answered) == (2, 1, 1, 1)
    assert (joined.child_initiatives, joined.answered, joined.minutes) == (3, 2, 3.0)
    assert joined.answered_share == pytest.approx(2 / 3)
    assert joined.turns_per_minute == pytest.approx(2 / 3)
    assert combined([]) == figures(0, 0, 0, 0, child_talk=0, adult_talk=0)


def test_the_chart_draws_both_figures_by_cycle_with_readable_labels_and_its_caption():
    by_cycle = [CycleTurnTaking(1, 2, figures(32.0, 41, 11, 64)), CycleTurnTaking(3, 1, figures(5.0, 0, 0, 6))]
    fig = turn_taking_figure(by_cycle)
    traces = {t.name: t for t in fig.data}
    assert set(traces) == {TURNS_TRACE, ANSWERED_TRACE}
    assert list(traces[TURNS_TRACE].x) == ["Cycle 1", "Cycle 3"]
    assert list(traces[TURNS_TRACE].y) == [2.0, 1.2]
    assert list(traces[ANSWERED_TRACE].y) == [27, None]  # no initiative heard: a gap, not a zero
    assert list(traces[ANSWERED_TRACE].text) == ["27%", ""]
    assert "11 of 41 initiatives answered (27%)" in traces[ANSWERED_TRACE].hovertext[0]
    assert "no initiative of the child heard" in traces[ANSWERED_TRACE].hovertext[1]
    assert "2 films, 32 min heard" in traces[TURNS_TRACE].hovertext[0]
    assert list(fig.layout.xaxis2.ticktext) == ["Cycle 1<br>2 films, 32 min heard", "Cycle 3<br>1 film, 5 min heard"]
    assert list(fig.layout.yaxis2.range) == [0, 115]  # a fixed percentage axis: a small change never looks big
    (caption,) = [a for a in fig.layout.annotations if a.name == "caption"]
    assert caption.text.replace("<br>", " ") == TURN_TAKING_CAPTION
    assert "process indicator" in TURN_TAKING_CAPTION and "not a validated measure" in TURN_TAKING_CAPTION
    assert "sound alone" in TURN_TAKING_CAPTION
    assert fig.layout.meta == {"figure": "turn-taking"}
