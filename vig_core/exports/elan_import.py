"""Coding done in ELAN, read back into a recording's moments.

Tiers named after a principle heading (its title or id, in any letter case)
become moments, with the "Turn", "Notes" and "Working point" tiers that
:mod:`.elan` writes; any other tier ("Clips" too) is not read, and the plan
names it. Annotations starting on the same video frame are one moment.

Nothing typed in ELAN is dropped: text on a principle's tier that is neither a
behaviour of that heading nor its title, an unknown turn, or other text on the
working-point tier goes into the moment's note as a line ``<tier>: <text>``
(e.g. "Being attentive: lovely eye contact"). Such text that is already one of
the moment's behaviours (a behaviour reworded in the principles file since the
export) is not added again.

An imported moment on the frame of a moment already coded is merged into it
(principles and behaviours added, the turn filled only if empty, note text
added only if not there already), so importing the file just exported adds
nothing. :func:`plan_import` says what an import would do;
:func:`apply_import` does it to the case passed in, matching frames afresh, so
a change made meanwhile is respected.

The file is someone's upload: it is read by :mod:`.elan_read` (defusedxml first,
then pympi, in memory).

A file may hold tens of thousands of annotations (the 20 MB limit allows about
70,000), so every step is linear in the file: a moment's note is checked
against its limit as each text is added (the import stops at the first text
over it), and a file that would make more than :data:`MAX_IMPORTED_MOMENTS`
moments is refused as soon as it is seen to. :func:`read_and_plan` reports its
progress as it goes; a report that raises (a cancelled job) stops the work there.
"""

from __future__ import annotations

import copy
import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

from pympi import Elan

from vig_core.case.film import MAX_MOMENT_NOTE, ME, Moment, Recording, RecordingKind, Turn, on_frame
from vig_core.case.frames import format_time
from vig_core.case.record import Case
from vig_core.case.turns import turn_from_label
from vig_core.errors import ValidationError
from vig_core.exports.elan import (
    BEHAVIOURS_LINE,
    CLIPS_TIER,
    NOTES_TIER,
    RECORDING_PROPERTY,
    TURN_TIER,
    WORKING_POINT_TIER,
    WORKING_POINT_VALUE,
    heading_tiers,
    xml_text,
)
from vig_core.exports.elan_read import Progress, no_progress, read_eaf
from vig_core.exports.names import name_restorer
from vig_core.storage.codec import to_record
from vig_core.vocab.principles import Principles

MAX_IMPORTED_MOMENTS = 2_000  # a moment every half second of a 15-minute film; a busy year's coding in all
REPORT_EVERY = 500  # annotations or moments handled between two progress reports


def _part(progress: Progress, start: float, end: float) -> Progress:
    """Reports of a step that is the ``start``-``end`` part of the whole."""
    return lambda fraction: progress(start + (end - start) * fraction)


def read_and_plan(case: Case, recording_id: str, data: bytes, principles: Principles,
                  progress: Progress = no_progress, *, coder: str = ME) -> ElanPlan:
    """:func:`read_eaf` then :func:`plan_import`, with the progress of both (parsing is most of the work)."""
    eaf = read_eaf(data, _part(progress, 0.0, 0.7))
    return plan_import(case, recording_id, eaf, principles, _part(progress, 0.7, 1.0), coder=coder)


@dataclass(frozen=True)
class ImportedMoment:
    time: float  # seconds, on the recording's frame grid
    principles: tuple[str, ...] = ()  # heading ids, in the principles file's order
    behaviours: tuple[str, ...] = ()
    turn: Turn | None = None
    working_point: bool = False
    notes: tuple[str, ...] = ()  # texts of the Notes tier, as typed
    kept: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (tier, texts) not understood: kept in the note


@dataclass(frozen=True)
class ElanPlan:
    recording_id: str
    moments: tuple[ImportedMoment, ...]
    new: int  # moments to add
    merged: int  # moments already here that gain something
    already_there: int  # moments already here with everything the file says
    after_end: int  # annotations starting after the end of the film: not imported
    ignored_tiers: tuple[str, ...]  # tiers with annotations that were not read
    warnings: tuple[str, ...]
    coder: str = ME  # whose moments: the practitioner's own (merged), or a second coder's layer (replaced)

    def summary(self) -> str:
        counts = [_count(self.new, "new moment"), f"{self.merged} added to moments already here",
                  f"{self.already_there} already here"]
        said = ", ".join(c for c, n in zip(counts, (self.new, self.merged, self.already_there)) if n)
        said = said or "No moments found in the file"
        if self.after_end:
            return (f"{said}; {_count(self.after_end, 'annotation')} after the end of the film "
                    f"{_was(self.after_end)} not imported.")
        return f"{said}."


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def _was(n: int) -> str:
    return "was" if n == 1 else "were"


def plan_import(case: Case, recording_id: str, eaf: Elan.Eaf, principles: Principles,
                progress: Progress = no_progress, *, coder: str = ME) -> ElanPlan:
    """What importing ``eaf`` into ``coder``'s moments would do (a second coder's layer is replaced whole, the
    practitioner's own merged with); raises if a merged note would be too long."""
    recording = case.recording(recording_id)
    found, ignored, after_end, untimed = _read(eaf, recording, principles, name_restorer(case),
                                               _part(progress, 0.0, 0.6))
    moments = []
    for n, time in enumerate(sorted(found), 1):
        moments.append(_moment(time, found[time], principles, recording.kind))
        if n % REPORT_EVERY == 0:
            progress(0.6 + 0.2 * n / len(found))
    new, merged, already = _apply(copy.deepcopy(case), recording_id, tuple(moments), _part(progress, 0.8, 1.0),
                                  coder=coder)
    warnings = _warnings(eaf, case, recording)
    if untimed:
        warnings.append(f"{_count(untimed, 'annotation')} on tiers that depend on another tier could not be placed "
                        f"in time and {_was(untimed)} not read.")
    return ElanPlan(recording_id, tuple(moments), new, merged, already, after_end, tuple(ignored), tuple(warnings),
                    coder)


def apply_import(case: Case, plan: ElanPlan) -> None:
    _apply(case, plan.recording_id, plan.moments, coder=plan.coder)


def _role(tier: str, principles: Principles, names: dict[str, str]) -> str | None:
    """What a tier holds: a fixed tier's name, ``"principle:<heading id>"``, or None when it is not read."""
    key = tier.strip().casefold()
    fixed = {name.casefold(): name for name in (TURN_TIER, NOTES_TIER, WORKING_POINT_TIER, CLIPS_TIER)}
    if key in fixed:
        return None if fixed[key] == CLIPS_TIER else fixed[key]
    for name_of in (lambda h: names[h.id], lambda h: h.title, lambda h: h.id):
        heading = next((h for h in principles.headings if name_of(h).strip().casefold() == key), None)
        if heading:
            return f"principle:{heading.id}"
    return None


def _read(eaf: Elan.Eaf, recording: Recording, principles: Principles, restore: Callable[[str], str],
          progress: Progress) -> tuple[dict[float, list[tuple[str, str]]], list[str], int, int]:
    """The (role, text) annotations by frame time, the tiers not read, how many start after the film, and how
    many have no time of their own. Texts get the family's names back where an anonymised export replaced them."""
    found: dict[float, list[tuple[str, str]]] = {}
    ignored, after_end, untimed, seen, total = [], 0, 0, 0, max(1, len(eaf.annotations))
    names = heading_tiers(principles)
    for tier, (aligned, refs, _attributes, _order) in eaf.tiers.items():
        role = _role(tier, principles, names)
        if role is None:
            ignored += [tier] if aligned or refs else []
            continue
        untimed += len(refs)
        for start, _end, value, _svg in aligned.values():
            seen += 1
            if seen % REPORT_EVERY == 0:
                progress(min(1.0, seen / total))
            ms = eaf.timeslots[start]
            if ms is None:
                untimed += 1
            elif ms > recording.duration * 1000:
                after_end += 1
            else:  # half a millisecond on: a frame's start written rounded to the ms reads back onto that frame
                time = on_frame(recording, (ms + 0.5) / 1000)
                if time not in found and len(found) == MAX_IMPORTED_MOMENTS:
                    raise ValidationError(
                        f"This file would make more than {MAX_IMPORTED_MOMENTS:,} moments of one film (its "
                        "annotations start on more frames than that), more than the workbook takes from one file; "
                        "check it is the coding of this film, or split it in ELAN and import the parts.")
                found.setdefault(time, []).append((role, restore(value or "")))
    return found, ignored, after_end, untimed


def _moment(time: float, items: list[tuple[str, str]], principles: Principles,
            kind: RecordingKind = RecordingKind.FAMILY) -> ImportedMoment:
    """One moment from the annotations starting on its frame."""
    items = list(dict.fromkeys(items))  # a text said twice on one tier is taken in once anyway: read it once
    chosen, behaviours, notes, kept, turns, working = [], [], [], [], [], False
    for heading in principles.headings:
        for value in (v for role, v in items if role == f"principle:{heading.id}"):
            chosen += [] if heading.id in chosen else [heading.id]
            matched, other = _behaviours(value, heading.behaviours, (heading.title, heading.id))
            behaviours += [b for b in matched if b not in behaviours]
            kept += [(heading.title, tuple(other))] if other else []
    for role, value in items:
        text = value.strip()
        if role == NOTES_TIER:
            lines = value.split("\n")
            if lines[-1].startswith(BEHAVIOURS_LINE):  # see elan.notes_value
                kept.append((BEHAVIOURS_LINE.rstrip(": "), _parts(lines.pop()[len(BEHAVIOURS_LINE):])))
            if "\n".join(lines).strip():
                notes.append("\n".join(lines))
        elif role == TURN_TIER:
            turn = turn_from_label(text, kind)  # as the film's kind names it (see vig_core.case.turns)
            if turn:
                turns.append(turn)
            elif text:
                kept.append((TURN_TIER, (text,)))
        elif role == WORKING_POINT_TIER:
            working = True
            if text.casefold() not in ("", WORKING_POINT_VALUE):
                kept.append((WORKING_POINT_TIER, (text,)))
    kept += [(TURN_TIER, (t.value,)) for t in turns[1:] if t != turns[0]]
    return ImportedMoment(time, tuple(chosen), tuple(behaviours), turns[0] if turns else None, working,
                          tuple(notes), tuple(kept))


def _parts(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.split(";") if p.strip())


def _behaviours(value: str, known: tuple[str, ...] | list[str],
                heading: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """The behaviours of ``known`` named in ``value`` (";"-separated; a behaviour may hold ";" itself), and the
    other parts, leaving out the ``heading``'s title and id, which mean "this principle"."""
    (by_key, width), names, parts = _known(tuple(known)), {_key(name) for name in heading}, value.split(";")
    matched, other, n = [], [], 0
    while n < len(parts):
        end = next((e for e in range(min(len(parts), n + width), n, -1) if _key(";".join(parts[n:e])) in by_key), None)
        if end is None:
            text = parts[n].strip()
            other += [text] if text and _key(text) not in names else []
            n += 1
        else:
            matched.append(by_key[_key(";".join(parts[n:end]))])
            n = end
    return matched, other


@functools.lru_cache(maxsize=256)
def _known(behaviours: tuple[str, ...]) -> tuple[dict[str, str], int]:
    """The behaviours by :func:`_key`, and the most ";"-separated parts one of them holds (made once per list)."""
    return {_key(b): b for b in behaviours}, 1 + max((b.count(";") for b in behaviours), default=0)


def _key(text: str) -> str:
    """Text as compared: letter case and the spaces around ";" and at the ends do not count."""
    return ";".join(part.strip() for part in text.split(";")).casefold()


def _apply(case: Case, recording_id: str, moments: tuple[ImportedMoment, ...],
           progress: Progress = no_progress, *, coder: str = ME) -> tuple[int, int, int]:
    """Merge the moments into ``coder``'s (a layer is emptied first); how many were new, gained or already there."""
    recording = case.recording(recording_id)
    if coder != ME:
        case.remove_layer(recording_id, coder)
    here: dict[int, Moment] = {}  # by frame number
    for moment in case.moments_of(recording_id, coder):
        here.setdefault(round(moment.time / recording.frame), moment)
    new = merged = already = 0
    for n, found in enumerate(moments, 1):
        frame = round(found.time / recording.frame)
        moment = here.get(frame)
        before = to_record(moment) if moment else None
        if moment is None:  # mid-frame: a frame's start, rounded to the µs by on_frame, may fall in the one before
            moment = here[frame] = case.mark_moment(recording_id, found.time + recording.frame / 2, coder)
        _merge(moment, found, recording)
        moment.validate()
        if before is None:
            new += 1
        elif to_record(moment) == before:
            already += 1
        else:
            merged += 1
        if n % REPORT_EVERY == 0:
            progress(n / len(moments))
    return new, merged, already


def _merge(moment: Moment, found: ImportedMoment, recording: Recording) -> None:
    moment.principles += [p for p in found.principles if p not in moment.principles]
    moment.behaviours += [b for b in found.behaviours if b not in moment.behaviours]
    moment.turn = moment.turn or found.turn
    moment.working_point = moment.working_point or found.working_point
    lines = (f"{tier}: {'; '.join(rest)}" for tier, texts in found.kept  # unless they are behaviours here already
             if (rest := _behaviours("; ".join(texts), moment.behaviours)[1]))
    written = xml_text(moment.note)  # the note as the export wrote it, read again only when it changes
    for text in itertools.chain(found.notes, lines):
        if text in written:
            continue
        moment.note = f"{moment.note}\n{text}" if moment.note else text
        if len(moment.note) > MAX_MOMENT_NOTE:  # checked as it grows: the note never gets long to compare with
            raise ValidationError(
                f"The note of the moment at {format_time(moment.time, recording.fps)} would be too long with the "
                f"text from ELAN (more than {MAX_MOMENT_NOTE:,} characters, the limit); shorten it in ELAN or "
                "here, then import again.")
        written = xml_text(moment.note)


def _warnings(eaf: Elan.Eaf, case: Case, recording: Recording) -> list[str]:
    """Signs the file was made for another film: a warning, as the coder may have meant it."""
    warnings = []
    made_for = next((v for k, v in eaf.properties if k == RECORDING_PROPERTY), None)
    if made_for and made_for != recording.id:
        other = next((r.title for r in case.recordings if r.id == made_for), None)
        film = f"“{other}”" if other else "another film"
        warnings.append(f"This file was made for {film}, not “{recording.title}”; "
                        "check it is the right file before importing.")
    names = [unquote((m.get("MEDIA_URL") or m.get("RELATIVE_MEDIA_URL") or "").replace("\\", "/").rsplit("/", 1)[-1])
             for m in eaf.media_descriptors]
    names = [n for n in names if n]
    if names and PurePosixPath(recording.playable).name.casefold() not in {n.casefold() for n in names}:
        warnings.append(f"This file is linked to the film “{names[0]}”, not to this recording's film; "
                        "check it is the right file before importing.")
    return warnings
