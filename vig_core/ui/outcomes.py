"""The before-and-after view shared by the outcomes and ending pages.

In client view (``plain``) the parent sees their goals and the questionnaires
they answered on screen, in plain words. Totals typed from licensed measures
(depression screens among them) stay on the practitioner's screens: their
results are for the practitioner to talk through, not to appear unasked.
The turn-taking figures heard in the films (:func:`show_turn_taking`) are the
practitioner's alone, like the suggestions they come with: the page never
calls it in client view.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from vig_core.case.cycle_figures import turn_taking_by_cycle
from vig_core.case.episodes import TurnTaking
from vig_core.case.outcomes import GBO_CREDIT, goal_changes, measure_results, unknown_instruments
from vig_core.case.record import Case
from vig_core.case.scoring import number
from vig_core.printables.outcome_chart import (
    TURN_TAKING_CAPTION,
    change_sentence,
    goal_change_sentence,
    goals_figure,
    measure_figure,
    turn_taking_figure,
)
from vig_core.storage.paths import data_root
from vig_core.ui.escape import plain as escaped
from vig_core.ui.listening_panel import read_listened
from vig_core.ui.messages import contained
from vig_core.vocab.instruments import Instrument, load_instruments

CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


KEPT_FIGURES = 64
_figures: OrderedDict[str, go.Figure] = OrderedDict()
_figures_lock = threading.Lock()


def chart(make: Callable[..., go.Figure], subject: Any, *, plain: bool, key: str) -> None:
    """``make(subject, plain=plain)`` under its page heading (its own title is for when it stands alone).

    Making a figure with plotly costs 15-25 ms, and the Ending page draws five on every
    rerun (each answer typed), so the last figures made are kept, keyed by everything
    they are made from (a dataclass's repr holds every field, hashed so that the key holds
    no words of the case): a change makes a new one. Streamlit copies a figure before
    sending it, so a kept one is never changed.
    """
    name = hashlib.sha256(f"{make.__name__}|{plain}|{subject!r}".encode()).hexdigest()
    with _figures_lock:
        figure = _figures.get(name)
        if figure is not None:
            _figures.move_to_end(name)
    if figure is None:
        figure = make(subject, plain=plain).update_layout(title_text="", margin_t=40)
        with _figures_lock:
            _figures[name] = figure
            while len(_figures) > KEPT_FIGURES:
                _figures.popitem(last=False)
    st.plotly_chart(figure, config=CHART_CONFIG, key=key)


def instruments() -> tuple[dict[str, Instrument], list[str]]:
    """The questionnaire definitions in use (shipped and own), and a warning per refused file;
    those the parent answers on screen first, then the rest by title."""
    found, warnings = load_instruments(data_root())
    return dict(sorted(found.items(), key=lambda kv: (kv[1].kind != "items", kv[1].title.casefold()))), warnings


def shown_results(case: Case, found: Mapping[str, Instrument], *, plain: bool):
    results = measure_results(case, found)
    return [r for r in results if r.instrument.kind == "items"] if plain else results


def show_outcomes(case: Case, found: Mapping[str, Instrument], *, plain: bool, key: str) -> None:
    st.subheader("Your goals" if plain else "Goal ratings (Goal Based Outcomes)", anchor=False)
    chart(goals_figure, case, plain=plain, key=f"{key}-goals")
    numbers = {g.id: n for n, g in case.numbered_goals()}
    for change in goal_changes(case):
        with contained(f"Goal {numbers[change.goal.id]}"):
            st.markdown(f"**Goal {numbers[change.goal.id]}**: {escaped(change.goal.text)}")
            st.write(escaped(goal_change_sentence(change, plain=plain)))
    hidden = sum(not g.shown for g in case.goals)
    if hidden and not plain:
        st.caption(f"{hidden} retired goal{'s are' if hidden > 1 else ' is'} left out here and in the family's "
                   "documents; choose to show a retired goal on the Goals page.")
    st.caption(GBO_CREDIT)

    results = shown_results(case, found, plain=plain)
    for result in results:
        title = result.instrument.plain_title if plain else result.instrument.title
        with contained(f"“{title}”", "" if plain else "Its definition file may need mending (see Questionnaires)."):
            st.subheader(escaped(title), anchor=False)
            chart(measure_figure, result, plain=plain, key=f"{key}-measure-{result.instrument.id}")
            if result.change:  # (a band label in it comes from the definition file)
                st.write(escaped(change_sentence(result.instrument, result.change, plain=plain)))
            else:
                st.write("Only one time so far: the change shows once it is done again." if plain else
                         "One time point so far; the change is shown once there is a second.")
            if not plain and not result.instrument.validated:
                st.caption("Not a validated measure: do not use it for clinical decisions.")
    if not results:
        st.info("No questionnaire is finished yet." if plain else
                "No questionnaire is finished yet; see Questionnaires.")
    if not plain:
        for administration in unknown_instruments(case, found):
            st.warning(f"{escaped(administration.instrument_title)} ({administration.time_point.value}): "
                       f"{number(administration.total)}. Its definition is no longer installed, so no chart is drawn.")


NOT_HEARD_YET = ("No film of this case has been listened to yet. Turn-taking figures appear here, cycle by cycle, "
                 "once a film is heard on Micro-analysis.")


def heard_figures(case: Case) -> tuple[dict[str, TurnTaking], list[str]]:
    """The figures of every recording heard so far, by id, and a sentence per stored result that cannot be read."""
    found: dict[str, TurnTaking] = {}
    problems: list[str] = []
    for recording in case.recordings:
        listened = read_listened(case.id, recording.id)  # parsed again only when its file changed
        if listened.problem:
            problems.append(f"“{recording.title}”: {listened.problem}")
        elif listened.figures is not None:
            found[recording.id] = listened.figures
    return found, problems


def show_turn_taking(case: Case, *, key: str) -> None:
    """The practitioner's chart of the films' turn-taking across the cycles; never for client view."""
    st.subheader("Turn-taking in the films", anchor=False)
    found, problems = heard_figures(case)
    for problem in problems:
        st.warning(escaped(problem))
    by_cycle = turn_taking_by_cycle(case, found)
    if not by_cycle:
        st.info(NOT_HEARD_YET)
        return
    chart(turn_taking_figure, by_cycle, plain=False, key=f"{key}-turn-taking")
    st.caption(TURN_TAKING_CAPTION)
