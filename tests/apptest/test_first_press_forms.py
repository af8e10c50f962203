"""A double click on a button that makes or removes something acts once (session.first_press):
goals for the future, backups and a family's copy. (The Exports page: test_export_pages.py.)"""

from __future__ import annotations

from pathlib import Path

from apptest.helpers import open_app
from conftest import make_case
from vig_core.services.jobs import JOBS
from vig_core.ui import session

ADD = "FormSubmitter:future-goal-Add goal for the future"


def forget_presses(at) -> None:
    """As if a few seconds had passed since the last press."""
    session.forget_presses()


def test_a_double_click_adds_a_goal_for_the_future_once_and_removes_one_goal(store):
    family = make_case(store).id
    at = open_app(family, "pages/ending.py")
    for _ in range(2):  # the second click of a double click still carries the same words
        at.text_input(key="future-goal-new").input("I keep listening first")
        at.button(key=ADD).click().run()
    assert store.load(family).ending.future_goals == ["I keep listening first"]
    forget_presses(at)
    at.text_input(key="future-goal-new").input("We read at bedtime")
    at.button(key=ADD).click().run()
    assert store.load(family).ending.future_goals == ["I keep listening first", "We read at bedtime"]

    forget_presses(at)
    at.button(key="remove-future-0").click().run()
    at.button(key="remove-future-0").click().run()  # the second click lands on the goal that moved up
    assert store.load(family).ending.future_goals == ["We read at bedtime"]


def test_a_double_click_starts_one_backup_and_one_family_copy(store, tmp_path: Path, monkeypatch):
    started: list[str] = []
    start = JOBS.start
    monkeypatch.setattr(JOBS, "start", lambda owner, label, work: started.append(owner) or start(owner, label, work))
    make_case(store)
    at = open_app(page="pages/settings.py")
    at.text_input(key="backup-folder").input(str(tmp_path)).run()
    at.text_input(key="export-folder").input(str(tmp_path)).run()
    at.checkbox(key="export-media").uncheck().run()
    for key, owner in (("backup-go", "settings"), ("export-case-go", "settings-export")):
        at.button(key=key).click().run()
        at.button(key=key).click().run()
        for job in JOBS.of(owner):
            JOBS.wait(job)
        at.run()
    assert started == ["settings", "settings-export"]
    assert len(list(tmp_path.glob("vig-workbook-backup-*.zip"))) == len(list(tmp_path.glob("*-family-copy-*"))) == 1
