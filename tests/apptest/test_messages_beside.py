"""A message shows beside the control that caused it, not at the top of a long page
(Questionnaires, Exports, Settings, Ending), where it would be off screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from apptest.helpers import open_app, unescaped
from apptest.test_review_pages import client_view
from conftest import make_case
from vig_core.case.questionnaires import TimePoint
from vig_core.exports.save import Format
from vig_core.services.demo import ensure_demo_case
from vig_core.services.jobs import JOBS


def elements(node) -> list:
    """The page's elements in the order they are on screen."""
    children = getattr(node, "children", None)
    if not children:
        return [node]
    return [leaf for child in children.values() for leaf in elements(child)]


def beside(at, key: str, kind: str = "error") -> list[str]:
    """The messages of ``kind`` right after the control ``key``: before the next control."""
    shown, nodes = [], elements(at.main)
    start = next(n for n, e in enumerate(nodes) if getattr(e, "key", None) == key)
    for element in nodes[start + 1:]:
        if element.type == kind:
            shown.append(unescaped(element.value))
        elif getattr(element, "key", None):
            break
    return shown


def anywhere(at, kind: str = "error") -> list[str]:
    return [unescaped(e.value) for e in elements(at.main) + elements(at.sidebar) if e.type == kind]


@pytest.fixture
def family(store):
    return make_case(store, "FAM-30", "Ada", carer_name="Jo").id


def test_a_wemwbs_total_out_of_range_is_said_beside_its_own_save_button(store, family):
    at = open_app(family, "pages/questionnaires.py")
    at.button(key="save-total-wemwbs-baseline").click().run()
    assert beside(at, "save-total-wemwbs-baseline") == ["Type the total first."]
    at.number_input(key="total-wemwbs-baseline").set_value(80).run()
    at.button(key="save-total-wemwbs-baseline").click().run()
    [said] = beside(at, "save-total-wemwbs-baseline")
    assert "from 14 to 70, not 80" in said and anywhere(at) == [said]  # once, and only there
    at.number_input(key="total-wemwbs-baseline").set_value(41).run()
    at.button(key="save-total-wemwbs-baseline").click().run()
    assert not anywhere(at)  # the old message went with the mistake
    assert any("total saved" in m for m in beside(at, "save-total-wemwbs-baseline", "success"))


def test_adding_a_definition_without_a_file_is_said_beside_the_button(store, family):
    at = open_app(family, "pages/questionnaires.py")
    at.button(key="add-instrument").click().run()
    assert beside(at, "add-instrument") == ["Choose a definition file first."]


def test_finishing_with_questions_left_is_said_beside_finish_in_client_view(store, data_dir, family):
    client_view(data_dir, family)
    at = open_app(page="pages/questionnaires.py")
    at.button(key="open-parent-check-in").click().run()
    administration = store.load(family).administration("parent-check-in", TimePoint.BASELINE)
    at.radio(key=f"answer-{administration.id}-enjoy").set_value(4).run()
    for _ in range(5):
        at.button(key="question-next").click().run()
    at.button(key="questionnaire-finish").click().run()
    [said] = beside(at, "questionnaire-finish")
    assert "questions are still unanswered" in said and anywhere(at) == [said]


def test_an_export_problem_and_its_success_are_said_beside_the_export_button(store, tmp_path: Path):
    demo = ensure_demo_case(store)
    at = open_app(demo, "pages/exports.py")
    at.radio(key="out-format").set_value(Format.CSV).run()
    at.text_input(key="out-folder").input(str(tmp_path / "nowhere")).run()
    at.button(key="out-go").click().run()
    [said] = beside(at, "out-go")
    assert said.startswith("There is no folder at") and anywhere(at) == [said]
    at.text_input(key="out-folder").input(str(tmp_path)).run()
    at.button(key="out-go").click().run()
    assert beside(at, "out-go", "success")[0].startswith("Saved 6 files in")


def test_the_supervision_pack_being_made_and_done_is_said_beside_the_export_button(store, tmp_path: Path):
    demo = ensure_demo_case(store)
    at = open_app(demo, "pages/exports.py")
    at.radio(key="out-format").set_value(Format.SUPERVISION).run()
    at.text_input(key="out-folder").input(str(tmp_path)).run()
    at.button(key="out-go").click().run()
    shown = beside(at, "out-go", "success")
    for job in JOBS.of(f"exports-{demo}"):
        JOBS.wait(job)
    at.run()  # the progress panel notices the end and shows it beside the button
    assert "Making the supervision pack: done." in shown + beside(at, "out-go", "success")


def test_settings_say_each_problem_beside_its_own_control(store, tmp_path: Path):
    make_case(store)
    at = open_app(page="pages/settings.py")
    at.text_input(key="backup-folder").input(str(tmp_path / "missing")).run()
    at.button(key="backup-go").click().run()
    [said] = beside(at, "backup-go")
    assert said.startswith("There is no folder at") and anywhere(at) == [said]
    at.checkbox(key="restore-sure").check().run()
    at.button(key="restore-go").click().run()
    assert beside(at, "restore-go") == ["Type where the backup file is first."]
    at.text_input(key="export-folder").input(str(tmp_path / "missing")).run()
    at.button(key="export-case-go").click().run()
    assert beside(at, "export-case-go")[0].startswith("There is no folder at")
    at.text_input(key="pass-new").input("short")
    at.text_input(key="pass-repeat").input("short")
    at.button(key="FormSubmitter:passphrase-Save the passphrase").click().run()
    [said] = beside(at, "FormSubmitter:passphrase-Save the passphrase")
    assert "at least" in said and anywhere(at) == [said]


def test_an_empty_goal_for_the_future_is_said_beside_its_button(store, family):
    at = open_app(family, "pages/ending.py")
    at.button(key="FormSubmitter:future-goal-Add goal for the future").click().run()
    [said] = beside(at, "FormSubmitter:future-goal-Add goal for the future")
    assert "goal for the future" in said.lower() and anywhere(at) == [said]
    assert store.load(family).ending.future_goals == []
