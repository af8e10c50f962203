"""One name for a clip on every page and in every export: its title, or "Clip at 1:05.40"."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from vig_core.case.consent import ConsentKind
from vig_core.case.cycles import CycleStatus
from vig_core.case.film import Recording, Reflection
from vig_core.case.record import new_case
from vig_core.case.timeline import timeline
from vig_core.exports.elan import CLIPS_TIER, build_eaf
from vig_core.exports.numbering import clip_stems
from vig_core.exports.supervision import _clip_section
from vig_core.exports.tables import table_frames
from vig_core.printables.strengths import strengths_html, strengths_items
from vig_core.services import clips as clip_export
from vig_core.vocab.principles import SHIPPED, read_principles

UNTITLED = "Clip at 1:05.40"
OLD_NAMES = ("untitled", "Untitled", "moment together")


@pytest.fixture
def case():
    case = new_case("FAM", "Ada", date(2026, 1, 5))
    case.add_recording(Recording(id="r1", cycle=1, title="Play", original_name="play.mov",
                                 imported_at=datetime(2026, 1, 5), playable="recordings/r1/film.mp4", duration=120.0,
                                 fps=25, width=640, height=360, has_audio=True))
    case.add_clip("r1", 65.4, 71.0)
    case.add_clip("r1", 10.0, 15.0, title="Taking turns")
    case.reflections.append(Reflection("w1", case.clips[0].id, "see", "What do you see?", "Us laughing",
                                       date(2026, 1, 9)))
    case.cycle(1).status = CycleStatus.REVIEWED
    return case


def test_every_export_and_record_calls_an_untitled_clip_the_same(case):
    principles = read_principles(SHIPPED)
    untitled, titled = case.clips
    assert table_frames(case, principles, {})["reflections"]["clip"].tolist() == [UNTITLED]
    assert clip_stems(case) == {untitled.id: "cycle-1-clip-1-clip-at-1-05-40",
                                titled.id: "cycle-1-clip-2-taking-turns"}
    eaf = build_eaf(case, "r1", principles, None)
    assert sorted(a[2] for a in eaf.get_annotation_data_for_tier(CLIPS_TIER)) == [UNTITLED, "Taking turns"]
    section = _clip_section(case, untitled, principles, "cycle-1-clip-1")
    assert f"<h3>{UNTITLED}</h3>" in section and "1:05.40 to 1:11.00" in section
    (reviewed,) = [e for e in timeline(case) if e.title == "Cycle 1: shared review"]
    assert reviewed.lines[:2] == (f"Clip 1: {UNTITLED}", "Clip 2: Taking turns")
    case.consent.give(ConsentKind.PARENT_KEEPS_CLIPS, date(2026, 1, 5))
    items = strengths_items(case)
    assert [i.title for i in items] == [UNTITLED, "Taking turns"]
    page = strengths_html(case, items, {untitled.id: b"png"}, date(2026, 2, 1))
    assert f'alt="Still from the clip: {UNTITLED}"' in page
    assert not any(old in text for old in OLD_NAMES for text in (section, page, *reviewed.lines))


def test_exported_clip_files_and_title_cards_use_the_name(case, store, monkeypatch):
    case.consent.give(ConsentKind.FILMING, date(2026, 1, 5))
    store.create(case)
    made: dict[str, object] = {}

    def cut(source, start, end, target, on_progress=None) -> Path:
        Path(target).write_bytes(b"clip")
        return Path(target)

    def film(parts, target, **kwargs) -> Path:
        made["cards"] = [title for _, title in parts]
        Path(target).write_bytes(b"film")
        return Path(target)

    monkeypatch.setattr(clip_export, "cut_clip", cut)
    monkeypatch.setattr(clip_export, "export_stills", lambda video, times, folder, stem: [])
    monkeypatch.setattr(clip_export, "compile_film", film)
    done = clip_export.export_cycle(store, case.id, 1)
    assert [p.name for p in done.clips] == ["clip-1-clip-at-1-05-40.mp4", "clip-2-taking-turns.mp4"]
    assert made["cards"] == [UNTITLED, "Taking turns"]
