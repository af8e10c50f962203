"""Every download a page offers is named with the case code and the date, never a bare
``strengths-record.html`` that clashes with another family's in a Downloads folder."""

from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from apptest.helpers import open_app
from vig_core.services.demo import ENDING_DEMO_FILE, ensure_demo_case


@pytest.fixture
def downloads(monkeypatch) -> list[str]:
    """The file names of the downloads the pages offer (Streamlit keeps them with the download's bytes)."""
    names: list[str] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self, data, mimetype, kind, filename=None):
        if filename:
            names.append(filename)
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
    return names


@pytest.mark.parametrize("page, what", [("pages/strengths.py", "strengths-record.html"),
                                        ("pages/ending.py", "celebration-summary.html"),
                                        ("pages/outcomes.py", "scores.csv")])
def test_each_download_holds_the_case_code_and_the_date(store, downloads, page, what):
    case_id = ensure_demo_case(store, spec_file=ENDING_DEMO_FILE)
    open_app(case_id, page)
    stem, suffix = what.rsplit(".", 1)
    assert f"DEMO-2-fictional-{stem}-{date.today().isoformat()}.{suffix}" in downloads, downloads
    assert all(re.match(r"DEMO-2-fictional-|example-definition", name) for name in downloads), downloads
