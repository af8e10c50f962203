"""The browser's answer about HEVC decides whether an imported phone film is kept or converted, and the
import's message says which, and how long it took (issue 21). Headless Chromium cannot decode HEVC,
so the browser's answer is simulated here."""

from __future__ import annotations

import pytest

from apptest.helpers import open_app, send_component_state
from media_fixtures import make
from tests.apptest.test_film_pages import demo, finish_jobs  # noqa: F401 - the demo fixture
from vig_core.services.recordings import import_recording
from vig_core.ui.browser_video import KEY, SESSION_KEY
from vig_core.ui.hevc_notice import NOT_HERE, owner
from vig_core.ui.media import ANALYSIS_RECORDING_KEY


def import_phone_film(at, case_id: str, tmp_path):
    film = make("phone hevc rotated é.mov", tmp_path)
    at.text_input(key=f"local-path-{case_id}").input(str(film)).run()
    at.button(key=f"import-local-{case_id}").click().run()
    assert not at.exception
    return finish_jobs(at, f"import-local-{case_id}", "success")


@pytest.mark.parametrize(("plays", "codec", "said"), [
    (True, "hevc", "kept the phone's HEVC picture: your browser plays it"),
    (False, "h264", "converted for the browser: hevc video"),
])
def test_the_browsers_answer_decides_and_the_message_says_what_happened(store, demo, tmp_path,  # noqa: F811
                                                                       plays, codec, said):
    at = open_app(demo, "pages/recordings.py")
    at = send_component_state(at, KEY, {"plays": plays})
    assert at.session_state[SESSION_KEY] is plays

    shown = import_phone_film(at, demo, tmp_path)

    (new,) = [r for r in store.load(demo).recordings if r.original_name.startswith("phone hevc")]
    assert new.video_codec == codec
    assert any(said in m and ": done" in m for m in shown), shown


def test_a_browser_that_has_not_answered_yet_gets_the_h264_copy(store, demo, tmp_path):  # noqa: F811
    at = open_app(demo, "pages/recordings.py")
    import_phone_film(at, demo, tmp_path)
    (new,) = [r for r in store.load(demo).recordings if r.original_name.startswith("phone hevc")]
    assert new.video_codec == "h264"


def kept_film(store, demo, tmp_path) -> str:  # noqa: F811 - demo is the fixture's value
    recording = import_recording(store, demo, 1, make("phone hevc rotated é.mov", tmp_path), browser_plays_hevc=True)
    store.update(demo, lambda c: c.add_clip(recording.id, 0.5, 1.5))
    return recording.id


def test_a_kept_film_in_a_browser_that_cannot_play_hevc_says_so_and_converts_instead_of_a_black_player(
        store, demo, tmp_path):  # noqa: F811
    rid = kept_film(store, demo, tmp_path)
    at = open_app(demo, "pages/analysis.py")
    at.session_state[ANALYSIS_RECORDING_KEY] = rid
    at = send_component_state(at.run(), KEY, {"plays": False})
    assert not at.exception
    assert NOT_HERE in [i.value for i in at.info]
    assert not [e for e in at.main if getattr(e, "key", None) == f"player-{rid}"]  # no player to stay black

    at.button(key=f"convert-{rid}").click().run()
    finish_jobs(at, owner(demo, rid), "success")
    assert store.load(demo).recording(rid).video_codec == "h264"
    assert NOT_HERE not in [i.value for i in at.info]
    assert [e for e in at.main if getattr(e, "key", None) == f"player-{rid}"]


def test_a_kept_film_in_a_browser_that_plays_hevc_gets_its_player(store, demo, tmp_path):  # noqa: F811
    rid = kept_film(store, demo, tmp_path)
    at = open_app(demo, "pages/analysis.py")
    at.session_state[ANALYSIS_RECORDING_KEY] = rid
    at = send_component_state(at.run(), KEY, {"plays": True})
    assert NOT_HERE not in [i.value for i in at.info]
    assert [e for e in at.main if getattr(e, "key", None) == f"player-{rid}"]


def test_the_clips_page_says_so_under_each_clip_of_a_kept_film_and_asks_the_browser_once(
        store, demo, tmp_path):  # noqa: F811
    rid = kept_film(store, demo, tmp_path)
    store.update(demo, lambda c: c.add_clip(rid, 1.0, 1.9))
    at = open_app(demo, "pages/clips.py")
    at = send_component_state(at, KEY, {"plays": False})

    assert not at.exception
    assert [i.value for i in at.info].count(NOT_HERE) == 2
    assert [b.key for b in at.button if (b.key or "").startswith(f"convert-{rid}")] == [
        f"convert-{rid}-clip-{c.id}" for c in store.load(demo).clips if c.recording_id == rid]
