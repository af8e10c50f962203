"""The case's main records as tables with stable, documented columns.

Moments, clips, the parent's words, goal ratings and questionnaire scores are
what supervisors, researchers and services most want to read in a spreadsheet
or a statistics package. :data:`TABLES` names every column and says what it
means; the same words go into each export's read-me and ``docs/exports.md``
(a test keeps the document in step), so a column is never renamed silently.

The frames hold the text exactly as typed; each writer guards it in its own
way (the CSV writer against formulas, the Excel writer by writing text as text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from vig_core.case.film import ME, clip_name
from vig_core.case.frames import format_time
from vig_core.case.record import Case
from vig_core.case.turns import turn_label
from vig_core.exports.score_table import COLUMNS as SCORE_COLUMNS
from vig_core.exports.score_table import scores_frame
from vig_core.vocab.instruments import Instrument
from vig_core.vocab.principles import Principles

TABLES: dict[str, dict[str, str]] = {
    "moments": {
        "recording": "title of the film the moment is in",
        "cycle": "the cycle (1, 2, ...) the film belongs to",
        "time_seconds": "when the moment is, in seconds from the start of the film",
        "time": "the same time as minutes:seconds.hundredths",
        "principles": "principles of attuned interaction seen (separated by ';')",
        "behaviours": "the behaviours noted under them (separated by ';')",
        "turn": "the turn of the attuned cycle, e.g. 'child: initiative' ('parent: initiative', "
                "'guider: response' in a film of a shared review)",
        "working_point": "'yes' for a moment to develop rather than a strength",
        "note": "the practitioner's note on the moment",
    },
    "clips": {
        "recording": "title of the film the clip was cut from",
        "cycle": "the cycle the film belongs to",
        "in_seconds": "where the clip starts, in seconds from the start of the film",
        "out_seconds": "where the clip ends, in seconds",
        "in": "the start as minutes:seconds.hundredths",
        "out": "the end as minutes:seconds.hundredths",
        "length_seconds": "how long the clip is",
        "title": "the clip's title (empty when it has none; pages and files then call it `Clip at 1:05.40`)",
        "chosen": "its place in the shared review (1, 2, ...), empty if not chosen",
        "naming": "the practitioner's positive naming of what the clip shows",
        "practitioner_note": "the practitioner's own note on the clip",
        "caption": "caption for the strengths record (empty: the automatic one)",
        "file": "the exported clip file (under media/ in a case copy with films), empty if none",
    },
    "reflections": {
        "clip": "name of the clip the parent was watching (its title, or `Clip at 1:05.40` for an untitled clip)",
        "cycle": "the cycle of that clip",
        "prompt": "the question asked, as it was asked",
        "words": "the parent's own words, as they said them",
        "date": "the day they were said (YYYY-MM-DD)",
    },
    "goals": {
        "goal_number": "the goal's number as the family sees it (1, 2, ...); "
                       "empty for a retired goal not shown to them",
        "goal": "the goal, in the parent's words",
        "set_on": "the day the goal was set",
        "retired_on": "the day it was put aside, empty if still worked on",
        "first_rating": "its first rating (0-10), empty if never rated",
        "date": "the day of this rating (one row per rating; empty for a goal never rated)",
        "rating": "the rating that day, 0-10",
        "cycle": "the cycle whose shared review it was rated at, if any",
        "given_at": "where it was given: 'the start', 'cycle n review', 're-rated' or 'the ending'",
    },
    "scores": {  # made by score_table (its columns, in its order: a test checks they agree)
        "case_code": "the case code",
        "measure_id": "short id of the questionnaire or 'gbo' for goal ratings",
        "measure": "the questionnaire's name",
        "time_point": "when it was given: baseline, mid or end; for goal ratings start, review, re-rating or ending",
        "date": "the day it was completed",
        "score": "the total score",
        "band": "the band the score falls in, where the questionnaire has bands",
        "how": "'answered', 'typed total' or 'goal rating'",
        "goal": "for goal ratings: which goal (retired goals only when shown to the family)",
        "cycle": "for goal ratings: the cycle, if any",
    },
}
assert list(TABLES["scores"]) == SCORE_COLUMNS


def columns_text(prefix: str = "", suffix: str = ".csv") -> str:
    """What each column of each table means, as plain text for a read-me."""
    return "\n\n".join(f"{prefix}{name}{suffix}\n" + "\n".join(f"  {column}: {meaning}"
                                                               for column, meaning in cols.items())
                       for name, cols in TABLES.items())


def table_frames(case: Case, principles: Principles, instruments: Mapping[str, Instrument]) -> dict[str, pd.DataFrame]:
    """Every table of :data:`TABLES` for ``case``, text as typed, in a fixed row order."""
    films = {r.id: r for r in case.recordings}
    order = {r.id: n for n, r in enumerate(case.recordings)}
    moments = sorted((m for m in case.moments if m.coder == ME), key=lambda m: (order[m.recording_id], m.time))
    clips = sorted(case.clips, key=lambda c: (films[c.recording_id].cycle, order[c.recording_id], c.start))
    clip_by_id = {c.id: c for c in case.clips}

    rows: dict[str, Iterable[dict]] = {
        "moments": ({
            "recording": films[m.recording_id].title, "cycle": films[m.recording_id].cycle,
            "time_seconds": m.time, "time": format_time(m.time, films[m.recording_id].fps),
            "principles": "; ".join(principles.title(p) for p in m.principles), "behaviours": "; ".join(m.behaviours),
            "turn": turn_label(m.turn, films[m.recording_id].kind),
            "working_point": "yes" if m.working_point else "", "note": m.note,
        } for m in moments),
        "clips": ({
            "recording": films[c.recording_id].title, "cycle": films[c.recording_id].cycle,
            "in_seconds": c.start, "out_seconds": c.end, "in": format_time(c.start, films[c.recording_id].fps),
            "out": format_time(c.end, films[c.recording_id].fps), "length_seconds": round(c.duration, 6),
            "title": c.title, "chosen": _blank(c.chosen), "naming": c.naming, "practitioner_note": c.private_note,
            "caption": c.strengths_caption, "file": _blank(c.exported),
        } for c in clips),
        "reflections": ({
            "clip": clip_name(clip_by_id[r.clip_id], films[clip_by_id[r.clip_id].recording_id]),
            "cycle": films[clip_by_id[r.clip_id].recording_id].cycle,
            "prompt": r.prompt, "words": r.words, "date": r.said_on.isoformat(),
        } for r in case.reflections),
        "goals": _goal_rows(case),
    }
    frames = {name: pd.DataFrame(list(items), columns=list(TABLES[name]), dtype=object)
              for name, items in rows.items()}
    frames["scores"] = scores_frame(case, instruments, guarded=False)
    return frames


def _blank(value: object) -> object:
    return "" if value is None else value


def _goal_rows(case: Case) -> Iterable[dict]:
    """One row per rating, and one (without a rating) for a goal never rated, so no goal is missing;
    numbered as the family sees them (a retired goal not shown to them has no number)."""
    numbers = {g.id: n for n, g in case.numbered_goals()}
    for goal in case.goals:
        first = goal.first_rating
        about = {"goal_number": numbers.get(goal.id, ""), "goal": goal.text, "set_on": goal.created_on.isoformat(),
                 "retired_on": goal.retired_on.isoformat() if goal.retired_on else "",
                 "first_rating": first.score if first else ""}
        for rating in goal.ratings or [None]:
            yield {**about, "date": rating.on.isoformat() if rating else "", "rating": rating.score if rating else "",
                   "given_at": rating.label if rating else "", "cycle": _blank(rating.cycle) if rating else ""}
