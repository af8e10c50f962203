"""The one table of pages (vig_core/ui/routes.py): every route names a real page with its own
address, every page has a route, and no other module spells a page's file."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.source_util import page_icon_and_name

from conftest import ROOT
from vig_core.ui import routes

RAW_PAGE_PATH = re.compile(r"""["']pages/\w+\.py["']""")


def raw_page_paths(files: list[Path], root: Path = ROOT) -> list[str]:
    """Where a page's file is spelled outside routes.py, as "file:line"."""
    return [f"{path.relative_to(root)}:{n}" for path in files if path.name != "routes.py"
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if RAW_PAGE_PATH.search(line)]


def test_every_route_names_a_page_file_and_every_page_file_has_a_route():
    for route in routes.ALL_PAGES:
        assert (ROOT / route.file).is_file(), route
    assert {route.file for route in routes.ALL_PAGES} == {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}


def test_addresses_and_titles_are_unique_and_the_ones_streamlit_would_infer():
    paths = [route.url_path for route in routes.ALL_PAGES]
    assert len(set(paths)) == len(paths)
    assert all(page_icon_and_name(ROOT / route.file)[1] == route.url_path for route in routes.ALL_PAGES)
    titles = [route.title for route in routes.ALL_PAGES]
    assert len(set(titles)) == len(titles)
    client_titles = [route.client_title for route in routes.CLIENT_PAGES]
    assert len(set(client_titles)) == len(client_titles)


def test_client_view_shows_only_the_familys_shared_work_opening_on_the_conversation():
    assert routes.CLIENT_HOME is routes.CLIENT_PAGES[0] is routes.CONVERSATION
    private = {routes.CASELOAD, routes.SETTINGS, routes.CASE, routes.CONSENT, routes.RECORDINGS,
               routes.ANALYSIS, routes.CLIPS, routes.EXPORTS}
    assert not private & set(routes.CLIENT_PAGES)
    assert routes.case_query("c1") == {"case": "c1"} and routes.case_query(None) == {}


def test_no_page_widget_or_app_spells_a_page_file():
    files = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "vig_core").rglob("*.py")]
    assert raw_page_paths(files) == []


def test_the_scanner_finds_a_page_file_spelled_by_hand(tmp_path):
    by_hand, by_route = tmp_path / "by_hand.py", tmp_path / "routes.py"
    by_hand.write_text('session.go_to(routes.CLIPS)\nst.page_link("pages/clips.py", label="Go")\n', encoding="utf-8")
    by_route.write_text('CLIPS = Route("pages/clips.py", "Clips", ":material/movie:")\n', encoding="utf-8")
    assert raw_page_paths([by_hand, by_route], tmp_path) == ["by_hand.py:2"]
