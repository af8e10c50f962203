"""The shared review, strengths record and timeline, driven headless on the demo case."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from apptest.helpers import messages, open_app, screen_text
from apptest.test_film_pages import finish_jobs
from conftest import make_case
from vig_core.case.consent import ConsentKind
from vig_core.case.cycles import CycleStatus, Stage
from vig_core.services import clips as clip_export
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.settings import SettingsStore
from vig_core.web.tokens import TOKENS


@pytest.fixture
def demo(store):
    demo = ensure_demo_case(store)
    make_case(store, "FAM-22", "Zed", carer_name="Quentin")  # another family, never to be seen
    return demo


def client_view(data_dir, case_id: str) -> None:
    SettingsStore(data_dir).set("client_view_case", case_id)


def player_args(at) -> dict:
    (player,) = [e for e in at.get("component_instance") if e.key.startswith("review-player-")]
    return json.loads(player.proto.json_args)


def ready_review(at, demo: str):
    """The review page once its clips are cut (the first visit starts that in the background)."""
    assert any("Getting the clips ready: done" in m for m in finish_jobs(at, demo, "success"))
    return at


def test_a_whole_review_in_client_view_saves_words_ratings_and_closes_the_cycle(store, data_dir, demo):
    client_view(data_dir, demo)
    at = ready_review(open_app(page="pages/review.py"), demo)
    case = store.load(demo)
    clips = case.chosen_clips(1)
    shown = screen_text(at)
    for private in ("Practitioner only", case.practitioner_notes, "FAM-22", "Quentin", "Zed", "Edit the questions"):
        assert private not in shown
    assert not [b for b in at.button if b.key == "start-review"]
    assert player_args(at)["url"].endswith("/clip.mp4?play=0")  # the cut clip, not the whole film

    for step, clip in enumerate(clips):
        assert at.radio(key="review-step-demo-1").value == step
        at.text_area(key=f"words-{clip.id}-see").input(f"I see us together {step}").run()
        at.button(key="prompt-next").click().run()
        at.text_area(key=f"words-{clip.id}-difference").input("I waited").run()
        at.button(key="review-next").click().run()
    assert at.radio(key="review-step-demo-1").value == 3 and "To finish" in [s.value for s in at.subheader]

    goals = store.load(demo).active_goals
    for goal in goals:
        at.slider(key=f"rerate-1-{goal.id}").set_value(7)
    at.button(key="save-ratings").click().run()
    at.text_area(key="film-next-demo-1").input("Bath time").run()
    assert not [t for t in at.text_area if t.key.startswith("review-notes-")]
    at.button(key="close-cycle").click().run()
    at.button(key="close-cycle-yes").click().run()
    assert not at.exception and not messages(at)

    case = store.load(demo)
    assert [[r.words for r in case.reflections_of(c.id)] for c in clips] == [
        [f"I see us together {n}", "I waited"] for n in range(3)]
    assert all(r.prompt == "What do you see?" for r in case.reflections if r.prompt_id == "see")
    assert [(g.latest_rating.score, g.latest_rating.cycle) for g in case.goals] == [(7, 1), (7, 1)]
    assert case.cycle(1).status is CycleStatus.REVIEWED and case.cycle(1).film_next == "Bath time"
    assert case.step == "cycle 2: filming"
    assert any("Next: filming for cycle 2" in m for m in messages(at, "success"))
    assert not [b for b in at.button if b.key == "reopen-cycle"]  # undo is the practitioner's


def test_player_controls_follow_the_buttons_and_the_players_own_events(store, data_dir, demo):
    client_view(data_dir, demo)
    at = ready_review(open_app(page="pages/review.py"), demo)
    clip = store.load(demo).chosen_clips(1)[0]
    assert player_args(at)["playing"] is None  # nothing plays until asked
    at.button(key="review-play").click().run()
    assert player_args(at)["playing"] is True and at.button(key="review-play").label == "Pause"
    at.toggle(key="review-loop").set_value(True).run()
    at.radio(key="review-speed").set_value(0.25).run()
    args = player_args(at)
    assert args["loop"] is True and args["playbackRate"] == 0.25
    at.button(key="review-replay").click().run()
    assert player_args(at)["url"].endswith("?play=1")  # a new URL makes the player start again

    # The parent pauses with the player's own controls; the button follows.
    at.session_state[f"review-player-{clip.id}"] = {"name": "onPause", "data": None}
    at.run()
    assert at.button(key="review-play").label == "Play"
    at.session_state[f"review-player-{clip.id}"] = {"name": "onProgress", "data": {"playedSeconds": 1.5}}
    at.run()
    at.button(key="review-still-button").click().run()
    assert not at.get("component_instance") and len(at.image) == 1
    assert "0:01.48" in str(at.image[0].proto)  # the frame showing 1.5 s into the clip (25 fps)
    at.button(key="review-still-button").click().run()
    assert player_args(at)


def test_the_practitioner_keeps_private_notes_edits_questions_and_can_reopen(store, data_dir, demo):
    at = ready_review(open_app(demo, "pages/review.py"), demo)
    clip = store.load(demo).chosen_clips(1)[0]
    at.text_area(key=f"naming-{clip.id}").input("You waited for Mia").run()
    at.text_area(key=f"private-{clip.id}").input("Ask about sleep").run()
    saved = store.load(demo).clip(clip.id)
    assert (saved.naming, saved.private_note) == ("You waited for Mia", "Ask about sleep")

    at.text_area(key="prompt-lines").input("What makes you proud?\nWhat do you see?").run()
    at.button(key="save-prompts").click().run()
    assert at.markdown and "What makes you proud?" in screen_text(at)
    client_view(data_dir, demo)
    client = open_app(page="pages/review.py")
    assert "What makes you proud?" in screen_text(client) and "Ask about sleep" not in screen_text(client)
    SettingsStore(data_dir).set("client_view_case", None)

    at.button(key="restore-prompts").click().run()
    assert "What makes you proud?" not in screen_text(at)
    at.radio(key="review-step-demo-1").set_value(3).run()
    at.text_area(key="review-notes-demo-1").input("Went well; Sam tearful at clip 2").run()
    at.button(key="close-cycle").click().run()
    at.button(key="close-cycle-yes").click().run()
    at.button(key="reopen-cycle").click().run()
    case = store.load(demo)
    assert case.cycle(1).status is CycleStatus.FILMED and case.cycle(1).review_notes.startswith("Went well")


def test_a_malformed_prompt_file_is_named_and_the_shipped_questions_are_used(store, data_dir, demo):
    (data_dir / "prompts").mkdir()
    (data_dir / "prompts" / "shared-review.json").write_text('{"id": "shared-review", "title": "x", "prompts": []}')
    at = ready_review(open_app(demo, "pages/review.py"), demo)
    assert any("shared-review.json: “prompts” must be a list" in m for m in messages(at, "warning"))
    assert "What do you see?" in screen_text(at)


def test_strengths_record_only_with_consent_and_without_private_notes(store, data_dir, demo):
    clip = store.load(demo).chosen_clips(1)[0]
    store.update(demo, lambda c: (setattr(c.clip(clip.id), "private_note", "PRIVATE-NOTE"),
                                  setattr(c.clip(clip.id), "naming", "You waited for Mia")))
    at = open_app(demo, "pages/strengths.py")
    (_download,) = at.get("download_button")
    assert not at.exception and len(at.image) == 3
    assert "PRIVATE-NOTE" not in screen_text(at) and "You waited for Mia" in screen_text(at)

    store.update(demo, lambda c: c.consent.withdraw(ConsentKind.PARENT_KEEPS_CLIPS, date.today()))
    at = open_app(demo, "pages/strengths.py")
    assert any("not agreed to keep" in m for m in messages(at, "info")) and not at.get("download_button")
    client_view(data_dir, demo)
    at = open_app(page="pages/strengths.py")
    assert list(messages(at, "info")) == ["This page is not available yet."]


def test_timeline_in_client_view_shows_the_family_and_nothing_private(store, data_dir, demo):
    store.update(demo, lambda c: setattr(c.cycle(1), "review_notes", "PRIVATE-REVIEW"))
    client_view(data_dir, demo)
    at = open_app(page="pages/timeline.py")
    shown = screen_text(at)
    assert "Cycle 1: filming" in shown and "Cycle 2: shared review" in shown and "Goal ratings" in shown
    for private in ("PRIVATE-REVIEW", "FAM-22", "Quentin", store.load(demo).practitioner_notes):
        assert private not in shown


CLIENT_PAGES = ["pages/conversation.py", "pages/goals.py", "pages/questionnaires.py", "pages/review.py",
                "pages/strengths.py", "pages/outcomes.py", "pages/ending.py", "pages/timeline.py"]


@pytest.fixture
def issued(monkeypatch) -> list[Path]:
    """Every file a media URL (token) is issued for, while the test runs."""
    paths: list[Path] = []
    real = TOKENS.issue

    def issue(path, **kwargs):
        paths.append(Path(path).resolve())
        return real(path, **kwargs)

    monkeypatch.setattr(TOKENS, "issue", issue)
    return paths


@pytest.fixture
def slow_cutting(monkeypatch) -> Iterator[threading.Event]:
    """Cutting clip files waits until the test sets the returned event."""
    go = threading.Event()
    real = clip_export.cut_clip

    def cut(*args, **kwargs):
        go.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(clip_export, "cut_clip", cut)
    yield go
    go.set()


def test_client_view_never_gets_a_url_to_a_whole_recording(store, data_dir, demo, issued, slow_cutting):
    """Issue 17 item 6: before the clips were cut, the review played the whole film limited by a
    media fragment (``film.mp4#t=17,23``): the parent could scrub to what was left out."""
    client_view(data_dir, demo)
    case = store.load(demo)
    recordings = {store.media_path(demo, r.playable).resolve() for r in case.recordings}
    at = open_app(page="pages/review.py")
    for step in range(len(case.chosen_clips(1))):  # every clip while it is being cut
        assert at.radio(key="review-step-demo-1").value == step
        assert "Getting the clip ready" in screen_text(at)
        assert not [e for e in at.get("component_instance") if e.key.startswith("review-player-")]
        at.button(key="review-next").click().run()
    slow_cutting.set()
    assert any("Getting the clips ready: done" in m for m in finish_jobs(at, demo, "success"))
    at.radio(key="review-step-demo-1").set_value(0).run()
    assert player_args(at)["url"].endswith("/clip.mp4?play=0")
    at.button(key="review-still-button").click().run()
    assert len(at.image) == 1
    for page in CLIENT_PAGES:  # the other client pages: stills, strengths record, timeline, ending
        at.switch_page(page).run()
        assert not at.exception
    assert issued and not recordings & set(issued)
    assert all(path.is_relative_to(store.case_folder(demo) / "exports") for path in issued)


def test_closing_the_review_in_client_view_works_for_a_case_still_at_the_initial_conversation(store, data_dir, demo):
    """Issue 17 item 8: "begin cycle 1 on 'Where we are' first" said in client view, where that
    page cannot be reached."""
    store.update(demo, lambda c: c.set_stage(Stage.INITIAL, date.today()))
    client_view(data_dir, demo)
    at = ready_review(open_app(page="pages/review.py"), demo)
    at.radio(key="review-step-demo-1").set_value(3).run()
    at.button(key="close-cycle").click().run()
    at.button(key="close-cycle-yes").click().run()
    assert not at.exception and not messages(at)
    assert any("Next: filming for cycle 2" in m for m in messages(at, "success"))
    case = store.load(demo)
    assert case.stage is Stage.CYCLES and case.cycle(1).status is CycleStatus.REVIEWED


def test_the_still_is_the_frame_the_player_shows_when_pressed_even_looping_at_a_quarter_speed(store, data_dir, demo):
    """Issue 17 item 14: "The frame at 0:00.04" while the clip looped at ¼× near 5.9 s: the last
    progress event was from the start of a loop. The still follows the player's own time,
    read from its <video> when the button (or S) is pressed."""
    client_view(data_dir, demo)
    at = ready_review(open_app(page="pages/review.py"), demo)
    clip = store.load(demo).chosen_clips(1)[0]
    at.toggle(key="review-loop").set_value(True).run()
    at.radio(key="review-speed").set_value(0.25).run()
    at.button(key="review-play").click().run()
    at.session_state[f"review-player-{clip.id}"] = {"name": "onProgress", "data": {"playedSeconds": 0.04}}
    at.run()
    at.session_state[f"review-press-{clip.id}"] = {"press": {"n": "1", "t": 5.9}}  # what the player says
    at.button(key="review-still-button").click().run()
    assert "The frame at 0:05.88 into the clip" in str(at.image[0].proto)  # 5.9 s, on the 25 fps grid


def test_in_client_view_a_whole_recording_gets_no_url_even_if_a_page_asks(store, data_dir, demo, issued):
    """The rule behind the review: whatever a page asks for, client view hands out cut films only."""
    def page():
        import streamlit as st

        from vig_core.errors import VigError
        from vig_core.ui.media import media_url
        from vig_core.ui.session import store

        recording = store().load("demo").recordings[0]
        try:
            media_url("demo", recording.playable)
        except VigError as error:
            st.error(str(error))

    client_view(data_dir, demo)
    at = AppTest.from_function(page, default_timeout=30).run()
    assert [e.value for e in at.error] == ["In client view only the chosen clips can be played."] and issued == []
    SettingsStore(data_dir).set("client_view_case", None)
    at = AppTest.from_function(page, default_timeout=30).run()
    assert not at.error and len(issued) == 1  # the practitioner's own pages may play the recording
