"""Micro-analysis with a second coder: whose coding the marks go to, blind coding, and the layers.

*Coding as* chooses the coder: the practitioner (named in Settings) or a second coder named once
(e.g. "Supervisor"), so a supervisor at the practitioner's laptop codes into their own layer.
The Moments list only ever shows the chosen coder's moments; the other coders' are drawn on the
timeline as grey markers, to look at, never to open or change. *Code this recording blind* hides
them, and the clips (cut around the practitioner's moments, so they show where those are) and the
layers below, while it is on. Clips and the sound's suggestions are the practitioner's: only
offered while coding as the practitioner.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from vig_core.case.coding import check_coder
from vig_core.case.film import MAX_CODER_NAME, ME, Recording
from vig_core.case.record import Case
from vig_core.services import coding
from vig_core.ui import messages, session
from vig_core.ui.analysis_player import LegendEntry, TimelineMoment
from vig_core.ui.analysis_view import moment_label
from vig_core.ui.confirm import confirm_button
from vig_core.ui.escape import plain, shown
from vig_core.vocab.principles import Principles

OTHER_CODER = "#c3c8cf"  # another coder's moment on the timeline: a light grey, to look at only
NEW_CODER = "\u0000new"  # the "Coding as" choice that asks for a second coder's name
LAYERS, IMPORTING = "coding-layers", "coding-import"  # where messages about the layers, and an import, show


def coding_as(case: Case, rid: str, practitioner: str) -> tuple[str, bool]:
    """The *Coding as* choice and the *blind* toggle for this case; ``(coder, blind)``."""
    as_key, typed_key, blind_key = f"coding-as-{case.id}", f"coders-typed-{case.id}", f"blind-{case.id}"
    typed: list[str] = st.session_state.setdefault(typed_key, [])
    options = [ME, *dict.fromkeys(c for c in [*case.coders_of(rid), *typed] if c != ME), NEW_CODER]
    if st.session_state.get(as_key) not in options:
        st.session_state[as_key] = ME
    who, blind, name = st.columns([2, 2, 3], vertical_alignment="bottom")
    who.selectbox("Coding as", options, key=as_key, format_func=lambda c: _option(c, practitioner),
                  help="Marks and codes go to this coder's moments. A second coder (a supervisor at this laptop) "
                       "codes into their own layer, which never changes yours.")
    blind.toggle("Code this recording blind", key=blind_key,
                 help="While on, every other coder's moments (and the clips) are hidden.")
    if st.session_state[as_key] == NEW_CODER:
        with name:
            st.text_input("Second coder's name", key="new-coder", max_chars=MAX_CODER_NAME,
                          placeholder="e.g. Supervisor")
            st.button("Code as them", key="new-coder-start",
                      on_click=messages.guarded("new-coder", _start), args=(as_key, typed_key, practitioner))
            messages.show("new-coder")
    coder = st.session_state[as_key]
    return (ME if coder == NEW_CODER else coder), bool(st.session_state.get(blind_key))


def _option(coder: str, practitioner: str) -> str:
    if coder == NEW_CODER:
        return "A second coder…"
    return shown(f"{practitioner} (you)" if coder == ME else coder)


def _start(as_key: str, typed_key: str, practitioner: str) -> None:
    name = check_coder(st.session_state.get("new-coder"), practitioner)
    st.session_state[typed_key] = [*st.session_state[typed_key], name]
    st.session_state[as_key] = name
    st.session_state["new-coder"] = ""


def others_on_timeline(case: Case, rid: str, coder: str, principles: Principles) -> list[TimelineMoment]:
    """The other coders' moments as light grey markers, named by their coder on hover."""
    practitioner = coding.practitioner_name(session.settings())
    return [TimelineMoment(f"other-{m.id}", m.time, OTHER_CODER,
                           shown(f"{coding.coder_label(other, practitioner)}: ") + moment_label(m, principles))
            for other in case.coders_of(rid) if other != coder for m in case.moments_of(rid, other)]


def coder_key(coder: str) -> str:
    """A widget key part for a coder: never the typed name itself (a key is sent to the browser as an id)."""
    return hashlib.sha256(coder.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def others_legend(others: list[TimelineMoment]) -> list[LegendEntry]:
    return [LegendEntry(OTHER_CODER, "Other coders (to look at)")] if others else []


def layers_section(case: Case, recording: Recording, practitioner: str) -> None:
    """Each coder of the recording with their count, removing a layer, your coding file, and
    bringing in a second coder's coding file or ELAN file (and, on the demo case, the example's)."""
    st.subheader("Second coders", anchor=False)
    messages.show(LAYERS)
    for coder, count in coding.layers(case, recording.id):
        label, remove = st.columns([3, 2], vertical_alignment="center")
        label.text(shown(f"{coding.coder_label(coder, practitioner)}{' (you)' if coder == ME else ''}: "
                         f"{count} moment{'s' * (count != 1)}"))
        if coder != ME:
            with remove:
                confirm_button("Remove this layer…", plain(f"Remove {coder}'s {count} moments of this recording? "
                                                           "Your own moments stay as they are."),
                               messages.guarded(LAYERS, lambda c=coder: _remove(recording.id, c)),
                               key=f"remove-layer-{recording.id}-{coder_key(coder)}", confirm_label="Yes, remove them")
    _download(case, recording)
    _import(case, recording, practitioner)


def _remove(rid: str, coder: str) -> None:
    if done := session.act_on_case(coding.remove_layer, rid, coder):
        messages.flash(LAYERS, "success", f"Removed {coder}'s {done.value} moments.")


def _download(case: Case, recording: Recording) -> None:
    if not recording.fingerprint:
        st.caption("This recording was added before the workbook kept a fingerprint of each film, so no coding "
                   "file can be made for it.")
        return
    data = coding.coding_file(session.store(), case.id, recording.id)
    st.download_button("Download my coding file", data, file_name=f"coding-{recording.id}-{session.today()}.json",
                       mime="application/json", key=f"coding-file-{recording.id}", on_click="ignore",
                       icon=":material/download:",
                       help="Your moments of this recording with their principles, behaviours and turns: no names, "
                            "notes or titles. A supervisor imports it beside their own coding of the same film.")


def _import(case: Case, recording: Recording, practitioner: str) -> None:
    st.caption("Import a second coder's coding of this recording: the coding file their workbook made, or an ELAN "
               "file (.eaf). It is kept as their layer and never changes your moments.")
    name_key, round_key = f"layer-name-{recording.id}", f"layer-round-{recording.id}"
    name, upload = st.columns([2, 3])
    typed = name.text_input("Second coder's name", key=name_key, max_chars=MAX_CODER_NAME,
                            placeholder="e.g. Supervisor")
    with upload:
        file = st.file_uploader("Their coding file or ELAN file", type=["json", "eaf"],
                                key=f"layer-file-{recording.id}-{st.session_state.get(round_key, 0)}")
    existing = {c: n for c, n in coding.layers(case, recording.id) if c != ME}

    def bring_in() -> None:
        if file is None:
            messages.flash(IMPORTING, "error", "Choose their coding file first.")
            return
        if not session.first_press("import-layer", recording.id, typed, file.file_id):
            return
        if done := session.act_on_case(coding.import_coding, recording.id, typed, file.getvalue()):
            messages.flash(IMPORTING, "success", done.value.summary())
            st.session_state[round_key] = st.session_state.get(round_key, 0) + 1  # a new key empties the box

    stripped = (typed or "").strip()
    if stripped in existing:
        confirm_button("Import, replacing their coding…", plain(
            f"{stripped} has {existing[stripped]} moments of this recording already; replace them with this file?"),
                       messages.guarded(IMPORTING, bring_in), key=f"import-layer-{recording.id}",
                       confirm_label="Yes, replace them")
    else:
        st.button("Import their coding", key=f"import-layer-{recording.id}", icon=":material/input:",
                  on_click=messages.guarded(IMPORTING, bring_in))
    example = coding.example_coding(case)
    if example is not None:
        st.button(f"Import the example second coder (“{example[0]}”)", key="import-example-coder",
                  icon=":material/group_add:", on_click=messages.guarded(IMPORTING, _example),
                  help="The demo film coded by a fictional supervisor, to see a second coder's layer at once.")
    messages.show(IMPORTING)


def _example() -> None:
    if not session.first_press("import-example-coder"):
        return
    if done := session.act_on_case(coding.import_example):
        messages.flash(IMPORTING, "success", done.value.summary())
