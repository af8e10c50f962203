"""Messages shown beside the control that caused them, not at the top of a long page.

:func:`session.flash <vig_core.ui.session.flash>` queues a message for the top of
the page; on a long page that is off screen from the box or button just used. Here a
message is queued under a control's key and shown where the page calls :func:`show`
with that key, right after the control, on every run:

    st.text_input("In", key=key, on_change=messages.guarded(key, set_in))
    messages.show(key)

:func:`guarded` wraps a callback so that everything it says, its success and its
failure (a :class:`~vig_core.errors.VigError`, or the generic message, as
:func:`session.guarded <vig_core.ui.session.guarded>` words them), lands beside ``key``;
:func:`beside` does the same for a block. Only the last action's messages are kept:
a message for another key drops those not shown yet, so an old one never turns up
later somewhere else. Messages may quote what was typed, so they are shown escaped.

:func:`contained` is for pages that draw a list (cases, questionnaires, results): one
item that cannot be drawn is named in its place, and the page draws the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import streamlit as st

from vig_core.case.record import Case
from vig_core.errors import VigError
from vig_core.ui import session
from vig_core.ui.escape import plain

log = logging.getLogger("vig_workbook")

STATE_KEY = "_messages_beside"


def flash(key: str, kind: str, text: str) -> None:
    """Queue a message (``"success"``, ``"error"``, ``"warning"``, ``"info"``) to show beside ``key``."""
    queued = st.session_state.get(STATE_KEY, {})
    st.session_state[STATE_KEY] = {key: [*queued.get(key, []), (kind, text)]}


def show(key: str) -> None:
    """Show the messages queued for ``key``; call it right after the control, on every run."""
    for kind, text in st.session_state.get(STATE_KEY, {}).pop(key, []):
        getattr(st, kind)(plain(text))


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
            flash(key, kind, text)
        del queued[before:]


def guarded(key: str, action: Callable[..., Any]) -> Callable[..., Any]:
    """``action`` as a widget callback whose messages, failures included, show beside ``key``."""
    protected = session.guarded(action)

    @wraps(action)
    def run(*args: Any, **kwargs: Any) -> Any:
        with beside(key):
            return protected(*args, **kwargs)

    return run


def update_case(key: str, change: Callable[[Case], Any], success: str | None = None) -> bool:
    """:func:`~vig_core.ui.session.update_case` with its messages beside ``key``."""
    with beside(key):
        return session.update_case(change, success)


@contextmanager
def contained(what: str, remedy: str = "") -> Iterator[None]:
    """Draw one item of a list (a case, a questionnaire, a result); if that fails, say so in its
    place, naming ``what`` (and ``remedy``: how to mend or remove it), and let the page go on."""
    try:
        yield
    except VigError as error:
        st.error(plain(f"{what} could not be shown: {error} {remedy}".strip()))
    except Exception:
        log.exception("one item of a page could not be drawn")
        st.error(plain(f"{what} could not be shown; the rest of the page is complete. {remedy}".strip()))
