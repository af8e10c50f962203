"""The drop zone for films of any size: a Streamlit custom component (v2) over the upload route.

The browser (``film_drop.js``, in the page itself) shows a zone to drop films on and a
*Choose films…* button (the browser's own file dialog, several files at once). For each file it
asks Python for an upload ticket (trigger ``want``: name and size; the answer comes back in the
component's data, or a plain refusal such as a disk too full, shown beside that file before any
byte is sent), then sends the file in pieces with ``fetch`` to ``/api/upload/<ticket>``
(:mod:`vig_core.web.upload`), one file after another, showing a progress bar, the speed and the
time left, a Cancel, and on failure a Retry that carries on from the server's count. When a file
has arrived it fires ``done`` with its ticket; ``on_done`` takes it from there (the Recordings page
imports it). Cancel fires ``cancel`` (the partial file is removed). All text is set with
``textContent``.

A reloaded tab forgets its queue; dropping the same file again finds its ticket (same case, name and
size) and carries on from what had arrived.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from vig_core.errors import VigError
from vig_core.services.recordings import VIDEO_SUFFIXES
from vig_core.services.uploads import PIECE_MAX, TICKETS, Upload
from vig_core.ui import session
from vig_core.web.upload import URL_PREFIX

ANSWERS_KEY = "_film_drop_answers"  # component key -> {file id: {"ticket"} or {"error"}}
_KEPT = 100

_CSS = """
.vig-fd { display: flex; flex-direction: column; gap: .5rem; font-family: inherit;
          color: var(--st-text-color, inherit); }
.vig-fd-zone { display: flex; flex-wrap: wrap; align-items: center; justify-content: center; gap: .6rem;
               padding: 1.4rem 1rem; border: 2px dashed var(--st-border-color, #c8cdd8); border-radius: .6rem; }
.vig-fd-zone.vig-fd-over { border-color: var(--st-primary-color, #2f6f5e); background: rgba(47, 111, 94, .06); }
.vig-fd-input { position: absolute; width: 1px; height: 1px; opacity: 0; overflow: hidden; }
.vig-fd-button { min-height: 2.2rem; padding: .2rem .8rem; cursor: pointer; font-family: inherit; font-size: .9rem;
  color: var(--st-text-color, inherit); background: var(--st-background-color, white);
  border: 1px solid var(--st-border-color, #d5dae5); border-radius: var(--st-button-radius, .5rem); }
.vig-fd-button:hover { border-color: var(--st-primary-color, #2f6f5e); color: var(--st-primary-color, #2f6f5e); }
.vig-fd-button:focus-visible { outline: 2px solid var(--st-primary-color, #2f6f5e); outline-offset: 1px; }
.vig-fd-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: .4rem; }
.vig-fd-file { display: grid; grid-template-columns: minmax(8rem, 1fr) minmax(6rem, 2fr) auto auto; gap: .5rem;
               align-items: center; font-size: .9rem; }
.vig-fd-status { grid-column: 1 / 3; font-size: .85rem; }
.vig-fd-file[data-state="failed"] .vig-fd-status, .vig-fd-file[data-state="refused"] .vig-fd-status {
  color: #b42318; }
.vig-fd-name { overflow-wrap: anywhere; }
.vig-fd-progress { width: 100%; }
.vig-fd [hidden] { display: none; }
"""

_zone = st.components.v2.component(
    "vig_film_drop",
    js=(Path(__file__).parent / "film_drop.js").read_text(encoding="utf-8"),
    css=_CSS,
    isolate_styles=False,
)


def _answers(key: str) -> dict[str, dict]:
    return st.session_state.setdefault(ANSWERS_KEY, {}).setdefault(key, {})


def answer_wanted(key: str, files: Any, issue: Callable[[str, int], Upload]) -> None:
    """Issue a ticket for each file the browser named (or say in one sentence why not)."""
    answers = _answers(key)
    for entry in files if isinstance(files, list) else []:
        if not (isinstance(entry, dict) and isinstance(entry.get("id"), str) and isinstance(entry.get("name"), str)
                and isinstance(entry.get("size"), int) and len(entry["id"]) <= 64):
            continue
        try:
            answers[entry["id"]] = {"ticket": issue(entry["name"], entry["size"]).ticket}
        except VigError as error:
            answers[entry["id"]] = {"error": str(error)}
        except Exception:  # noqa: BLE001 - said beside the file, never as a traceback
            answers[entry["id"]] = {"error": session.GENERIC_ERROR}
    for old in list(answers)[:-_KEPT]:
        del answers[old]


def film_drop(key: str, *, issue: Callable[[str, int], Upload], on_done: Callable[[str], None]) -> None:
    """Draw the drop zone ``key``. ``issue(name, size)`` gives a ticket (see
    :meth:`~vig_core.services.uploads.UploadTickets.issue`); ``on_done(ticket)`` runs, as a callback
    before the page is drawn, when a film has arrived completely."""
    TICKETS.sweep()  # abandoned uploads go whenever the zone is shown

    def event(name: str) -> Any:
        reported = st.session_state.get(key) or {}
        return reported.get(name) if isinstance(reported, dict) else None

    def wanted() -> None:
        value = event("want")
        if isinstance(value, dict):
            answer_wanted(key, value.get("files"), issue)

    def done() -> None:
        value = event("done")
        if isinstance(value, dict) and isinstance(value.get("ticket"), str):
            on_done(value["ticket"])

    def cancelled() -> None:
        value = event("cancel")
        if isinstance(value, dict) and isinstance(value.get("ticket"), str):
            TICKETS.discard(value["ticket"])

    data = {"key": key, "prefix": URL_PREFIX, "piece": PIECE_MAX, "tickets": _answers(key),
            "accept": ",".join(["video/*", *sorted(VIDEO_SUFFIXES)])}
    _zone(key=key, data=data, on_want_change=wanted, on_done_change=done, on_cancel_change=cancelled)
