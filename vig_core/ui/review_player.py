"""The clip player of the shared review: big picture, calm controls.

Play/pause, play again, loop, slow motion and a still of the exact frame, each
a button with a key (K, 0, L, S) that works when no text box has the focus.
The player sits in a fragment so its progress events do not redraw the page;
the controls sit outside it, as buttons with callbacks (the pattern that works
with AppTest and with Streamlit's reruns).

It plays only the clip's own cut file, never the whole recording (the parent
must not be able to scrub to what was left out): until that file exists it
says the clip is being made ready, with the progress of the cut.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit_player import st_player

from vig_core.case.film import Clip, Recording
from vig_core.case.frames import format_time
from vig_core.case.review import has_clip_file
from vig_core.ui import session
from vig_core.ui.media import cutting, job_progress, media_url, still

SPEEDS = {1.0: "Normal speed", 0.5: "Slow (½×)", 0.25: "Very slow (¼×)"}
PLAYING, LOOP, SPEED, STILL = "review-playing", "review-loop", "review-speed", "review-still"
STILL_BUTTON = "review-still-button"

# The picture as large as the screen allows: as wide as its column, and no taller than the
# screen less what stands above it in client view (headings and the clip buttons, about
# 15.5rem) and, for a wide film, the two rows of controls under it (about 7.5rem more); so
# picture and controls fit in one screen at the usual laptop sizes (tests/browser/
# test_review_player.py measures it). A tall (portrait) film has its controls beside it. The
# player's own iframe fills that box (its height is "100vh" inside the iframe). The film's
# exact shape comes from the script below, as --vig-picture-ratio (height / width; a phone's
# 16:9 until then).
_PICTURE_CSS = """
[class*="st-key-review-picture-"] { container-type: inline-size; }
[class*="st-key-review-picture-"] iframe {
  height: min(var(--vig-picture-room), calc(100cqw * var(--vig-picture-ratio))) !important;
}
[class*="st-key-review-picture-"] img { max-height: var(--vig-picture-room); object-fit: contain; }
.st-key-review-picture-tall { --vig-picture-room: max(20rem, calc(100vh - 16.5rem)); --vig-picture-ratio: 1.7778; }
.st-key-review-picture-wide { --vig-picture-room: max(15rem, calc(100vh - 24rem)); --vig-picture-ratio: 0.5625; }
[class*="st-key-review-press-"] { display: none; }
"""

# The still must show the frame the player is at when Still frame (or S) is pressed. The
# player's progress events come every 250 ms and may still be from the previous loop, so
# at that moment this reads the <video> element's own currentTime inside the player's
# iframe (served from the same origin) and hands it to Python with the button's press.
_PLAYER_JS = """
export default function ({ data, parentElement, setStateValue }) {
  const picture = parentElement.closest('[class*="st-key-review-picture-"]');
  if (picture) picture.style.setProperty("--vig-picture-ratio", String(data.ratio));
  let presses = 0;
  const read = () => {
    const frame = document.querySelector(`.st-key-${data.player} iframe`);
    let video = null;
    try { video = frame && frame.contentDocument && frame.contentDocument.querySelector("video"); } catch (e) {}
    if (video && Number.isFinite(video.currentTime)) {
      presses += 1;
      setStateValue("press", { n: `${Date.now()}-${presses}`, t: video.currentTime });
    }
  };
  const onClick = (event) => {
    if (event.target instanceof Element && event.target.closest(`.st-key-${data.button}`)) read();
  };
  const onKey = (event) => {
    const target = event.target;
    const typing = target instanceof Element && (target.isContentEditable || target.closest("input, textarea, select"));
    if (event.key.toLowerCase() === "s" && !event.ctrlKey && !event.metaKey && !event.altKey && !typing) read();
  };
  document.addEventListener("click", onClick, true);
  document.addEventListener("keydown", onKey, true);
  return () => {
    document.removeEventListener("click", onClick, true);
    document.removeEventListener("keydown", onKey, true);
  };
}
"""
_player_helper = st.components.v2.component("vig_review_player", css=_PICTURE_CSS, js=_PLAYER_JS,
                                            isolate_styles=False)


def _played(event) -> float | None:
    if isinstance(event.data, dict) and isinstance(event.data.get("playedSeconds"), (int, float)):
        return float(event.data["playedSeconds"])
    return None


def clip_player(case_id: str, clip: Clip, recording: Recording, *, controls: DeltaGenerator | None = None) -> None:
    """The player for one clip, with its controls under it or in ``controls`` (e.g. a column beside it)."""
    state = st.session_state
    position_key, replay_key = f"review-position-{clip.id}", f"review-replay-{clip.id}"
    if not has_clip_file(session.store().case_folder(case_id), clip):
        _getting_ready(case_id)
        return

    with st.container(key="review-picture-tall" if recording.height > recording.width else "review-picture-wide"):
        if state.get(STILL):
            seconds = max(clip.start, min(clip.start + float(state.get(position_key, 0.0)), clip.end - recording.frame))
            st.image(still(case_id, recording.playable, seconds, max_width=1280), width="stretch",
                     alt="The paused frame, shown large",
                     caption=f"The frame at {format_time(seconds - clip.start, recording.fps)} into the clip")
        else:
            _player(case_id, clip, position_key, replay_key)
        # The picture's size (its style sheet) and the time at a press. Outside the player's
        # fragment, so the reading and the button's press reach Python in one rerun.
        _player_helper(key=f"review-press-{clip.id}", default={"press": None}, height=0,
                       data={"player": f"review-player-{clip.id}", "button": STILL_BUTTON,
                             "ratio": round(recording.height / recording.width, 4)},
                       on_press_change=lambda: None)  # read by show_still

    def toggle_play() -> None:
        state[PLAYING], state[STILL] = not state.get(PLAYING), False

    def replay() -> None:
        state[replay_key] = state.get(replay_key, 0) + 1
        state[PLAYING], state[STILL], state[position_key] = True, False, 0.0

    def show_still() -> None:
        pressed = None if state.get(STILL) else _pressed_at(f"review-press-{clip.id}", f"review-press-used-{clip.id}")
        if pressed is not None:
            state[position_key] = pressed
        state[STILL], state[PLAYING] = not state.get(STILL), False

    with controls if controls is not None else st.container():
        with st.container(horizontal=True):  # buttons as wide as their labels, which wrap rather than being cut
            st.button("Pause" if state.get(PLAYING) else "Play", key="review-play", shortcut="K", wrap=True,
                      icon=":material/pause:" if state.get(PLAYING) else ":material/play_arrow:",
                      on_click=toggle_play, help="Play or pause the clip (keyboard: K)")
            st.button("Play again", key="review-replay", shortcut="0", icon=":material/replay:", wrap=True,
                      on_click=replay, help="From the start of the clip (keyboard: 0)")
            st.button("Back to the film" if state.get(STILL) else "Still frame", key=STILL_BUTTON, wrap=True,
                      shortcut="S", icon=":material/photo_camera:", on_click=show_still,
                      help="Pause on this exact frame, shown large (keyboard: S)")
        with st.container(horizontal=True, vertical_alignment="center"):
            st.toggle("Loop", key=LOOP, help="Play the clip over and over")
            st.radio("Speed", list(SPEEDS), format_func=SPEEDS.get, key=SPEED, horizontal=True,
                     label_visibility="collapsed")


def _pressed_at(press_key: str, used_key: str) -> float | None:
    """Where the player said it was when Still frame was pressed, if it said so for this press."""
    press = (st.session_state.get(press_key) or {}).get("press")
    if not isinstance(press, dict) or press.get("n") == st.session_state.get(used_key):
        return None  # no reading, or the one of an earlier press
    st.session_state[used_key] = press.get("n")
    seconds = press.get("t")
    return float(seconds) if isinstance(seconds, (int, float)) and 0 <= seconds < float("inf") else None


def _getting_ready(case_id: str) -> None:
    """In the player's place while the clip's file is being cut: what is happening, and how far."""
    with st.container(height=360, border=True, vertical_alignment="center"):
        if cutting(case_id):
            st.markdown("**Getting the clip ready…**")
            job_progress(case_id)
        else:
            st.info("This clip could not be made ready to play just now.")


def _player(case_id: str, clip: Clip, position_key: str, replay_key: str) -> None:
    state = st.session_state

    @st.fragment
    def player() -> None:
        url = f"{media_url(case_id, clip.exported, 'clip.mp4')}?play={state.get(replay_key, 0)}"
        event = st_player(url, height="100vh", playing=state.get(PLAYING), loop=bool(state.get(LOOP)),
                          playback_rate=state.get(SPEED, 1.0), events=["onProgress", "onPlay", "onPause", "onEnded"],
                          progress_interval=250, key=f"review-player-{clip.id}")
        if event == state.get(f"review-event-{clip.id}"):  # the player repeats its last event on every rerun
            return
        state[f"review-event-{clip.id}"] = event
        if _played(event) is not None:
            state[position_key] = _played(event)
        if event.name in ("onPlay", "onPause", "onEnded") and state.get(PLAYING) != (event.name == "onPlay"):
            state[PLAYING] = event.name == "onPlay"
            st.rerun(scope="app")  # the Play/Pause button follows the player's own controls

    player()
