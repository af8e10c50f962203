"""The strengths record: stills of the chosen clips with a caption, for the family to keep.

Only where the parent has consented to keep material. A caption is the parent's
own words from the review or the practitioner's positive naming of what was
seen; practitioner-only notes are never used. The printable page is plain HTML
with the stills embedded, every text escaped, and print styles (one file to
print or save as PDF from the browser).
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from datetime import date

from vig_core.case.consent_rules import Use, allows
from vig_core.case.film import Clip, clip_name, on_frame
from vig_core.case.record import Case
from vig_core.errors import ValidationError


@dataclass(frozen=True)
class StrengthItem:
    cycle: int
    clip_id: str
    title: str
    caption: str
    parents_words: bool  # the caption is what the parent said
    recording: str  # the playable film, relative to the case folder
    time: float  # the frame shown, in seconds of that film


def check_may_keep(case: Case) -> None:
    if not allows(case, Use.FAMILY_COPY):
        raise ValidationError(
            "The family has not agreed to keep clips or stills (see Consent), so no strengths record can be made."
        )


def still_time(case: Case, clip: Clip) -> float:
    """The frame that stands for the clip: its moment when the moment is inside it, else its middle."""
    recording = case.recording(clip.recording_id)
    moment = next((m for m in case.moments if m.id == clip.moment_id), None)
    seconds = moment.time if moment and clip.start <= moment.time < clip.end else (clip.start + clip.end) / 2
    return on_frame(recording, seconds)


def caption_choices(case: Case, clip: Clip) -> list[str]:
    """Captions to choose from: the parent's words for the clip, then the positive naming."""
    choices = [r.words.strip() for r in case.reflections_of(clip.id)]
    if clip.naming.strip():
        choices.append(clip.naming.strip())
    return list(dict.fromkeys(c for c in choices if c))


def caption_of(case: Case, clip: Clip) -> tuple[str, bool]:
    """The caption (chosen, else the parent's first words, else the naming, else the title)
    and whether it is the parent's own words."""
    said = {r.words.strip() for r in case.reflections_of(clip.id)}
    caption = clip.strengths_caption.strip() or next(iter(caption_choices(case, clip)), "") or clip.title
    return caption, caption in said


def strengths_items(case: Case) -> list[StrengthItem]:
    """One item per chosen clip, cycle by cycle, in the order they were shown."""
    items = []
    for cycle in case.cycles:
        for clip in case.chosen_clips(cycle.number):
            caption, parents = caption_of(case, clip)
            recording = case.recording(clip.recording_id)
            items.append(StrengthItem(cycle.number, clip.id, clip_name(clip, recording), caption, parents,
                                      recording.playable, still_time(case, clip)))
    return items


PRINT_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1f2937; margin: 2rem auto; max-width: 60rem; }
h1 { font-size: 2rem; margin-bottom: .2rem; }
h2 { font-size: 1.4rem; margin-top: 2rem; border-bottom: 2px solid #c7d2fe; }
.made { color: #4b5563; }
.grid { display: grid; grid-template-columns: repeat(2, 1fr); gap: 1.5rem; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
img { width: 100%; border-radius: .5rem; }
figcaption { font-size: 1.15rem; margin-top: .4rem; line-height: 1.4; }
.who { display: block; color: #4b5563; font-size: .95rem; }
footer { margin-top: 2rem; color: #4b5563; font-size: .9rem; }
@page { margin: 1.5cm; }
@media print { body { margin: 0; max-width: none; } }
"""


def figure_html(case: Case, item: StrengthItem, still: bytes | None) -> str:
    """One still (embedded PNG) with its caption and whose words they are; every text escaped."""
    who = f"{html.escape(case.carer_name or 'Parent')}’s words" if item.parents_words else "What we saw"
    text = f"“{html.escape(item.caption)}”" if item.parents_words else html.escape(item.caption)
    img = (f'<img src="data:image/png;base64,{base64.b64encode(still).decode()}" '
           f'alt="Still from the clip: {html.escape(item.title)}">') if still else ""
    return f'<figure>{img}<figcaption>{text}<span class="who">{who}</span></figcaption></figure>'


def strengths_html(case: Case, items: list[StrengthItem], stills: dict[str, bytes], made_on: date) -> str:
    """The printable page. ``stills`` maps clip ids to PNG bytes."""
    check_may_keep(case)
    family = " and ".join(html.escape(n) for n in (case.carer_name, case.child_first_name) if n)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Our strengths: {family}</title><style>{PRINT_CSS}</style></head><body>",
        f"<h1>Our strengths: {family}</h1>",
        f'<p class="made">Moments from our Video Interaction Guidance, {made_on:%d %B %Y}.</p>',
    ]
    for cycle in sorted({i.cycle for i in items}):
        parts.append(f'<h2>Cycle {cycle}</h2><div class="grid">')
        parts.extend(figure_html(case, item, stills.get(item.clip_id)) for item in items if item.cycle == cycle)
        parts.append("</div>")
    parts.append("<footer>This page shows your family: please keep it somewhere safe.</footer></body></html>")
    return "\n".join(parts)
