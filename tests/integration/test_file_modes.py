"""Every file and folder the workbook writes is private to the practitioner's account.

A full workflow runs under the usual umask 022 (which would leave new files
readable by every account), then every file in the data folder (and in a
restored one) must be 0600 and every folder 0700, and every file exported
into a folder the practitioner chose must be 0600.
"""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

from conftest import make_case
from media_fixtures import make
from unit.test_file_modes import not_private
from vig_core.case.consent import ConsentKind
from vig_core.case.review import record_words
from vig_core.exports.bundle import export_case_bundle
from vig_core.exports.save import Format, export
from vig_core.media.ffmpeg import run_ffmpeg
from vig_core.media.plan import plan_import
from vig_core.media.probe import probe
from vig_core.services.clips import export_cycle, prepare_review_clips
from vig_core.services.demo import ensure_demo_cases
from vig_core.services.erasure import erase_case
from vig_core.services.lock import set_passphrase
from vig_core.services.recordings import discard_upload, import_recording, receive_upload
from vig_core.storage.backup import backup
from vig_core.storage.definitions import save_own_instrument, save_own_prompt_set
from vig_core.storage.restore import restore
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore
from vig_core.vocab.prompts import edited_prompt_set, load_prompt_sets

DAY = date(2026, 3, 2)
ROOT = Path(__file__).resolve().parents[2]


def a_case_through_a_cycle(store: CaseStore, films: Path) -> str:
    """A new family taken through consent, goals, a film (uploaded and from this computer), moments and clips."""
    case = make_case(store, "FAM-09")

    def begin(c):
        for kind in ConsentKind:
            c.consent.give(kind, DAY, in_writing=True)
        c.add_goal("Wait for her to show me what she wants", 3, DAY)

    store.update(case.id, begin)
    with open(make("h264_aac.mp4", films), "rb") as data:
        upload = receive_upload(store, case.id, "visit.mp4", data)
    try:
        first = import_recording(store, case.id, 1, upload, original_name="visit.mp4")
    finally:
        discard_upload(upload)
    import_recording(store, case.id, 1, make("dated.mp4", films), keep_original=True)

    def code(c):
        moment = c.mark_moment(first.id, 0.5)
        clip = c.add_clip(first.id, 0.2, 1.4, title="Waiting", moment_id=moment.id)
        clip.naming = "You waited and she showed you the tower."
        c.choose_clip(clip.id, True)
        prompt = load_prompt_sets(store.root)[0]["shared-review"].prompts[0]
        record_words(c, clip.id, prompt, "I waited.", DAY)

    store.update(case.id, code)
    return case.id


def test_a_whole_workflow_writes_only_private_files_and_folders(open_umask, tmp_path):
    films, chosen = tmp_path / "films", tmp_path / "Documents"
    films.mkdir()
    chosen.mkdir()
    root = tmp_path / "data"
    store, settings = CaseStore(root), SettingsStore(root)
    set_passphrase(settings, "a long passphrase", "a long passphrase")
    ensure_demo_cases(store)  # generated films, coded moments, chosen clips, the parent's words
    case_id = a_case_through_a_cycle(store, films)

    export_cycle(store, case_id, 1)  # clips, stills at each end, the review film
    prepare_review_clips(store, "demo", 1)  # clips cut for the shared review
    for fmt in Format:
        export(store, case_id, fmt, chosen, keep_names=fmt is not Format.SUPERVISION)
    backup(root, chosen / "backup.zip")
    export_case_bundle(store, case_id, chosen / "family copy.zip")
    prompts = load_prompt_sets(root)[0]["shared-review"]
    save_own_prompt_set(root, edited_prompt_set(prompts, "What do you see?\nWhat did you do?"))
    check_in = json.loads((ROOT / "data" / "instruments" / "parent-check-in.json").read_text())
    save_own_instrument(root, json.dumps({**check_in, "id": "own-check-in"}).encode(), "own-check-in.json")
    erase_case(store, make_case(store, "GONE-1").id, DAY)  # the deletion log
    restored = tmp_path / "restored"
    restore(chosen / "backup.zip", restored, secret="a long passphrase")  # a vault: its files came encrypted

    made = sorted(p.name for p in (root / "cases" / case_id / "exports" / "cycle-1").iterdir())
    assert any(name.endswith(".png") for name in made) and any(name.endswith("-film.mp4") for name in made)
    assert not_private(root) == [] and not_private(restored) == []
    exported = [p for p in chosen.rglob("*") if p.is_file()]
    assert len(exported) > 8
    assert [f"{oct(stat.S_IMODE(p.stat().st_mode))} {p.name}" for p in exported
            if stat.S_IMODE(p.stat().st_mode) != 0o600] == []


def test_a_film_is_private_from_its_first_byte_while_ffmpeg_writes_it(open_umask, tmp_path):
    source = make("vp9_opus.webm", tmp_path)  # converted: ffmpeg reports progress while it writes
    info = probe(source)
    target = tmp_path / "out" / "film.mp4"
    target.parent.mkdir(mode=0o700)
    modes = []

    def look(_fraction):
        modes.extend(stat.S_IMODE(p.stat().st_mode) for p in target.parent.iterdir())

    run_ffmpeg(plan_import(info, source, target).args, target, info.duration, look)
    assert modes and set(modes) == {0o600} and stat.S_IMODE(target.stat().st_mode) == 0o600
