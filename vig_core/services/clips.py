"""Export a cycle's chosen clips: clip files, stills at each end, and one short film.

(Also: cut just the clip files the shared review needs, when they were not exported; the
review plays only these, never the whole recording.)

Everything is made in a hidden folder beside ``exports/cycle-<n>`` and swapped
in only when all of it succeeded, so a failure (a full disk, a damaged
recording) leaves the previous export untouched and nothing half-written.
The clip records then name their exported files (relative to the case folder).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vig_core.case.activity import EXPORTED
from vig_core.case.consent_rules import Use, require
from vig_core.case.film import Clip, clip_name
from vig_core.case.record import Case
from vig_core.case.review import has_clip_file
from vig_core.errors import ValidationError
from vig_core.media.edit import compile_film, cut_clip, export_stills
from vig_core.storage.files import Writing, plain_os_error
from vig_core.storage.store import CaseStore
from vig_core.storage.vaulting import is_vault
from vig_core.text import new_id

FILM_SHARE = 0.4  # of the progress bar: joining the film re-encodes every clip once more


@dataclass(frozen=True)
class CycleExport:
    clips: list[Path]
    stills: list[Path]
    film: Path

    @property
    def paths(self) -> list[Path]:
        return [*self.clips, self.film, *self.stills]


def slug(title: str) -> str:
    """A file-name-safe short form of a clip title (letters of any language kept)."""
    words = re.sub(r"[^\w]+", "-", title.casefold()).strip("-_")
    return words[:40].strip("-_") or "clip"


def export_cycle(store: CaseStore, case_id: str, cycle: int, *, title_cards: bool = True,
                 on_progress: Callable[[float], None] | None = None) -> CycleExport:
    """Export the chosen clips of ``cycle`` in their order (see module notes)."""
    report = on_progress or (lambda _fraction: None)
    case = store.load(case_id)
    require(case, Use.REVIEW)
    chosen = case.chosen_clips(cycle)
    if not chosen:
        raise ValidationError(f"No clips are chosen for cycle {cycle} yet; choose them on the Clips page first.")
    exports = store.new_folder(case_id, "exports")
    final = exports / f"cycle-{cycle}"
    work, old = exports / f".cycle-{cycle}-{new_id()}", exports / f".{final.name}-old-{new_id()}"
    with Writing(store.root, work, old):  # a crash leaves neither behind (the old export goes back if needed)
        try:
            clips, stills, film = _make_export(store, case, cycle, chosen, work, title_cards, report)
            _swap_in(work, final, old)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    relative = f"exports/cycle-{cycle}"

    def record(c) -> None:
        for path, clip in zip(clips, chosen):
            c.clip(clip.id).exported = f"{relative}/{path.name}"

    store.update(case_id, record)
    store.note_activity(case_id, EXPORTED, f"the chosen clips and film of cycle {cycle}, for the shared review")
    report(1.0)
    return CycleExport([final / p.name for p in clips], [final / p.name for p in stills], final / film.name)


def _make_export(store: CaseStore, case: Case, cycle: int, chosen: list[Clip], work: Path, title_cards: bool,
                 report: Callable[[float], None]) -> tuple[list[Path], list[Path], Path]:
    """Make the clips, stills and film of an export in the new folder ``work``."""
    store.new_folder(case.id, "exports", work.name)
    total = sum(c.duration for c in chosen)
    done, clips, stills, titles = 0.0, [], [], []
    for number, clip in enumerate(chosen, start=1):
        recording = case.recording(clip.recording_id)
        source = store.media_path(case.id, recording.playable)
        titles.append(clip_name(clip, recording))
        # A vault's file names must not say what a family did: there a clip is known by its number only.
        name = f"clip-{number}" if is_vault(store.root) else f"clip-{number}-{slug(titles[-1])}"
        span = clip.duration / total * (1 - FILM_SHARE)
        clips.append(cut_clip(source, clip.start, clip.end, work / f"{name}.mp4",
                              lambda f, base=done, span=span: report(base + f * span)))
        stills += export_stills(source, [clip.start, max(clip.start, clip.end - recording.frame)], work, name)
        done += span
    film = compile_film(list(zip(clips, titles)), work / f"cycle-{cycle}-film.mp4",
                        title_cards=title_cards, on_progress=lambda f: report(done + f * FILM_SHARE))
    return clips, stills, film


def _swap_in(work: Path, final: Path, old: Path) -> None:
    """Replace the old export folder by the new one (the old one kept as ``old`` until the new one is in place)."""
    try:
        if final.exists():
            final.rename(old)
        work.rename(final)
    except OSError as error:
        if old.exists() and not final.exists():
            old.rename(final)
        raise plain_os_error(error, "saving the export") from error
    shutil.rmtree(old, ignore_errors=True)


def client_may_play(relative: str) -> bool:
    """Whether a case file may reach the browser in client view: only a film cut for the
    family (a clip file or the short film of the chosen clips), never a whole recording."""
    return re.fullmatch(r"exports/(cycle-\d+|review)/[\w.-]+\.mp4", relative) is not None


def prepare_review_clips(store: CaseStore, case_id: str, cycle: int, *,
                         on_progress: Callable[[float], None] | None = None) -> int:
    """Cut a file for each chosen clip of ``cycle`` that has none, so the review can play,
    replay and loop exactly the clip; return how many were cut.

    Files go to ``exports/review/`` named by clip and span, so a clip whose in or
    out point changed later is never played from a stale file.
    """
    report = on_progress or (lambda _fraction: None)
    case = store.load(case_id)
    missing = [c for c in case.chosen_clips(cycle) if not has_clip_file(store.case_folder(case_id), c)]
    if not missing:
        report(1.0)
        return 0
    review = store.new_folder(case_id, "exports", "review")
    total, done, made = sum(c.duration for c in missing), 0.0, {}
    for clip in missing:
        source = store.media_path(case_id, case.recording(clip.recording_id).playable)
        name = f"clip-{clip.id}-{round(clip.start * 1000)}-{round(clip.end * 1000)}.mp4"
        span = clip.duration / total
        cut_clip(source, clip.start, clip.end, review / name, lambda f, base=done, span=span: report(base + f * span))
        for old in review.glob(f"clip-{clip.id}-*.mp4"):
            if old.name != name:
                old.unlink(missing_ok=True)
        made[(clip.id, clip.start, clip.end)] = f"exports/review/{name}"
        done += span

    def record(c) -> None:
        for clip in c.clips:  # a clip deleted or re-cut meanwhile keeps what it has
            relative = made.get((clip.id, clip.start, clip.end))
            if relative:
                clip.exported = relative

    store.update(case_id, record)
    report(1.0)
    return len(made)
