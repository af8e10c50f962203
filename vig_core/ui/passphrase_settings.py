"""Settings' passphrase part: set one (the data folder is then encrypted in place), change it
(instant), make a new recovery code, or remove it (the folder is decrypted in place, after a
clear warning). The long work and the recovery code take the whole screen (see
:mod:`vig_core.ui.vault_screens`); every other message shows beside its own button.
"""

from __future__ import annotations

import streamlit as st

from vig_core.errors import ValidationError
from vig_core.services import lock
from vig_core.ui import messages, session, vault_screens

REMOVE_WARNING = ("Without a passphrase the data folder is stored **unencrypted**: anyone who gets this computer's "
                  "disk, or a copy of the folder, can read every case and watch every film. The workbook no "
                  "longer locks. Decrypting every file takes a while with many films.")


def section() -> None:
    settings = session.settings()
    vaulted = lock.is_vault(settings)
    if vaulted:
        st.success("A passphrase is set and the data folder is encrypted with it: the workbook asks for it at "
                   "start and locks itself when left alone.", icon=":material/lock:")
    elif lock.has_passphrase(settings):
        st.info("A passphrase is set; the data folder is encrypted with it at the next unlock.",
                icon=":material/lock:")
    else:
        st.warning("No passphrase is set: the data folder is not encrypted and anyone using this computer can "
                   "open every family's case.", icon=":material/lock_open:")
    change, remove = st.columns(2)
    with change, st.form("passphrase", clear_on_submit=True):
        st.markdown("**Change the passphrase**" if vaulted else "**Set a passphrase**")
        if lock.has_passphrase(settings):
            st.text_input("Passphrase in use", type="password", key="pass-current", max_chars=lock.MAX_LENGTH)
        st.text_input("New passphrase", type="password", key="pass-new", max_chars=lock.MAX_LENGTH,
                      help=f"At least {lock.MIN_LENGTH} characters; a few ordinary words together work well.")
        st.text_input("The new passphrase again", type="password", key="pass-repeat", max_chars=lock.MAX_LENGTH)
        if not vaulted:
            st.caption("Every file of the data folder is then encrypted where it is; with many films this takes a "
                       "while. A recovery code is shown once at the end.")
        st.form_submit_button("Save the passphrase", type="primary",
                              on_click=messages.guarded("passphrase", _save))
        messages.show("passphrase")
    if not vaulted:
        return
    with remove, st.form("remove-passphrase", clear_on_submit=True):
        st.markdown("**Stop using a passphrase**")
        st.warning(REMOVE_WARNING, icon=":material/warning:")
        st.text_input("Passphrase in use", type="password", key="pass-remove", max_chars=lock.MAX_LENGTH)
        st.checkbox("I understand: the data folder will be stored unencrypted", key="pass-remove-sure")
        st.form_submit_button("Remove the passphrase", on_click=messages.guarded("remove-passphrase", _remove))
        messages.show("remove-passphrase")
    with st.columns(2)[0], st.form("new-recovery-code", clear_on_submit=True):
        st.markdown("**A new recovery code**")
        st.caption("For a lost or seen recovery code: the new one is shown once, and the old one stops working.")
        st.text_input("Passphrase in use", type="password", key="pass-code-current", max_chars=lock.MAX_LENGTH)
        st.form_submit_button("Make a new recovery code", on_click=messages.guarded("new-recovery-code", _new_code))
        messages.show("new-recovery-code")


def _save() -> None:
    settings, values = session.settings(), st.session_state
    new = values.get("pass-new") or ""
    lock.check_before_setting(settings, new, values.get("pass-repeat") or "", current=values.get("pass-current"))
    if lock.is_vault(settings):
        lock.change_passphrase(settings, new)
        messages.flash("passphrase", "success", "The passphrase is changed. Your recovery code still works.")
        return
    if not session.first_press("set-passphrase"):
        return
    vault_screens.start_making(settings, new)


def _remove() -> None:
    settings, values = session.settings(), st.session_state
    if not values.get("pass-remove-sure"):
        raise ValidationError("Tick “I understand” first: the passphrase was kept.")
    current = values.get("pass-remove") or ""
    lock.check_before_removing(settings, current)
    if not session.first_press("remove-passphrase"):
        return
    vault_screens.start(vault_screens.DECRYPTING, lambda progress: lock.decrypt(settings, current, progress))


def _new_code() -> None:
    settings = session.settings()
    if not session.first_press("new-recovery-code-settings"):
        return
    st.session_state[vault_screens.CODE_KEY] = lock.new_recovery_code(settings,
                                                                     st.session_state.get("pass-code-current") or "")
