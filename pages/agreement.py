"""Agreement: two coders' moments on one recording compared (practitioner view only, never in client view).

Moments are paired nearest first within a tolerance, one to one (see
:mod:`vig_core.case.agreement`); the page says how, shows the counts, Cohen's kappa and
percent agreement per principle, Krippendorff's alpha, and each disagreement with a
button that opens Micro-analysis at its time so the two coders can look together.
"""

import streamlit as st

from vig_core.case.agreement import (
    DEFAULT_TOLERANCE,
    MAX_TOLERANCE,
    MIN_TOLERANCE,
    ONLY_A,
    ONLY_B,
    PAIRING_RULE,
    figure,
    percent_text,
    recording_agreement,
)
from vig_core.case.film import ME
from vig_core.case.frames import format_time
from vig_core.errors import VigError
from vig_core.services.coding import practitioner_name
from vig_core.storage.paths import data_root
from vig_core.ui import routes, session
from vig_core.ui.media import ANALYSIS_RECORDING_KEY, ANALYSIS_SEEK_KEY
from vig_core.ui.widgets import case_title, plain, require_case, shown
from vig_core.vocab.principles import load_principles

session.begin_page()
case = require_case()
case_title(case, "Agreement")
principles, warning = load_principles(data_root())
if warning:
    st.warning(plain(warning))
st.write("Compare two coders' moments on one recording: how often they marked the same moments, and whether "
         "they saw the same principles there.")
if not case.recordings:
    st.info("No recordings yet. Add the film of a cycle first.")
    routes.link(routes.RECORDINGS, label="Go to Recordings", case_id=case.id)
    st.stop()

films = {r.id: shown(f"Cycle {r.cycle}: {r.title}") for r in case.recordings}
if st.session_state.get("agreement-recording") not in films:
    st.session_state["agreement-recording"] = case.recordings[0].id
rid = st.selectbox("Recording", list(films), format_func=films.get, key="agreement-recording")
recording = case.recording(rid)
coders = case.coders_of(rid)


MY_NAME = practitioner_name(session.settings())


def coder_label(coder: str) -> str:
    return f"{shown(MY_NAME)} (your own moments)" if coder == ME else shown(coder)


if len(coders) < 2:
    st.info("Only your own moments are on this recording. Bring in a second coder's moments to compare them.")
    st.stop()
first, second, far = st.columns([2, 2, 1])
coder_a = first.selectbox("Coder A", coders, index=0, key=f"agreement-a-{rid}", format_func=coder_label)
coder_b = second.selectbox("Coder B", coders, index=1, key=f"agreement-b-{rid}", format_func=coder_label)
tolerance = far.number_input("Tolerance (seconds)", min_value=MIN_TOLERANCE, max_value=MAX_TOLERANCE,
                             value=DEFAULT_TOLERANCE, step=0.1, format="%.1f", key="agreement-tolerance",
                             help="The most two moments may be apart to count as the same moment.")
st.caption(f"How moments are paired: {PAIRING_RULE}")
if coder_a == coder_b:
    st.error("Choose two different coders to compare.")
    st.stop()
try:
    result = recording_agreement(case, rid, coder_a, coder_b, [h.id for h in principles.headings], tolerance)
except VigError as error:
    st.error(plain(str(error)))
    st.stop()

pairing = result.pairing
name_a, name_b = coder_label(coder_a), coder_label(coder_b)
st.subheader(f"Moments paired within ±{pairing.tolerance:.1f} s", anchor=False)
paired, only_a, only_b = st.columns(3)
paired.metric("Paired", len(pairing.pairs))
only_a.metric(f"Only A ({plain(name_a)})", len(pairing.only_a))
only_b.metric(f"Only B ({plain(name_b)})", len(pairing.only_b))

st.subheader("By principle, over the paired moments", anchor=False)
st.caption("For each pair: does each coder's moment show the principle? Percent agreement is how often both say "
           "the same; Cohen's kappa corrects it for agreement by chance (1 is full agreement, 0 no better than "
           "chance). “—” says why kappa cannot be worked out.")
st.dataframe([{"Principle": shown(principles.title(p.principle)), "Cohen's kappa": figure(p.kappa, p.kappa_note),
               "Agreement": percent_text(p.percent), "Pairs": p.pairs} for p in result.principles],
             hide_index=True, width="stretch")
st.metric("Krippendorff's alpha (all principles)", figure(result.alpha, result.alpha_note))
st.caption("Alpha takes every paired moment × principle as one unit (present or absent for each coder), all "
           "principles together. A moment only one coder marked has nothing to compare with, so it counts in "
           "“only A” or “only B”, not in alpha.")
if result.turn_pairs:
    st.caption(f"Turn of the attuned cycle: the same in {result.turn_agreed} of the {result.turn_pairs} pairs "
               "where a turn was coded.")

st.subheader("Disagreements", anchor=False)


def look_at(seconds: float) -> None:
    """Open Micro-analysis on this recording at ``seconds``."""
    st.session_state[ANALYSIS_RECORDING_KEY] = rid
    st.session_state[ANALYSIS_SEEK_KEY] = seconds
    session.go_to(routes.ANALYSIS)


def says(text: str, coded: tuple[str, ...], lone: bool) -> str:
    if lone and text != "no moment":
        return ", ".join(principles.title(p) for p in coded) or "not coded"
    return text


if not result.disagreements:
    st.caption("None: the two coders agree on every moment and principle.")
SHOWN_ROWS = 200  # a page of buttons stays quick; the supervision pack's CSV holds every row
if len(result.disagreements) > SHOWN_ROWS:
    st.caption(f"The first {SHOWN_ROWS} of {len(result.disagreements)} in time order; the supervision pack "
               "(Exports) lists them all.")
for n, row in enumerate(result.disagreements[:SHOWN_ROWS]):
    lone = row.kind in (ONLY_A, ONLY_B)
    when_a = format_time(row.time_a, recording.fps) if row.time_a is not None else "—"
    when_b = format_time(row.time_b, recording.fps) if row.time_b is not None else "—"
    what = {ONLY_A: f"only A ({name_a})", ONLY_B: f"only B ({name_b})"}.get(row.kind) or principles.title(row.principle)
    with st.container(border=True):
        times, about, a_col, b_col, go = st.columns([2, 3, 3, 3, 2], vertical_alignment="center")
        times.text(f"A {when_a}\nB {when_b}")
        about.text(shown(what))
        a_col.text(shown(f"A: {says(row.a_says, row.coded, lone)}"))
        b_col.text(shown(f"B: {says(row.b_says, row.coded, lone)}"))
        go.button("Look at it", key=f"agreement-look-{n}", on_click=look_at, args=(row.time,),
                  icon=":material/frame_inspect:",
                  help=f"Open Micro-analysis at {format_time(row.time, recording.fps)} on this recording")
