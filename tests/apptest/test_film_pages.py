"""Recordings, micro-analysis and clips pages, driven headless on the demo case."""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest

from apptest.helpers import messages, open_app, screen_text, send_component_state, send_trigger, unescaped
from conftest import make_case
from media_fixtures import make
from vig_core.case.consent import ConsentKind
from vig_core.services.demo import ensure_demo_case
from vig_core.services.jobs import JOBS
from vig_core.services.uploads import TICKETS
from vig_core.ui.film_drop import ANSWERS_KEY
from vig_core.web.tokens import TOKENS


@pytest.fixture
def demo(store):
    return ensure_demo_case(store)


def finish_jobs(at, owner: str, kind: str = "error") -> list[str]:
    """Wait for the owner's background jobs; the messages (of ``kind``) shown meanwhile and after, each once."""
    seen = messages(at, kind)
    for job in JOBS.of(owner):
        JOBS.wait(job)
    at.run()
    assert not at.exception
    return list(dict.fromkeys(seen + messages(at, kind)))


def test_recordings_lists_the_demo_film_and_offers_both_ways_in(store, demo):
    at = open_app(demo, "pages/recordings.py")
    assert [t.value for t in at.title] == ["Recordings"]
    assert at.selectbox(key=f"rec-cycle-{demo}").value == 1  # new films go to the current cycle
    assert at.text_input(key=f"rec-title-{store.load(demo).recordings[0].id}").value.startswith("Building a tower")
    assert "5 moments" in screen_text(at)
    assert at.button(key=f"import-local-{demo}") and at.toggle(key="keep-originals").value is False


def test_import_from_this_computer_runs_in_the_background_and_lands(store, demo, tmp_path):
    film = make("phone hevc rotated é.mov", tmp_path)
    at = open_app(demo, "pages/recordings.py")
    at.selectbox(key=f"rec-cycle-{demo}").select(1)
    at.text_input(key=f"local-path-{demo}").input(str(tmp_path)).run()
    assert "phone hevc rotated é.mov" in at.selectbox(key=f"local-pick-{demo}").options
    at.selectbox(key=f"local-pick-{demo}").select(film.name)
    at.button(key=f"import-local-{demo}").click().run()
    assert not at.exception and not messages(at)
    assert any("done" in m for m in finish_jobs(at, f"import-local-{demo}", "success"))
    new = [r for r in store.load(demo).recordings if r.original_name == film.name]
    assert [(r.cycle, r.width, r.height) for r in new] == [(1, 240, 320)]


def test_a_broken_file_is_refused_in_one_sentence_and_leaves_nothing(store, demo, tmp_path):
    broken = make("random.mp4", tmp_path)
    at = open_app(demo, "pages/recordings.py")
    at.text_input(key=f"local-path-{demo}").input(str(broken)).run()
    at.button(key=f"import-local-{demo}").click().run()
    (error,) = finish_jobs(at, f"import-local-{demo}")
    assert "random.mp4" in error and "not a film the workbook can read" in error
    assert len(store.load(demo).recordings) == 1
    assert len(list((store.case_folder(demo) / "recordings").iterdir())) == 1


def test_a_missing_path_and_no_consent_are_explained(store, tmp_path):
    case = make_case(store)
    at = open_app(case.id, "pages/recordings.py")
    assert "no filming consent" in " ".join(messages(at, "warning"))
    assert not at.text_input  # no way to import without consent
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, date(2026, 1, 5)))
    at = open_app(case.id, "pages/recordings.py")
    at.text_input(key=f"local-path-{case.id}").input(str(tmp_path / "nope.mov")).run()
    at.button(key=f"import-local-{case.id}").click().run()
    assert any("There is no file at" in m for m in messages(at))


def tab_texts(at, kind: str = "error") -> list[list[str]]:
    """The alerts of ``kind`` in each of the two import tabs (Upload, From this computer)."""
    return [[unescaped(m.value) for m in getattr(tab, kind)] for tab in at.tabs]


def under_the_button(at, tab: int, button_key: str, text: str) -> bool:
    """Whether an alert holding ``text`` comes after the button in the tab (in the order drawn)."""
    order = [getattr(e, "key", None) or getattr(e, "value", None) for e in at.tabs[tab]]
    place = next(i for i, e in enumerate(order) if isinstance(e, str) and text in unescaped(e))
    return order.index(button_key) < place


def arrived(store, case_id: str, name: str, data: bytes) -> str:
    """A film sent through the upload route's service, as the drop zone's pieces do; its ticket."""
    upload = TICKETS.issue(store, case_id, name, len(data))
    piece = TICKETS.begin(upload.ticket, 0, len(data))
    with TICKETS.open_piece(piece) as handle:
        handle.write(data)
    TICKETS.end(piece, len(data), done=True)
    return upload.ticket


def drop(at, store, case_id: str, name: str, data: bytes):
    """The drop zone reports that ``name`` has arrived whole (its trigger ``done``)."""
    return send_trigger(at, f"film-drop-{case_id}", "done", {"id": "f1", "ticket": arrived(store, case_id, name, data)})


def test_the_upload_tab_is_a_drop_zone_that_asks_for_tickets_and_refuses_in_one_sentence(store, demo):
    at = open_app(demo, "pages/recordings.py")
    assert [e for e in at.tabs[0] if getattr(e, "key", None) == f"film-drop-{demo}"]
    assert "500 MB" not in screen_text(at) and not at.get("file_uploader")
    at = send_trigger(at, f"film-drop-{demo}", "want", {"files": [
        {"id": "a", "name": "visit.MOV", "size": 1000}, {"id": "b", "name": "notes.txt", "size": 10}]})
    answers = at.session_state[ANSWERS_KEY][f"film-drop-{demo}"]
    assert set(answers["a"]) == {"ticket"} and TICKETS.status(answers["a"]["ticket"])["size"] == 1000
    assert answers["b"] == {"error": "“notes.txt” does not look like a film (its type is “.txt”). "
                                     "Choose a video file such as .mp4, .mov, .webm or .avi."}
    TICKETS.discard(answers["a"]["ticket"])


def test_an_uploaded_picture_is_refused_under_the_drop_zone_naming_only_the_practitioners_file(store, demo, tmp_path):
    picture = make("png picture.mp4", tmp_path).read_bytes()
    at = open_app(demo, "pages/recordings.py")
    at = drop(at, store, demo, "Yusuf_film.mp4", picture)
    finish_jobs(at, f"import-upload-{demo}")
    (error,) = messages(at)  # once, and not at the top of the page
    assert tab_texts(at) == [[error], []]
    assert under_the_button(at, 0, f"film-drop-{demo}", "Yusuf_film.mp4")
    assert "“Yusuf_film.mp4” is a still picture, not a film" in error
    assert re.findall(r"[\w-]+\.mp4", error) == ["Yusuf_film.mp4"]  # no internal name beside it
    assert len(store.load(demo).recordings) == 1 and not list((store.case_folder(demo) / "uploads").glob("*"))


def test_a_dropped_film_is_imported_and_its_upload_removed(store, demo, tmp_path):
    at = open_app(demo, "pages/recordings.py")
    at = drop(at, store, demo, "visit 3.mp4", make("h264_aac.mp4", tmp_path).read_bytes())
    said = finish_jobs(at, f"import-upload-{demo}", "success")
    assert any(t.startswith("Importing “visit 3.mp4” into cycle 1: done") and t.endswith("(already H.264/AAC: "
               "copied into a fresh MP4).") for t in said), said
    assert [r.original_name for r in store.load(demo).recordings][-1] == "visit 3.mp4"
    assert not list((store.case_folder(demo) / "uploads").glob("*")) and len(TICKETS) == 0


def test_a_missing_path_is_said_under_its_own_button_and_goes_when_the_path_changes(store, demo, tmp_path):
    at = open_app(demo, "pages/recordings.py")
    at.text_input(key=f"local-path-{demo}").input(str(tmp_path / "nope.mov")).run()
    at.button(key=f"import-local-{demo}").click().run()
    assert [len(t) for t in tab_texts(at)] == [0, 1] and len(messages(at)) == 1
    assert under_the_button(at, 1, f"import-local-{demo}", "There is no file at")
    at.text_input(key=f"local-path-{demo}").input(str(tmp_path)).run()
    assert messages(at) == []


def test_a_second_press_while_importing_does_not_start_a_second_import(store, demo, tmp_path, monkeypatch):
    import vig_core.services.recordings as recordings
    import vig_core.ui.session as session_module

    gate, real = threading.Event(), recordings.import_recording
    monkeypatch.setattr(recordings, "import_recording", lambda *a, **k: (gate.wait(30), real(*a, **k))[1])
    film = make("h264_aac.mp4", tmp_path)
    at = open_app(demo, "pages/recordings.py")
    at.text_input(key=f"local-path-{demo}").input(str(film)).run()
    owner = f"import-local-{demo}"
    try:
        at.button(key=f"import-local-{demo}").click().run()
        at.button(key=f"import-local-{demo}").click().run()  # a double click
        assert len(JOBS.of(owner)) == 1 and messages(at) == []
        monkeypatch.setattr(session_module, "REPEAT_SECONDS", 0.0)  # a press much later, the import still running
        at.button(key=f"import-local-{demo}").click().run()
        assert len(JOBS.of(owner)) == 1
        (error,) = tab_texts(at)[1]
        assert error.startswith("“h264_aac.mp4” is being imported into this case already")
    finally:
        gate.set()
    finish_jobs(at, owner)
    assert [r.original_name for r in store.load(demo).recordings].count("h264_aac.mp4") == 1


def test_a_file_the_case_has_already_is_imported_again_only_when_asked(store, demo, tmp_path, monkeypatch):
    import vig_core.ui.session as session_module

    monkeypatch.setattr(session_module, "REPEAT_SECONDS", 0.0)
    film = make("h264_aac.mp4", tmp_path)
    at = open_app(demo, "pages/recordings.py")
    at.text_input(key=f"local-path-{demo}").input(str(film)).run()
    owner = f"import-local-{demo}"
    at.button(key=f"import-local-{demo}").click().run()
    finish_jobs(at, owner, "success")
    (first,) = [r for r in store.load(demo).recordings if r.original_name == film.name]

    at.button(key=f"import-local-{demo}").click().run()
    assert JOBS.of(owner) == []  # nothing started: asked first
    (question,) = tab_texts(at, "warning")[1]
    assert question == (f"“h264_aac.mp4” was already imported on {first.imported_at:%d %b %Y} as “h264_aac” "
                        "(cycle 1). Import it again anyway?")
    at.button(key=f"import-again-no-local-{demo}").click().run()
    assert tab_texts(at, "warning")[1] == [] and JOBS.of(owner) == []

    at.button(key=f"import-local-{demo}").click().run()
    at.button(key=f"import-again-yes-local-{demo}").click().run()
    finish_jobs(at, owner, "success")
    assert [r.original_name for r in store.load(demo).recordings].count("h264_aac.mp4") == 2


def test_an_upload_the_case_has_already_asks_before_a_duplicate(store, demo, tmp_path):
    data = make("h264_aac.mp4", tmp_path).read_bytes()
    at = open_app(demo, "pages/recordings.py")
    at = drop(at, store, demo, "visit.mp4", data)
    finish_jobs(at, f"import-upload-{demo}", "success")
    at = drop(at, store, demo, "visit copy.mp4", data)
    (question,) = tab_texts(at, "warning")[0]
    assert question.startswith("“visit copy.mp4” was already imported on") and "as “visit”" in question
    at.button(key=f"import-again-no-upload-{demo}").click().run()
    assert tab_texts(at, "warning")[0] == []
    assert not list((store.case_folder(demo) / "uploads").glob("*"))  # declined: the arrived copy is gone
    at = drop(at, store, demo, "visit copy.mp4", data)
    at.button(key=f"import-again-yes-upload-{demo}").click().run()
    finish_jobs(at, f"import-upload-{demo}", "success")
    assert [r.original_name for r in store.load(demo).recordings].count("visit copy.mp4") == 1
    assert not list((store.case_folder(demo) / "uploads").glob("*"))


def test_an_imported_film_dates_the_cycles_filming_and_the_date_stays_editable(store, tmp_path):
    case = make_case(store)
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, date(2026, 1, 5)))
    at = open_app(case.id, "pages/recordings.py")
    at.text_input(key=f"local-path-{case.id}").input(str(make("dated apple.mov", tmp_path))).run()
    at.button(key=f"import-local-{case.id}").click().run()
    finish_jobs(at, f"import-local-{case.id}", "success")
    assert "filmed 21 Mar 2026" in screen_text(at)
    at = open_app(case.id, "pages/case.py")
    box = at.date_input(key=f"film-{case.id}-1")
    assert box.value == date(2026, 3, 21)
    box.set_value(date(2026, 3, 22)).run()
    assert store.load(case.id).cycle(1).filming_date == date(2026, 3, 22)


def test_removing_a_recording_asks_first(store, demo):
    rid = store.load(demo).recordings[0].id
    at = open_app(demo, "pages/recordings.py")
    at.button(key=f"remove-{rid}").click().run()
    assert store.load(demo).recordings  # only asked so far
    at.button(key=f"remove-{rid}-yes").click().run()
    case = store.load(demo)
    assert case.recordings == [] and case.moments == [] and case.clips == []
    assert not (store.case_folder(demo) / "recordings" / rid).exists()


def test_analysis_plays_through_a_token_and_marks_at_the_player_time(store, demo):
    rid = store.load(demo).recordings[0].id
    at = open_app(demo, "pages/analysis.py")
    assert [t.value for t in at.title] == ["Micro-analysis"]
    playable = store.media_path(demo, store.load(demo).recordings[0].playable)
    (url,) = set(re.findall(r"/api/media/[\w-]+/[\w.-]+", screen_text(at)))  # the player's url
    token = url.split("/")[-2]
    assert url.startswith("/api/media/") and url.endswith(".mp4") and str(store.root) not in url
    assert TOKENS.resolve(token) == playable
    at = send_component_state(at, f"player-{rid}", {"time": 12.845})  # the player's report; less the 0.5 s offset
    at.button(key="mark-moment").click().run()
    assert not at.exception
    marked = [m for m in store.load(demo).moments if m.time == pytest.approx(12.32)]  # the frame at 12.345 s
    assert len(marked) == 1 and at.session_state["analysis_moment"] == marked[0].id


def test_a_jump_to_a_moment_is_not_undone_by_the_players_last_event(store, demo):
    case = store.load(demo)
    rid = case.recordings[0].id
    moment = case.moments_of(rid)[0]
    at = open_app(demo, "pages/analysis.py")
    at = send_component_state(at, f"player-{rid}", {"time": 20.0})
    assert at.session_state[f"position-{rid}"] == 20.0
    at.button(key=f"moment-{moment.id}").click().run()  # the player still reports 20 s
    assert at.session_state[f"position-{rid}"] == moment.time
    at = send_component_state(at, f"player-{rid}", {"time": 7.5})
    assert at.session_state[f"position-{rid}"] == 7.5


def test_coding_a_moment_and_stepping_frames(store, demo):
    case = store.load(demo)
    moment = case.moments_of(case.recordings[0].id)[0]
    at = open_app(demo, "pages/analysis.py")
    at.button(key=f"moment-{moment.id}").click().run()
    assert at.image, "the exact frame is shown"
    step = f"frame-step-{moment.id}"
    send_component_state(at, step, {"steps": {"mount": "m1", "net": 1, "presses": 1}})
    assert store.load(demo).moment(moment.id).time == pytest.approx(moment.time + 0.04)
    send_component_state(at, step, {"steps": {"mount": "m1", "net": -1, "presses": 3}})  # two presses back
    assert store.load(demo).moment(moment.id).time == pytest.approx(moment.time - 0.04)
    at.multiselect(key=f"principles-{moment.id}").set_value(["guiding"]).run()
    at.multiselect(key=f"behaviours-{moment.id}").set_value(["Scaffolding"]).run()
    at.selectbox(key=f"turn-{moment.id}").select("child: initiative").run()
    at.text_area(key=f"note-{moment.id}").input("<script>alert(1)</script> **kept verbatim**").run()
    at.checkbox(key=f"working-{moment.id}").check().run()
    saved = store.load(demo).moment(moment.id)
    assert (saved.principles, saved.behaviours, saved.turn, saved.working_point) == (
        ["guiding"], ["Scaffolding"], "child: initiative", True)
    assert saved.note == "<script>alert(1)</script> **kept verbatim**"
    at.button(key="clip-around").click().run()
    assert any(c.moment_id == moment.id for c in store.load(demo).clips[3:])


def test_clips_page_orders_titles_and_exports(store, demo):
    case = store.load(demo)
    first, second, third = case.chosen_clips(1)
    at = open_app(demo, "pages/clips.py")
    assert at.selectbox(key=f"clips-cycle-{demo}").value == 1  # the cycle that has clips
    assert len(at.image) == 6  # first and last frame of each clip
    at.button(key=f"down-{first.id}").click().run()
    assert [c.id for c in store.load(demo).chosen_clips(1)] == [second.id, first.id, third.id]
    at.checkbox(key=f"chosen-{third.id}").uncheck().run()
    assert [c.id for c in store.load(demo).chosen_clips(1)] == [second.id, first.id]
    at.text_input(key=f"out-{first.id}").input(str(first.start + 1)).run()
    assert any("shorter than 2 s" in m for m in messages(at, "warning"))
    at.button(key="export-clips").click().run()
    done = finish_jobs(at, demo, "success")
    assert any("Exporting the clips of cycle 1: done" in m for m in done), messages(at)
    exported = [c.exported for c in store.load(demo).chosen_clips(1)]
    assert all(exported) and all((store.case_folder(demo) / e).is_file() for e in exported)
