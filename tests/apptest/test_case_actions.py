"""Named services reached from a page (session.act_on_case): the value they hand back reaches the
page, and they pass the same guards as every other change (the lock, the message guard)."""

from __future__ import annotations

from apptest.helpers import messages, open_app
from conftest import make_case
from vig_core.services import lock
from vig_core.storage.settings import SettingsStore
from vig_core.ui import routes, session

PASS = "quiet river morning"


def add_goal(at, text: str):
    at.text_area(key="new-goal-text").input(text)
    return at.button(key="FormSubmitter:new-goal-Add goal").click().run()


def test_a_goal_added_through_its_service_is_kept_and_said(store):
    case = make_case(store)
    at = add_goal(open_app(case.id, routes.GOALS.file), "I would like to wait and watch")
    assert [g.text for g in store.load(case.id).goals] == ["I would like to wait and watch"]
    assert "Goal added." in messages(at, "success")
    assert at.text_area(key="new-goal-text").value == ""


def test_a_service_in_a_tab_that_has_not_caught_up_with_the_lock_changes_nothing(store):
    case = make_case(store)
    lock.set_passphrase(SettingsStore(store.root), PASS, PASS)
    session.app_lock().unlock(PASS)
    stale = open_app(case.id, routes.GOALS.file)
    session.app_lock().lock()  # "Lock now" in another tab
    add_goal(stale, "I would like to wait and watch")
    assert any("The workbook is locked, so nothing was changed" in m for m in messages(stale))
    session.app_lock().unlock(PASS)  # a vault's cases are read only unlocked
    assert store.load(case.id).goals == []


def test_a_refused_service_says_why_and_keeps_what_was_typed(store):
    case = make_case(store)
    at = add_goal(open_app(case.id, routes.GOALS.file), "   ")
    assert store.load(case.id).goals == []
    assert messages(at) and at.text_area(key="new-goal-text").value == "   "
