"""Per-browser-session state shared by every page: the store, the open case,
messages to show after a callback, and client view.

Client view is kept in the installation settings, not in the browser
session: a reload, a second tab or a parent pressing "back" must not reveal
the caseload. Only the deliberate "leave client view" action clears it.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, Generic, TypeVar

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from vig_core.case.record import Case
from vig_core.errors import LockedError, NotFoundError, VigError
from vig_core.services import film_picker, lock, vault
from vig_core.services.lock import AppLock
from vig_core.storage.paths import data_root
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore
from vig_core.ui import routes
from vig_core.ui.escape import plain
from vig_core.ui.routes import Route

log = logging.getLogger("vig_workbook")
T = TypeVar("T")

CASE_KEY = "case_id"
GOTO_KEY = "goto_page"
FLASH_KEY = "flash"
CLIENT_VIEW_SETTING = "client_view_case"
GENERIC_ERROR = (
    "Something went wrong and this action did not finish. Everything saved before is safe; "
    "please try again, and restart the workbook if it keeps happening."
)


LOCKED_MESSAGE = "The workbook is locked, so nothing was changed. Unlock it and try again."


@st.cache_resource(show_spinner=False)
def _settings_store(root: str) -> SettingsStore:
    return SettingsStore(Path(root))


@st.cache_resource(show_spinner=False)
def _case_store(root: str) -> CaseStore:
    cases = CaseStore(Path(root))
    cases.write_guard = lambda: _refuse_while_locked(root)
    return cases


def _stores(root: str) -> tuple[CaseStore, SettingsStore]:
    """The case store (made, and so read, only while a vault's key is held) and the settings."""
    if not _readable(root):
        raise LockedError(LOCKED_MESSAGE)
    return _case_store(root), _settings_store(root)


def _readable(root: str) -> bool:
    return not lock.is_vault(_settings_store(root)) or vault.is_unlocked(Path(root))


def cases_readable() -> bool:
    """Whether the cases can be read now: no vault, or its key is held."""
    return _readable(str(data_root()))


def _refuse_while_locked(root: str) -> None:
    """No change to a case from a browser while the workbook is locked: a tab that has not
    rerun since the lock still shows its buttons and boxes, and their callbacks run before
    the page's lock gate. Background work (an import finishing) has no browser run and goes on."""
    if get_script_run_ctx(suppress_warning=True) is not None and _lock(root).is_locked():
        raise LockedError(LOCKED_MESSAGE)


def store() -> CaseStore:
    return _stores(str(data_root()))[0]


def settings() -> SettingsStore:
    return _settings_store(str(data_root()))


_settled: set[str] = set()
_settled_lock = threading.Lock()


def settle_after_first_run(page: str) -> None:
    """Once per page and process, after its first run: collect the garbage, then freeze what
    is left (the page's modules, the caseload's cases) out of Python's full garbage collections.

    Streamlit collects all garbage after every run, and Python now and then during one;
    a full collection walks every live object, and at ten times a busy caseload (225,000
    objects) that took 90 ms, seen as single slow runs. What is alive after a page's first
    run mostly lives as long as the server; objects without reference cycles (a case read
    again after a change) are still freed as soon as they are unused. Once per process,
    not per cache: tests clear the caches for every test.
    """
    with _settled_lock:
        if page in _settled:
            return
        _settled.add(page)
    gc.collect()
    gc.freeze()


@st.cache_resource(show_spinner=False)
def _lock(root: str) -> AppLock:
    """On lock the case store goes with the files served: the cases it keeps read are let go."""
    return AppLock(_settings_store(root), on_lock=lambda: (forget_served_files(), _case_store.clear()))


def forget_served_files() -> None:
    """Drop every file Streamlit's own ``/media/`` store serves (stills, downloads such as the
    celebration summary): on lock and after an erasure nothing of a family may stay reachable.
    The film picker's stills and listings, kept in memory, go too."""
    film_picker.forget()
    if not runtime.exists():
        return
    files = runtime.get_instance().media_file_mgr
    with files._lock:  # Streamlit has no public call for this; its own clean-up uses the same two
        for file_id in list(files._file_metadata):
            files._delete_file(file_id)


def app_lock() -> AppLock:
    """The workbook's one lock (per data folder, shared by every tab)."""
    return _lock(str(data_root()))


def today() -> date:
    return date.today()


# --- messages ---------------------------------------------------------------
def flash(kind: str, text: str) -> None:
    """Queue a message ("success", "error", "warning", "info") for this run's page."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, text))


def show_flash() -> None:
    """Show the queued messages; they may quote what was typed (a case code, a title), so escaped."""
    for kind, text in st.session_state.pop(FLASH_KEY, []):
        getattr(st, kind)(plain(text))


def guarded(action: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a widget callback so that failures become a message, never a traceback."""

    @wraps(action)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            if app_lock().is_locked():  # a tab that has not rerun since the lock (see _refuse_while_locked)
                raise LockedError(LOCKED_MESSAGE)
            result = action(*args, **kwargs)
            press_done()  # it ran to its end: a press it asked first_press about has had its effect
            return result
        except VigError as error:
            flash("error", str(error))
        except Exception:
            log.exception("action %s failed", getattr(action, "__name__", action))
            flash("error", GENERIC_ERROR)
        return None

    return run


# --- a second press of the same thing ----------------------------------------------
REPEAT_SECONDS = 2.0  # a double click, or an impatient second press, arrives well within this


@dataclass
class _Press:
    when: float
    thread: threading.Thread
    done: bool = False  # its effect is made (a record written, a job started)
    went: Route | None = None  # the page it sent the practitioner to


# Kept outside st.session_state on purpose: with fast reruns a second click's run starts while
# the first is still in its callback, and Streamlit stops the first at its next touch of
# st.session_state. Plain Python here is never cut short, so what it records is true.
_presses: dict[tuple[int, str], _Press] = {}  # (browser session, action and input) -> the last press
_presses_lock = threading.Lock()
_pressing = threading.local()


def first_press(action: str, *what: object) -> bool:
    """Whether this press of ``action`` on ``what`` (the text typed, the file chosen, ...)
    should act: ``False`` for the same press again within :data:`REPEAT_SECONDS` once the
    first one has had its effect.

    A double click sends two clicks, and Streamlit runs the button's callback for each,
    the second possibly beside the first. So every button that creates something asks
    this first; a repeat waits for the first press's run to end, then follows it where
    it went (a new case opens its page). A first press cut short before its effect
    (:func:`press_done`) does not count, and the same action on other input (a second,
    different goal) is never held back.
    """
    ctx = get_script_run_ctx(suppress_warning=True)
    # The browser session's own state object (each run has a wrapper of it; AppTest gives every
    # session the same id), read without touching it, which would be a point to stop at.
    state = object.__getattribute__(ctx.session_state, "_state") if ctx else None
    key = (id(state), repr((action, what)))
    now, me = time.monotonic(), threading.current_thread()
    with _presses_lock:
        for old in [k for k, p in _presses.items() if now - p.when > 60]:
            del _presses[old]
        earlier = _presses.get(key)
    if earlier is not None and now - earlier.when < REPEAT_SECONDS:
        if earlier.thread is not me:
            earlier.thread.join(timeout=REPEAT_SECONDS * 5)  # told to stop, it ends soon after its callback
        if earlier.done:
            if earlier.went:
                go_to(earlier.went)  # the first press's run was cut short before it could change the page
            return False
    press = _Press(now, me)
    with _presses_lock:
        _presses[key] = press
    _pressing.press = press
    return True


def forget_presses() -> None:
    """Forget every press (as if seconds had passed; for tests)."""
    with _presses_lock:
        _presses.clear()


def press_done() -> None:
    """The effect of the press being handled is made: a repeat of it now does nothing
    (called by :func:`update_case` after its write; call it after any other effect)."""
    press = getattr(_pressing, "press", None)
    if press is not None:
        press.done = True


# --- the open case ------------------------------------------------------------
def client_view_case() -> str | None:
    return settings().get(CLIENT_VIEW_SETTING)


def in_client_view() -> bool:
    return client_view_case() is not None


def current_case_id() -> str | None:
    locked = client_view_case()
    if locked:
        return locked
    return st.session_state.get(CASE_KEY)


def go_to(page: Route) -> None:
    """Ask the app to switch to ``page`` once navigation is built (callbacks cannot switch)."""
    press = getattr(_pressing, "press", None)
    if press is not None:
        press.went = page  # first: the write below is where a second click's run may cut in
    st.session_state[GOTO_KEY] = page.file


_entry = threading.local()


@contextmanager
def running_page() -> Iterator[None]:
    """Marks that ``app.py`` (with its client-view gate) is running the page."""
    _entry.active = True
    try:
        yield
    finally:
        _entry.active = False


def begin_page() -> None:
    """Run first on every page: make sure ``app.py`` runs it, follow a pending
    page switch, then show messages.

    Until ``app.py`` has called ``st.navigation`` once in a server process,
    Streamlit treats ``pages/`` as a legacy multipage folder and runs a page
    file requested by URL (``/caseload``) directly, bypassing the client-view
    gate. Such a run is turned into a rerun through ``app.py``.

    The switch happens here rather than in the callback (where Streamlit
    ignores it) or in ``app.py`` (where AppTest ignores it).
    """
    if not getattr(_entry, "active", False):
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        st.rerun()
    goto = st.session_state.pop(GOTO_KEY, None)
    if goto:
        routes.switch_to(goto, current_case_id())
    show_flash()


def open_case(case_id: str | None) -> None:
    st.session_state[CASE_KEY] = case_id
    if case_id:
        st.query_params[routes.CASE_PARAM] = case_id
    else:
        st.query_params.pop(routes.CASE_PARAM, None)


def current_case() -> Case | None:
    case_id = current_case_id()
    if not case_id:
        return None
    try:
        return store().load(case_id)
    except NotFoundError:
        open_case(None)
        return None


@dataclass(frozen=True)
class Done(Generic[T]):
    """An action on the open case that finished, and what it handed back (which may be None or 0)."""

    value: T


def act_on_case(action: Callable[..., T], *args: Any, success: str | None = None, **kwargs: Any) -> Done[T] | None:
    """Run a named service on the open case, ``action(store, case_id, *args, **kwargs)``, and hand back
    what it returned; None when it did not finish (its problem is then a message).

    Pages change a case through here (or :func:`update_case`, built on it): past the lock guard
    and the message guard of :func:`guarded`, with the press marked done right after the write,
    before anything else touches the session (where a double click's second run may cut in).
    """

    @guarded
    def apply() -> Done[T]:
        value = action(store(), current_case_id(), *args, **kwargs)
        press_done()
        if success:
            flash("success", success)
        return Done(value)

    return apply()


def update_case(change: Callable[[Case], Any], success: str | None = None) -> bool:
    """Apply ``change`` (a domain method of the case) to the open case and save it; report
    problems as messages. When the page needs what the change made, it calls a named service
    through :func:`act_on_case` instead."""
    return act_on_case(lambda cases, case_id: cases.update(case_id, change), success=success) is not None


def enter_client_view(case_id: str) -> None:
    settings().set(CLIENT_VIEW_SETTING, case_id)


def leave_client_view() -> None:
    """Back to practitioner view, still on the family that was shown."""
    open_case(client_view_case())
    settings().set(CLIENT_VIEW_SETTING, None)
