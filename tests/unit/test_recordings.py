"""A system error met while importing a film is told without the path it carries. Importing
films themselves (every kind, every broken kind) is in tests/integration/test_recordings.py."""

from __future__ import annotations

from pathlib import Path


def upload_folder(store, case_id) -> list[Path]:
    return sorted((store.case_folder(case_id) / "uploads").glob("*"))


def test_a_system_error_is_told_without_the_path_it_carries():
    from vig_core.storage.files import plain_os_error

    error = OSError("cannot write /data/cases/5ab407d7c3ed/uploads/9f3e.mp4")
    told = str(plain_os_error(error, "receiving the upload"))
    assert "5ab407d7c3ed" not in told and told.startswith("Receiving the upload did not happen")
    assert str(plain_os_error(OSError(5, "Input/output error", "/data/x"), "saving")) == \
        "Saving did not happen: Input/output error."


def test_a_recording_kept_before_issue_21_loads_as_h264_and_a_summary_says_what_was_done():
    from datetime import datetime

    from vig_core.case.film import Recording
    from vig_core.services.recordings import import_summary
    from vig_core.storage.codec import from_record, to_record

    old = to_record(Recording("r1", 1, "Visit", "visit.mov", datetime(2026, 1, 5, 10), "recordings/r1/film.mp4",
                              60.0, 30.0, 1920, 1080, True, how="converted for the browser: hevc video"))
    del old["video_codec"], old["import_seconds"]
    recording = from_record(Recording, old)
    assert recording.video_codec == "h264" and not recording.kept_hevc
    assert import_summary(recording) == "done (converted for the browser: hevc video)"
    recording.import_seconds, recording.video_codec = 75.2, "hevc"
    assert recording.kept_hevc and import_summary(recording).startswith("done in 1 min 15 s (")
