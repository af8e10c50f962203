"""Questionnaires at a time point: the parent answers on screen (client view), or the
practitioner types a total; the library of definitions, including the practitioner's own."""

import streamlit as st

from vig_core.case import outcomes
from vig_core.case.questionnaires import TIME_POINT_LABELS, TimePoint
from vig_core.errors import ValidationError
from vig_core.storage.definitions import forget_own_instrument, save_own_instrument
from vig_core.storage.paths import data_root
from vig_core.text import displayable
from vig_core.ui import messages, routes, session
from vig_core.ui.outcomes import instruments
from vig_core.ui.widgets import case_title, confirm_button, plain, require_case, shown
from vig_core.vocab.definitions import OWN_INSTRUMENTS
from vig_core.vocab.instruments import (
    IN_USE_SETTING,
    SHIPPED_DIR,
    DefinitionError,
    measures_in_use,
    own_instrument_ids,
    start_using,
)

session.begin_page()
case = require_case()
client_view = session.in_client_view()
today = session.today()
found, warnings = instruments()
case_title(case, "Our questionnaires" if client_view else "Questionnaires")

TIME_KEY = f"time-point-{case.id}"  # shared with the ending page, which can send the practitioner here
ANSWERING = f"answering-{case.id}"  # the questionnaire open in client view
if st.session_state.get(TIME_KEY) not in list(TimePoint):
    st.session_state[TIME_KEY] = outcomes.default_time_point(case)
time_point = TimePoint(st.session_state[TIME_KEY])
# the measures the practitioner uses (Settings) and those this family was given; the rest one click away
own_ids = own_instrument_ids(data_root())
in_use, others = outcomes.measures_shown(case, found, measures_in_use(
    found, session.settings().get(IN_USE_SETTING), own=own_ids))


def question_key(instrument_id: str) -> str:
    return f"question-{case.id}-{instrument_id}-{time_point.value}"


def answer_on_screen(instrument) -> None:
    """One question at a time; each answer is saved when it is given, so leaving costs nothing."""
    administration = case.administration(instrument.id, time_point)
    if administration is None:
        if messages.update_case("questionnaire-start", lambda c: outcomes.start(c, instrument, time_point, today)):
            st.rerun()
        messages.show("questionnaire-start")  # it could not be saved (say, a full disk): say why, and do not loop
        return
    items = instrument.items
    first_open = next((n for n, i in enumerate(items) if i.id not in administration.answers), len(items))
    index = min(st.session_state.setdefault(question_key(instrument.id), first_open), len(items))
    st.subheader(plain(instrument.plain_title), anchor=False)
    answered = len(administration.answers)
    st.progress(answered / len(items), text=f"{answered} of {len(items)} answered")
    if index == len(items):
        finish_view(instrument, administration)
        return
    item = items[index]
    values = [o.value for o in instrument.options]
    labels = {o.value: o.label for o in instrument.options}
    saved = administration.answers.get(item.id)
    key = f"answer-{administration.id}-{item.id}"

    def save() -> None:
        value = st.session_state[key]
        if messages.update_case(key, lambda c: outcomes.answer(c, administration.id, instrument, item.id, value)):
            st.session_state[question_key(instrument.id)] = index + 1

    st.markdown(f"**Question {index + 1} of {len(items)}**")
    st.radio(plain(item.text), values, format_func=lambda v: plain(labels[v]), key=key, on_change=save,  # Markdown
             index=values.index(saved) if saved in values else None)
    messages.show(key)
    back, skip, _ = st.columns([1, 1, 3])
    back.button("Back", key="question-back", icon=":material/arrow_back:", disabled=index == 0,
                on_click=lambda: st.session_state.update({question_key(instrument.id): index - 1}))
    skip.button("Next", key="question-next", icon=":material/arrow_forward:",
                on_click=lambda: st.session_state.update({question_key(instrument.id): index + 1}),
                help="Leave this one for now; you can come back to it.")


def finish_view(instrument, administration) -> None:
    if administration.done:
        st.success("Thank you: your answers are saved. Changing an answer means pressing Finish again.")
    else:
        missing = [n for n, i in enumerate(instrument.items, start=1) if i.id not in administration.answers]
        if missing:
            st.info("Not answered yet: question " + ", ".join(map(str, missing)) + ". You can go back to them.")
        st.button("Finish", key="questionnaire-finish", type="primary", icon=":material/check:",
                  on_click=lambda: messages.update_case(
                      "questionnaire-finish", lambda c: outcomes.finish(c, administration.id, instrument, today)))
        messages.show("questionnaire-finish")
    st.button("Look at my answers again", key="questionnaire-again",
              on_click=lambda: st.session_state.update({question_key(instrument.id): 0}))


def close_questionnaire() -> None:
    st.session_state.pop(ANSWERING, None)


def open_questionnaire(instrument_id: str) -> None:
    if session.first_press("open-questionnaire", case.id, instrument_id, time_point):
        st.session_state[ANSWERING] = instrument_id


def client_page() -> None:
    on_screen = [i for i in in_use if i.kind == "items"]
    open_id = st.session_state.get(ANSWERING)
    if open_id in found and found[open_id].kind == "items":
        with messages.contained(f"The questionnaire “{found[open_id].plain_title}”"):
            answer_on_screen(found[open_id])
        st.button("Back to the list", key="questionnaire-list", icon=":material/list:", on_click=close_questionnaire)
        return
    st.write(f"{TIME_POINT_LABELS[time_point]}. Take your time; there are no right or wrong answers, "
             "and your answers are saved as you go.")
    if not on_screen:
        st.info("There is nothing to fill in here.")
    for instrument in on_screen:
        administration = case.administration(instrument.id, time_point)
        with st.container(border=True), messages.contained(f"The questionnaire “{instrument.plain_title}”"):
            st.markdown(f"**{plain(instrument.plain_title)}**")
            status = ("Done" if administration and administration.done else
                      f"{len(administration.answers)} of {len(instrument.items)} answered" if administration
                      else f"{len(instrument.items)} questions")
            st.write(status)
            label = ("Look again" if administration and administration.done else
                     "Carry on" if administration else "Start")
            st.button(label, key=f"open-{instrument.id}", type="primary", on_click=open_questionnaire,
                      args=(instrument.id,))


def give_in_client_view(instrument_id: str) -> None:
    if not session.first_press("give-questionnaire", case.id, instrument_id, time_point):
        return
    st.session_state[ANSWERING] = instrument_id
    session.enter_client_view(case.id)
    session.go_to(routes.QUESTIONNAIRES)


def save_total(instrument, key: str) -> None:
    total = st.session_state[key]
    if total is None:
        raise ValidationError("Type the total first.")
    if not session.first_press("save-total", case.id, instrument.id, time_point, total):
        return

    def enter(c) -> None:
        outcomes.enter_total(c, instrument, time_point, float(total), today)

    messages.update_case(f"save-{key}", enter, f"{instrument.title}: total saved.")


def practitioner_page() -> None:
    choice = f"{TIME_KEY}-choice"  # the widget's own state goes when it is not drawn (client view): keep a copy
    st.radio("Time point", list(TimePoint), format_func=lambda tp: TIME_POINT_LABELS[tp], key=choice,
             index=list(TimePoint).index(time_point), horizontal=True,
             on_change=lambda: st.session_state.update({TIME_KEY: st.session_state[choice]}),
             help="Usually at the start and again at the ending; midway is optional.")
    st.caption("Goal Based Outcomes need no form: they are the goals' own 0–10 ratings (see Goals).")
    for warning in warnings:
        st.warning(plain(warning))
    for instrument in in_use:
        measure_panel(instrument)
    if not in_use:
        st.info("No questionnaire is chosen as one you use: choose them in Settings, or open “Other measures”.")
    if others:
        with st.expander(f"Other measures ({len(others)})", key="other-measures"):
            st.caption("Those not chosen in Settings (Questionnaires you use), and not given to this family yet.")
            for instrument in others:
                measure_panel(instrument)
    own_definitions()


def measure_panel(instrument) -> None:
    """One questionnaire at this time point: where it stands, give it or type its total, remove it, about it."""
    administration = case.administration(instrument.id, time_point)
    own = instrument.id in own_ids
    with st.container(border=True), messages.contained(
            f"The questionnaire “{instrument.title}”",
            "You can remove your definition of it under “Your own questionnaires” below." if own else ""):
        st.markdown(f"**{plain(instrument.title)}**")
        kind = ("answered on screen by the parent" if instrument.kind == "items"
                else "type the total from your own licensed copy")
        note = "" if instrument.validated else " · not a validated measure"
        st.caption(f"{kind}{note} · {plain(outcomes.progress(administration, instrument))}")
        left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
        if instrument.kind == "items":
            left.button("Give it in client view", key=f"give-{instrument.id}", icon=":material/visibility:",
                        on_click=give_in_client_view, args=(instrument.id,))
        key = f"total-{instrument.id}-{time_point.value}"
        whole = instrument.decimals == 0  # a sum is typed as 71, not 71.00
        middle.number_input(f"Total ({instrument.minimum:g} to {instrument.maximum:g})", value=None, key=key,
                            step=1 if whole else 0.01, format="%d" if whole else "%.2f", placeholder="Type the total")
        right.button("Save total", key=f"save-{key}", on_click=messages.guarded(f"save-{key}", save_total),
                     args=(instrument, key))
        messages.show(f"save-{key}")
        if administration:
            confirm_button("Remove these answers", f"Remove {plain(instrument.title)} "
                           f"({TIME_POINT_LABELS[time_point].lower()})? This cannot be undone.",
                           lambda aid=administration.id: messages.update_case(
                               f"save-{key}", lambda c: outcomes.remove(c, aid), "Removed."),
                           key=f"remove-{administration.id}", confirm_label="Yes, remove")
        with st.expander("About this questionnaire", key=f"about-{instrument.id}"):
            st.text(shown(f"Source: {instrument.citation}\n\nLicence: {instrument.licence}"))
            if instrument.norms_source:
                st.text(shown(f"Figures used: {instrument.norms_source}"))
            if not instrument.has_rci:
                st.caption("No standard deviation and reliability are given, so the change is shown "
                           "without a reliable-change verdict.")


OWN_MESSAGES = "add-instrument"  # messages about own definitions show beside "Check and add"


def add_own() -> None:
    upload = st.session_state.get("instrument-upload")
    if upload is None:
        raise ValidationError("Choose a definition file first.")
    if not session.first_press("add-instrument", upload.file_id):
        return
    try:
        instrument = save_own_instrument(data_root(), upload.getvalue(), upload.name)
    except DefinitionError as error:
        st.session_state["instrument-problems"] = error.problems
        return
    st.session_state.pop("instrument-problems", None)
    start_using(session.settings(), instrument.id)
    messages.flash(OWN_MESSAGES, "success", f"“{instrument.title}” was checked and added.")


def own_definitions() -> None:
    st.subheader("Your own questionnaires", anchor=False)
    st.caption(f"A definition is a JSON file (format: docs/instruments.md). Added ones are kept in the data "
               f"folder's “{OWN_INSTRUMENTS}” folder; one with the id of a shipped one takes its place.")
    example = (SHIPPED_DIR / "parent-check-in.json").read_bytes()
    st.download_button("Download an example definition", example, file_name="example-definition.json",
                       mime="application/json", key="download-example", on_click="ignore")
    st.file_uploader("Definition file", type=["json"], key="instrument-upload", max_upload_size=1)
    st.button("Check and add", key="add-instrument", type="primary", on_click=messages.guarded(OWN_MESSAGES, add_own))
    messages.show(OWN_MESSAGES)
    problems = st.session_state.get("instrument-problems")
    if problems:
        st.error("That file was not added. Please mend these and try again:\n\n"
                 + "\n".join(f"- {plain(p)}" for p in problems))
    for instrument_id in sorted(own_ids):
        title = found[instrument_id].title if instrument_id in found else f"{displayable(instrument_id)} (not valid)"
        confirm_button(f"Remove your definition “{plain(title)}”",
                       "Remove this definition? Scores already given keep their title and number.",
                       messages.guarded(OWN_MESSAGES, lambda iid=instrument_id: forget_own_instrument(
                           data_root(), iid)),
                       key=f"forget-{instrument_id}", confirm_label="Yes, remove it")


if client_view:
    client_page()
else:
    practitioner_page()
