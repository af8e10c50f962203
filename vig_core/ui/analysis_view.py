"""What the micro-analysis timeline draws, made from the case: moments in their principles'
colours, clips and suggestions as spans, and the legend of the colours in use.

Labels are shown on hover as plain text (``textContent``), through :func:`shown` so a bidi
control typed into a title cannot turn the words around.
"""

from __future__ import annotations

from collections.abc import Sequence

from vig_core.case.episodes import Suggestion
from vig_core.case.film import Clip, Moment, Recording, clip_name
from vig_core.ui.analysis_player import LegendEntry, TimelineMoment, TimelineSpan
from vig_core.ui.escape import shown
from vig_core.vocab.principles import UNCODED, Principles

CHOSEN_CLIP = "#2f6f5e"  # a clip chosen for the shared review: the workbook's own green
OTHER_CLIP = "#9aa5b1"  # a clip cut but not chosen


def moment_label(moment: Moment, principles: Principles) -> str:
    """A moment's coding in a line or two: its principles, the behaviours seen, a working point."""
    lines = [", ".join(principles.title(p) for p in moment.principles) or "Not coded yet"]
    if moment.behaviours:
        lines.append(", ".join(moment.behaviours))
    if moment.working_point:
        lines.append("Working point")
    return shown("\n".join(lines))


def timeline_moments(moments: Sequence[Moment], principles: Principles) -> list[TimelineMoment]:
    """Each moment a marker, coloured by its first principle (grey while not coded)."""
    return [TimelineMoment(m.id, m.time, principles.colour(m.principles[0] if m.principles else None),
                           moment_label(m, principles)) for m in moments]


def timeline_legend(moments: Sequence[Moment], principles: Principles) -> list[LegendEntry]:
    """The colours used by these moments, in the principles' order; "Not coded yet" last."""
    first = {m.principles[0] if m.principles else None for m in moments}
    entries = [LegendEntry(principles.colour(h.id), shown(h.title)) for h in principles.headings if h.id in first]
    if first - {h.id for h in principles.headings}:  # not coded, or a heading since removed from the file
        entries.append(LegendEntry(UNCODED, "Not coded yet" if None in first else "Other"))
    return entries


def timeline_clips(clips: Sequence[Clip], recording: Recording) -> list[TimelineSpan]:
    """Each clip of the recording a span, the chosen ones (with their place) in green."""
    return [TimelineSpan(c.id, c.start, c.end,
                         shown(f"Clip {c.chosen}: {clip_name(c, recording)}" if c.chosen else clip_name(c, recording)),
                         CHOSEN_CLIP if c.chosen else OTHER_CLIP) for c in clips]


def suggestion_label(suggestion: Suggestion) -> str:
    return f"{suggestion.turns} turns. {suggestion.reason}"


def timeline_suggestions(suggestions: Sequence[Suggestion]) -> list[TimelineSpan]:
    """Each open suggestion a span in the suggestions' lane, named by its key."""
    return [TimelineSpan(s.key, s.start, s.end, suggestion_label(s)) for s in suggestions]
