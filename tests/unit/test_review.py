"""The shared review's rules: the parent's words, goal re-rating, closing and reopening cycles,
the strengths record and the timeline (domain only, no media)."""

from __future__ import annotations

import base64
import re
from datetime import date

import pytest

from unit.test_film import recording
from vig_core.case.consent import ConsentKind
from vig_core.case.cycles import CycleStatus, Stage
from vig_core.case.record import new_case
from vig_core.case.review import close_cycle, rated_at_review, record_words, reopen_cycle, rerate_goals, review_cycle
from vig_core.case.timeline import rating_table, timeline
from vig_core.errors import ValidationError
from vig_core.printables.strengths import caption_of, check_may_keep, still_time, strengths_html, strengths_items
from vig_core.vocab.prompts import Prompt

OPENED, REVIEW = date(2026, 1, 5), date(2026, 2, 2)
SEE, MORE = Prompt("see", "What do you see?"), Prompt("more-of", "What would you like to see more of?")


@pytest.fixture
def case():
    case = new_case("FAM", "Ada", OPENED, carer_name="Jo", planned_cycles=2)
    case.set_stage(Stage.CYCLES, OPENED)
    case.add_goal("I want to wait for Ada", 3, OPENED)
    case.add_recording(recording("r1", 1))
    case.add_clip("r1", 1.0, 4.0, title="Waiting")
    case.add_clip("r1", 5.0, 8.0, title="Laughing")
    return case


def test_the_parents_words_are_kept_verbatim_per_clip_and_prompt(case):
    first, second = case.chosen_clips(1)
    words = "  She *looked* at me <b>first</b>\n— and I waited!  "
    saved = record_words(case, first.id, SEE, words, REVIEW)
    assert saved.words == words and saved.prompt == "What do you see?" and saved.said_on == REVIEW
    record_words(case, first.id, MORE, "More waiting", REVIEW)
    record_words(case, second.id, SEE, "We laughed", REVIEW)
    again = record_words(case, first.id, SEE, "She looked at me", REVIEW)  # a correction replaces
    assert again.id == saved.id
    assert [(r.prompt_id, r.words) for r in case.reflections_of(first.id)] == [
        ("see", "She looked at me"), ("more-of", "More waiting")]
    assert record_words(case, first.id, MORE, "   ", REVIEW) is None  # blanked: the answer goes
    assert [r.prompt_id for r in case.reflections_of(first.id)] == ["see"]
    case.validate()


def test_removing_a_clip_or_its_recording_takes_its_words_along(case):
    first, second = case.chosen_clips(1)
    record_words(case, first.id, SEE, "a", REVIEW)
    record_words(case, second.id, SEE, "b", REVIEW)
    case.remove_clip(first.id)
    assert [r.words for r in case.reflections] == ["b"]
    case.remove_recording("r1")
    assert case.reflections == []
    case.validate()


def test_words_that_are_too_long_are_refused_and_nothing_changes(case):
    clip = case.chosen_clips(1)[0]
    with pytest.raises(ValidationError, match="parent's words"):
        record_words(case, clip.id, SEE, "x" * 50_001, REVIEW)
    assert case.reflections == []


def test_rerating_keeps_a_dated_history_tied_to_the_review(case):
    goal = case.goals[0]
    rerate_goals(case, 1, {goal.id: 6}, REVIEW)
    assert [(r.on, r.score, r.cycle) for r in goal.ratings] == [(OPENED, 3, None), (REVIEW, 6, 1)]
    rerate_goals(case, 1, {goal.id: 7}, REVIEW)  # same day: a correction, not a second point
    assert [(r.score, r.cycle) for r in goal.ratings] == [(3, None), (7, 1)]
    assert rated_at_review(case, 1) == {goal.id: 7} and rated_at_review(case, 2) == {}
    with pytest.raises(ValidationError, match="0 to 10"):
        rerate_goals(case, 1, {goal.id: 11}, REVIEW)
    assert rating_table(case)[-1] == {"Date": REVIEW, "Given at": "cycle 1 review", "Goal 1": 7}


def test_adding_a_film_marks_a_planned_cycle_filmed(case):
    assert case.cycle(1).status is CycleStatus.FILMED and case.step == "cycle 1: shared review"


def test_closing_moves_to_the_next_cycle_then_to_the_ending_and_reopening_undoes_it(case):
    case.cycle(1).review_date = date(2026, 3, 1)  # planned later than it happened
    assert close_cycle(case, 1, REVIEW) == "Cycle 1 is complete. Next: filming for cycle 2."
    assert case.cycle(1).status is CycleStatus.REVIEWED and case.cycle(1).review_date == REVIEW
    assert case.step == "cycle 2: filming" and case.current_cycle.number == 2
    with pytest.raises(ValidationError, match="no film yet"):  # no clips either: the review cannot offer it
        close_cycle(case, 2, REVIEW)
    case.add_recording(recording("r2", 2))
    assert "last planned cycle" in close_cycle(case, 2, date(2026, 3, 2))
    assert case.stage is Stage.ENDING and case.current_cycle is None
    with pytest.raises(ValidationError, match="reopen the latest cycle first"):
        reopen_cycle(case, 1)
    reopen_cycle(case, 2)
    assert case.stage is Stage.CYCLES and case.step == "cycle 2: shared review"
    case.validate()


def test_reopening_needs_a_closed_cycle_and_an_open_case(case):
    with pytest.raises(ValidationError, match="not closed"):
        reopen_cycle(case, 1)
    close_cycle(case, 1, REVIEW)
    case.set_stage(Stage.CLOSED, REVIEW)
    with pytest.raises(ValidationError, match="reopen the case first"):
        reopen_cycle(case, 1)


def test_the_review_opens_on_the_current_cycle_or_the_latest_with_chosen_clips(case):
    assert review_cycle(case) == 1
    close_cycle(case, 1, REVIEW)
    assert review_cycle(case) == 1  # cycle 2 has no clips yet
    case.add_recording(recording("r2", 2))
    case.add_clip("r2", 1, 3)
    assert review_cycle(case) == 2
    for clip in case.clips:
        case.choose_clip(clip.id, False)
    assert review_cycle(case) is None


def test_strengths_record_needs_consent_and_uses_only_the_parents_words_or_naming(case):
    first, second = case.chosen_clips(1)
    first.private_note = "PRIVATE: worried about sleep"
    second.naming = "You matched Ada's laugh"
    record_words(case, first.id, SEE, "She <looked> at me & smiled", REVIEW)
    with pytest.raises(ValidationError, match="not agreed to keep"):
        check_may_keep(case)
    with pytest.raises(ValidationError):
        strengths_html(case, strengths_items(case), {}, REVIEW)
    case.consent.give(ConsentKind.PARENT_KEEPS_CLIPS, OPENED)
    items = strengths_items(case)
    assert [(i.caption, i.parents_words) for i in items] == [
        ("She <looked> at me & smiled", True), ("You matched Ada's laugh", False)]
    page = strengths_html(case, items, {first.id: b"\x89PNG fake"}, REVIEW)
    assert "PRIVATE" not in page and "<looked>" not in page
    assert "“She &lt;looked&gt; at me &amp; smiled”" in page and "Jo’s words" in page and "What we saw" in page
    assert base64.b64encode(b"\x89PNG fake").decode() in page
    assert len(re.findall(r"<figure>", page)) == 2 and "@media print" in page
    second.strengths_caption = "Laughing together"  # the practitioner's own choice wins
    assert caption_of(case, second) == ("Laughing together", False)


def test_a_still_shows_the_clips_moment_when_it_is_inside_the_clip(case):
    clip = case.chosen_clips(1)[0]
    assert still_time(case, clip) == pytest.approx(2.48)  # the middle of 1.0-4.0, on the 25 fps grid
    moment = case.mark_moment("r1", 3.0)
    clip.moment_id = moment.id
    assert still_time(case, clip) == pytest.approx(3.0)
    case.move_moment(moment.id, 9.0)  # outside the clip now
    assert still_time(case, clip) == pytest.approx(2.48)


def test_the_timeline_lists_cycles_in_date_order_without_private_notes(case):
    case.cycle(1).filming_date = date(2026, 1, 20)
    case.cycle(1).review_notes = "PRIVATE review note"
    case.cycle(1).film_next = "Bath time"
    case.clips[0].private_note = "PRIVATE clip note"
    rerate_goals(case, 1, {case.goals[0].id: 6}, REVIEW)
    close_cycle(case, 1, REVIEW)
    entries = timeline(case)
    assert [(e.on, e.title, e.to_come) for e in entries] == [
        (OPENED, "The work began", False),
        (date(2026, 1, 20), "Cycle 1: filming", False),
        (REVIEW, "Cycle 1: shared review", False),
        (None, "Cycle 2: filming", True),
        (None, "Cycle 2: shared review", True),
    ]
    review = entries[2].lines
    assert review == ("Clip 1: Waiting", "Clip 2: Laughing", "Goal 1 rated 6/10: I want to wait for Ada",
                      "To film next time: Bath time")
    assert "PRIVATE" not in repr(entries)


def test_closing_a_review_never_fails_and_moves_the_stage_as_the_review_shows(case):
    """Issue 17 item 8: the close button is pressed in client view, in front of the parent,
    where "Where we are" cannot be reached: the review happened, so the close goes through."""
    case.set_stage(Stage.INITIAL, REVIEW)  # filmed and reviewed without "Begin cycle 1"
    assert close_cycle(case, 1, REVIEW) == "Cycle 1 is complete. Next: filming for cycle 2."
    assert case.stage is Stage.CYCLES and case.cycle(1).status is CycleStatus.REVIEWED
    assert close_cycle(case, 1, REVIEW) == "Cycle 1 is already complete."  # a second tab, a double click

    reopen_cycle(case, 1)
    case.add_recording(recording("r2", 2))
    assert close_cycle(case, 2, REVIEW) == "Cycle 2 is complete. Next: the shared review of cycle 1."
    assert case.cycle(2).status is CycleStatus.REVIEWED and case.current_cycle.number == 1
    assert "last planned cycle" in close_cycle(case, 1, REVIEW)
    assert case.stage is Stage.ENDING

    reopen_cycle(case, 2)
    case.set_stage(Stage.ENDING, REVIEW)  # moved on to the ending while a review was still open
    assert "Cycle 2 is complete" in close_cycle(case, 2, REVIEW)
    assert case.stage is Stage.ENDING and case.cycle(2).status is CycleStatus.REVIEWED
    case.validate()


def test_a_film_of_a_cycle_moves_a_case_at_the_initial_conversation_into_its_cycles(case):
    case.set_stage(Stage.INITIAL, REVIEW)
    case.enter_cycles()
    assert case.stage is Stage.CYCLES and case.step == "cycle 1: shared review"
    for later in (Stage.ENDING, Stage.CLOSED):
        case.set_stage(later, REVIEW)
        case.enter_cycles()  # never backwards
        assert case.stage is later
