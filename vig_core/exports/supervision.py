"""The supervision pack: chosen clips with their micro-analysis, for the VIG supervisor.

In VIG supervision the practitioner brings clips and their own thinking about
the work. The pack is one zip the supervisor can open anywhere:

* ``clips/cycle-1-clip-1-....mp4``: each clip cut afresh from its recording,
  without any metadata (no original file name, no title cards), with a WebVTT
  caption file of the positive naming beside it where one was written;
* ``index.html``: for each clip the positive naming, the moments coded inside it
  (principles, behaviours, turn, note), the practitioner's note and the parent's
  words; for each cycle the shared-review notes and the practitioner's own
  reflection. A static page: no script, nothing fetched from anywhere;
* ``README.txt``: what the pack is and how it was made;
* when the practitioner asks for it, ``agreement.csv`` and ``disagreements.csv``: agreement between
  the practitioner's coding and each second coder's, recording by recording, with a short section
  of the page (:mod:`.agreement_table`).

It is made only while the family's consent for the supervisor to watch clips
stands (:func:`consent_rules.require`), and from a copy of the case with the
family's names replaced by the case code (:mod:`.names`); a case code that
itself holds a family name is refused rather than carried into every line.
"""

from __future__ import annotations

import html
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from vig_core.case.activity import EXPORTED
from vig_core.case.consent import ConsentKind
from vig_core.case.consent_rules import Use, may_supervise, require, require_supervision
from vig_core.case.film import Clip, RecordingKind, clip_name
from vig_core.case.frames import format_time
from vig_core.case.record import Case
from vig_core.case.turns import turn_label
from vig_core.errors import ValidationError
from vig_core.exports.agreement_table import agreement_files, agreement_html, comparisons
from vig_core.exports.bundle import stream_file
from vig_core.exports.names import names_in, pseudonymised
from vig_core.exports.numbering import clip_stems
from vig_core.exports.webvtt import CaptionSource, clip_webvtt
from vig_core.media.edit import cut_clip
from vig_core.storage.backup import zip_entry
from vig_core.storage.files import Writing
from vig_core.storage.locked_pack import write_pack
from vig_core.storage.paths import check_new_files
from vig_core.storage.store import CaseStore
from vig_core.text import new_id
from vig_core.vocab.principles import Principles, load_principles

ZIP_SHARE = 0.1  # of the progress bar: copying the cut clips into the zip
OWN_REVIEW = " (a film of the shared review: the parent and the guider)"


@dataclass(frozen=True)
class PackSummary:
    path: Path
    clips: int
    bytes: int


def pack_clips(case: Case, clip_ids: list[str] | None = None) -> list[Clip]:
    """The clips to bring: those named, else every clip chosen for a shared review, cycle by cycle,
    with every clip of a film of the shared review itself while its consent stands
    (:func:`consent_rules.may_supervise`)."""
    if clip_ids is not None:
        clips = [case.clip(clip_id) for clip_id in clip_ids]
        for clip in clips:
            require_supervision(case, case.recording(clip.recording_id))
    else:
        clips = [clip for cycle in case.cycles for clip in case.chosen_clips(cycle.number) + sorted(
            (c for c in case.clips_in(cycle.number) if c.chosen is None and _own_review(case, c)),
            key=lambda c: c.start)]
    if not clips:
        raise ValidationError("No clips are chosen for a shared review yet, so there is nothing to take to "
                              "supervision; choose clips on the Clips page first.")
    return clips


def _own_review(case: Case, clip: Clip) -> bool:
    """Whether ``clip`` is of a film of the shared review that may go to the supervisor."""
    film = case.recording(clip.recording_id)
    return film.kind is RecordingKind.SHARED_REVIEW and may_supervise(case, film)


def check_pack_allowed(case: Case) -> None:
    """Refuse (plain words) when consent or the case code stands in the way of a supervision pack."""
    require(case, Use.SUPERVISION)
    if names_in(case, case.code):
        raise ValidationError(f"The case code “{case.code}” holds the family's name, and the pack names the family "
                              "by its code; change the case code on the Where we are page first.")


def write_supervision_pack(store: CaseStore, case_id: str, out: Path, *, clip_ids: list[str] | None = None,
                           on_progress: Callable[[float], None] | None = None,
                           agreement_tolerance: float | None = None, password: str | None = None) -> PackSummary:
    """Write the pack of ``case_id`` to the new file ``out`` (see module notes); never overwrites.
    With ``agreement_tolerance`` (seconds), the agreement between coders goes in too; with ``password``,
    the pack is encrypted for the supervisor (:mod:`~vig_core.storage.locked_pack`)."""
    report = on_progress or (lambda _fraction: None)
    case = store.load(case_id)
    check_pack_allowed(case)
    clips = pack_clips(case, clip_ids)
    check_new_files([out], store.root)
    shown = pseudonymised(case)
    principles, _ = load_principles(store.root)
    stems = clip_stems(shown)
    found = None if agreement_tolerance is None else comparisons(shown, principles, agreement_tolerance)
    work = store.case_folder(case_id) / "exports" / f".supervision-{new_id()}"
    note = Writing(store.root, work)  # a crash leaves neither the cut clips nor the temp zip behind
    try:
        store.new_folder(case_id, "exports", work.name)
        total, done, cut = sum(c.duration for c in clips), 0.0, []
        for clip in clips:
            source = store.media_path(case_id, case.recording(clip.recording_id).playable)
            share = clip.duration / total * (1 - ZIP_SHARE)
            cut.append(cut_clip(source, clip.start, clip.end, work / f"{stems[clip.id]}.mp4",
                                lambda f, base=done, share=share: report(base + f * share)))
            done += share
        texts = {"index.html": pack_html(shown, [shown.clip(c.id) for c in clips], principles, stems, date.today(),
                                         agreement_html(found, principles) if found is not None else ""),
                 "README.txt": readme(shown, len(clips), agreement=found is not None)}
        tables = agreement_files(found, principles) if found is not None else {}
        for clip in clips:
            texts[f"clips/{stems[clip.id]}.vtt"] = clip_webvtt(shown, shown.clip(clip.id), CaptionSource.NAMING)
        size = sum(path.stat().st_size for path in cut) or 1
        def write_zip(handle: BinaryIO) -> None:
            with zipfile.ZipFile(handle, "w") as archive:
                for name, data in [*((n, t.encode("utf-8")) for n, t in texts.items()), *tables.items()]:
                    archive.writestr(zip_entry(name, time.time(), compress=True), data)
                for path in cut:
                    stream_file(archive, f"clips/{path.name}", path,
                                lambda n: report(min(0.99, 1 - ZIP_SHARE + ZIP_SHARE * n / size)))

        write_pack(out, "making the supervision pack", store.root, write_zip, password=password,
                   what=f"a supervision pack of the case {case.code} made by the VIG Workbook")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        note.close()
    store.note_activity(case_id, EXPORTED, f"a supervision pack with {len(clips)} clip{'s' * (len(clips) != 1)}"
                                           + (" and agreement figures" if found is not None else "")
                                           + (", encrypted with a password" if password else ""))
    report(1.0)
    return PackSummary(out, len(clips), out.stat().st_size)


def readme(case: Case, clips: int, *, agreement: bool = False) -> str:
    given = case.consent.choice(ConsentKind.SUPERVISOR).given_on
    return f"""A supervision pack for the Video Interaction Guidance case {case.code}
made by the VIG Workbook on {date.today():%d %B %Y}, with {clips} clip{'s' * (clips != 1)}.

The family agreed on {given:%d %B %Y} that the VIG supervisor may watch clips.
Please keep this pack only as long as supervision needs it, on an encrypted
disk, and delete it afterwards.

index.html   open it in a web browser: the clips, the micro-analysis of each,
             the parent's words and the practitioner's notes and reflection
clips/       the clips as MP4 films; a .vtt file beside each clip holds the
             positive naming as captions, or the clip's title where there is
             no naming yet (players such as VLC show it)
{AGREEMENT_NOTE if agreement else ""}
The family's names are replaced by the case code wherever the workbook knew
them ([{case.code} child], [{case.code} parent]). Other names (nicknames,
brothers and sisters) and anything said in the films are not changed.
"""


AGREEMENT_NOTE = """agreement.csv       agreement between the practitioner's coding and a second coder's,
                    per recording and principle (kappa, percent, alpha, tolerance)
disagreements.csv   each moment or principle the two coders saw differently, with its times
"""


def pack_html(case: Case, clips: list[Clip], principles: Principles, stems: dict[str, str], today: date,
              extra: str = "") -> str:
    """The pack's page (pure): every text escaped, no script, a policy that lets it fetch nothing from outside."""
    e = html.escape
    title = f"Supervision pack: case {case.code}"
    body = [f"<h1>{e(title)}</h1>",
            f"<p>Made by the VIG Workbook on {today:%d %B %Y}. The family's names are replaced by the case code.</p>"]
    for cycle in case.cycles:
        in_cycle = [c for c in clips if case.recording(c.recording_id).cycle == cycle.number]
        if not in_cycle:
            continue
        dates = ", ".join(f"{what} {day:%d %b %Y}" for what, day in
                          (("filmed", cycle.filming_date), ("shared review", cycle.review_date)) if day)
        body.append(f"<h2>Cycle {cycle.number}</h2>" + (f"<p>{e(dates[:1].upper() + dates[1:])}</p>" if dates else ""))
        body += [_clip_section(case, clip, principles, stems[clip.id]) for clip in in_cycle]
        for heading, text in (("The shared-review notes", cycle.review_notes),
                              ("What to film next time", cycle.film_next),
                              ("The practitioner's own reflection", cycle.own_reflection)):
            body.append(f"<h3>{heading}</h3>" + _text(text))
    if extra:
        body.append(extra)  # a section made (and escaped) by its own module
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; style-src 'unsafe-inline'; media-src 'self' file:">
<title>{e(title)}</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1f2a28}}
video{{width:100%;max-width:40rem;background:#000}} .text{{white-space:pre-wrap}} .none{{color:#555}}
table{{border-collapse:collapse}} td,th{{border:1px solid #999;padding:.3rem .5rem;vertical-align:top;text-align:left}}
section{{border-top:2px solid #2f6f5e;margin-top:2rem}}</style></head>
<body>
{chr(10).join(body)}
</body></html>
"""


def _text(text: str) -> str:
    return f'<p class="text">{html.escape(text)}</p>' if text.strip() else '<p class="none">(nothing written)</p>'


def _clip_section(case: Case, clip: Clip, principles: Principles, stem: str) -> str:
    e = html.escape
    film = case.recording(clip.recording_id)
    parts = [f"<section><h3>{e(clip_name(clip, film))}</h3>",
             f'<video controls preload="metadata" src="clips/{e(stem)}.mp4"></video>',
             f"<p>From the film “{e(film.title)}”{OWN_REVIEW if film.kind is RecordingKind.SHARED_REVIEW else ''}, "
             f"{format_time(clip.start, film.fps)} to "
             f"{format_time(clip.end, film.fps)} ({clip.duration:.1f} s); file clips/{e(stem)}.mp4</p>",
             "<h4>Positive naming</h4>" + _text(clip.naming)]
    inside = [m for m in case.moments_of(film.id) if clip.start <= m.time <= clip.end or m.id == clip.moment_id]
    parts.append("<h4>Micro-analysis</h4>")
    if inside:
        rows = "".join(
            f"<tr><td>{format_time(m.time, film.fps)}</td><td>{e('; '.join(principles.title(p) for p in m.principles))}"
            f"</td><td>{e('; '.join(m.behaviours))}</td><td>{e(turn_label(m.turn, film.kind))}</td>"
            f"<td class=\"text\">{e(m.note)}{' <strong>(working point)</strong>' if m.working_point else ''}</td></tr>"
            for m in inside)
        parts.append("<table><tr><th>Time</th><th>Principles</th><th>Behaviours</th><th>Turn</th><th>Note</th></tr>"
                     f"{rows}</table>")
    else:
        parts.append('<p class="none">(no moments coded in this clip)</p>')
    parts.append("<h4>The practitioner's note on the clip</h4>" + _text(clip.private_note))
    words = case.reflections_of(clip.id)
    parts.append("<h4>The parent's words</h4>" + ("<dl>" + "".join(
        f"<dt>{e(r.prompt)}</dt><dd class=\"text\">{e(r.words)}</dd>" for r in words) + "</dl>"
        if words else '<p class="none">(none noted)</p>'))
    return "".join(parts) + "</section>"
