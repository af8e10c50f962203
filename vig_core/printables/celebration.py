"""The celebration summary: one printable page for the family at the end of their VIG work.

Warm and plain, for the parent to keep: their goals with the first and the
latest rating, the words they chose to celebrate, stills of the moments seen
(only where they have consented to keep clips), what they said at the ending,
and their goals for the future. Like the strengths record (see
:mod:`vig_core.printables.strengths`) it is plain HTML with the stills embedded, every text
escaped, print styles and no script or outside resource: one file to print or
save as PDF from the browser.

Nothing meant for the practitioner alone is ever used: not the ending notes,
the case notes, a clip's or a moment's note, the review notes, the consent
notes, nor the case code.

Goals set aside (retired) are left out, unless the practitioner chose to show
one (then marked "(set aside)"). Goals never rated are left out, having nothing
to show.
"""

from __future__ import annotations

import html
from datetime import date

from vig_core.case.consent_rules import Use, allows
from vig_core.case.conversation import ENDING_FIELDS
from vig_core.case.outcomes import GBO_CREDIT, MeasureResult, goal_changes
from vig_core.case.questionnaires import TIME_POINT_LABELS
from vig_core.case.record import Case
from vig_core.case.scoring import number
from vig_core.printables.strengths import PRINT_CSS, figure_html, strengths_items
from vig_core.vocab.instruments import scale_note

CELEBRATION_CSS = PRINT_CSS + """
.intro { font-size: 1.15rem; }
.goal { margin: 1rem 0 1.4rem; break-inside: avoid; page-break-inside: avoid; }
.goal-text { font-size: 1.2rem; margin: 0 0 .4rem; }
.set-aside { color: #4b5563; font-style: italic; font-size: 1rem; }
.bar { display: grid; grid-template-columns: 7rem 1fr 6.5rem; align-items: center; gap: .6rem; margin: .3rem 0; }
.track { display: block; height: 1.1rem; border: 1px solid #6b7280; border-radius: .3rem; overflow: hidden; }
.fill { display: block; height: 100%; background: #a5b4fc;
        -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.bar.now .fill { background: #4338ca; }
.score { font-weight: bold; }
blockquote { margin: 1rem 0; padding: .6rem 1rem; border-left: 4px solid #c7d2fe; font-size: 1.2rem;
             break-inside: avoid; page-break-inside: avoid; }
blockquote p { margin: 0; }
.said { display: block; color: #4b5563; font-size: .95rem; margin-top: .3rem; }
.words { white-space: pre-wrap; line-height: 1.5; }
figcaption { white-space: pre-wrap; }
li { margin: .3rem 0; break-inside: avoid; page-break-inside: avoid; }
.credit { font-size: .8rem; }
"""

KEEP_SAFE = "This page shows your family: please keep it somewhere safe."


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _bar(label: str, score: int, kind: str) -> str:
    """One bar of a goal: the label and the number in text, the bar itself only a picture of them."""
    width = max(0, min(10, int(score))) * 10
    return (f'<div class="bar {kind}"><span class="bar-label">{label}</span>'
            f'<span class="track" aria-hidden="true"><span class="fill" style="width: {width}%"></span></span>'
            f'<span class="score">{int(score)} out of 10</span></div>')


def _goals(case: Case) -> list[str]:
    changes = goal_changes(case)  # goals never rated are not among them
    if not changes:
        return []
    parts = ["<section><h2>Our goals</h2>",
             "<p>Each goal in your own words, rated from 0 to 10, at the start and now.</p>"]
    for change in changes:
        aside = ' <span class="set-aside">(set aside)</span>' if change.goal.retired_on else ""
        bars = [_bar("At the start", change.first, "start")]
        if len(change.goal.ratings) > 1:
            bars.append(_bar("Now", change.last, "now"))
        parts.append(f'<div class="goal"><p class="goal-text">{html.escape(change.goal.text.strip())}{aside}</p>'
                     f'{"".join(bars)}</div>')
    parts.append("</section>")
    return parts


def _quotes(case: Case) -> list[str]:
    by_id = {r.id: r for r in case.reflections}
    chosen = [by_id[q] for q in case.ending.chosen_quotes if q in by_id]
    if not chosen:
        return []
    who = html.escape(case.carer_name) + ", " if case.carer_name else ""
    parts = ["<section><h2>In your own words</h2>"]
    for reflection in chosen:
        parts.append(f'<blockquote><p class="words">“{html.escape(reflection.words.strip())}”</p>'
                     f'<span class="said">{who}{_day(reflection.said_on)}</span></blockquote>')
    parts.append("</section>")
    return parts


def _moments(case: Case, stills: dict[str, bytes] | None) -> list[str]:
    if not stills or not allows(case, Use.FAMILY_COPY):
        return []
    items = [i for i in strengths_items(case) if stills.get(i.clip_id)]
    if not items:
        return []
    parts = ['<section><h2>Moments we saw</h2><div class="grid">']
    parts.extend(figure_html(case, item, stills[item.clip_id]) for item in items)
    parts.append("</div></section>")
    return parts


def _ending(case: Case) -> list[str]:
    parts = []
    for name, (label, _) in ENDING_FIELDS.items():
        text = getattr(case.ending, name).strip()
        if text:
            parts.append(f'<section><h2>{html.escape(label)}</h2><p class="words">{html.escape(text)}</p></section>')
    return parts


def _measures(measures: list[MeasureResult] | None) -> list[str]:
    lines = []
    for result in measures or []:
        if len(result.scores) < 2:
            continue  # nothing to compare yet
        (first_at, first), *_, (last_at, last) = result.scores.items()
        better = "higher is better" if result.instrument.higher_is_better else "lower is better"
        title = result.instrument.plain_title or result.instrument.title
        key = html.escape(scale_note(result.instrument, plain=True))
        lines.append(f"<li>{html.escape(title)}: {number(first.total)} {TIME_POINT_LABELS[first_at].lower()} "
                     f"→ {number(last.total)} {TIME_POINT_LABELS[last_at].lower()} ({key}; {better})</li>")
    if not lines:
        return []
    return ["<section><h2>Questionnaires</h2><ul>", *lines, "</ul></section>"]


def _future(case: Case) -> list[str]:
    goals = [g.strip() for g in case.ending.future_goals if g.strip()]
    if not goals:
        return []
    return ["<section><h2>Goals for the future</h2><ul>",
            *(f'<li class="words">{html.escape(g)}</li>' for g in goals), "</ul></section>"]


def celebration_html(case: Case, made_on: date, *, stills: dict[str, bytes] | None = None,
                     measures: list[MeasureResult] | None = None) -> str:
    """The printable celebration page. ``stills`` maps clip ids to PNG bytes; they are shown only
    while the family consents to keep clips. ``measures`` adds one line per questionnaire
    given at two time points or more."""
    family = " and ".join(html.escape(n.strip()) for n in (case.carer_name, case.child_first_name) if n.strip())
    title = f"Celebrating our work together: {family}" if family else "Celebrating our work together"
    goals = _goals(case)
    footer = [f"<p>{KEEP_SAFE}</p>"]
    if goals:
        footer.append(f'<p class="credit">Goal ratings use {html.escape(GBO_CREDIT)}</p>')
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title><style>{CELEBRATION_CSS}</style></head><body>",
        f"<h1>{title}</h1>",
        f'<p class="made">Made on {_day(made_on)}.</p>',
        '<p class="intro">A record of our Video Interaction Guidance together: what you hoped for, '
        "what you said and what we saw.</p>",
        *goals, *_quotes(case), *_moments(case, stills), *_ending(case), *_measures(measures), *_future(case),
        f"<footer>{''.join(footer)}</footer></body></html>",
    ]
    return "\n".join(parts)
