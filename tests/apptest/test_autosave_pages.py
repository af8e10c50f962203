"""Autosaved boxes and other tabs: a box shows text changed elsewhere, and text typed over a
stale box never silently replaces the newer text (issue 17, item 4)."""

from __future__ import annotations

from datetime import date

from apptest.helpers import messages, open_app
from conftest import make_case


def _case_with_goal(store):
    case = make_case(store)
    store.update(case.id, lambda c: c.add_goal("I would like to wait for her", 3, date(2026, 1, 5)))
    case = store.load(case.id)
    return case, case.goals[0]


def test_a_box_not_typed_in_shows_the_text_changed_in_another_tab(store) -> None:
    case, goal = _case_with_goal(store)
    at = open_app(case.id, "pages/goals.py")
    store.update(case.id, lambda c: c.goal(goal.id).__setattr__("text", "Changed in the other tab"))
    at.run()
    assert at.text_area(key=f"goal-text-{goal.id}").value == "Changed in the other tab"
    assert store.load(case.id).goals[0].text == "Changed in the other tab"


def test_text_typed_over_stale_text_is_kept_apart_never_written_over_the_newer(store) -> None:
    case, goal = _case_with_goal(store)
    at = open_app(case.id, "pages/goals.py")
    store.update(case.id, lambda c: c.goal(goal.id).__setattr__("text", "Newer, from tab 1"))
    at.text_area(key=f"goal-text-{goal.id}").input("I would like to wait for her, typed in tab 2").run()
    assert store.load(case.id).goals[0].text == "Newer, from tab 1"
    assert at.text_area(key=f"goal-text-{goal.id}").value == "Newer, from tab 1"
    assert any("changed in another tab" in m for m in messages(at, "warning"))
    assert "typed in tab 2" in " ".join(t.value for t in at.text)

    at.button(key=f"goal-text-{goal.id}-use-mine").click().run()
    assert store.load(case.id).goals[0].text == "I would like to wait for her, typed in tab 2"
    assert at.text_area(key=f"goal-text-{goal.id}").value == "I would like to wait for her, typed in tab 2"
    assert not any("changed in another tab" in m for m in messages(at, "warning"))


def test_keeping_the_newer_text_drops_what_was_typed_here(store) -> None:
    case, goal = _case_with_goal(store)
    at = open_app(case.id, "pages/goals.py")
    store.update(case.id, lambda c: c.goal(goal.id).__setattr__("text", "Newer, from tab 1"))
    at.text_area(key=f"goal-text-{goal.id}").input("typed in tab 2").run()
    at.button(key=f"goal-text-{goal.id}-keep-newer").click().run()
    assert store.load(case.id).goals[0].text == "Newer, from tab 1"
    assert not any("changed in another tab" in m for m in messages(at, "warning"))


def test_an_edit_on_current_text_saves_as_before(store) -> None:
    case, goal = _case_with_goal(store)
    at = open_app(case.id, "pages/goals.py")
    at.text_area(key=f"goal-text-{goal.id}").input("I would like to wait and watch").run()
    assert store.load(case.id).goals[0].text == "I would like to wait and watch"
    at.text_area(key=f"goal-text-{goal.id}").input("I would like to wait, watch and wonder").run()
    assert store.load(case.id).goals[0].text == "I would like to wait, watch and wonder"
    assert not messages(at, "warning")


def test_a_stale_conversation_box_does_not_undo_the_other_tab(store) -> None:
    case = make_case(store)
    at = open_app(case.id, "pages/conversation.py")
    store.update(case.id, lambda c: c.conversation.__setattr__("going_well", "Bath time, from tab 1"))
    at.text_area(key=f"conv-{case.id}-about_child").input("She loves stories").run()  # another box
    saved = store.load(case.id).conversation
    assert (saved.going_well, saved.about_child) == ("Bath time, from tab 1", "She loves stories")
    assert at.text_area(key=f"conv-{case.id}-going_well").value == "Bath time, from tab 1"
