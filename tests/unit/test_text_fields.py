"""The free-text parts of a case by name, and the rule for text typed over a stale box."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import make_case
from vig_core import text_fields
from vig_core.prompts import Prompt
from vig_core.text_fields import CONFLICT, SAME, SAVE, merge_typed


@pytest.mark.parametrize(("base", "current", "typed", "verdict"), [
    ("old", "old", "new", SAVE),  # nobody else changed it
    ("old", "new", "new", SAME),  # already stored (the same text from another tab, or saved while typing)
    ("old", "theirs", "mine", CONFLICT),  # changed elsewhere meanwhile: never written over silently
    ("", "theirs", "", CONFLICT),  # clearing a box that another tab has just filled
])
def test_merge_typed(base, current, typed, verdict) -> None:
    assert merge_typed(base, current, typed) == verdict


def test_each_field_reads_what_it_writes(store) -> None:
    case = make_case(store)
    case.add_goal("I would like to wait", 4, date(2026, 1, 5))
    fields = [
        text_fields.conversation("going_well"), text_fields.ending("what_helped"),
        text_fields.ending("practitioner_notes"), text_fields.practitioner_notes(), text_fields.consent_notes(),
        text_fields.goal_text(case.goals[0].id), text_fields.cycle_text(1, "film_next"),
        text_fields.cycle_text(1, "own_reflection"),
    ]
    for number, field in enumerate(fields):
        field.write(case, f"text {number}")
        assert field.read(case) == f"text {number}"
    case.validate()


def test_names_are_stripped_and_unknown_parts_refused(store) -> None:
    case = make_case(store)
    text_fields.child_first_name().write(case, "  Noor ")
    assert case.child_first_name == "Noor"
    with pytest.raises(KeyError):
        text_fields.conversation("not_a_part")
    with pytest.raises(KeyError):
        text_fields.cycle_text(1, "status")


def test_parent_words_are_kept_verbatim_per_question(demo) -> None:
    case = demo.load("demo")
    clip = case.clips[0]
    question = Prompt(id="see", text="What do you see?")
    words = text_fields.parent_words(clip.id, question, date(2026, 2, 1))
    words.write(case, "  She waits for me  ")
    assert words.read(case) == "  She waits for me  "
    words.write(case, "   ")
    assert words.read(case) == ""
