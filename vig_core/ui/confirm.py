"""The two-step button for anything hard to undo: asks once more, then acts.

A module of its own because both the shared widgets and the consent and
retention banners (:mod:`vig_core.ui.protection`, which the case heading in
:mod:`vig_core.ui.widgets` shows) use it: kept here, neither imports the other back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from vig_core.ui import session


def confirm_button(
    label: str,
    question: str,
    on_confirm: Callable[[], Any],
    *,
    key: str,
    confirm_label: str = "Yes, go ahead",
) -> None:
    """A button that asks once more before doing something hard to undo."""
    asking = f"{key}-asking"
    if not st.session_state.get(asking):
        st.button(label, key=key, on_click=lambda: st.session_state.update({asking: True}))
        return
    st.warning(question)
    yes, no = st.columns(2)

    def confirmed() -> None:
        st.session_state[asking] = False
        session.guarded(on_confirm)()

    yes.button(confirm_label, key=f"{key}-yes", type="primary", on_click=confirmed)
    no.button("Cancel", key=f"{key}-no", on_click=lambda: st.session_state.update({asking: False}))
