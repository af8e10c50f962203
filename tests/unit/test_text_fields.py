"""The free-text parts of a case by name, and the rule for text typed over a stale box."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import make_case
from vig_core.case import text_fields
from vig_core.case.text_fields import CONFLICT, SAME, SAVE, merge_typed


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


INVISIBLE = ["A\x00B", "FAM\t07", "FAM-\u202e70", "FAM\u200b-07", "FAM-07\u2066", "\ufeffFAM-07", "FAM\u2028-07",
             "FAM\u00ad-07"]


@pytest.mark.parametrize("code", INVISIBLE)
def test_a_code_or_name_with_an_invisible_or_control_character_is_refused(store, code) -> None:
    """Two codes must never look the same: NUL, TAB, bidi overrides and isolates, zero-width spaces,
    byte-order marks, separators and soft hyphens are refused in codes and names, in a sentence."""
    from vig_core.case.record import new_case
    from vig_core.errors import ValidationError

    for field, args in [("case code", (code, "Ada")), ("first name", ("FAM-1", code))]:
        with pytest.raises(ValidationError, match=f"{field} holds an invisible or control character"):
            new_case(*args, date(2026, 1, 5))
    with pytest.raises(ValidationError, match="name holds an invisible or control character"):
        new_case("FAM-1", "Ada", date(2026, 1, 5), carer_name=code)
    case = make_case(store)
    for field in (text_fields.case_code(), text_fields.child_first_name(), text_fields.carer_name()):
        with pytest.raises(ValidationError, match="invisible or control character"):
            store.update(case.id, lambda c, field=field: field.write(c, code))
    assert store.load(case.id).code == "FAM-01"


def test_a_case_made_before_with_such_a_code_still_opens_and_saves(store) -> None:
    case = make_case(store)
    store.update(case.id, lambda c: setattr(c, "code", "FAM\t07"))  # as a record from before the check holds it
    store.update(case.id, lambda c: text_fields.case_code().write(c, " FAM\t07 "))  # its own code: unchanged
    store.update(case.id, lambda c: text_fields.conversation("going_well").write(c, "still saves"))
    assert store.load(case.id).code == "FAM\t07"
    store.update(case.id, lambda c: text_fields.case_code().write(c, "FAM-07"))  # and can be mended
    assert store.load(case.id).code == "FAM-07"


@pytest.mark.parametrize(("first", "second"), [("Jos\u00e9", "Jose\u0301"), ("FAM-07", "ＦＡＭ-０７"),
                                               ("Straße", "STRASSE")])
def test_codes_that_look_the_same_are_the_same_code(store, first, second) -> None:
    from vig_core.errors import ValidationError

    make_case(store, code=first)
    with pytest.raises(ValidationError, match="already used"):
        make_case(store, code=second, child="Bo")
    assert store.caseload().with_code(second).code == first
