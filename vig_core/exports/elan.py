"""The micro-analysis of one film as an ELAN annotation file (.eaf).

ELAN is the annotation tool researchers (and some services) use to code film
frame by frame. The file has one tier per principle heading, named by its
title, for *every* heading even when no moment uses it, so a coder in ELAN has
the tiers to code on; and tiers for the turn, the note, working points and the
clips. :mod:`.elan_import` reads the coding back.

A moment is an instant but an ELAN annotation is a span, so each moment's
annotations run :data:`MOMENT_SPAN` seconds from it, or up to the next moment
or the end of the film if that comes sooner. Times are whole milliseconds, rounded; the import reads a time back
onto the frame whose start it rounds, so moments come back on their own frame.

Every moment has an annotation on the Notes tier, holding its note, empty when
it has none: that tier marks where the moments are, so even a moment with no
coding at all survives the round trip (an empty annotation is a valid one in
ELAN and in pympi).

On a principle's tier the annotation holds the moment's behaviours under that
heading, or the heading's title when none was noted. Behaviours under none of
the moment's headings (the principles file was reworded since) are added to
its first principle's annotation, or, for a moment with no principle, as a
last line of its Notes annotation starting :data:`BEHAVIOURS_LINE`: nothing is
left out.

The file holds clinical notes, so it is built and serialised in memory and
never passes through a temporary file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from pympi import Elan

from vig_core.case.film import Moment, Recording, clip_name
from vig_core.case.record import Case
from vig_core.case.turns import turn_label
from vig_core.vocab.principles import Principles

TURN_TIER, NOTES_TIER, WORKING_POINT_TIER, CLIPS_TIER = "Turn", "Notes", "Working point", "Clips"
FIXED_TIERS = (TURN_TIER, NOTES_TIER, WORKING_POINT_TIER, CLIPS_TIER)
WORKING_POINT_VALUE = "working point"
SEPARATOR = "; "  # between behaviours in one annotation
BEHAVIOURS_LINE = "Behaviours: "  # behaviours of a moment with no principle, on its Notes annotation
RECORDING_PROPERTY = "vig_recording_id"  # lets an import tell whether the file was made for this film
MOMENT_SPAN = 1.0  # seconds each moment's annotations last
AUTHOR = "VIG Workbook"
MEDIA_TYPE = "video/mp4"
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` as XML can hold it: characters XML forbids (control characters, lone surrogates) left out and
    line ends made ``\\n``, as any XML reader would make them; the import compares notes the same way."""
    return NOT_IN_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def milliseconds(seconds: float) -> int:
    return round(seconds * 1000)


def heading_tiers(principles: Principles) -> dict[str, str]:
    """The tier of each heading (by id): its title, or its id when the title is already a tier's name.

    ELAN tier names are unique, so two headings with one title (or one titled like a fixed tier) must not share
    a tier; the import matches a tier by title or by id, so either name reads back.
    """
    taken = {name.casefold() for name in FIXED_TIERS}
    names = {}
    for heading in principles.headings:
        name = next((n for n in map(xml_text, (heading.title, heading.id)) if n.casefold() not in taken),
                    xml_text(f"{heading.title} ({heading.id})"))
        taken.add(name.casefold())
        names[heading.id] = name
    return names


def principle_values(moment: Moment, principles: Principles) -> dict[str, str]:
    """What each of the moment's principles' annotations says, by heading id (see the module's notes)."""
    values, placed = {}, set()
    for heading_id in moment.principles:
        heading = principles.heading(heading_id)
        own = [b for b in moment.behaviours if heading and b in heading.behaviours]
        placed.update(own)
        values[heading_id] = own
    orphans = [b for b in moment.behaviours if b not in placed]
    if values and orphans:
        values[moment.principles[0]] += orphans
    return {p: SEPARATOR.join(own) or principles.title(p) for p, own in values.items()}


def notes_value(moment: Moment) -> str:
    """The note, with the behaviours no principle can carry as a last line (see the module's notes)."""
    if moment.principles or not moment.behaviours:
        return moment.note
    line = BEHAVIOURS_LINE + SEPARATOR.join(moment.behaviours)
    return f"{moment.note}\n{line}" if moment.note else line


def moment_spans(moments: list[Moment], recording: Recording) -> list[tuple[int, int]]:
    """Start and end (ms) of each moment's annotations (moments in time order): MOMENT_SPAN long, cut at the next
    moment (ELAN wants the annotations of a tier not to overlap) and at the film's end, never empty."""
    starts = [milliseconds(m.time) for m in moments]
    limits = [*starts[1:], milliseconds(recording.duration)]
    span = milliseconds(MOMENT_SPAN)
    return [(start, max(start + 1, min(start + span, limit))) for start, limit in zip(starts, limits)]


def _tiers(moments: list[Moment], principles: Principles) -> dict[str, str]:
    """The principle tiers (by heading id): every heading's, then one for each heading removed from the file since
    that a moment still names, called by its id (unless that name is taken)."""
    tiers = heading_tiers(principles)
    taken = {name.casefold() for name in [*tiers.values(), *FIXED_TIERS]}
    for heading_id in (p for m in moments for p in m.principles):
        if heading_id not in tiers and xml_text(heading_id).casefold() not in taken:
            tiers[heading_id] = xml_text(heading_id)
            taken.add(tiers[heading_id].casefold())
    return tiers


def _annotations(case: Case, recording: Recording, principles: Principles,
                 tiers: dict[str, str]) -> Iterator[tuple[str, int, int, str]]:
    """Every annotation of the file, as (tier, start ms, end ms, value)."""
    moments = sorted(case.moments_of(recording.id), key=lambda m: m.time)
    for moment, (start, end) in zip(moments, moment_spans(moments, recording)):
        for heading_id, value in principle_values(moment, principles).items():
            if heading_id in tiers:
                yield tiers[heading_id], start, end, value
        if moment.turn:
            yield TURN_TIER, start, end, turn_label(moment.turn, recording.kind)
        yield NOTES_TIER, start, end, notes_value(moment)
        if moment.working_point:
            yield WORKING_POINT_TIER, start, end, WORKING_POINT_VALUE
    for clip in sorted((c for c in case.clips if c.recording_id == recording.id), key=lambda c: c.start):
        start = milliseconds(clip.start)
        yield CLIPS_TIER, start, max(start + 1, milliseconds(clip.end)), clip_name(clip, recording)


def build_eaf(case: Case, recording_id: str, principles: Principles, media: Path | None) -> Elan.Eaf:
    """The ELAN document of one recording's moments and clips; ``media`` is its playable file, if to be linked."""
    recording = case.recording(recording_id)
    tiers = _tiers(case.moments_of(recording_id), principles)
    eaf = Elan.Eaf(author=AUTHOR)
    eaf.remove_tier("default")
    for name in [*tiers.values(), *FIXED_TIERS]:
        eaf.add_tier(name)
    for tier, start, end, value in _annotations(case, recording, principles, tiers):
        eaf.add_annotation(tier, start, end, xml_text(value))
    if media is not None:
        path = Path(media).resolve()
        eaf.add_linked_file(path.as_uri(), relpath=path.name, mimetype=MEDIA_TYPE)
    eaf.properties = [(k, v) for k, v in eaf.properties if k != "lastUsedAnnotation"]
    eaf.add_property("lastUsedAnnotation", eaf.maxaid)  # ELAN numbers the annotations a coder adds from here
    eaf.add_property(RECORDING_PROPERTY, recording.id)
    return eaf


def eaf_bytes(eaf: Elan.Eaf) -> bytes:
    """The document as UTF-8 XML, made in memory (pympi itself writes only to a path)."""
    out = io.BytesIO()
    ElementTree.ElementTree(Elan.to_adocument(eaf, pretty=True)).write(out, encoding="UTF-8", xml_declaration=True)
    return out.getvalue()


def recording_eaf(case: Case, recording_id: str, principles: Principles, media: Path | None) -> bytes:
    return eaf_bytes(build_eaf(case, recording_id, principles, media))
