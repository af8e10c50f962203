"""The first-start passphrase offer, the lock screen and the Settings page's lock part."""

from __future__ import annotations

from datetime import date

import pytest
import streamlit as st

from apptest.helpers import messages, open_app, screen_text
from conftest import make_case
from vig_core.errors import VigError
from vig_core.services import lock, vault
from vig_core.services.demo import ensure_demo_case
from vig_core.services.jobs import JOBS
from vig_core.storage.settings import SettingsStore
from vig_core.ui import session
from vig_core.web.tokens import TOKENS

PASS = "quiet river morning"


def set_passphrase(at, new: str, repeat: str) -> None:
    at.text_input(key="first-passphrase").input(new)
    at.text_input(key="first-repeat").input(repeat)
    at.button(key="FormSubmitter:first-start-Set the passphrase and start").click().run()


def finish_vault_work(at):
    """Let the vault's job (encrypting or decrypting the folder) end, then run as its progress bar does."""
    for job in JOBS.of(lock.VAULT_WORK):
        JOBS.wait(job)
    return at.run()


def recovery_code(at) -> str:
    """The recovery code on screen, after checking the screen says what it must."""
    assert [t.value for t in at.title] == ["Your recovery code"]
    assert any("nobody can recover the data, not even us" in w for w in messages(at, "warning"))
    (shown,) = at.code
    assert at.button(key="recovery-code-done").disabled  # not before "I have kept it"
    assert at.get("download_button")
    return shown.value


def keep_the_code(at):
    at.checkbox(key="recovery-code-kept").check().run()
    return at.button(key="recovery-code-done").click().run()


def unlock(at, passphrase: str = PASS):
    at.text_input(key="unlock-passphrase").input(passphrase)
    return at.button(key="FormSubmitter:unlock-Unlock").click().run()


def sealed(path) -> bool:
    return path.read_bytes()[:4] in (b"VIGS", b"VIGM")


def test_first_start_makes_a_vault_and_shows_the_recovery_code_once(store):
    demo = store.load(ensure_demo_case(store))
    at = open_app(first_start=True)
    assert [t.value for t in at.title] == ["Welcome to the VIG Workbook"]
    assert demo.code not in screen_text(at) and "Caseload" not in screen_text(at)
    set_passphrase(at, PASS, PASS + "!")
    assert any("not the same" in m for m in messages(at))
    assert not lock.has_passphrase(SettingsStore(store.root))
    set_passphrase(at, PASS, PASS)
    assert [t.value for t in at.title] == ["Encrypting the data folder"] and at.get("progress")
    at = finish_vault_work(at)
    assert not at.exception
    code = recovery_code(at)
    assert len(code.replace("-", "")) == 56
    case_files = list((store.root / "cases" / demo.id).rglob("*.json"))
    assert case_files and all(sealed(f) for f in case_files)  # encrypted in place
    for kept in store.root.rglob("*"):  # never stored
        assert not kept.is_file() or code.encode() not in kept.read_bytes()
    at = keep_the_code(at)
    assert [t.value for t in at.title] == ["Caseload"] and demo.code in screen_text(at)
    assert lock.is_vault(SettingsStore(store.root)) and vault.is_unlocked(store.root)
    assert code not in screen_text(open_app(first_start=True))  # shown once: not in a new tab
    assert at.sidebar.button(key="lock-now")


def test_first_start_can_go_on_without_a_passphrase(store):
    at = open_app(first_start=True)
    at.button(key="first-skip").click().run()
    assert [t.value for t in at.title] == ["Caseload"]
    assert not at.sidebar.get("button") or not any(b.key == "lock-now" for b in at.sidebar.button)
    assert [t.value for t in open_app(first_start=True).title] == ["Caseload"]  # asked once only
    assert not lock.is_vault(SettingsStore(store.root))


def test_a_locked_workbook_shows_nothing_but_the_unlock_form(store):
    demo = store.load(ensure_demo_case(store))
    lock.set_passphrase(SettingsStore(store.root), PASS, PASS)
    st.cache_resource.clear()  # as a server start: it begins locked
    at = open_app(case_id=demo.id, page="pages/conversation.py")
    assert [t.value for t in at.title] == ["The workbook is locked"]
    assert not vault.is_unlocked(store.root)
    shown = screen_text(at)
    for private in (demo.code, demo.child_first_name, demo.carer_name, demo.conversation.about_child[:20]):
        assert private not in shown
    assert TOKENS.locked
    at = unlock(at, "a wrong guess")
    assert any("not right" in m for m in messages(at))
    assert [t.value for t in at.title] == ["The workbook is locked"] and not vault.is_unlocked(store.root)
    at = unlock(at)
    assert [t.value for t in at.title] == ["Initial conversation"]
    assert not TOKENS.locked and vault.is_unlocked(store.root)
    at.sidebar.button(key="lock-now").click().run()
    assert [t.value for t in at.title] == ["The workbook is locked"]
    assert not vault.is_unlocked(store.root)  # the key is dropped
    assert demo.child_first_name not in screen_text(at)
    assert [t.value for t in open_app().title] == ["The workbook is locked"]  # every tab


def test_a_forgotten_passphrase_is_replaced_with_the_recovery_code(store, tmp_path):
    demo = store.load(ensure_demo_case(store))
    code = lock.set_passphrase(SettingsStore(store.root), PASS, PASS)
    (tmp_path / "another workbook").mkdir()
    other_code = vault.create_vault(tmp_path / "another workbook", "another long phrase")
    st.cache_resource.clear()
    at = open_app()
    at.button(key="unlock-forgot").click().run()

    def recover(typed: str, new: str = "a brand new phrase"):
        at.text_input(key="recover-code").input(typed)
        at.text_input(key="recover-new").input(new)
        at.text_input(key="recover-repeat").input(new)
        return at.button(key="FormSubmitter:recover-Open with the recovery code").click().run()

    recover(code[:-1] + ("0" if code[-1] != "0" else "1"))
    assert any("mistyped" in m for m in messages(at)) and not vault.is_unlocked(store.root)
    recover(other_code)
    assert any("not the one made for this workbook" in m for m in messages(at))
    recover(code.lower(), "short")
    assert any("at least" in m for m in messages(at)) and not vault.is_unlocked(store.root)
    recover(code.lower())
    assert [t.value for t in at.title] == ["Make a new recovery code?"] and vault.is_unlocked(store.root)
    at.button(key="offer-new-code").click().run()
    new_code = recovery_code(at)
    assert new_code != code
    at = keep_the_code(at)
    assert [t.value for t in at.title] == ["Caseload"] and demo.code in screen_text(at)
    settings = SettingsStore(store.root)
    assert lock.matches(settings, "a brand new phrase") and not lock.matches(settings, PASS)
    vault.lock(store.root)
    with pytest.raises(VigError, match="not the one made"):
        vault.unlock_with_recovery(store.root, code)  # the old code stopped working


def test_an_older_installations_passphrase_makes_its_vault_at_the_next_unlock(store):
    demo = store.load(ensure_demo_case(store))
    settings = SettingsStore(store.root)
    settings.set(lock.PASSPHRASE_HASH, lock._hasher.hash(PASS))  # as a workbook from before the vault
    at = open_app()
    assert [t.value for t in at.title] == ["The workbook is locked"]
    at = finish_vault_work(unlock(at))
    code = recovery_code(at)
    assert settings.get(lock.PASSPHRASE_HASH) is None and lock.is_vault(settings)
    assert all(sealed(f) for f in (store.root / "cases" / demo.id).rglob("*.json"))
    at = keep_the_code(at)
    assert [t.value for t in at.title] == ["Caseload"]
    at.sidebar.button(key="lock-now").click().run()
    assert not vault.is_unlocked(store.root)
    assert [t.value for t in unlock(at).title] == ["Caseload"]  # the same passphrase opens the vault
    vault.lock(store.root)
    vault.unlock_with_recovery(store.root, code)


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
    demo = store.load(ensure_demo_case(store))
    settings = SettingsStore(store.root)
    at = open_app(page="pages/settings.py")
    assert any("No passphrase is set" in w for w in messages(at, "warning"))
    at.text_input(key="pass-new").input(PASS)
    at.text_input(key="pass-repeat").input(PASS)
    at.button(key="FormSubmitter:passphrase-Save the passphrase").click().run()
    first_code = recovery_code(finish_vault_work(at))
    at = keep_the_code(at)
    assert lock.is_vault(settings) and lock.matches(settings, PASS)
    at.switch_page("pages/settings.py").run()
    at.text_input(key="pass-current").input("not the one")
    at.text_input(key="pass-new").input("a second phrase")
    at.text_input(key="pass-repeat").input("a second phrase")
    at.button(key="FormSubmitter:passphrase-Save the passphrase").click().run()
    assert any("not right" in m for m in messages(at))
    assert lock.matches(settings, PASS)
    at.text_input(key="pass-current").input(PASS)
    at.text_input(key="pass-new").input("a second phrase")
    at.text_input(key="pass-repeat").input("a second phrase")
    at.button(key="FormSubmitter:passphrase-Save the passphrase").click().run()
    assert any("passphrase is changed" in m for m in messages(at, "success"))  # instant: no job
    assert lock.matches(settings, "a second phrase") and not lock.matches(settings, PASS)
    at.number_input(key="lock-minutes").set_value(3).run()
    assert lock.lock_minutes(settings) == 3

    at.text_input(key="pass-code-current").input("a second phrase")
    at.button(key="FormSubmitter:new-recovery-code-Make a new recovery code").click().run()
    assert recovery_code(at) != first_code
    at = keep_the_code(at)
    at.switch_page("pages/settings.py").run()

    assert any("stored **unencrypted**" in w or "stored unencrypted" in w for w in messages(at, "warning"))
    at.text_input(key="pass-remove").input("a second phrase")
    at.button(key="FormSubmitter:remove-passphrase-Remove the passphrase").click().run()
    assert any("Tick" in m for m in messages(at)) and lock.is_vault(settings)  # the confirmation first
    at.text_input(key="pass-remove").input("a second phrase")
    at.checkbox(key="pass-remove-sure").check()
    at.button(key="FormSubmitter:remove-passphrase-Remove the passphrase").click().run()
    assert [t.value for t in at.title] == ["Decrypting the data folder"]
    at = finish_vault_work(at)
    assert not lock.has_passphrase(settings) and not (store.root / "vault.json").exists()
    assert not any(sealed(f) for f in (store.root / "cases" / demo.id).rglob("*.json"))
    assert any("Decrypting the data folder: done." in m for m in messages(at, "success"))
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
    assert [t.value for t in stale.title] == ["The workbook is locked"]
    assert any("The workbook is locked, so nothing was changed" in m for m in messages(stale))
    session.app_lock().unlock(PASS)  # a vault's cases are read only unlocked
    assert store.load(case.id).goals[0].retired_on is None

    stale = open_app(case.id, "pages/goals.py")
    session.app_lock().lock()
    stale.text_area(key=f"goal-text-{goal.id}").input("I would like to wait and watch").run()
    session.app_lock().unlock(PASS)
    assert store.load(case.id).goals[0].text == "I would like to wait for her"
    session.app_lock().lock()
    stale.text_input(key="unlock-passphrase").input(PASS)
    stale.button(key="FormSubmitter:unlock-Unlock").click().run()
    assert store.load(case.id).goals[0].text == "I would like to wait and watch"  # kept, saved once unlocked
