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
