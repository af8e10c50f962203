"""SIGKILL at many steps and moments of every long operation, then the next start.

Each operation runs in a forked child killed at a spread of its file-system steps
(every rename and replace among them: the swaps) and at random moments (inside
ffmpeg, inside a zip), from the same starting data each time. After each kill the
data folder is opened as the next start does, and then every case is there, whole,
and nothing is left behind: no temp file, work folder, journal, note or half-made
film, in the data folder or in the folder chosen for a backup, and no ffmpeg still
working. ``VIG_CRASH_STEPS`` asks for more kills (``all``: every step), see
tests/integration/crash_harness.py.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import make_case
from integration.crash_harness import (
    chosen_steps,
    crash,
    hidden_leftovers,
    random_moments,
    steps_of,
    wait_for_no_ffmpeg,
)
from media_fixtures import make
from vig_core.case.consent import ConsentKind
from vig_core.exports.bundle import export_case_bundle
from vig_core.services.clips import export_cycle
from vig_core.services.erasure import erase_case, erase_films
from vig_core.services.recordings import discard_upload, import_recording, receive_upload
from vig_core.services.vault import create_vault
from vig_core.services.vault import lock as lock_vault
from vig_core.storage.backup import backup
from vig_core.storage.restore import restore
from vig_core.storage.store import CaseStore

DAY = date(2026, 3, 2)


def sweep(work: Callable[[], object], data: Path, check: Callable[[bool], None], *, seed: int,
          must: tuple[str, ...] = ("rename", "replace")) -> int:
    """Kill ``work`` at chosen steps and random moments, each time from a copy of ``data`` as it is
    now; ``check(killed)`` then looks at the next start. Return how many kills landed."""
    template = Path(tempfile.mkdtemp(prefix="vig-crash-")) / "data"  # not beside ``data``: that is checked
    shutil.copytree(data, template)

    def reset() -> None:
        shutil.rmtree(data)
        shutil.copytree(template, data)

    dry = steps_of(work)
    check(False)  # the finished operation passes the same checks
    kills = 0
    runs = [{"at_step": n} for n in chosen_steps(dry.steps, must)]
    runs += [{"after": moment} for moment in random_moments(dry.seconds, seed)]
    for when in runs:
        reset()
        killed = crash(work, **when).killed
        kills += killed
        check(killed)
    reset()
    shutil.rmtree(template.parent)
    return kills


def every_recording_whole(store: CaseStore) -> None:
    """Every film a record names is there, and no film folder lacks its record."""
    for case in store.caseload().cases:
        folder = store.case_folder(case.id)
        assert {r.id for r in case.recordings} == {p.name for p in (folder / "recordings").glob("*")}
        for recording in case.recordings:
            assert store.media_path(case.id, recording.playable).stat().st_size > 0
        assert not list((folder / "uploads").glob("*"))


# --- restore ---------------------------------------------------------------------------------------------
def test_restore_killed_anywhere_leaves_the_old_or_the_restored_workbook(demo, tmp_path):
    root = demo.root
    out = backup(root, tmp_path / "backup.zip").path
    make_case(demo, "FAM-07")  # made after the backup: present before a restore, gone after it
    before = {c.code for c in demo.caseload().cases}
    restored = before - {"FAM-07"}
    beside = sorted(p.name for p in root.parent.iterdir())

    def check(killed: bool) -> None:
        shown = {c.code for c in CaseStore(root).caseload().cases}  # the next start
        assert shown in (before, restored), f"the workbook shows {shown}"
        if not killed:
            assert shown == restored
        every_recording_whole(CaseStore(root))
        assert sorted(p.name for p in root.parent.iterdir()) == beside
        assert hidden_leftovers(root) == []

    assert sweep(lambda: restore(out, root, force=True), root, check, seed=13) > 0


# --- import ----------------------------------------------------------------------------------------------
def test_an_import_killed_anywhere_leaves_the_case_whole_and_no_ffmpeg(store, tmp_path):
    case = make_case(store, "FAM-09")
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, DAY, in_writing=True))
    film = make("h264_aac.mp4", tmp_path)

    def upload_and_import() -> None:
        with open(film, "rb") as data:
            upload = receive_upload(store, case.id, "visit.mp4", data)
        try:
            import_recording(store, case.id, 1, upload, keep_original=True, original_name="visit.mp4")
        finally:
            discard_upload(upload)

    def check(killed: bool) -> None:
        start = CaseStore(store.root)
        assert wait_for_no_ffmpeg(store.root) == []
        assert len(start.load(case.id).recordings) == (0 if killed else 1) or killed
        every_recording_whole(start)
        assert hidden_leftovers(store.root) == []

    assert sweep(upload_and_import, store.root, check, seed=14) > 0


# --- backup and a family's copy, into a folder the practitioner chose --------------------------------------
@pytest.mark.parametrize("what", ["backup", "family copy"])
def test_a_backup_killed_anywhere_leaves_nothing_half_made_in_the_chosen_folder(demo, tmp_path, what):
    chosen = tmp_path / "Documents"
    chosen.mkdir()
    out = chosen / "copy.zip"
    codes = sorted(c.code for c in demo.caseload().cases)

    def write() -> None:
        if what == "backup":
            backup(demo.root, out)
        else:
            export_case_bundle(demo, "demo", out)

    def check(killed: bool) -> None:
        start = CaseStore(demo.root)
        left = list(chosen.iterdir())
        assert left in ([], [out]), f"left in the chosen folder: {left}"
        if left:
            with zipfile.ZipFile(out) as made:
                assert made.testzip() is None
            out.unlink()
        assert killed or left
        assert sorted(c.code for c in start.caseload().cases) == codes
        assert hidden_leftovers(demo.root) == []

    assert sweep(write, demo.root, check, seed=15) > 0


# --- clip export -------------------------------------------------------------------------------------------
@pytest.fixture(params=["plain", "vault"])
def clipped(request, store, tmp_path) -> str:
    """A case with a short film, one clip of it chosen for the review, and an export of it; in a plain
    data folder and in a vault (ffmpeg then reads through the loopback route and writes to scratch)."""
    if request.param == "vault":
        create_vault(store.root, "a passphrase long enough")
        request.addfinalizer(lambda: lock_vault(store.root))
    case = make_case(store, "FAM-10")

    def consent(c):
        for kind in ConsentKind:
            c.consent.give(kind, DAY, in_writing=True)

    store.update(case.id, consent)
    film = import_recording(store, case.id, 1, make("h264_aac.mp4", tmp_path))
    store.update(case.id, lambda c: c.choose_clip(c.add_clip(film.id, 0.2, 1.4, title="Waiting").id, True))
    export_cycle(store, case.id, 1)  # the previous export, to be replaced
    return case.id


def test_an_export_killed_anywhere_keeps_a_whole_export_and_leaves_no_work_folder(store, clipped):
    exports = store.case_folder(clipped) / "exports"
    before = sorted(p.name for p in (exports / "cycle-1").iterdir())

    def check(killed: bool) -> None:
        start = CaseStore(store.root)
        assert wait_for_no_ffmpeg(store.root) == []
        assert sorted(p.name for p in (exports / "cycle-1").iterdir()) == before
        for clip in start.load(clipped).chosen_clips(1):
            assert start.media_path(clipped, clip.exported).stat().st_size > 0
        every_recording_whole(start)
        assert hidden_leftovers(store.root) == []

    assert sweep(lambda: export_cycle(store, clipped, 1), store.root, check, seed=16, must=("rename",)) > 0


# --- erasure -----------------------------------------------------------------------------------------------
def test_an_erasure_killed_anywhere_is_finished_and_logged_once_or_never_began(demo):
    code = demo.load("demo").code
    films = len(demo.load("demo").recordings)

    def check(killed: bool) -> None:
        start = CaseStore(demo.root)
        logged = [line for line in start.deletion_log() if line["case_code"] == code]
        if "demo" in start.case_ids():  # killed before the erasure was marked: the case is untouched
            assert killed and logged == [] and len(start.load("demo").recordings) == films
            every_recording_whole(start)
        else:
            assert len(logged) == 1
        assert sorted(p.name for p in demo.cases_dir.iterdir()) in (["demo", "demo-ending"], ["demo-ending"])
        assert hidden_leftovers(demo.root) == []

    assert sweep(lambda: erase_case(demo, "demo", DAY), demo.root, check, seed=17) > 0


def test_a_films_erasure_killed_anywhere_is_finished_and_logged_once_or_never_began(demo):
    case = demo.load("demo-ending")

    def check(killed: bool) -> None:
        start = CaseStore(demo.root)
        after = start.load("demo-ending")
        logged = [line for line in start.deletion_log() if line["case_code"] == case.code]
        erased = [a for a in start.activity("demo-ending") if a["action"] == "erased"]
        if after.recordings:  # killed before the erasure was marked
            assert killed and (logged, erased) == ([], []) and len(after.recordings) == len(case.recordings)
        else:
            assert (len(logged), len(erased)) == (1, 1) and not after.clips and not after.moments
            assert not (start.case_folder("demo-ending") / "exports").exists()
        assert after.goals == case.goals and after.conversation == case.conversation
        every_recording_whole(start)
        assert hidden_leftovers(demo.root) == []

    assert sweep(lambda: erase_films(demo, "demo-ending", DAY), demo.root, check, seed=18) > 0
