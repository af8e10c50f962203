"""Text boxes that keep every word: saved while typing, never overwriting another tab.

Streamlit sends a text box's value only when the box is left. Text typed into a
box that is never left (the practitioner talks with the parent, the lock comes,
the tab is reloaded, the laptop's lid is closed) would be lost. So a small
script in the page (:data:`TYPING_JS`) reports what is typed into any keyed box,
a second after typing pauses and at least every few seconds while it goes on,
to a fragment that saves it (:func:`typing_watch`); that report also counts as
use for the idle lock.

The same script makes a page link clicked while a box has the cursor go on the first
click (leaving the box sends its text, and Streamlit dropped the change of page).

Every save compares the text the box started from (its *base*) with the text
stored now (:func:`vig_core.case.text_fields.merge_typed`): when another tab or window
changed it meanwhile, the typed text is not written over the newer one; the box
shows the newer text and the typed text stays below it, with a choice to use it.
A box that was not typed in simply shows the newer text on its next run.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import streamlit as st

from vig_core.case.record import Case
from vig_core.case.text_fields import CONFLICT, SAME, SAVE, TextField, merge_typed
from vig_core.errors import LockedError, VigError
from vig_core.ui import messages, session
from vig_core.ui.escape import plain, shown

log = logging.getLogger("vig_workbook")

BOXES_KEY = "_autosave_boxes"  # box key -> Box: what each box on any page drawn in this tab saves
BASES_KEY = "_autosave_bases"  # box key -> the stored text the box last agreed with
CONFLICTS_KEY = "_autosave_conflicts"  # box key -> text typed here that another change kept from being saved
HELD_KEY = "_autosave_held"  # box key -> text that came while the workbook was locked, saved on unlock
DRAWN_KEY = "_autosave_drawn"  # (case id, store version) of the case as the page last drew it
TYPED_STATE = "typed"
WATCH_KEY = "typing-watch"
IDLE_CHECK_SECONDS = 10  # how often an open tab asks whether the idle time has run out

TYPING_JS = """
export default function (component) {
  // It draws nothing: its place in the page must not take room (a gap above every page) either.
  // Hidden with the blocks around it that hold nothing else (its fragment's), up to the page's own block.
  const root = component.parentElement;
  const pageBlock = (el) => !el.parentElement || el.matches('[data-testid="stMainBlockContainer"]')
    || el.parentElement.matches('[data-testid="stMainBlockContainer"]');
  let holder = (root && (root.host || root)).closest('[data-testid="stElementContainer"]');
  while (holder && holder.parentElement.children.length === 1 && !pageBlock(holder.parentElement)) {
    holder = holder.parentElement;
  }
  if (holder) holder.style.display = 'none';
  const shared = window.__vigTyping;
  if (shared) {
    shared.component = component;
    return () => { if (shared.component === component) shared.component = null; };
  }
  const state = window.__vigTyping = { component, pending: {}, broken: {}, timer: null, since: 0 };
  const send = () => {
    clearTimeout(state.timer);
    state.timer = null;
    const texts = state.pending, broken = Object.keys(state.broken);
    state.pending = {};
    state.broken = {};
    state.since = 0;
    if (state.component && (Object.keys(texts).length || broken.length)) {
      state.component.setStateValue('typed', { at: Date.now(), texts, broken });
    }
  };
  const keyOf = (box) => {
    const holder = box.closest('[class*="st-key-"]');
    const name = holder && [...holder.classList].find((c) => c.startsWith('st-key-'));
    return name ? name.slice('st-key-'.length) : null;
  };
  // Half a character (a lone surrogate, as some pastes carry) cannot travel to the server: Streamlit
  // drops the whole message, and the text would silently not be saved. Registered first, this puts
  // U+FFFD in its place before anything reads the box, and tells the page, which says so beside it.
  const brokenCharacter = /[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]/g;
  document.addEventListener('input', (event) => {
    const box = event.target;
    if (!(box instanceof HTMLTextAreaElement || box instanceof HTMLInputElement) || event.isComposing) return;
    const mended = box.value.replace(brokenCharacter, '\\uFFFD');
    if (mended === box.value) return;
    const [start, end] = [box.selectionStart, box.selectionEnd];
    // the prototype's own setter, so that the page's copy of the value (React's) notices the change
    Object.getOwnPropertyDescriptor(Object.getPrototypeOf(box), 'value').set.call(box, mended);
    try { box.setSelectionRange(start, end); } catch (error) { /* a box without a cursor */ }
    state.broken[keyOf(box) || ''] = true;
    state.timer = state.timer || setTimeout(send, 1000);
  }, true);
  document.addEventListener('input', (event) => {
    const box = event.target;
    const text = box instanceof HTMLTextAreaElement || (box instanceof HTMLInputElement && box.type === 'text');
    const key = text && keyOf(box);
    if (!key) return;
    state.pending[key] = box.value;
    state.since = state.since || Date.now();
    clearTimeout(state.timer);
    // a second after typing pauses, and at least every 4 seconds while it goes on
    state.timer = setTimeout(send, Date.now() - state.since > 4000 ? 0 : 1000);
  }, true);
  // Leaving a box makes Streamlit send its text itself: what waits here for it is stale then.
  document.addEventListener('focusout', (event) => {
    const key = event.target instanceof Element && keyOf(event.target);
    if (key) delete state.pending[key];
  }, true);
  // A page link clicked while a box has the cursor: leaving the box sends its text, and that
  // run swallowed the change of page. Click once more when the run has ended, if still here.
  const pageLink = (event) => event.target instanceof Element
    && event.target.closest('a[data-testid="stPageLink-NavLink"]');
  document.addEventListener('pointerdown', (event) => {
    const box = document.activeElement;
    state.fromBox = Boolean(pageLink(event)) && (box instanceof HTMLTextAreaElement || box instanceof HTMLInputElement);
  }, true);
  document.addEventListener('click', (event) => {
    const link = pageLink(event);
    if (!link || !event.isTrusted || !state.fromBox) return;
    state.fromBox = false;
    const wanted = new URL(link.href, location.href).pathname;
    const started = Date.now();
    const again = () => {
      if (location.pathname === wanted || Date.now() - started > 8000) return;
      const running = document.querySelector('[data-test-script-state="running"]');
      const target = [...document.querySelectorAll('a[data-testid="stPageLink-NavLink"]')]
        .find((a) => new URL(a.href, location.href).pathname === wanted);
      if (!running && target) target.click(); else setTimeout(again, 150);
    };
    setTimeout(again, 300);
  }, true);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') send();
    else if (state.component) state.component.setTriggerValue('seen', Date.now());
  });
  window.addEventListener('pagehide', send);
  // A film playing in a visible page is use (a long clip watched with the parent must not lock);
  // a film merely fetched is not (see vig_core.services.lock).
  setInterval(() => {
    if (document.visibilityState !== 'visible' || !state.component) return;
    const videos = [...document.querySelectorAll('video')];
    for (const frame of document.querySelectorAll('iframe')) {
      try { videos.push(...frame.contentDocument.querySelectorAll('video')); } catch (error) { /* not ours */ }
    }
    if (videos.some((v) => !v.paused && !v.ended)) state.component.setTriggerValue('playing', Date.now());
  }, 20000);
  return () => { if (state.component === component) state.component = null; };
}
"""
_typing_component = st.components.v2.component("vig_typing_watch", js=TYPING_JS)


@dataclass(frozen=True)
class Box:
    case_id: str
    field: TextField
    label: str


def _state(name: str) -> dict[str, Any]:
    return st.session_state.setdefault(name, {})


def class_key(key: str) -> str:
    """The widget key as the page's class names carry it (what the typing script reports)."""
    return re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


# --- saving typed text ------------------------------------------------------------------
def keep_typed(key: str, text: str, *, quiet: bool) -> str | None:
    """Save ``text`` typed into box ``key`` unless another change came first (see module notes).

    ``quiet`` (while typing): a text that does not pass the case's checks yet (a required
    name half typed) is left for the moment the box is left, which says what is wrong.
    Returns SAVE, SAME, CONFLICT, or ``None`` when nothing could be saved.
    """
    box = _state(BOXES_KEY).get(key)
    if box is None:
        return None
    bases = _state(BASES_KEY)
    verdicts: list[str] = []

    def change(case: Case) -> None:
        current = box.field.read(case)
        verdicts.append(merge_typed(bases.get(key, current), current, text))
        if verdicts[-1] == SAVE:
            box.field.write(case, text)

    drawn = st.session_state.get(DRAWN_KEY)
    try:
        before = session.store().version(box.case_id)  # a locked vault's store cannot even be asked
        session.store().update(box.case_id, change)
    except LockedError:  # typed in a tab that has not caught up with the lock: saved after unlocking
        _state(HELD_KEY)[key] = text
        return None
    except VigError as error:
        if not quiet:
            session.flash("error", str(error))
        return None
    except Exception:
        log.exception("saving a text box failed")
        if not quiet:
            session.flash("error", session.GENERIC_ERROR)
        return None
    verdict = verdicts[-1]
    if verdict == CONFLICT:
        _state(CONFLICTS_KEY)[key] = text
    else:
        bases[key] = text
        _state(CONFLICTS_KEY).pop(key, None)
        if drawn == (box.case_id, before):  # our own write: the page is still up to date
            st.session_state[DRAWN_KEY] = (box.case_id, session.store().version(box.case_id))
    return verdict


def keep_reported(texts: dict[str, Any], *, locked: bool) -> bool:
    """Save what the typing script reported; return whether the page must be drawn again
    (a conflict to show). While locked, the texts are held and saved after unlocking."""
    boxes = {class_key(k): k for k in _state(BOXES_KEY)}
    redraw = False
    for reported, text in texts.items():
        key = boxes.get(str(reported))
        if key is None or not isinstance(text, str) or _state(CONFLICTS_KEY).get(key) == text:
            continue  # not a box of ours, or the echo of a text already kept apart
        if locked:
            _state(HELD_KEY)[key] = text
        elif keep_typed(key, text, quiet=True) == CONFLICT:
            redraw = True
    return redraw


MENDED = ("“{label}” held a broken character (half of one, as some pastes carry) that cannot be saved: the box "
          "shows � in its place, and the rest of the text is saved. Please check the text there.")
MENDED_ELSEWHERE = ("A box held a broken character (half of one, as some pastes carry) that cannot be saved: it "
                    "shows � in its place. Please check that text before you go on.")


def tell_mended(reported: object) -> bool:
    """Say beside each box (or at the top) that the typing script put � for half a character in it
    (see :data:`TYPING_JS`); return whether there was any, so that the page is drawn again to say it."""
    if not isinstance(reported, list) or not reported:
        return False
    boxes = {class_key(k): k for k in _state(BOXES_KEY)}
    for reported_key in reported:
        key = boxes.get(str(reported_key))
        if key is None:
            session.flash("warning", MENDED_ELSEWHERE)
        else:
            messages.flash(key, "warning", MENDED.format(label=_state(BOXES_KEY)[key].label))
    return True


# --- the fragment that listens -------------------------------------------------------------
def _watch() -> None:
    """Mount the typing script (drawing nothing), save what it reports, count typing as use,
    and draw the page again when it locked, a conflict came up, or the case changed elsewhere."""
    result = _typing_component(key=WATCH_KEY, height=0, on_typed_change=lambda: None, on_seen_change=lambda: None,
                               on_playing_change=lambda: None)
    typed = getattr(result, TYPED_STATE, None)
    app_lock = session.app_lock()
    fresh = isinstance(typed, dict) and typed.get("at") != st.session_state.get("_typing_at")
    if fresh:
        st.session_state["_typing_at"] = typed.get("at")
    if fresh or getattr(result, "playing", None):
        app_lock.touch()  # typing, or a film playing in this visible page, is use: the idle time starts again
    locked = app_lock.is_locked()
    redraw = fresh and isinstance(typed.get("texts"), dict) and keep_reported(typed["texts"], locked=locked)
    redraw = (fresh and tell_mended(typed.get("broken"))) or redraw
    if locked or redraw or _changed_elsewhere():
        st.rerun(scope="app")


_watch_typing = st.fragment(_watch)
_watch_typing_and_idle_time = st.fragment(_watch, run_every=IDLE_CHECK_SECONDS)


def typing_watch(*, idle_check: bool) -> None:
    """The watch for this page run; with a passphrase it also asks every few seconds
    whether the idle time has run out (then the whole page reruns into the lock)."""
    (_watch_typing_and_idle_time if idle_check else _watch_typing)()


def _changed_elsewhere() -> bool:
    """Whether the open case was written since the page drew it (another tab, a job)."""
    drawn = st.session_state.get(DRAWN_KEY)
    return bool(drawn) and session.store().version(drawn[0]) != drawn[1]


def page_drawn(case_id: str | None) -> None:
    """Note the version of the case the page is about to draw (see :func:`_changed_elsewhere`)."""
    st.session_state[DRAWN_KEY] = (case_id, session.store().version(case_id)) if case_id else None


# --- the box ------------------------------------------------------------------------------
def autosave_text(
    label: str,
    case: Case,
    field: TextField,
    *,
    key: str,
    max_chars: int,
    help: str | None = None,
    height: int | None = None,
    single_line: bool = False,
    placeholder: str | None = None,
) -> None:
    """A text box that saves itself while typing and when it is left (see module notes).

    If saving fails the typed text stays in the box and a message says why,
    so nothing the parent said is lost.
    """
    _state(BOXES_KEY)[key] = Box(case.id, field, label)
    stored = field.read(case)
    held = _state(HELD_KEY).pop(key, None)  # typed just before a lock
    if held is not None and keep_typed(key, held, quiet=False) in (SAVE, SAME):
        stored = st.session_state[key] = held
    bases = _state(BASES_KEY)
    if key not in bases:
        bases[key] = stored
    elif bases[key] != stored:  # changed elsewhere (or held text saved): show what is stored now
        bases[key] = stored
        st.session_state[key] = stored
    st.session_state.setdefault(key, stored)

    def on_change() -> None:  # keep_typed says itself what went wrong, and holds text typed while locked
        text = st.session_state[key]
        with messages.beside(key):
            if keep_typed(key, text, quiet=False) in (SAVE, SAME) and len(text) >= max_chars:
                # Streamlit cuts text at max_chars (a paste can be longer): say so.
                session.flash("warning", f"“{label}” is full ({max_chars:,} characters); text beyond that "
                                         "was not kept.")

    widget = st.text_input if single_line else st.text_area
    extra: dict[str, Any] = {} if single_line else {"height": height}
    widget(label, key=key, max_chars=max_chars, help=help, on_change=on_change,
           placeholder=placeholder, **extra)
    messages.show(key)
    if key in _state(CONFLICTS_KEY):
        _conflict(key, label)


def _conflict(key: str, label: str) -> None:
    mine = _state(CONFLICTS_KEY)[key]
    st.warning(f"“{plain(label)}” was changed in another tab or window while you typed here, so your text was "
               "not saved over it. The box shows the newer text; what you typed is below.",
               icon=":material/sync_problem:")
    st.text(shown(mine))  # (the text itself is kept as typed: "Use what I typed" saves it)

    def use_mine() -> None:
        box = _state(BOXES_KEY)[key]
        _state(BASES_KEY)[key] = box.field.read(session.store().load(box.case_id))
        if keep_typed(key, mine, quiet=False) == SAVE:
            st.session_state[key] = mine

    def keep_newer() -> None:
        _state(CONFLICTS_KEY).pop(key, None)

    left, right = st.columns(2)
    left.button("Use what I typed instead", key=f"{key}-use-mine", on_click=use_mine)
    right.button("Keep the newer text", key=f"{key}-keep-newer", on_click=keep_newer)
