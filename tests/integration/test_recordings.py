"""Importing films into a case: every kind works, every broken kind leaves nothing behind."""

from __future__ import annotations

import errno
import io
import itertools
import json
import os
import shutil
import sys
import threading
from datetime import date, datetime
from pathlib import Path

import av
import pytest

from conftest import make_case
from media_fixtures import BROKEN, CREATED_UTC, STILL, make
from vig_core.case.cycles import Stage
from vig_core.errors import StoreError, ValidationError
from vig_core.media.ffmpeg import ffmpeg_exe
from vig_core.media.probe import MediaError, probe
from vig_core.services import recordings
from vig_core.services.jobs import JOBS
from vig_core.services.recordings import (
    already_imported,
    file_fingerprint,
    films_in_folder,
    fingerprint_of,
    import_recording,
    imported_before,
    receive_upload,
    refuse_while_importing,
    remove_recording,
    start_import,
)


def recording_folders(store, case_id) -> list[Path]:
    return sorted((store.case_folder(case_id) / "recordings").glob("*"))


def frame_times(path: Path) -> list[float]:
    with av.open(str(path)) as container:
        return [float(f.time) for f in container.decode(video=0)]


@pytest.mark.parametrize("kind, size, mode, seconds", [
    ("phone hevc rotated é.mov", (240, 320), "converted", 2.0),
    ("moov_at_end.mp4", (320, 240), "copied", 2.0),
    ("vfr.mp4", (320, 240), "converted", 2.0),
    ("very_short.mp4", (320, 240), "copied", 0.2),
])
def test_import_records_an_upright_playable_copy_in_the_case_folder(store, case_id, films, kind, size, mode,
                                                                    seconds):
    source = make(kind, films)
    seen: list[float] = []
    recording = import_recording(store, case_id, 1, source, on_progress=seen.append)

    case = store.load(case_id)
    assert case.recordings == [recording] and recording.cycle == 1
    assert recording.original_name == kind and recording.title == Path(kind).stem
    assert mode in recording.how
    path = store.media_path(case_id, recording.playable)
    assert path.is_file() and path.is_relative_to(store.case_folder(case_id))
    assert path.stat().st_mode & 0o077 == 0 and path.parent.stat().st_mode & 0o077 == 0
    info = probe(path)
    assert (info.width, info.height) == size == (recording.width, recording.height)
    assert info.video_codec == "h264" and info.rotation == 0
    assert recording.duration == pytest.approx(seconds, abs=1 / 30 + 0.03)  # a frame, plus AAC priming
    assert seen[-1] == 1.0 and seen == sorted(seen)
    assert recording.original is None and [p.name for p in path.parent.iterdir()] == ["film.mp4"]


def test_an_uneven_frame_rate_becomes_even_so_frame_steps_are_exact(store, case_id, films):
    recording = import_recording(store, case_id, 1, make("vfr.mp4", films))
    times = frame_times(store.media_path(case_id, recording.playable))
    gaps = {round(b - a, 4) for a, b in itertools.pairwise(times)}
    assert recording.fps == 30 and gaps == {round(1 / 30, 4)}


@pytest.mark.parametrize("kind", BROKEN + STILL)
def test_unusable_files_leave_no_files_and_no_records(store, case_id, films, kind):
    with pytest.raises(MediaError) as raised:
        import_recording(store, case_id, 1, make(kind, films))
    assert "\n" not in str(raised.value)
    assert store.load(case_id).recordings == []
    assert recording_folders(store, case_id) == []


def test_a_full_disk_while_keeping_the_original_says_so_and_leaves_nothing(store, case_id, films, monkeypatch):
    real_open = recordings.new_private_file

    def filling_open(path, **kwargs):
        handle = real_open(path, **kwargs)
        if Path(path).name.startswith("original"):
            def write(_data):
                raise OSError(errno.ENOSPC, "No space left on device")
            handle.write = write
        return handle

    monkeypatch.setattr(recordings, "new_private_file", filling_open)
    with pytest.raises(StoreError, match="The disk is full, so keeping the original film did not happen"):
        import_recording(store, case_id, 1, make("h264_aac.mp4", films), keep_original=True)
    assert recording_folders(store, case_id) == [] and store.load(case_id).recordings == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_full_disk_while_ffmpeg_writes_says_so_and_leaves_nothing(store, case_id, films, monkeypatch, tmp_path):
    """The bundled ffmpeg itself meets a full disk: its output goes to /dev/full, where every write fails."""
    wrapper = tmp_path / "ffmpeg-on-a-full-disk"
    wrapper.write_text(f"#!{sys.executable}\nimport os, sys\nargs = sys.argv[1:]\nargs[-1] = '/dev/full'\n"
                       f"os.execv({ffmpeg_exe()!r}, [{ffmpeg_exe()!r}, *args])\n")
    wrapper.chmod(0o700)
    monkeypatch.setattr("vig_core.media.ffmpeg.ffmpeg_exe", lambda: str(wrapper))
    source = make("vp9_opus.webm", films)  # converted, so ffmpeg writes the whole film
    with pytest.raises(MediaError, match="The disk is full"):
        import_recording(store, case_id, 1, source)
    assert recording_folders(store, case_id) == [] and store.load(case_id).recordings == []


def test_keeping_the_original_streams_a_private_copy(store, case_id, films):
    source = make("vp9_opus.webm", films)
    recording = import_recording(store, case_id, 2, source, keep_original=True)
    original = store.media_path(case_id, recording.original)
    assert original.read_bytes() == source.read_bytes()
    assert original.stat().st_mode & 0o077 == 0


def test_no_filming_consent_means_no_import(store, films):
    case = make_case(store, "NOCONSENT")
    with pytest.raises(ValidationError, match="needs the consent “To be filmed”, which is not on record"):
        import_recording(store, case.id, 1, make("h264_aac.mp4", films))
    assert not (store.case_folder(case.id) / "recordings").exists()


def test_a_missing_file_or_cycle_is_refused_plainly(store, case_id, films):
    with pytest.raises(MediaError, match="There is no file"):
        import_recording(store, case_id, 1, films / "nowhere.mp4")
    with pytest.raises(Exception, match="no cycle 9"):
        import_recording(store, case_id, 9, make("h264_aac.mp4", films))


def test_removing_a_recording_deletes_its_files_moments_and_clips(store, case_id, films):
    recording = import_recording(store, case_id, 1, make("h264_aac.mp4", films))

    def code(case):
        moment = case.mark_moment(recording.id, 0.5)
        case.add_clip(recording.id, 0.0, 1.5, moment_id=moment.id)

    store.update(case_id, code)
    remove_recording(store, case_id, recording.id)
    case = store.load(case_id)
    assert (case.recordings, case.moments, case.clips) == ([], [], [])
    assert recording_folders(store, case_id) == []


def test_uploads_are_checked_by_type_and_written_privately(store, case_id):
    with pytest.raises(ValidationError, match="does not look like a film"):
        receive_upload(store, case_id, "notes.docx", io.BytesIO(b"x"))
    path = receive_upload(store, case_id, "Film 1 é.MOV", io.BytesIO(b"abc" * 1000))
    assert path.suffix == ".mov" and path.read_bytes() == b"abc" * 1000
    assert path.stat().st_mode & 0o077 == 0 and path.is_relative_to(store.case_folder(case_id))


def test_films_in_a_folder_are_listed_by_name(films):
    make("h264_aac.mp4", films)
    make("mjpeg.avi", films)
    names = [p.name for p in films_in_folder(films)]
    assert "h264_aac.mp4" in names and "mjpeg.avi" in names and names == sorted(names)
    assert all(not n.endswith(".m4a") for n in names)
    with pytest.raises(ValidationError, match="could not be read"):
        films_in_folder(films / "missing")


def upload_folder(store, case_id) -> list[Path]:
    return sorted((store.case_folder(case_id) / "uploads").glob("*"))


@pytest.mark.parametrize("kind", ["random.mp4", "png picture.mp4", "cover_picture.mp4", "empty.mp4"])
def test_an_uploaded_file_that_is_no_film_is_named_as_the_practitioner_named_it(store, case_id, films, kind):
    """Uploads are kept under a random name while they are imported: no message may show it."""
    with open(make(kind, films), "rb") as data:
        kept = receive_upload(store, case_id, "Yusuf_film.mp4", data)
    with pytest.raises(MediaError) as raised:
        import_recording(store, case_id, 1, kept, original_name="Yusuf_film.mp4")
    assert "“Yusuf_film.mp4”" in str(raised.value) and kept.stem not in str(raised.value)
    assert store.load(case_id).recordings == [] and recording_folders(store, case_id) == []


def test_a_copy_that_cannot_be_read_back_is_not_named_by_its_internal_name(store, case_id, films, monkeypatch):
    def garbage(args, target, duration, on_progress=None):
        Path(target).write_bytes(b"not a film at all" * 100)
        return target

    monkeypatch.setattr("vig_core.services.recordings.run_ffmpeg", garbage)
    with pytest.raises(MediaError) as raised:
        import_recording(store, case_id, 1, make("h264_aac.mp4", films), original_name="Yusuf_film.mp4")
    assert "film.mp4”" not in str(raised.value).replace("“Yusuf_film.mp4”", "")
    assert "Yusuf_film.mp4" in str(raised.value) and recording_folders(store, case_id) == []


def test_a_vanished_upload_is_not_named_by_its_internal_path(store, case_id, films):
    with open(make("h264_aac.mp4", films), "rb") as data:
        kept = receive_upload(store, case_id, "Yusuf_film.mp4", data)
    kept.unlink()
    with pytest.raises(MediaError) as raised:
        import_recording(store, case_id, 1, kept, original_name="Yusuf_film.mp4")
    assert "Yusuf_film.mp4" in str(raised.value) and kept.stem not in str(raised.value)
    assert str(store.root) not in str(raised.value)


def test_the_first_film_of_a_cycle_dates_its_filming(store, case_id, films):
    import_recording(store, case_id, 1, make("dated.mp4", films))
    assert store.load(case_id).cycle(1).filming_date == datetime.fromisoformat(CREATED_UTC).astimezone().date()
    import_recording(store, case_id, 2, make("dated apple.mov", films))
    assert store.load(case_id).cycle(2).filming_date == date(2026, 3, 21)


def test_a_film_without_a_date_is_dated_by_its_import(store, case_id, films):
    recording = import_recording(store, case_id, 1, make("h264_aac.mp4", films))
    assert store.load(case_id).cycle(1).filming_date == recording.imported_at.date()
    assert recording.filmed_on is None  # the film itself does not say


def test_a_filming_date_already_set_is_kept(store, case_id, films):
    store.update(case_id, lambda c: setattr(c.cycle(1), "filming_date", date(2026, 3, 1)))
    import_recording(store, case_id, 1, make("dated.mp4", films))
    assert store.load(case_id).cycle(1).filming_date == date(2026, 3, 1)


def test_a_film_dated_after_the_review_still_imports_and_leaves_the_date_open(store, case_id, films):
    store.update(case_id, lambda c: setattr(c.cycle(1), "review_date", date(2026, 3, 10)))
    import_recording(store, case_id, 1, make("dated.mp4", films))  # filmed 20 March: cannot precede the review
    case = store.load(case_id)
    assert case.recordings and case.cycle(1).filming_date is None


def test_after_an_import_the_timeline_puts_the_filming_before_the_review(store, case_id, films):
    from vig_core.case.timeline import timeline

    import_recording(store, case_id, 1, make("dated.mp4", films))
    store.update(case_id, lambda c: setattr(c.cycle(1), "review_date", date(2026, 4, 2)))
    titles = [e.title for e in timeline(store.load(case_id)) if e.on]
    assert titles.index("Cycle 1: filming") < titles.index("Cycle 1: shared review")


def test_the_same_file_is_recognised_however_it_arrives(store, case_id, films, tmp_path):
    source = make("h264_aac.mp4", films)
    recording = import_recording(store, case_id, 1, source)
    assert recording.fingerprint == file_fingerprint(source) == store.load(case_id).recordings[0].fingerprint
    with open(source, "rb") as data:
        uploaded = receive_upload(store, case_id, "renamed.mp4", data)
        assert fingerprint_of(data, source.stat().st_size) == recording.fingerprint
    assert file_fingerprint(uploaded) == recording.fingerprint
    question = already_imported(store.load(case_id), recording.fingerprint, "renamed.mp4")
    assert question == (f"“renamed.mp4” was already imported on {recording.imported_at:%d %b %Y} as “h264_aac” "
                        "(cycle 1). Import it again anyway?")
    assert already_imported(store.load(case_id), file_fingerprint(make("no_audio.mp4", films)), "x.mp4") is None


def test_a_long_film_differing_only_in_the_middle_is_another_file(tmp_path):
    size = 3 * 1024 * 1024
    one, two = bytearray(size), bytearray(size)
    two[size // 2] = 1
    assert fingerprint_of(io.BytesIO(one), size) != fingerprint_of(io.BytesIO(bytes(size + 1)), size + 1)
    assert fingerprint_of(io.BytesIO(one), size) == fingerprint_of(io.BytesIO(two), size)  # only its ends are read


def test_a_case_file_from_before_fingerprints_still_loads(store, case_id, films):
    import_recording(store, case_id, 1, make("h264_aac.mp4", films))
    path = store.case_folder(case_id) / "case.json"
    tables = json.loads(path.read_text())
    for row in tables["recordings"].values():
        del row["fingerprint"], row["filmed_on"]
    path.write_text(json.dumps(tables))
    (recording,) = store.load(case_id).recordings
    assert recording.fingerprint == "" and recording.filmed_on is None
    assert imported_before(store.load(case_id), "") is None


def test_a_second_import_of_the_same_file_is_refused_while_the_first_runs(store, case_id, films, monkeypatch):
    gate, started = threading.Event(), threading.Event()
    real = import_recording

    def slow(*args, **kwargs):
        started.set()
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr("vig_core.services.recordings.import_recording", slow)
    source = make("h264_aac.mp4", films)
    fingerprint = file_fingerprint(source)
    first = start_import(store, case_id, 1, source, name="visit.mp4", fingerprint=fingerprint, owner="o")
    try:
        started.wait(10)
        with pytest.raises(ValidationError, match="“visit.mp4” is being imported into this case already"):
            refuse_while_importing(case_id, fingerprint, "visit.mp4")
        with open(source, "rb") as data:
            upload = receive_upload(store, case_id, "visit.mp4", data)
        with pytest.raises(ValidationError, match="being imported into this case already"):
            start_import(store, case_id, 1, upload, name="visit.mp4", fingerprint=fingerprint, owner="o", uploaded=True)
        assert not upload.exists()  # the refused upload is not left behind
        refuse_while_importing("another-case", fingerprint, "visit.mp4")  # another case may have it
    finally:
        gate.set()
    JOBS.wait(first)
    assert first.state == "done" and len(store.load(case_id).recordings) == 1
    JOBS.forget(first)


def test_the_first_film_of_a_cycle_moves_a_case_at_the_initial_conversation_into_its_cycles(store, case_id, films):
    """Issue 17 item 8: filmed, analysed and reviewed without "Begin cycle 1" first."""
    assert store.load(case_id).stage is Stage.INITIAL
    import_recording(store, case_id, 1, make("moov_at_end.mp4", films))
    case = store.load(case_id)
    assert case.stage is Stage.CYCLES and case.step == "cycle 1: shared review"


def test_a_film_whose_name_is_not_utf8_is_named_with_a_replacement_character(store, case_id, films, tmp_path):
    """A name written on disk in another encoding comes to Python with lone surrogates (half characters)
    that no page can show: the record names it with � where a character could not be read."""
    odd = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9 visit.mp4"))
    shutil.copy(make("h264_aac.mp4", films), odd)
    recording = import_recording(store, case_id, 1, odd)
    assert (recording.original_name, recording.title) == ("caf\ufffd visit.mp4", "caf\ufffd visit")
    store.load(case_id).validate()
