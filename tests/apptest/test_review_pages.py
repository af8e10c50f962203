"""The shared review, strengths record and timeline, driven headless on the demo case."""

from __future__ import annotations

import json
from datetime import date

import pytest

from apptest.helpers import messages, open_app, screen_text
from apptest.test_film_pages import finish_jobs
from conftest import make_case
from vig_core.demo import ensure_demo_case
from vig_core.models import ConsentKind, CycleStatus
from vig_core.store import SettingsStore


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
    (download,) = at.get("download_button")
    assert not at.exception and len(at.image) == 3
    assert "PRIVATE-NOTE" not in screen_text(at) and "You waited for Mia" in screen_text(at)

    store.update(demo, lambda c: c.consent.withdraw(ConsentKind.PARENT_KEEPS_CLIPS, date.today()))
    at = open_app(demo, "pages/strengths.py")
    assert any("not agreed to keep" in m for m in messages(at, "info")) and not at.get("download_button")
    client_view(data_dir, demo)
    at = open_app(page="pages/strengths.py")
    assert [m for m in messages(at, "info")] == ["This page is not available yet."]


def test_timeline_in_client_view_shows_the_family_and_nothing_private(store, data_dir, demo):
    store.update(demo, lambda c: setattr(c.cycle(1), "review_notes", "PRIVATE-REVIEW"))
    client_view(data_dir, demo)
    at = open_app(page="pages/timeline.py")
    shown = screen_text(at)
    assert "Cycle 1: filming" in shown and "Cycle 2: shared review" in shown and "Goal ratings" in shown
    for private in ("PRIVATE-REVIEW", "FAM-22", "Quentin", store.load(demo).practitioner_notes):
        assert private not in shown
