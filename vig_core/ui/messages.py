"""Messages shown beside the control that caused them, not at the top of a long page.

A callback queues its message under a key (the control's own key, say) with
:func:`flash`, or lets :func:`guarded` / :func:`update_case` do it; the page calls
:func:`show` with that key right after drawing the control, on every run, so the
message appears where the practitioner's eyes are. Only the last action's messages
are kept: a new message for another key drops those not shown yet, so an old one
never turns up later somewhere else. Messages may quote what was typed, so they
are shown escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import streamlit as st

from vig_core.errors import VigError
from vig_core.models import Case

from . import session
from .escape import plain

STATE_KEY = "_messages_at"


def flash(key: str, kind: str, text: str) -> None:
    """Queue a message (``"success"``, ``"error"``, ``"warning"``, ``"info"``) to show beside ``key``."""
    queued = st.session_state.get(STATE_KEY, {})
    st.session_state[STATE_KEY] = {key: [*queued.get(key, []), (kind, text)]}


def show(key: str) -> None:
    """Show the messages queued for ``key``; call it right after the control, on every run."""
    for kind, text in st.session_state.get(STATE_KEY, {}).pop(key, []):
        getattr(st, kind)(plain(text))


def guarded(key: str, action: Callable[..., Any]) -> Callable[..., Any]:
    """``action`` as a widget callback whose failures become a message beside ``key``, never a traceback."""

    @wraps(action)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return action(*args, **kwargs)
        except VigError as error:
            flash(key, "error", str(error))
        except Exception:  # noqa: BLE001 - last line of defence for the practitioner
            session.log.exception("action %s failed", getattr(action, "__name__", action))
            flash(key, "error", session.GENERIC_ERROR)
        return None

    return run


def update_case(key: str, change: Callable[[Case], Any], success: str | None = None) -> bool:
    """:func:`~vig_core.ui.session.update_case` with its messages beside ``key``."""

    def apply() -> bool:
        session.store().update(session.current_case_id(), change)
        if success:
            flash(key, "success", success)
        return True

    return bool(guarded(key, apply)())
