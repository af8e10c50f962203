"""Recordings' film picker (issue 21): a film in a fake home is listed and imported without typing."""

from __future__ import annotations

import pytest

from apptest.helpers import messages, open_app, screen_text
from apptest.test_film_pages import finish_jobs, tab_texts
from media_fixtures import make
from vig_core.services.demo import ensure_demo_case
from vig_core.services.jobs import JOBS
from vig_core.storage import places
from vig_core.storage.places import Place, distinct_places
from vig_core.ui.film_picker import _digest


@pytest.fixture
def demo(store):
    return ensure_demo_case(store)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fake home with a Videos folder holding one film, a sub-folder with another and a link out."""
    home = tmp_path / "home"
    videos = home / "Videos"
    (videos / "visits").mkdir(parents=True)
    make("h264_aac.mp4", videos)
    make("no_audio.mp4", videos / "visits")
    (tmp_path / "elsewhere").mkdir()
    outside = make("vp9_opus.webm", tmp_path / "elsewhere")
    (videos / "other.webm").symlink_to(outside)
    monkeypatch.setattr(places, "usual_places", lambda: distinct_places([Place("Videos", videos)], skip=[]))
    return home.resolve()


def import_button(case_id: str, path) -> str:
    return f"pick-import-{_digest(path)}-{case_id}"


def test_the_picker_lists_a_film_of_the_fake_home_and_imports_it_without_typing(store, demo, home, monkeypatch):
    import vig_core.ui.session as session_module

    at = open_app(demo, "pages/recordings.py")
    shown = screen_text(at)
    assert "h264_aac.mp4" in shown and "no_audio.mp4" in shown and "vp9_opus.webm" not in shown
    assert "Videos › visits" in shown and str(home) not in shown  # nothing above the place is shown
    assert "0:02" in shown  # its length, probed
    assert len(at.image) == 2 and "A still from “h264_aac.mp4”" in str([i.proto for i in at.image])  # a still each
    owner = f"import-local-{demo}"
    at.button(key=import_button(demo, home / "Videos" / "h264_aac.mp4")).click().run()
    at.button(key=import_button(demo, home / "Videos" / "h264_aac.mp4")).click().run()  # a double click
    assert len(JOBS.of(owner)) <= 1 and not at.exception
    assert any("done" in m for m in finish_jobs(at, owner, "success"))
    assert [r.original_name for r in store.load(demo).recordings].count("h264_aac.mp4") == 1
    assert not list((home / "Videos").glob("*.png"))  # no still written beside the film

    monkeypatch.setattr(session_module, "REPEAT_SECONDS", 0.0)
    at.button(key=import_button(demo, home / "Videos" / "h264_aac.mp4")).click().run()
    (question,) = tab_texts(at, "warning")[1]  # the same film again: asked first
    assert question.startswith("“h264_aac.mp4” was already imported on")
    at.button(key=f"import-again-yes-local-{demo}").click().run()
    finish_jobs(at, owner, "success")
    assert [r.original_name for r in store.load(demo).recordings].count("h264_aac.mp4") == 2


def test_browsing_opens_a_folder_goes_up_and_says_when_a_film_has_gone(store, demo, home):
    at = open_app(demo, "pages/recordings.py")
    at.selectbox(key=f"pick-where-{demo}").select("Videos").run()
    assert "no_audio.mp4" not in screen_text(at)  # only what is directly in Videos
    at.button(key=f"pick-open-{_digest(home / 'Videos' / 'visits')}-{demo}").click().run()
    assert "no_audio.mp4" in screen_text(at) and "h264_aac.mp4" not in screen_text(at)
    film = home / "Videos" / "visits" / "no_audio.mp4"
    film.unlink()  # deleted after it was listed
    at.button(key=import_button(demo, film)).click().run()
    assert any("could not be found any more" in m for m in messages(at)) and not JOBS.of(f"import-local-{demo}")
    at.button(key=f"pick-up-{demo}").click().run()
    assert at.button(key=f"pick-up-{demo}").disabled and "h264_aac.mp4" in screen_text(at)
