"""The first-start passphrase offer, the lock screen and the Settings page's lock part."""

from __future__ import annotations

from datetime import date

import streamlit as st

from apptest.helpers import messages, open_app, screen_text
from conftest import make_case
from vig_core.services import lock
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.settings import SettingsStore
from vig_core.ui import session
from vig_core.web.tokens import TOKENS

PASS = "quiet river morning"


def set_passphrase(at, new: str, repeat: str) -> None:
    at.text_input(key="first-passphrase").input(new)
    at.text_input(key="first-repeat").input(repeat)
    at.button(key="FormSubmitter:first-start-Set the passphrase and start").click().run()


def test_first_start_offers_a_passphrase_before_showing_anything(store):
    demo = store.load(ensure_demo_case(store))
    at = open_app(first_start=True)
    assert [t.value for t in at.title] == ["Welcome to the VIG Workbook"]
    assert demo.code not in screen_text(at) and "Caseload" not in screen_text(at)
    set_passphrase(at, PASS, PASS + "!")
    assert any("not the same" in m for m in messages(at))
    assert not lock.has_passphrase(SettingsStore(store.root))
    set_passphrase(at, PASS, PASS)
    assert not at.exception
    assert [t.value for t in at.title] == ["Caseload"]
    assert lock.matches(SettingsStore(store.root), PASS)
    assert at.sidebar.button(key="lock-now")


def test_first_start_can_go_on_without_a_passphrase(store):
    at = open_app(first_start=True)
    at.button(key="first-skip").click().run()
    assert [t.value for t in at.title] == ["Caseload"]
    assert not at.sidebar.get("button") or not any(b.key == "lock-now" for b in at.sidebar.button)
    assert [t.value for t in open_app(first_start=True).title] == ["Caseload"]  # asked once only


def test_a_locked_workbook_shows_nothing_but_the_unlock_form(store):
    demo = store.load(ensure_demo_case(store))
    lock.set_passphrase(SettingsStore(store.root), PASS, PASS)
    st.cache_resource.clear()  # as a server start: it begins locked
    at = open_app(case_id=demo.id, page="pages/conversation.py")
    assert [t.value for t in at.title] == ["The workbook is locked"]
    shown = screen_text(at)
    for private in (demo.code, demo.child_first_name, demo.carer_name, demo.conversation.about_child[:20]):
        assert private not in shown
    assert TOKENS.locked
    at.text_input(key="unlock-passphrase").input("a wrong guess")
    at.button(key="FormSubmitter:unlock-Unlock").click().run()
    assert any("not right" in m for m in messages(at))
    assert [t.value for t in at.title] == ["The workbook is locked"]
    at.text_input(key="unlock-passphrase").input(PASS)
    at.button(key="FormSubmitter:unlock-Unlock").click().run()
    assert [t.value for t in at.title] == ["Initial conversation"]
    assert not TOKENS.locked
    at.sidebar.button(key="lock-now").click().run()
    assert [t.value for t in at.title] == ["The workbook is locked"]
    assert demo.child_first_name not in screen_text(at)
    assert [t.value for t in open_app().title] == ["The workbook is locked"]  # every tab


def test_the_idle_time_locks_the_workbook(store):
    settings = SettingsStore(store.root)
    lock.set_passphrase(settings, PASS, PASS)
    lock.set_lock_minutes(settings, 2)
    at = open_app()
    at.text_input(key="unlock-passphrase").input(PASS)
    at.button(key="FormSubmitter:unlock-Unlock").click().run()
    assert [t.value for t in at.title] == ["Caseload"]
    app_lock = session._lock(str(store.root))  # the same object the app's runs use
    real_clock = app_lock._clock
    app_lock._clock = lambda: real_clock() + 3 * 60
    at.run()
    assert [t.value for t in at.title] == ["The workbook is locked"]


def test_settings_sets_changes_and_removes_the_passphrase(store):
    settings = SettingsStore(store.root)
    at = open_app(page="pages/settings.py")
    assert any("No passphrase is set" in w for w in messages(at, "warning"))
    at.text_input(key="pass-new").input(PASS)
    at.text_input(key="pass-repeat").input(PASS)
    at.button(key="FormSubmitter:passphrase-Save the passphrase").click().run()
    assert lock.matches(settings, PASS)
    at.text_input(key="pass-current").input("not the one")
    at.text_input(key="pass-new").input("a second phrase")
    at.text_input(key="pass-repeat").input("a second phrase")
    at.button(key="FormSubmitter:passphrase-Save the passphrase").click().run()
    assert any("not right" in m for m in messages(at))
    assert lock.matches(settings, PASS)
    at.number_input(key="lock-minutes").set_value(3).run()
    assert lock.lock_minutes(settings) == 3
    at.text_input(key="pass-remove").input(PASS)
    at.button(key="FormSubmitter:remove-passphrase-Remove the passphrase").click().run()
    assert not lock.has_passphrase(settings)
    assert not at.exception


def test_leaving_client_view_can_ask_for_the_passphrase(store):
    """Issue 17, item 22: for when the parent holds the laptop, a setting makes the way out
    of client view ask for the passphrase instead of a confirmation."""
    demo = ensure_demo_case(store)
    settings = SettingsStore(store.root)
    lock.set_passphrase(settings, PASS, PASS)
    at = open_app()
    at.text_input(key="unlock-passphrase").input(PASS)
    at.button(key="FormSubmitter:unlock-Unlock").click().run()
    at.switch_page("pages/settings.py").run()
    at.toggle(key="leave-needs-passphrase").set_value(True).run()
    assert lock.leaving_client_view_needs_passphrase(settings)
    session.enter_client_view(demo)

    at = open_app(leave_client_view_asking=True)
    assert "leave-client-view-yes" not in [b.key for b in at.sidebar.button]  # no plain "yes" to press
    at.sidebar.text_input(key="leave-client-view-passphrase").input("a parent's guess")
    at.sidebar.button(key="FormSubmitter:leave-client-view-form-Back to practitioner view").click().run()
    assert settings.get("client_view_case") == demo

    at = open_app(leave_client_view_asking=True)
    at.sidebar.text_input(key="leave-client-view-passphrase").input(PASS)
    at.sidebar.button(key="FormSubmitter:leave-client-view-form-Back to practitioner view").click().run()
    assert settings.get("client_view_case") is None
    assert [t.value for t in at.title] == ["Where we are"]



def test_a_tab_that_has_not_caught_up_with_the_lock_changes_nothing(store):
    """Issue 18, item 5: widget callbacks run before the page's lock gate, so a stale tab could
    save text and press buttons after "Lock now" in another tab."""
    case = make_case(store)
    store.update(case.id, lambda c: c.add_goal("I would like to wait for her", 3, date(2026, 1, 5)))
    goal = store.load(case.id).goals[0]
    lock.set_passphrase(SettingsStore(store.root), PASS, PASS)
    session.app_lock().unlock(PASS)
    stale = open_app(case.id, "pages/goals.py")
    session.app_lock().lock()  # "Lock now" in another tab
    stale.button(key=f"retire-{goal.id}").click().run()
    assert store.load(case.id).goals[0].retired_on is None
    assert [t.value for t in stale.title] == ["The workbook is locked"]
    assert any("The workbook is locked, so nothing was changed" in m for m in messages(stale))

    session.app_lock().unlock(PASS)
    stale = open_app(case.id, "pages/goals.py")
    session.app_lock().lock()
    stale.text_area(key=f"goal-text-{goal.id}").input("I would like to wait and watch").run()
    assert store.load(case.id).goals[0].text == "I would like to wait for her"
    stale.text_input(key="unlock-passphrase").input(PASS)
    stale.button(key="FormSubmitter:unlock-Unlock").click().run()
    assert store.load(case.id).goals[0].text == "I would like to wait and watch"  # kept, saved once unlocked
