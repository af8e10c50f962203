"""Messages shown beside the control that caused them.

:func:`session.flash <vig_core.ui.session.flash>` queues a message for the top of
the page; on a long page that is off screen from the box or button just used. Here a
message is queued for a control's key instead, and shown where the page calls
:func:`show_messages` with that key: right after the control.

    st.text_input("In", key=key, on_change=messages.at(key, set_in))
    messages.show_messages(key)

:func:`at` wraps a callback so that everything it flashes, its success and its
failure (a :class:`~vig_core.errors.VigError` or the generic message, as
:func:`session.guarded <vig_core.ui.session.guarded>` words them), lands beside ``key``.
A message waits until its control is drawn again; it is shown once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import streamlit as st

from . import session
from .escape import plain

SLOTS_KEY = "_messages_beside"


def flash_at(key: str, kind: str, text: str) -> None:
    """Queue a message ("success", "error", "warning", "info") beside the control ``key``."""
    st.session_state.setdefault(SLOTS_KEY, {}).setdefault(key, []).append((kind, text))


@contextmanager
def beside(key: str) -> Iterator[None]:
    """Messages flashed inside the block (by ``session.update_case``, ``session.guarded``,
    ...) are shown beside ``key`` instead of at the top of the page."""
    before = len(st.session_state.setdefault(session.FLASH_KEY, []))
    try:
        yield
    finally:
        queued = st.session_state.get(session.FLASH_KEY, [])
        for kind, text in queued[before:]:
            flash_at(key, kind, text)
        del queued[before:]


def at(key: str, action: Callable[..., Any]) -> Callable[..., Any]:
    """``action`` as a widget callback whose messages, failures included, show beside ``key``."""
    guarded = session.guarded(action)

    @wraps(action)
    def run(*args: Any, **kwargs: Any) -> Any:
        with beside(key):
            return guarded(*args, **kwargs)

    return run


def show_messages(key: str) -> None:
    """Show the messages queued for ``key`` here; they may quote what was typed, so escaped."""
    for kind, text in st.session_state.get(SLOTS_KEY, {}).pop(key, []):
        getattr(st, kind)(plain(text))
