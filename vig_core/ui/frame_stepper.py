"""One frame back, one frame on: two buttons and the Left and Right keys, where every
press moves exactly one frame however fast the presses come.

Streamlit buttons cannot do this: presses that arrive while a run is going are folded
into one (the server keeps one "pressed" per button for the next run), so five quick
presses moved two frames. Here the browser counts: it sends the running total of its
presses (net frames, +1 on, -1 back), and the server moves by the part of that total
it has not applied yet. Folded requests then carry the latest total and lose nothing.

Each mount of the widget counts afresh under its own random id, so a page reload or
another moment never replays old presses. The keys act when no text box, list or
slider has the focus (a focused player takes its own keys inside its frame).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

APPLIED_KEY = "_frame_steps_applied"  # {mount id: the total of presses already applied}

_JS = """
export default function ({ parentElement, setStateValue }) {
  let state = parentElement.__vigFrameStepper;
  if (!state) {
    const mount = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now());
    state = { mount, net: 0, presses: 0 };
    parentElement.__vigFrameStepper = state;
    const press = (frames) => {
      state.net += frames;
      state.presses += 1;
      state.send("steps", { mount: state.mount, net: state.net, presses: state.presses });
    };
    const box = document.createElement("div");
    box.className = "stepper";
    for (const [frames, text, label, hint] of [[-1, "\\u25C0 1 frame", "1 frame back", "\\u2190"],
                                                 [1, "1 frame \\u25B6", "1 frame on", "\\u2192"]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.frames = String(frames);
      button.setAttribute("aria-label", label);
      button.title = `${label} (keyboard: ${hint})`;
      button.textContent = text;
      const kbd = document.createElement("kbd");
      kbd.textContent = hint;
      button.appendChild(kbd);
      button.addEventListener("click", () => press(frames));
      box.appendChild(button);
    }
    state.box = box;
    const typing = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="slider"], ' +
                   '[role="combobox"], [role="listbox"], [role="option"], [role="tab"], [role="radio"], ' +
                   '[role="menuitem"]';
    const onKey = (event) => {
      const frames = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
      if (!frames || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const target = event.composedPath()[0];
      if (target && target.closest && target.closest(typing)) return;
      event.preventDefault();
      press(frames);
    };
    document.addEventListener("keydown", onKey);
    state.cleanup = () => document.removeEventListener("keydown", onKey);
  }
  state.send = setStateValue;  // the newest, should the widget be drawn again
  if (!state.box.isConnected) parentElement.appendChild(state.box);
  return state.cleanup;
}
"""

_CSS = """
.stepper { display: flex; gap: 1rem; width: 100%; }
button {
  flex: 1; display: inline-flex; align-items: center; justify-content: center; gap: .5rem;
  min-height: 2.5rem; padding: .25rem .75rem; cursor: pointer;
  font-family: inherit; font-size: .875rem; color: var(--st-text-color, inherit);
  background: var(--st-background-color, white); border: 1px solid var(--st-border-color, #d5dae5);
  border-radius: var(--st-button-radius, .5rem);
}
button:hover { border-color: var(--st-primary-color, #2f6f5e); color: var(--st-primary-color, #2f6f5e); }
button:focus-visible { outline: 2px solid var(--st-primary-color, #2f6f5e); outline-offset: 1px; }
kbd { font-family: inherit; font-size: .8em; opacity: .6; }
"""

_stepper = st.components.v2.component("vig_frame_stepper", js=_JS, css=_CSS)


def new_frames(steps: object, applied: dict[str, int]) -> int:
    """Frames to move for the browser's report ``steps`` ({mount, net, presses}) that are not
    in ``applied`` yet (0 for anything else); records them there as applied. (``presses``
    only makes every report differ, so one back and one on still reach the server.)"""
    if not isinstance(steps, dict) or not isinstance(steps.get("mount"), str) or not isinstance(steps.get("net"), int):
        return 0
    frames = steps["net"] - applied.get(steps["mount"], 0)
    applied[steps["mount"]] = steps["net"]
    return frames


def frame_stepper(key: str, on_step: Callable[[int], None]) -> None:
    """The two buttons; ``on_step(frames)`` runs (as a callback, before the page is drawn)
    with the frames pressed since the last time: negative is back, never 0."""

    def changed() -> None:
        reported = (st.session_state.get(key) or {}).get("steps")
        frames = new_frames(reported, st.session_state.setdefault(APPLIED_KEY, {}))
        if frames:
            on_step(frames)

    _stepper(key=key, on_steps_change=changed, height=42)
