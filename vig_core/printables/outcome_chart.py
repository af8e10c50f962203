"""Before and after, drawn: the sentences and plotly figures of the outcomes page.

Two readers, two modes. ``plain=True`` is for the parent sitting beside the
practitioner: plain words, large type, no jargon (no RCI, no SD). ``plain=False``
is for the practitioner and their supervisor, who must be able to trust what
they see: the reliable-change index and its threshold, the band crossed.

Both must be able to trust the picture, so it shows only what is in the data:
the finished scores and the goals' own ratings, joined by straight lines (no
smoothing, no trend, no invented or interpolated points), on a fixed axis from
the lowest to the highest possible score so a small change never looks big.
Bands come from the instrument's definition and are shaded in soft neutral
colours, never red or green: the band's label says what it means. Nothing the
practitioner wrote privately (notes, review notes) ever appears in a figure.

Pure functions over :mod:`vig_core.case.outcomes` results and a :class:`~vig_core.case.record.Case`;
the pages only hand the figures to Streamlit. Conventions the pages and tests
rely on: the measure trace is named ``"Score"``; goal traces are named
``"Goal n"`` (n from ``case.numbered_goals``: retired goals only when shown) with the goal's id as
their ``meta``; band shapes and annotations are named ``"band"``; shared-review
lines and their labels are named ``"review"``; the turn-taking traces are named
``"Turns per minute"`` and ``"Answered within 2 s"`` (:data:`TURNS_TRACE`,
:data:`ANSWERED_TRACE`), its caption annotation ``"caption"``; the figure's
``layout.meta`` says what it shows.
"""

from __future__ import annotations

import functools
import textwrap
from datetime import date, timedelta
from html import escape

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from vig_core.case.cycle_figures import CycleTurnTaking
from vig_core.case.cycles import CycleStatus
from vig_core.case.episodes import ANSWER_WITHIN
from vig_core.case.goals import Goal
from vig_core.case.outcomes import GBO_RELIABLE_POINTS, GoalChange, MeasureResult
from vig_core.case.questionnaires import TIME_POINT_LABELS
from vig_core.case.record import Case
from vig_core.case.scoring import RELIABLE_Z, Change, Verdict, number
from vig_core.vocab.instruments import Instrument, scale_note

PLAIN_FONT = 18
PRACTITIONER_FONT = 14
BAND_COLOURS = ("#e8eef5", "#f2f2f2", "#d9e4ef", "#e6e6e6", "#cfdbe8", "#dcdcdc")  # soft blues and greys
BAND_LABEL_WIDTH = 26  # characters per line of a band's label
BAND_MARGIN = 230  # pixels on the right for the band labels
LINE_COLOUR = "#2b5c8a"
GOAL_COLOURS = ("#1f4e79", "#e69f00", "#56b4e9", "#7b3294", "#666666", "#cc79a7", "#0072b2")  # no red or green
GOAL_TEXT_LIMIT = 60
GOAL_RANGE = (-0.3, 10.3)
NO_GOAL_RATINGS = "No goal ratings yet"
TURNS_TRACE = "Turns per minute"
ANSWERED_TRACE = f"Answered within {ANSWER_WITHIN:.0f} s"
TURN_TAKING_CAPTION = ("A process indicator counted from the sound alone (who spoke when, never what was said): "
                       "not a validated measure. It misses everything non-verbal.")

_PLAIN_VERDICT = {
    Verdict.IMPROVED: "This is a real improvement: bigger than the usual ups and downs of answering "
                      "a questionnaire twice.",
    Verdict.NO_CHANGE: "This change is within the usual ups and downs, so we cannot be sure it is a real change.",
    Verdict.DETERIORATED: "This is a real change for the worse; it is worth talking about.",
}
_PLAIN_GOAL_VERDICT = {
    Verdict.IMPROVED: f"This is a real step forward: a move of {GBO_RELIABLE_POINTS} points or more.",
    Verdict.NO_CHANGE: f"A move of less than {GBO_RELIABLE_POINTS} points is within the usual ups and downs, "
                       "so we cannot be sure it is a real change.",
    Verdict.DETERIORATED: "This is a real change for the worse; it is worth talking about.",
}


def _moved(difference: float, unit: str = "") -> str:
    """``up 1.5`` / ``down 8``: the direction of the number, not whether it is better."""
    amount = number(abs(difference))
    suffix = f" {unit}{'' if amount == '1' else 's'}" if unit else ""
    return f"{'up' if difference > 0 else 'down'} {amount}{suffix}"


# --- sentences -------------------------------------------------------------
def change_sentence(instrument: Instrument, change: Change, *, plain: bool) -> str:
    """The change from the first to the last score in words, read through the measure's direction."""
    pre, post = number(change.pre), number(change.post)
    if pre == post:
        moved = f"{'Your score' if plain else 'Score'} stayed at {post}."
    else:
        moved = f"{'Your score' if plain else 'Score'} went from {pre} to {post} ({_moved(change.difference)})."
    if plain:
        if change.verdict is None or pre == post:
            return moved
        return f"{moved} {_PLAIN_VERDICT[change.verdict]}"
    parts = [moved]
    if change.verdict is None or change.rci is None:
        parts.append("No reliable-change verdict: the definition gives no SD and reliability.")
    else:
        threshold = ">" if change.verdict is not Verdict.NO_CHANGE else "≤"
        parts.append(f"{change.verdict.value.capitalize()} (RCI {number(change.rci)}, "
                     f"|RCI| {threshold} {number(RELIABLE_Z)}).")
    if change.crossed:
        parts.append(f"Band: {change.crossed}.")
    return " ".join(parts)


def goal_change_sentence(change: GoalChange, *, plain: bool) -> str:
    """A goal's change from its first to its latest 0–10 rating, by the GBO rule of 3 points."""
    first, last = change.first, change.last
    if change.verdict is None:
        if plain:
            return f"Rated {last} out of 10 so far; the change will show after the next rating."
        return f"One rating so far ({last}/10): no change to judge yet."
    if plain:
        moved = (f"Your rating stayed at {last} out of 10." if first == last else
                 f"Your rating went from {first} to {last} out of 10 ({_moved(change.difference, 'point')}).")
        return f"{moved} {_PLAIN_GOAL_VERDICT[change.verdict]}"
    moved = (f"Rating stayed at {last}/10." if first == last else
             f"Rating went from {first} to {last}/10 ({_moved(change.difference, 'point')}).")
    return (f"{moved} {change.verdict.value.capitalize()} "
            f"(GBO reliable change: {GBO_RELIABLE_POINTS} points or more).")


# --- figures ---------------------------------------------------------------
def _day(on: date) -> str:
    return f"{on.day} {on:%b %Y}"


@functools.cache
def _template() -> go.layout.Template:
    """plotly_white's layout (white ground, light grid, its colours) without its defaults for
    two dozen trace types these line charts never use: setting the whole template copied and
    checked all of them, a third of each chart's making (13 ms against 4 ms)."""
    return go.layout.Template(layout=pio.templates["plotly_white"].layout)


def _layout(fig: go.Figure, title: str, *, plain: bool, meta: dict) -> None:
    fig.update_layout(
        template=_template(), title_text=escape(title, quote=False), meta=meta,
        font_size=PLAIN_FONT if plain else PRACTITIONER_FONT,
        margin={"l": 60, "r": 30, "t": 80, "b": 60}, hoverlabel_font_size=PLAIN_FONT if plain else PRACTITIONER_FONT,
    )


def measure_figure(result: MeasureResult, *, plain: bool) -> go.Figure:
    """The finished scores at each time point, on the measure's full range, over its shaded bands."""
    instrument = result.instrument
    labels, values, hover = [], [], []
    for time_point, administration in result.scores.items():
        label = TIME_POINT_LABELS[time_point]
        when = f"<br>{_day(administration.completed_on)}" if administration.completed_on else ""
        labels.append(f"{label}{when}")
        values.append(administration.total)
        hover.append(f"{label}{when}<br>{'Your score' if plain else 'Score'}: {number(administration.total)} "
                     f"({escape(scale_note(instrument, plain=plain), quote=False)})")
    fig = go.Figure(go.Scatter(
        x=labels, y=values, name="Score", mode="lines+markers+text", line_shape="linear",
        text=[number(v) for v in values], textposition="top center", cliponaxis=False,
        marker={"size": 14 if plain else 10, "color": LINE_COLOUR}, line={"color": LINE_COLOUR, "width": 3},
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
    ))
    label_size = (PLAIN_FONT if plain else PRACTITIONER_FONT) - 2
    for n, band in enumerate(instrument.bands):  # labelled in the right margin, clear of the scores
        fig.add_hrect(y0=band.low, y1=band.high, fillcolor=BAND_COLOURS[n % len(BAND_COLOURS)], line_width=0,
                      layer="below", name="band")
        fig.add_annotation(
            name="band", text="<br>".join(textwrap.wrap(escape(band.label, quote=False), BAND_LABEL_WIDTH)),
            xref="paper", x=1, xanchor="left", xshift=10, yref="y", y=(band.low + band.high) / 2,
            yanchor="middle", align="left", showarrow=False, font={"size": label_size, "color": "#555555"},
        )
    pad = (instrument.maximum - instrument.minimum) * 0.05
    direction = "Higher is better" if instrument.higher_is_better else "Lower is better"
    fig.update_yaxes(range=[instrument.minimum - pad, instrument.maximum + pad], fixedrange=True, zeroline=False,
                     title_text=direction if plain else f"{scale_note(instrument).capitalize()} · {direction.lower()}")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels, fixedrange=True)
    _layout(fig, instrument.plain_title if plain else instrument.title, plain=plain,
            meta={"figure": "measure", "instrument": instrument.id})
    fig.update_layout(showlegend=False)
    if instrument.bands:
        fig.update_layout(margin_r=BAND_MARGIN)
    return fig


def _goal_text(goal: Goal) -> str:
    text = " ".join(goal.text.split())
    return escape(text if len(text) <= GOAL_TEXT_LIMIT else text[:GOAL_TEXT_LIMIT - 1].rstrip() + "…", quote=False)


def goals_figure(case: Case, *, plain: bool) -> go.Figure:
    """Each rated goal's 0–10 ratings over time, with a dashed line at each shared review held."""
    fig = go.Figure()
    for n, goal in case.numbered_goals():
        if not goal.ratings:
            continue
        name = f"Goal {n}"
        heading = f"{name}: {_goal_text(goal)}"
        if goal.retired_on:
            heading += (f"<br>(no longer worked on from {_day(goal.retired_on)})" if plain
                        else f"<br>(retired {_day(goal.retired_on)})")
        fig.add_trace(go.Scatter(
            x=[r.on for r in goal.ratings], y=[r.score for r in goal.ratings], name=name, meta=goal.id,
            mode="lines+markers", line_shape="linear", line={"dash": "dot" if goal.retired_on else "solid", "width": 3},
            marker={"size": 12 if plain else 9},
            hovertext=[f"{heading}<br>{_day(r.on)}, {r.label}: {r.score} out of 10" for r in goal.ratings],
            hovertemplate="%{hovertext}<extra></extra>",
        ))
    title = "Your goals, 0 to 10" if plain else "Goal Based Outcomes (0–10)"
    _layout(fig, title, plain=plain, meta={"figure": "goals", "case": case.id})
    fig.update_yaxes(range=list(GOAL_RANGE), dtick=1, fixedrange=True, zeroline=False,
                     title_text="0 = not at all, 10 = fully reached" if plain else "Rating (0–10)")
    if not fig.data:
        fig.add_annotation(name="empty", text=NO_GOAL_RATINGS, xref="paper", yref="paper", x=0.5, y=0.5,
                           showarrow=False, font={"size": PLAIN_FONT})
        fig.update_xaxes(visible=False)
        return fig
    fig.update_xaxes(type="date", tickformat="%-d %b<br>%Y", nticks=8)
    days = {r.on for _, goal in case.numbered_goals() for r in goal.ratings}
    if len(days) == 1:  # one day only: a week either side, not the same date repeated along the axis
        (day,) = days
        fig.update_xaxes(range=[(day - timedelta(days=7)).isoformat(), (day + timedelta(days=7)).isoformat()],
                         dtick=7 * 24 * 3600 * 1000)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.2}, colorway=list(GOAL_COLOURS))
    reviewed = sorted((c for c in case.cycles if c.status is CycleStatus.REVIEWED and c.review_date),
                      key=lambda c: c.number)
    for cycle in reviewed:
        day = cycle.review_date.isoformat()
        fig.add_shape(type="line", name="review", x0=day, x1=day, xref="x", yref="paper", y0=0, y1=1,
                      layer="below", line={"dash": "dash", "color": "#888888", "width": 1.5})
        fig.add_annotation(name="review", text=f"Shared review {cycle.number}", x=day, xref="x", yref="paper", y=1,
                           yanchor="bottom", showarrow=False, font={"color": "#555555"})
    return fig


def _cycle_label(point: CycleTurnTaking) -> str:
    return f"Cycle {point.cycle}"


def _heard_note(point: CycleTurnTaking) -> str:
    films = f"{point.recordings} film{'' if point.recordings == 1 else 's'}"
    return f"{films}, {number(round(point.figures.minutes, 1))} min heard"


def turn_taking_figure(by_cycle: list[CycleTurnTaking], *, plain: bool = False) -> go.Figure:
    """Turns per minute, and the share of the child's initiatives answered within two seconds, by cycle.

    Two panels on one axis of cycles, each with its own scale (a rate, a percentage on a fixed
    0–100 % axis so a small change never looks big), points joined by straight lines only where
    a cycle was heard. Drawn for the practitioner only: ``plain`` is accepted to fit the pages'
    chart helper, and the caption stays in the figure so that a saved picture carries it."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.14,
                        subplot_titles=(TURNS_TRACE, f"Child's initiatives answered within {ANSWER_WITHIN:.0f} s"))
    labels = [_cycle_label(p) for p in by_cycle]
    rates = [round(p.figures.turns_per_minute, 1) for p in by_cycle]
    fig.add_trace(go.Scatter(
        x=labels, y=rates, name=TURNS_TRACE, mode="lines+markers+text", line_shape="linear",
        text=[number(r) for r in rates], textposition="top center", cliponaxis=False,
        marker={"size": 10, "color": LINE_COLOUR}, line={"color": LINE_COLOUR, "width": 3},
        hovertext=[f"{_cycle_label(p)} ({_heard_note(p)})<br>{p.figures.conversational_turns} turns, "
                   f"{number(r)} per minute" for p, r in zip(by_cycle, rates, strict=True)],
        hovertemplate="%{hovertext}<extra></extra>",
    ), row=1, col=1)
    shares = [None if p.figures.answered_share is None else round(100 * p.figures.answered_share) for p in by_cycle]
    fig.add_trace(go.Scatter(
        x=labels, y=shares, name=ANSWERED_TRACE, mode="lines+markers+text", line_shape="linear",
        text=["" if s is None else f"{s}%" for s in shares], textposition="top center", cliponaxis=False,
        marker={"size": 10, "color": GOAL_COLOURS[1]}, line={"color": GOAL_COLOURS[1], "width": 3},
        hovertext=[f"{_cycle_label(p)} ({_heard_note(p)})<br>"
                   + ("no initiative of the child heard" if s is None else
                      f"{p.figures.answered} of {p.figures.child_initiatives} initiatives answered ({s}%)")
                   for p, s in zip(by_cycle, shares, strict=True)],
        hovertemplate="%{hovertext}<extra></extra>",
    ), row=2, col=1)
    _layout(fig, "Turn-taking across the cycles", plain=plain, meta={"figure": "turn-taking"})
    top = max(rates, default=0.0)
    fig.update_yaxes(row=1, col=1, range=[0, max(1.0, top * 1.25)], rangemode="tozero", fixedrange=True,
                     title_text="per minute")
    fig.update_yaxes(row=2, col=1, range=[0, 115], tickvals=[0, 25, 50, 75, 100],
                     ticktext=["0%", "25%", "50%", "75%", "100%"], fixedrange=True, title_text="answered")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels, fixedrange=True)
    fig.update_xaxes(row=2, col=1, ticktext=[f"{_cycle_label(p)}<br>{_heard_note(p)}" for p in by_cycle],
                     tickvals=labels)
    fig.add_annotation(name="caption", text="<br>".join(textwrap.wrap(TURN_TAKING_CAPTION, 90)),
                       xref="paper", yref="paper", x=0, y=-0.22, xanchor="left", yanchor="top", align="left",
                       showarrow=False, font={"size": PRACTITIONER_FONT - 2, "color": "#555555"})
    fig.update_layout(showlegend=False, height=520, margin_b=130)
    return fig
