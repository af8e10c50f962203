"""The micro-analysis player: a plain HTML5 video with a timeline of the whole film, as one component.

Micro-analysis means watching the same seconds again and again, frame by frame, and
marking moments. ``streamlit-player`` reloads the film to seek and cannot step frames;
here the browser does all of it (``analysis_player.js``, a Streamlit custom component v2
running in the page itself, not in an iframe; its timeline in ``analysis_timeline.js``):

- The ``<video>`` plays the film from the workbook's media route (``media_url``). It is
  made once per ``key`` and kept across reruns and even a remount of the component, so
  seeking, new moments or a new URL for the same film never load the film again.
- Keys act whenever no text box has the focus, including after a click on the picture:
  K play/pause, J and L one second back/on, comma and full stop one frame back/on (each
  press exactly one frame, counted from ``fps`` and the time on screen), M mark.
  Speeds 1×, ½×, ¼×. The picture is as large as ``max_height`` allows (a portrait phone
  film fills the height, not a narrow strip).
- A canvas timeline under it: the sound's loudness, the playhead, moments as markers in
  their colours (with a legend), clips as spans, suggestions in a lane of their own.
  Click to go there, drag or Shift + wheel to move along, Zoom buttons or Ctrl + wheel
  down to a 10-second window; hovering a marker shows its label.

What comes back (:class:`PlayerEvent`): the time the player is at (reported when it
pauses, after seeking settles, and every ``report_every`` seconds while playing: each
report is a rerun, so not more often), the moments marked with M and the markers or
suggestions clicked. People press M a little after what they saw, so a mark is the
player's time minus ``offset`` (as ELAN's delayed segmentation), never below 0.

Events pressed faster than the server runs are folded by Streamlit into the last one;
so every mark and choice is sent again with the next few (up to 20) and carries its own
id: each is reported exactly once here, however often it arrives.
"""

from __future__ import annotations

import base64
import functools
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import streamlit as st

from vig_core.case.frames import snap

SEEN_KEY = "_analysis_player_seen"  # component key -> ids of marks and choices already reported
SEEK_KEY = "_analysis_player_seek"  # component key -> {"time", "id"}: where the page asked the player to go
_SEEN_KEPT = 200  # ids remembered per player: far more than the browser ever sends again
MAX_HEIGHT = "calc(100vh - 22rem)"  # the picture's limit: the screen less its controls, its timeline and a heading

ChoiceKind = Literal["moment", "clip", "suggestion"]
ChoiceAction = Literal["open", "accept", "dismiss"]


@dataclass(frozen=True)
class TimelineMoment:
    """A moment drawn as a marker at ``time`` seconds; hovering it shows ``label``."""

    id: str
    time: float
    color: str
    label: str = ""


@dataclass(frozen=True)
class TimelineSpan:
    """A clip or a suggestion drawn from ``start`` to ``end`` seconds (``color`` empty: the lane's own)."""

    id: str
    start: float
    end: float
    label: str = ""
    color: str = ""


@dataclass(frozen=True)
class LegendEntry:
    """What a marker colour means (a principle, say)."""

    color: str
    label: str


@dataclass(frozen=True)
class MarkRequest:
    """M (or *Mark moment*) was pressed: mark a moment at ``time`` (the player's time
    ``player_time`` less the reaction offset, snapped to its frame). ``id`` is unique per press."""

    id: str
    time: float
    player_time: float


@dataclass(frozen=True)
class Choice:
    """A marker or span clicked on the timeline (``action`` "open"), or a suggestion accepted or
    dismissed with the buttons under the timeline. ``item`` is the id the page gave it."""

    id: str
    kind: ChoiceKind
    item: str
    action: ChoiceAction


@dataclass(frozen=True)
class PlayerEvent:
    """What the player reported: ``time`` (seconds, ``None`` until its first report), and the
    marks and choices new since the last run, in the order they were made."""

    time: float | None
    marks: tuple[MarkRequest, ...] = ()
    choices: tuple[Choice, ...] = ()

    @property
    def mark(self) -> MarkRequest | None:
        """The latest new mark, if any (most runs carry at most one)."""
        return self.marks[-1] if self.marks else None


_CSS = """
.vig-ap { display: flex; flex-direction: column; gap: .45rem; width: 100%; font-family: inherit;
          color: var(--st-text-color, inherit); }
.vig-ap-picture { display: block; width: 100%; height: auto; min-height: 10rem;
                  max-height: var(--vig-ap-max-height, calc(100vh - 22rem));
                  background: #000; border-radius: .5rem; object-fit: contain; cursor: pointer; }
.vig-ap-controls, .vig-ap-zoom, .vig-ap-speeds, .vig-ap-suggestion, .vig-ap-legend {
  display: flex; flex-wrap: wrap; align-items: center; gap: .35rem; }
.vig-ap-legend { margin-left: auto; gap: .75rem; font-size: .8rem; }
.vig-ap-key { display: inline-flex; align-items: center; gap: .3rem; }
.vig-ap-swatch { width: .7rem; height: .7rem; border-radius: 2px; display: inline-block; }
.vig-ap-button {
  min-height: 2.2rem; padding: .2rem .7rem; cursor: pointer; font-family: inherit; font-size: .875rem;
  color: var(--st-text-color, inherit); background: var(--st-background-color, white);
  border: 1px solid var(--st-border-color, #d5dae5); border-radius: var(--st-button-radius, .5rem); }
.vig-ap-button:hover { border-color: var(--st-primary-color, #2f6f5e); color: var(--st-primary-color, #2f6f5e); }
.vig-ap-button:focus-visible { outline: 2px solid var(--st-primary-color, #2f6f5e); outline-offset: 1px; }
.vig-ap-button[aria-pressed="true"] { background: var(--st-primary-color, #2f6f5e); color: white; }
.vig-ap-play { min-width: 6.5rem; }
.vig-ap-mark { font-weight: 600; border-color: var(--st-primary-color, #2f6f5e); }
.vig-ap-clock { font-variant-numeric: tabular-nums; margin-left: .5rem; }
.vig-ap-status { font-size: .85rem; opacity: .75; }
.vig-ap-timeline { position: relative; }
.vig-ap-canvas { display: block; width: 100%; touch-action: none; user-select: none; }
.vig-ap-tip { position: absolute; top: 0; z-index: 2; pointer-events: none; white-space: pre-line;
              max-width: 22rem; padding: .2rem .45rem; font-size: .8rem; border-radius: .3rem;
              background: var(--st-text-color, #31333f); color: var(--st-background-color, white); }
.vig-ap-suggestion { padding: .3rem .5rem; border-radius: .4rem; background: rgba(201, 138, 0, .12); }
.vig-ap [hidden] { display: none; }
"""

# Not isolated in a shadow root: the lock's watch (vig_core.ui.autosave) finds a playing film with
# document.querySelectorAll("video"), which does not look into shadow roots. Classes are prefixed.
_JS = "\n".join((Path(__file__).parent / name).read_text(encoding="utf-8")
                for name in ("analysis_player.js", "analysis_timeline.js"))
_player = st.components.v2.component(
    "vig_analysis_player",
    js=_JS,
    css=_CSS,
    isolate_styles=False,
)


def peaks_bytes(values: Sequence[float] | np.ndarray) -> bytes:
    """Loudness values (any scale, evenly spread over the film) as one byte each, 0–255, the
    loudest 255: what the timeline draws. Store these rather than floats to send less."""
    peaks = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0).clip(min=0.0)
    loudest = peaks.max(initial=0.0)
    if loudest <= 0:
        return bytes(peaks.size)
    return np.rint(peaks / loudest * 255).astype(np.uint8).tobytes()


@functools.lru_cache(maxsize=8)
def _encoded(peaks: bytes) -> str:
    return base64.b64encode(peaks).decode("ascii")


def seek_player(key: str, seconds: float) -> None:
    """Send the player ``key`` to ``seconds`` on its next draw (a moment opened from the list, say).
    Each request is carried out once; the film is not loaded again."""
    st.session_state.setdefault(SEEK_KEY, {})[key] = {"time": max(0.0, float(seconds)), "id": uuid.uuid4().hex}


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _new_ids(key: str, ids: list[str]) -> set[str]:
    """The ids among ``ids`` not reported before for player ``key``; from now on they count as reported."""
    seen: list[str] = st.session_state.setdefault(SEEN_KEY, {}).setdefault(key, [])
    new = {i for i in ids if i not in seen}
    seen.extend(i for i in ids if i in new)
    del seen[:-_SEEN_KEPT]
    return new


def read_event(key: str, reported: dict[str, Any] | None, *, fps: float) -> PlayerEvent | None:
    """The event in the component's report ``reported`` (its state and triggers): the time, and
    the marks and choices not reported before. Anything malformed is left out."""
    reported = reported or {}
    time = _number(reported.get("time"))
    marks: list[MarkRequest] = []
    for entry in reported.get("mark") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        at, when = _number(entry.get("at")), _number(entry.get("time"))
        if at is not None and when is not None:
            marks.append(MarkRequest(entry["id"], snap(max(0.0, when), fps), max(0.0, at)))
    choices: list[Choice] = []
    for entry in reported.get("choose") or []:
        if (isinstance(entry, dict) and isinstance(entry.get("id"), str) and isinstance(entry.get("item"), str)
                and entry.get("kind") in ("moment", "clip", "suggestion")
                and entry.get("action") in ("open", "accept", "dismiss")):
            choices.append(Choice(entry["id"], entry["kind"], entry["item"], entry["action"]))
    new = _new_ids(key, [m.id for m in marks] + [c.id for c in choices])
    marks = [m for m in marks if m.id in new]
    choices = [c for c in choices if c.id in new]
    if time is None and not marks and not choices:
        return None
    return PlayerEvent(time, tuple(marks), tuple(choices))


def _check(fps: float, duration: float, offset: float) -> None:
    if not (math.isfinite(fps) and fps > 0):
        raise ValueError(f"fps must be a positive number, not {fps!r}")
    if not (math.isfinite(duration) and duration >= 0):
        raise ValueError(f"duration must be a number of seconds, not {duration!r}")
    if not math.isfinite(offset):
        raise ValueError(f"offset must be a number of seconds, not {offset!r}")


def player_data(url: str, *, key: str, fps: float, duration: float, moments: Sequence[TimelineMoment] = (),
                clips: Sequence[TimelineSpan] = (), suggestions: Sequence[TimelineSpan] = (),
                legend: Sequence[LegendEntry] = (), peaks: Sequence[float] | np.ndarray | bytes = b"",
                offset: float = 0.5, report_every: float = 5.0, max_height: str = MAX_HEIGHT) -> dict[str, Any]:
    """What the browser is sent (JSON): see :func:`analysis_player`."""
    _check(fps, duration, offset)
    return {
        "key": key, "url": url, "fps": fps, "duration": duration, "offset": max(0.0, offset),
        "report_every": max(0.0, report_every), "max_height": max_height,
        "moments": [asdict(m) for m in moments],
        "clips": [asdict(c) for c in clips],
        "suggestions": [asdict(s) for s in suggestions],
        "legend": [asdict(entry) for entry in legend],
        "peaks": _encoded(peaks if isinstance(peaks, bytes) else peaks_bytes(peaks)),
        "seek": st.session_state.get(SEEK_KEY, {}).get(key),
    }


def analysis_player(
    url: str,
    *,
    fps: float,
    duration: float,
    key: str,
    moments: Sequence[TimelineMoment] = (),
    clips: Sequence[TimelineSpan] = (),
    suggestions: Sequence[TimelineSpan] = (),
    legend: Sequence[LegendEntry] = (),
    peaks: Sequence[float] | np.ndarray | bytes = b"",
    offset: float = 0.5,
    report_every: float = 5.0,
    max_height: str = MAX_HEIGHT,
    on_event: Callable[[PlayerEvent], None] | None = None,
) -> PlayerEvent | None:
    """Draw the player for the film at ``url`` (from ``media_url``) and return what it reported.

    ``key`` names the player: give each film its own (a new ``url`` under the same key is
    taken for the same film issued again, and the player keeps its place). ``fps`` and
    ``duration`` (seconds) come from the recording; ``peaks`` is the sound's loudness evenly
    over the film (floats, or the bytes of :func:`peaks_bytes`; empty draws a flat line).
    ``offset`` is the reaction offset in seconds taken off each mark. ``max_height`` is a CSS
    length for the picture. ``report_every``: seconds between time reports while playing
    (0: only when it pauses or seeks).

    With ``on_event``, new marks and choices are handed to it as a callback, before the page
    is drawn (so the list below shows a new moment at once); they are not in the returned
    event then. Returns ``None`` until the player has reported anything.
    """

    def changed() -> None:
        if on_event is None:
            return  # read from the returned event below
        event = read_event(key, st.session_state.get(key), fps=fps)
        if event is not None and (event.marks or event.choices):
            on_event(event)

    data = player_data(url, key=key, fps=fps, duration=duration, moments=moments, clips=clips,
                       suggestions=suggestions, legend=legend, peaks=peaks, offset=offset,
                       report_every=report_every, max_height=max_height)
    result = _player(key=key, data=data, on_time_change=changed, on_mark_change=changed,
                     on_choose_change=changed)
    return read_event(key, {name: result.get(name) for name in ("time", "mark", "choose")}, fps=fps)
