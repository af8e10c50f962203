"""What the app shows before anything else: the first-start offer of a
passphrase, and the unlock form while the workbook is locked.

:func:`gate` runs at the top of every page run. While it returns ``False`` the
app draws nothing else (no sidebar, no page), so a locked screen holds no
case data. The rules themselves live in :mod:`vig_core.services.lock`.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from vig_core.errors import VigError
from vig_core.services import lock
from vig_core.ui import session, vault_screens
from vig_core.ui.autosave import typing_watch
from vig_core.ui.widgets import confirm_button


def gate() -> bool:
    """Draw the vault's work, the first-start or unlock screen, or the recovery code, and return
    ``False``; or return ``True`` (the practitioner is in: the idle clock starts again) for the
    page to be drawn."""
    settings = session.settings()
    app_lock = session.app_lock()
    if vault_screens.work_screen():  # encrypting or decrypting the data folder: nothing else
        return False
    if not lock.has_passphrase(settings) and not settings.get(lock.OFFERED):
        first_start()
        return False
    if app_lock.is_locked():
        vault_screens.forget_code()
        unlock_form()
        return False
    if vault_screens.after_unlock() or vault_screens.code_screen() or vault_screens.offer_screen():
        return False
    app_lock.touch()
    typing_watch(idle_check=lock.has_passphrase(settings))
    return True


def first_start() -> None:
    st.title("Welcome to the VIG Workbook")
    st.markdown(
        "The workbook will hold films of children and notes about families. A **passphrase** protects them. "
        "With one, every case, note and film in the data folder is stored **encrypted**, so nobody can read "
        "them without it, even with the computer's disk in their hands. The workbook asks for it when it "
        f"starts and locks itself after {lock.DEFAULT_LOCK_MINUTES} minutes without use (you can change this "
        "in Settings). It is not stored anywhere: you will get a recovery code, once, for if you forget it."
    )
    with st.form("first-start", border=True, enter_to_submit=True):
        st.text_input("Passphrase", type="password", key="first-passphrase", max_chars=lock.MAX_LENGTH,
                      help=f"At least {lock.MIN_LENGTH} characters; a few ordinary words together work well.")
        st.text_input("The same passphrase again", type="password", key="first-repeat", max_chars=lock.MAX_LENGTH)
        st.form_submit_button("Set the passphrase and start", type="primary", on_click=_set_first)
    session.show_flash()
    st.button("Continue without a passphrase", key="first-skip",
              help="Not recommended on a shared or portable computer: the data folder stays unencrypted. "
                   "You can set one later in Settings.",
              on_click=lambda: session.settings().set(lock.OFFERED, True))


@session.guarded
def _set_first() -> None:
    values, settings = st.session_state, session.settings()
    new = values["first-passphrase"]
    lock.check_before_setting(settings, new, values["first-repeat"])
    if not session.first_press("first-passphrase"):
        return
    settings.set(lock.OFFERED, True)
    vault_screens.start_making(settings, new)
    session.app_lock().touch()


RECOVERING = "unlock-recovering"


def unlock_form() -> None:
    st.title("The workbook is locked")
    settings = session.settings()
    if st.session_state.get(RECOVERING) and lock.is_vault(settings):
        recovery_form()
        return
    st.write("Type the passphrase to go on.")
    with st.form("unlock", border=True, clear_on_submit=True, enter_to_submit=True):
        st.text_input("Passphrase", type="password", key="unlock-passphrase", max_chars=lock.MAX_LENGTH)
        st.form_submit_button("Unlock", type="primary", on_click=_unlock)
    session.show_flash()
    if lock.is_vault(settings):
        st.button("I forgot my passphrase", key="unlock-forgot", on_click=lambda: st.session_state.update(
            {RECOVERING: True}))
    else:
        st.write("Forgotten it? The README's section “If the passphrase is forgotten” says what to do.")


def _unlock() -> None:
    app_lock, settings = session.app_lock(), session.settings()
    if not app_lock.is_locked():
        return  # a second press after the first unlocked
    passphrase = st.session_state.get("unlock-passphrase", "")
    try:
        app_lock.unlock(passphrase)
        if lock.is_legacy(settings):  # an older installation: its data folder is encrypted now
            vault_screens.start_making(settings, passphrase)
    except VigError as error:
        session.flash("error", str(error))


def recovery_form() -> None:
    st.write("Type the recovery code you were given when the passphrase was set, and choose a new passphrase.")
    with st.form("recover", border=True, clear_on_submit=True, enter_to_submit=True):
        st.text_input("Recovery code", key="recover-code", max_chars=200, placeholder="XXXX-XXXX-XXXX-…",
                      help="Capitals or small letters, with or without the dashes.")
        st.text_input("New passphrase", type="password", key="recover-new", max_chars=lock.MAX_LENGTH,
                      help=f"At least {lock.MIN_LENGTH} characters; a few ordinary words together work well.")
        st.text_input("The new passphrase again", type="password", key="recover-repeat", max_chars=lock.MAX_LENGTH)
        st.form_submit_button("Open with the recovery code", type="primary", on_click=_recover)
    session.show_flash()
    st.button("Back to the passphrase", key="recover-back", on_click=lambda: st.session_state.update(
        {RECOVERING: False}))


def _recover() -> None:
    values, app_lock = st.session_state, session.app_lock()
    if not app_lock.is_locked():
        return  # a second press after the first opened it
    try:
        app_lock.recover(values.get("recover-code", ""), values.get("recover-new", ""),
                         values.get("recover-repeat", ""))
    except VigError as error:
        session.flash("error", str(error))
        return
    values[RECOVERING] = False
    values[vault_screens.OFFER_KEY] = ("The new passphrase is set. The recovery code you used still works; if it "
                                       "may have been seen, or you would rather have a fresh one, make a new one "
                                       "now (the old one then stops working).")


def lock_button() -> None:
    """The sidebar's "Lock now", shown once a passphrase is set."""
    if lock.has_passphrase(session.settings()):
        st.button("Lock now", icon=":material/lock:", key="lock-now", width="stretch",
                  help="Lock the workbook at once, e.g. before leaving the room.",
                  on_click=session.app_lock().lock)


LEAVE_ASKING, LEAVE_ERROR = "leave-client-view-asking", "leave-client-view-error"


def leave_client_view_button(leave: Callable[[], None]) -> None:
    """Client view's way out: a confirmation, or the passphrase when Settings asks for it
    (for when the parent holds the laptop). A wrong passphrase is said under the box."""
    if not lock.leaving_client_view_needs_passphrase(session.settings()):
        confirm_button("Leave client view…",
                       "Back to the practitioner screens? They show other families and private notes.",
                       leave, key="leave-client-view", confirm_label="Yes, back to practitioner view")
        return
    state = st.session_state
    if not state.get(LEAVE_ASKING):
        st.button("Leave client view…", key="leave-client-view", on_click=lambda: state.update({LEAVE_ASKING: True}))
        return

    def check_and_leave() -> None:
        try:
            session.app_lock().check(state.get("leave-client-view-passphrase", ""))
        except VigError as error:
            state[LEAVE_ERROR] = str(error)
            return
        state[LEAVE_ASKING], state[LEAVE_ERROR] = False, None
        leave()

    with st.form("leave-client-view-form", clear_on_submit=True, enter_to_submit=True):
        st.text_input("The practitioner's passphrase", type="password", key="leave-client-view-passphrase",
                      max_chars=lock.MAX_LENGTH)
        st.form_submit_button("Back to practitioner view", type="primary", on_click=check_and_leave)
    if state.get(LEAVE_ERROR):
        st.error(state[LEAVE_ERROR])
    st.button("Cancel", key="leave-client-view-cancel",
              on_click=lambda: state.update({LEAVE_ASKING: False, LEAVE_ERROR: None}))
