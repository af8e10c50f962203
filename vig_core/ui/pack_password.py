"""The choice beside a family's copy or a supervision pack: a plain zip (with a warning) or one
encrypted with a password the practitioner gives the recipient another way than the file."""

from __future__ import annotations

import streamlit as st

from vig_core.exports.pack_password import MAX_LENGTH, MIN_LENGTH, check_password, suggest_password

PLAIN, LOCKED = "plain", "password"
CHOICES = {PLAIN: "Plain zip", LOCKED: "Encrypted with a password"}
PLAIN_WARNING = "Anyone who gets this file can open it: the films and words of the family."
OPEN_WITH = ("The recipient opens it with the free age tool (age-encryption.org) or rage: unzip it, then run "
             "`age -d -i key.age NAME.zip.age > NAME.zip` and type the password (the README.txt beside it says "
             "the same). Give the password another way than the file: on the phone, or in a separate message.")
SHOWN_ONCE = ("Shown only this once: write it down or pass it on now. It is already in both boxes above.")


def _suggest(prefix: str) -> None:
    password = suggest_password()
    st.session_state[f"{prefix}-password"] = password
    st.session_state[f"{prefix}-password-again"] = password
    st.session_state[f"{prefix}-suggested"] = password


def password_choice(prefix: str) -> None:
    """The plain or encrypted choice, the password boxes and the suggestion; read it with :func:`chosen_password`."""
    choice = st.radio("How to save it", list(CHOICES), format_func=CHOICES.get, key=f"{prefix}-protect",
                      horizontal=True)
    if choice == PLAIN:
        st.warning(PLAIN_WARNING, icon=":material/lock_open:")
        return
    st.text_input("Password for the recipient", type="password", key=f"{prefix}-password", max_chars=MAX_LENGTH,
                  help=f"At least {MIN_LENGTH} characters. A few words with dashes between them are easy to "
                       "read out on the phone.")
    st.text_input("The same password again", type="password", key=f"{prefix}-password-again",
                  max_chars=MAX_LENGTH)
    st.button("Suggest a password", key=f"{prefix}-suggest", icon=":material/casino:", on_click=_suggest,
              args=(prefix,))
    suggested = st.session_state.pop(f"{prefix}-suggested", None)
    if suggested:
        st.code(suggested, language=None)
        st.caption(SHOWN_ONCE)
    st.caption(OPEN_WITH)


def chosen_password(prefix: str) -> str | None:
    """``None`` for a plain zip, else the password typed twice, checked (a :class:`ValidationError`
    in plain words when the two differ or it is too short)."""
    if st.session_state.get(f"{prefix}-protect", PLAIN) == PLAIN:
        return None
    return check_password(st.session_state.get(f"{prefix}-password") or "",
                          st.session_state.get(f"{prefix}-password-again") or "")

