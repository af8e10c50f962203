"""A crash at one chosen step of each long operation, then the next start: nothing lost, nothing left.

Each test kills a forked child with SIGKILL at the step where the crash used to do
harm (see tests/integration/crash_harness.py), then opens the store as the next start does.
tests/integration/test_kills.py kills every operation at many more steps and moments.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
from datetime import date
from pathlib import Path

import pytest

from conftest import make_case
from integration.crash_harness import crash, ffmpeg_working_on, hidden_leftovers, steps_of, wait_for_no_ffmpeg
from media_fixtures import make
from vig_core.case.consent import ConsentKind
from vig_core.errors import StoreError
from vig_core.media.ffmpeg import run_ffmpeg
from vig_core.services.clips import export_cycle
from vig_core.services.erasure import erase_case, erase_films
from vig_core.services.recordings import discard_upload, import_recording, receive_upload
from vig_core.storage import store as store_module
from vig_core.storage.backup import backup
from vig_core.storage.files import Writing, locked_new_file, remove_if_unowned
from vig_core.storage.recovery import restoring
from vig_core.storage.restore import restore
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore

DAY = date(2026, 3, 2)


def codes(root: Path) -> set[str]:
    """The case codes the next start shows."""
    return {c.code for c in CaseStore(root).caseload().cases}


def first_step(steps: list[str], call: str, under: Path | str = "") -> int:
    """The 1-based number of the first step ``call`` (on a path under ``under``, if given)."""
    return next(n for n, step in enumerate(steps, start=1)
                if step.startswith(f"{call} ") and step.split(" ", 1)[1].startswith(str(under)))


# --- restore (item 13) -----------------------------------------------------------------------------
@pytest.fixture
def restorable(tmp_path):
    """A data folder with two cases, a backup of it, and then a third case made after the backup."""
    root = tmp_path / "data"
    store = CaseStore(root)
    make_case(store, "FAM-01")
    make_case(store, "FAM-02", "Bo")
    zip_path = backup(root, tmp_path / "backup.zip").path
    make_case(store, "FAM-03", "Cy")
    template = tmp_path / "template"
    shutil.copytree(root, template)
    return root, zip_path, template


def reset(root: Path, template: Path) -> None:
    shutil.rmtree(root)
    shutil.copytree(template, root)


def test_a_restore_killed_between_the_two_renames_leaves_a_whole_workbook(restorable):
    root, zip_path, template = restorable
    steps = steps_of(lambda: restore(zip_path, root, force=True)).steps
    reset(root, template)
    aside = first_step(steps, "rename", root)  # the data folder moved aside: the next step brings the new one
    assert crash(lambda: restore(zip_path, root, force=True), at_step=aside + 1).killed
    assert codes(root) == {"FAM-01", "FAM-02", "FAM-03"}  # rolled back: never the empty first start
    assert sorted(p.name for p in root.parent.iterdir()) == ["backup.zip", "data", "template"]
    assert hidden_leftovers(root) == []


def test_a_restore_killed_while_unpacking_leaves_no_copy_beside_the_data_folder(restorable):
    root, zip_path, template = restorable
    steps = steps_of(lambda: restore(zip_path, root, force=True)).steps
    reset(root, template)
    unpacking = first_step(steps, "open", root.parent / f".{root.name}.restore-")
    assert crash(lambda: restore(zip_path, root, force=True), at_step=unpacking + 2).killed
    assert any(p.name.startswith(".data.restore-") for p in root.parent.iterdir()), "the crash left its copy"
    assert codes(root) == {"FAM-01", "FAM-02", "FAM-03"}
    assert sorted(p.name for p in root.parent.iterdir()) == ["backup.zip", "data", "template"]


def test_a_restore_killed_after_the_swap_is_complete_at_the_next_start(restorable):
    root, zip_path, template = restorable
    steps = steps_of(lambda: restore(zip_path, root, force=True)).steps
    reset(root, template)
    swapped_in = first_step(steps, "rename", root.parent / f".{root.name}.restore-")
    assert crash(lambda: restore(zip_path, root, force=True), at_step=swapped_in + 1).killed  # after both renames
    assert any(p.name.startswith(".data.old-") for p in root.parent.iterdir()), "the crash left the old data"
    SettingsStore(root)  # either store may open first
    assert codes(root) == {"FAM-01", "FAM-02"}
    assert sorted(p.name for p in root.parent.iterdir()) == ["backup.zip", "data", "template"]


def test_a_start_leaves_a_running_restore_alone(restorable, tmp_path):
    root = restorable[0]
    work, old = tmp_path / ".data.restore-1.tmp", tmp_path / ".data.old-1.tmp"
    with restoring(root, work, old):
        work.mkdir()
        CaseStore(root)
        assert work.is_dir(), "a live restore's copy is its own"
    assert not work.exists()


# --- backup and exports outside the data folder (item 15) ------------------------------------------
def test_a_backup_killed_while_writing_leaves_nothing_in_the_chosen_folder(store, tmp_path):
    make_case(store, "FAM-01")
    SettingsStore(store.root).set("passphrase_hash", "argon2-hash")
    chosen = tmp_path / "Documents"
    chosen.mkdir()
    out = chosen / "vig-backup.zip"
    shutil.copytree(store.root, tmp_path / "template")
    steps = steps_of(lambda: backup(store.root, out)).steps
    out.unlink()
    reset(store.root, tmp_path / "template")
    writing = first_step(steps, "open", chosen / ".vig-backup.zip.")
    assert crash(lambda: backup(store.root, out), at_step=writing + 2).killed
    left = list(chosen.iterdir())
    assert left and stat.S_IMODE(left[0].stat().st_mode) == 0o600, "the crash left a private temp zip"
    CaseStore(store.root)  # the next start
    assert list(chosen.iterdir()) == []
    assert hidden_leftovers(store.root) == []


def test_a_start_leaves_a_backup_being_written_by_another_process_alone(store, tmp_path):
    temp = tmp_path / ".backup.zip.1234.tmp"
    with Writing(store.root, temp):
        temp.write_bytes(b"zip")
        CaseStore(store.root)
        assert temp.exists()


# --- films and uploads (item 14) ---------------------------------------------------------------------
@pytest.fixture
def films(tmp_path_factory):
    return tmp_path_factory.mktemp("films")


@pytest.fixture
def filmed(store, tmp_path):
    """A case that may be filmed; ``tmp_path / "template"`` holds a copy of the data folder."""
    case = make_case(store, "FAM-09")
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, DAY, in_writing=True))
    shutil.copytree(store.root, tmp_path / "template")
    return case.id


def test_ffmpeg_dies_with_the_process_that_started_it(tmp_path):
    """A server killed during a long conversion must not leave ffmpeg converting (and filling a disk), and
    the next start removes its half-made film at once: private from its first byte, locked while made."""
    target = tmp_path / "long.mp4"
    partial = tmp_path / ".long.mp4.partial"
    args = ["-hide_banner", "-nostdin", "-y", "-f", "lavfi", "-re", "-i", "testsrc2=size=320x240:rate=25:duration=600",
            "-c:v", "libx264", "-preset", "ultrafast", "-progress", "pipe:1", "-f", "mp4", str(target)]
    reads, writes = os.pipe()
    umask = os.umask(0o022)  # the usual umask: new files readable by every account, unless made private
    try:
        pid = os.fork()
        if pid == 0:
            try:
                os.close(reads)
                run_ffmpeg(args, target, 600, lambda _f: os.write(writes, b"p"))
            finally:
                os._exit(0)
    finally:
        os.umask(umask)
    os.close(writes)
    with os.fdopen(reads, "rb") as progress:
        assert progress.read(1) == b"p", "ffmpeg did not start"
        (ffmpeg,) = ffmpeg_working_on(tmp_path)
        assert os.getpgid(ffmpeg) == ffmpeg != os.getpgid(pid), "ffmpeg runs in its own process group"
        assert stat.S_IMODE(partial.stat().st_mode) == 0o600
        assert not remove_if_unowned(partial), "a live workbook's half-made film stays"
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert wait_for_no_ffmpeg(tmp_path) == []
    assert remove_if_unowned(partial), "its workbook is gone: the half-made film goes, however recent"


def test_an_import_killed_before_its_record_leaves_no_film_after_the_next_start(store, filmed, films, tmp_path):
    film = make("h264_aac.mp4", films)
    steps = steps_of(lambda: import_recording(store, filmed, 1, film)).steps
    reset(store.root, tmp_path / "template")
    in_place = first_step(steps, "replace", store.case_folder(filmed) / "recordings")  # the film is complete
    assert crash(lambda: import_recording(store, filmed, 1, film), at_step=in_place + 1).killed
    assert list((store.case_folder(filmed) / "recordings").glob("*/film.mp4")), "the crash left a film"
    CaseStore(store.root)
    assert not store.load(filmed).recordings
    assert not list((store.case_folder(filmed) / "recordings").iterdir())
    assert hidden_leftovers(store.root) == []


def test_a_half_made_film_goes_at_the_next_start_however_recent(store, filmed, films, tmp_path):
    film = make("h264_aac.mp4", films)
    steps = steps_of(lambda: import_recording(store, filmed, 1, film)).steps
    reset(store.root, tmp_path / "template")
    partial = first_step(steps, "open", store.case_folder(filmed) / "recordings")
    assert crash(lambda: import_recording(store, filmed, 1, film), at_step=partial + 1).killed
    assert list((store.case_folder(filmed) / "recordings").glob("*/.film.mp4.partial"))
    CaseStore(store.root)
    assert not list((store.case_folder(filmed) / "recordings").iterdir())


def test_an_upload_never_imported_goes_at_the_next_start_but_not_while_it_is_used(store, filmed, films):
    with open(make("h264_aac.mp4", films), "rb") as data:
        upload = receive_upload(store, filmed, "visit.mp4", data)
    CaseStore(store.root)
    assert upload.exists(), "an upload waiting for its import stays"

    def receive_then_die() -> None:
        with open(upload, "rb") as again:
            receive_upload(store, filmed, "again.mp4", again)
        os.kill(os.getpid(), signal.SIGKILL)  # the server dies before the import begins

    assert crash(receive_then_die).killed
    assert len(list(upload.parent.iterdir())) == 2
    CaseStore(store.root)
    assert list(upload.parent.iterdir()) == [upload]
    discard_upload(upload)
    assert not upload.exists() and hidden_leftovers(store.root) == []


def test_a_partial_being_written_stays_and_one_whose_writer_died_goes(store, filmed):
    folder = store.new_folder(filmed, "recordings", "r1")
    live, dead = folder / ".film.mp4.partial", store.new_folder(filmed, "exports", "review") / ".clip.mp4.partial"
    lock = locked_new_file(live)
    dead.write_bytes(b"half a clip")  # written a moment ago by a workbook that is gone
    try:
        CaseStore(store.root)
        assert live.exists() and not dead.exists()
    finally:
        os.close(lock)
    CaseStore(store.root)
    assert not live.exists() and not folder.exists()


@pytest.fixture
def template(demo, tmp_path):
    """A copy of the demo's data folder, to undo a dry run."""
    copy = tmp_path / "template"
    shutil.copytree(demo.root, copy)
    return copy


# --- clip export (item 15) ---------------------------------------------------------------------------
def test_an_export_killed_half_way_leaves_no_work_folder_after_the_next_start(demo, template):
    steps = steps_of(lambda: export_cycle(demo, "demo", 1)).steps
    reset(demo.root, template)
    exports = demo.case_folder("demo") / "exports"
    assert crash(lambda: export_cycle(demo, "demo", 1), at_step=len(steps) // 2).killed
    assert [p for p in exports.iterdir() if p.name.startswith(".cycle-")], "the crash left its work folder"
    CaseStore(demo.root)
    assert hidden_leftovers(demo.root) == []
    wait_for_no_ffmpeg(demo.root)


def test_an_export_killed_between_its_renames_keeps_the_previous_export(demo, tmp_path):
    export_cycle(demo, "demo", 1)
    exports = demo.case_folder("demo") / "exports"
    before = sorted(p.name for p in (exports / "cycle-1").iterdir())
    shutil.copytree(demo.root, tmp_path / "exported")
    steps = steps_of(lambda: export_cycle(demo, "demo", 1)).steps
    reset(demo.root, tmp_path / "exported")
    aside = first_step(steps, "rename", exports / "cycle-1")
    assert crash(lambda: export_cycle(demo, "demo", 1), at_step=aside + 1).killed
    assert not (exports / "cycle-1").exists()
    CaseStore(demo.root)
    assert sorted(p.name for p in (exports / "cycle-1").iterdir()) == before
    assert hidden_leftovers(demo.root) == []


# --- erasure (item 15) ---------------------------------------------------------------------------------
def erased_lines(store: CaseStore, code: str) -> list[dict]:
    return [line for line in CaseStore(store.root).deletion_log() if line["case_code"] == code]


def test_an_erasure_killed_half_way_is_finished_and_logged_before_anything_is_shown(demo, template):
    code = demo.load("demo").code
    steps = steps_of(lambda: erase_case(demo, "demo", DAY)).steps
    reset(demo.root, template)
    removing = first_step(steps, "unlink")  # the case's files are going
    assert crash(lambda: erase_case(demo, "demo", DAY), at_step=removing + 3).killed
    assert "demo" not in CaseStore(demo.root).case_ids()  # the next start
    assert len(erased_lines(demo, code)) == 1
    assert [p.name for p in demo.cases_dir.iterdir()] == ["demo-ending"]
    assert hidden_leftovers(demo.root) == []


def test_a_films_erasure_killed_before_its_log_line_is_finished_and_logged_at_the_next_start(demo, template):
    code = demo.load("demo-ending").code
    steps = steps_of(lambda: erase_films(demo, "demo-ending", DAY)).steps
    reset(demo.root, template)
    removing = first_step(steps, "unlink")  # the films are going
    assert crash(lambda: erase_films(demo, "demo-ending", DAY), at_step=removing + 1).killed
    start = CaseStore(demo.root)
    case = start.load("demo-ending")
    assert not case.recordings and not case.clips and not case.moments
    assert not any((demo.case_folder("demo-ending") / name).exists() for name in ("recordings", "exports"))
    assert len(erased_lines(demo, code)) == 1
    assert [a["action"] for a in start.activity("demo-ending")].count("erased") == 1
    assert hidden_leftovers(demo.root) == []


def test_a_films_erasure_killed_just_after_its_log_line_is_not_logged_twice(demo, template):
    code = demo.load("demo-ending").code
    steps = steps_of(lambda: erase_films(demo, "demo-ending", DAY)).steps
    reset(demo.root, template)
    logged = first_step(steps, "open", demo.deletion_log_path) + 3  # open, write, fsync: the line is in
    assert crash(lambda: erase_films(demo, "demo-ending", DAY), at_step=logged).killed
    assert len(erased_lines(demo, code)) == 1
    assert [a["action"] for a in CaseStore(demo.root).activity("demo-ending")].count("erased") == 1


# --- creating a case (item 16) ---------------------------------------------------------------------------
def test_a_case_created_on_a_full_disk_leaves_no_folder(store, monkeypatch):
    make_case(store, "FAM-01")

    def no_space(path, data):
        raise StoreError("The disk is full, so saving did not happen. Free some space and try again.")

    monkeypatch.setattr(store_module, "write_json_atomically", no_space)
    with pytest.raises(StoreError, match="disk is full"):
        make_case(store, "FAM-02")
    assert len(list(store.cases_dir.iterdir())) == 1


def test_a_case_folder_a_crashed_creation_left_goes_at_the_next_start(store, tmp_path):
    shutil.copytree(store.root, tmp_path / "template")
    steps = steps_of(lambda: make_case(store, "FAM-02")).steps
    reset(store.root, tmp_path / "template")
    made = first_step(steps, "mkdir", store.cases_dir)
    assert crash(lambda: make_case(store, "FAM-02"), at_step=made + 3).killed
    assert list(store.cases_dir.iterdir()), "the crash left a folder"
    CaseStore(store.root)
    assert list(store.cases_dir.iterdir()) == []
