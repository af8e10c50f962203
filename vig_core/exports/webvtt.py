"""A WebVTT caption file for a clip, so it can be shown with its words in any player.

The caption is either the practitioner's positive naming of the clip or the
parent's own words about it; a clip without that text yet is captioned with its
title, so "one per clip" is a file for every clip (the Exports page says which
clips show their title). Times run from the start of the clip file (an
exported clip starts at zero), and the clip's length is shared among the cues
in proportion to how much each says, so long words stay on screen longer.

Text is kept as typed but made safe for the format: ``&``, ``<`` and ``>`` are
written as character references (so ``-->`` or a ``<b>`` typed in a note can
neither end a cue nor style it), and blank lines, which would end a cue, are
dropped. Lines are wrapped at :data:`LINE_LENGTH` characters, two lines a cue,
as subtitle guidelines advise.
"""

from __future__ import annotations

import html
import textwrap
from enum import StrEnum

from vig_core.case.film import Clip
from vig_core.case.frames import format_time
from vig_core.case.record import Case
from vig_core.exports.numbering import clip_stems

LINE_LENGTH = 42
LINES_PER_CUE = 2


class CaptionSource(StrEnum):
    NAMING = "naming"  # the practitioner's positive naming of the clip
    WORDS = "words"  # the parent's words about the clip, one question after another


CAPTION_LABELS = {CaptionSource.NAMING: "the positive naming", CaptionSource.WORDS: "the parent's words"}


def caption_texts(case: Case, clip: Clip, source: CaptionSource) -> list[str]:
    """The texts to caption ``clip`` with, in order; empty when there is nothing to say."""
    texts = [clip.naming] if source is CaptionSource.NAMING else [r.words for r in case.reflections_of(clip.id)]
    return [t for t in texts if t.strip()]


def cue_lines(text: str) -> list[list[str]]:
    """``text`` wrapped into cues of at most two lines, never holding a blank line."""
    lines = [line for paragraph in text.splitlines() if paragraph.strip()
             for line in textwrap.wrap(paragraph.strip(), LINE_LENGTH, break_long_words=True)]
    return [lines[n:n + LINES_PER_CUE] for n in range(0, len(lines), LINES_PER_CUE)]


def timestamp(seconds: float) -> str:
    """``hh:mm:ss.ttt``, as WebVTT writes times."""
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def webvtt(texts: list[str], duration: float) -> str:
    """A complete WebVTT file showing ``texts`` one after another across ``duration`` seconds."""
    cues = [cue for text in texts for cue in cue_lines(text)]
    weights = [max(1, sum(len(line) for line in cue)) for cue in cues]
    total, at, parts = sum(weights), 0, ["WEBVTT", ""]
    for number, (cue, weight) in enumerate(zip(cues, weights), start=1):
        start, at = at, at + weight
        parts += [str(number), f"{timestamp(duration * start / total)} --> {timestamp(duration * at / total)}",
                  *(html.escape(line, quote=False) for line in cue), ""]
    return "\n".join(parts)


def clip_name(case: Case, clip: Clip) -> str:
    """The clip's name, for a caption without words of its own (the one place to change how it is named)."""
    return clip.title.strip() or f"Untitled clip at {format_time(clip.start)}"


def clip_webvtt(case: Case, clip: Clip, source: CaptionSource) -> str:
    """The caption file of ``clip`` from ``source``; the clip's name where that source says nothing yet."""
    return webvtt(caption_texts(case, clip, source) or [clip_name(case, clip)], clip.duration)


def captioned_by_title(case: Case, source: CaptionSource) -> list[Clip]:
    """The clips without text from ``source`` (captioned with their name), in the order of their file names."""
    order = list(clip_stems(case))
    return sorted((c for c in case.clips if not caption_texts(case, c, source)), key=lambda c: order.index(c.id))


def title_note(case: Case, source: CaptionSource) -> str | None:
    """One sentence naming the clips captioned with their title, or ``None`` when every clip has its text."""
    plain = captioned_by_title(case, source)
    if not plain:
        return None
    if len(plain) == len(case.clips):
        return f"No clip has {CAPTION_LABELS[source]} yet, so every caption shows the clip's title."
    names = ", ".join(f"“{clip_name(case, c)}”" for c in plain)
    what = CAPTION_LABELS[source].removeprefix("the ")
    if len(plain) == 1:
        return f"1 clip has no {what} yet, so its caption shows the clip's title: {names}."
    return f"{len(plain)} clips have no {what} yet, so their captions show the clip's title: {names}."
